/**
 * A server killed (SIGKILL) while a backup is being made and while one is being restored, then
 * started again on the same data directory and database, does what Cinder's backup manager
 * init_host does (cinder/backup/manager.py _cleanup_incomplete_backup_operations): the backup
 * being made is `error` with its partial objects removed and its volume back to its former status;
 * the restored backup is `available` again and its volume `error_restoring`; a backup left
 * `deleting` is deleted. The quota in use equals the backup rows that hold it.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb } from "../../server/src/db/database";
import { Client } from "../helpers/client";
import { DIALECTS, makeDb, startChild, type ChildServer, type TestDb } from "../helpers/server";
import { ADMIN, volumeFile } from "../helpers/state";
import { waitFor, waitStatus } from "../helpers/wait";
import { MIB, waitBackup } from "./helpers";

const P = "pk";
/** Small chunks and a 2 GiB volume: a backup or a restore takes long enough to be caught running. */
const BACKUP = { driver: "posix", chunkSize: MIB, shaBlockSize: 64 * 1024 };

async function fill(file: string, mib: number): Promise<void> {
  const h = await fsp.open(file, "r+");
  try {
    for (let i = 0; i < mib; i++) await h.write(randomBytes(MIB), 0, MIB, i * 17 * MIB);
    await h.sync();
  } finally {
    await h.close();
  }
}

async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** The store's objects of one backup (posix: DATA_DIR/backups/<container>/backup_<id>...). */
async function objectsOf(dataDir: string, backupId: string): Promise<string[]> {
  const dir = path.join(dataDir, "backups", "volumebackups");
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(`backup_${backupId}`));
}

async function rows(url: string): Promise<Array<{ id: string; status: string; size: number; consumes_quota: number }>> {
  const db = openDb(url);
  try {
    return await db.kysely.selectFrom("backups").select(["id", "status", "size", "consumes_quota"]).where("project_id", "=", P).orderBy("id").execute();
  } finally {
    await db.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`backups and restores killed with the server (${dialect})`, function () {
    this.timeout(300_000);
    let dataDir: string;
    let db: TestDb;
    let server: ChildServer | undefined;
    let c: Client;

    async function start(): Promise<void> {
      server = await startChild({ dataDir, dbUrl: db.url, config: { backup: BACKUP } });
      c = new Client(server.url).as(`u:${P}`);
    }

    async function kill(): Promise<void> {
      assert.equal(await server!.kill("SIGKILL"), null);
      server = undefined;
    }

    before(async () => {
      dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-backupkill-"));
      db = await makeDb(dialect, dataDir);
    });
    after(async () => {
      if (server) await server.kill("SIGKILL");
      await db?.drop();
      if (dataDir) await fsp.rm(dataDir, { recursive: true, force: true });
    });

    async function volume(size: number, mib: number): Promise<string> {
      const r = await c.post(`/v3/${P}/volumes`, { volume: { size } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const id = (await waitStatus(c, "volumes", P, r.body.volume.id, "available")).id as string;
      if (mib) await fill(volumeFile(dataDir, id), mib);
      return id;
    }

    async function backupOf(volumeId: string): Promise<string> {
      const r = await c.post(`/v3/${P}/backups`, { backup: { volume_id: volumeId } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      return r.body.backup.id;
    }

    async function usage(): Promise<{ backups: number; gigabytes: number }> {
      const r = await new Client(server!.url).as(ADMIN).get(`/v3/admin/os-quota-sets/${P}?usage=true`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return { backups: r.body.quota_set.backups.in_use, gigabytes: r.body.quota_set.backup_gigabytes.in_use };
    }

    it("fails a backup cut short, puts back a restore cut short, and finishes a delete", async () => {
      await start();
      const vol = await volume(2, 24);
      const small = await volume(1, 1);
      const kept = await backupOf(vol);
      await waitBackup(c, P, kept, "available", 120_000);
      const doomed = await backupOf(small);
      await waitBackup(c, P, doomed, "available", 120_000);

      // 1. Killed while a backup is being made: its first chunks are in the store.
      const cut = await backupOf(vol);
      await waitFor(async () => ((await objectsOf(dataDir, cut)).length > 0 ? true : undefined), "the first chunks of the backup in the store", 60_000);
      assert.equal((await c.get(`/v3/${P}/backups/${cut}`)).body.backup.status, "creating");
      assert.equal((await c.get(`/v3/${P}/volumes/${vol}`)).body.volume.status, "backing-up");
      await kill();
      assert.ok((await objectsOf(dataDir, cut)).length > 0);

      await start();
      const failed = await waitBackup(c, P, cut, "error", 60_000);
      assert.ok(failed.fail_reason, JSON.stringify(failed));
      assert.deepEqual(await objectsOf(dataDir, cut), [], "the partial objects are removed");
      assert.equal((await c.get(`/v3/${P}/volumes/${vol}`)).body.volume.status, "available");

      // 2. Killed while a backup is being restored into an existing volume.
      const target = await volume(2, 0);
      const r = await c.post(`/v3/${P}/backups/${kept}/restore`, { restore: { volume_id: target } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      await waitFor(async () => {
        const b = (await c.get(`/v3/${P}/backups/${kept}`)).body.backup;
        return b.status === "restoring" && b.progress > 0 ? true : undefined;
      }, "the restore to be under way", 60_000);
      assert.equal((await c.get(`/v3/${P}/volumes/${target}`)).body.volume.status, "restoring-backup");
      await kill();

      // 3. A delete the crash cut short (the row says `deleting`, the objects are still there).
      assert.ok((await objectsOf(dataDir, doomed)).length > 0);
      const dbh = openDb(db.url);
      try {
        await dbh.kysely.updateTable("backups").set({ status: "deleting" }).where("id", "=", doomed).execute();
      } finally {
        await dbh.close();
      }

      await start();
      await waitBackup(c, P, kept, "available", 60_000);
      assert.equal((await c.get(`/v3/${P}/volumes/${target}`)).body.volume.status, "error_restoring");
      await waitFor(async () => ((await c.get(`/v3/${P}/backups/${doomed}`)).status === 404 ? true : undefined), "the deleting backup to be gone", 60_000);
      assert.deepEqual(await objectsOf(dataDir, doomed), []);
      assert.ok((await objectsOf(dataDir, kept)).length > 2, "the restored backup keeps its objects");

      // No backup is left transitional, and the quota in use is the rows that hold it.
      const all = await rows(db.url);
      assert.deepEqual(all.filter((b) => ["creating", "restoring", "deleting"].includes(b.status)), []);
      const holding = all.filter((b) => b.consumes_quota);
      assert.deepEqual(await usage(), { backups: holding.length, gigabytes: holding.reduce((n, b) => n + b.size, 0) });
      assert.deepEqual(await usage(), { backups: 1, gigabytes: 2 });

      // The backup that survived restores fine.
      const again = await c.post(`/v3/${P}/backups/${kept}/restore`, { restore: {} });
      assert.equal(again.status, 202, JSON.stringify(again.body));
      await waitStatus(c, "volumes", P, again.body.restore.volume_id, "available", 120_000);
      assert.equal(await sha256(volumeFile(dataDir, again.body.restore.volume_id)), await sha256(volumeFile(dataDir, vol)), "restored bytes differ");
      assert.equal(await server!.kill("SIGTERM"), 0);
      server = undefined;
    });
  });
}
