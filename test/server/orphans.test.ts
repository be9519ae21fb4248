/**
 * Backend data the database does not know is kept, never deleted on start: a server started on an
 * EMPTY database (a restored old backup, a new PostgreSQL, a `--db` typo) over a data directory
 * full of volumes finds every file still there, lists them as manageable (not yet managed), adopts
 * them with manage keeping their bytes, and only `cinderblock admin orphans purge --yes` removes
 * what is left.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { admin } from "../../server/src/admin";
import type { Client } from "../helpers/client";
import { createSnapshot, createVolume, readAt, writeAt } from "../helpers/lifecycle";
import { DIALECTS, makeDb, startServer, type TestDb, type TestServer } from "../helpers/server";
import { backendDir, snapshotFile, volumeFile } from "../helpers/state";
import { waitStatus } from "../helpers/wait";

const HOST = "testhost@file";

async function exists(file: string): Promise<boolean> {
  return fsp.stat(file).then(
    () => true,
    () => false,
  );
}

/** `cinderblock admin ...` in this process, on the data directory and database given; its output lines. */
async function adminCli(args: string[], dataDir: string, db: TestDb): Promise<string[]> {
  const out: string[] = [];
  await admin([...args, "--data-dir", dataDir, "--db", db.url], (l) => out.push(l));
  return out.filter((l) => !l.startsWith("#"));
}

for (const dialect of DIALECTS) {
  describe(`orphaned backend data is quarantined, not deleted (${dialect})`, function () {
    this.timeout(60_000);
    let first: TestServer;
    let second: TestServer | undefined;
    let emptyDb: TestDb;
    const ids = { kept: "", adopted: "", snap: "" };
    const marks = {
      kept: Buffer.from("data of the volume that is purged at the end"),
      adopted: Buffer.from("data of the volume that is adopted again"),
    };

    before(async () => {
      first = await startServer(dialect);
      const c = first.client;
      ids.kept = (await createVolume(c, "p1", { size: 1, name: "kept" })).id;
      ids.adopted = (await createVolume(c, "p1", { size: 1, name: "adopted" })).id;
      await writeAt(volumeFile(first.dataDir, ids.kept), 4096, marks.kept);
      await writeAt(volumeFile(first.dataDir, ids.adopted), 4096, marks.adopted);
      ids.snap = (await createSnapshot(c, "p1", ids.adopted)).id;
      await first.stop();
      emptyDb =
        dialect === "sqlite"
          ? { url: `sqlite:${path.join(first.dataDir, "restored-from-old-backup.sqlite")}`, drop: async () => {} }
          : await makeDb(dialect, first.dataDir);
      second = await startServer(dialect, {}, { dataDir: first.dataDir, db: emptyDb });
    });
    after(async () => {
      await second?.stop();
      await emptyDb?.drop();
      await first?.destroy().catch(() => undefined);
    });

    it("a start on an empty database keeps every volume and snapshot file", async () => {
      for (const f of [volumeFile(first.dataDir, ids.kept), volumeFile(first.dataDir, ids.adopted), snapshotFile(first.dataDir, ids.snap)]) {
        assert.ok(await exists(f), `${path.basename(f)} was deleted on start`);
      }
      assert.deepEqual(await readAt(volumeFile(first.dataDir, ids.kept), 4096, marks.kept.length), marks.kept);
      assert.deepEqual(await readAt(snapshotFile(first.dataDir, ids.snap), 4096, marks.adopted.length), marks.adopted);
    });

    it("lists the unknown volume and snapshot files as manageable, not yet managed", async () => {
      const r = await second!.client.as("admin:p1").get(`/v3/p1/manageable_volumes/detail?host=${HOST}`, { version: "3.8" });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const by = new Map<string, any>(r.body["manageable-volumes"].map((e: any) => [e.reference["source-name"], e]));
      for (const name of [`volume-${ids.kept}`, `volume-${ids.adopted}`, `snapshot-${ids.snap}`]) {
        assert.deepEqual(by.get(name), { reference: { "source-name": name }, size: 1, safe_to_manage: true, reason_not_safe: null, cinder_id: null, extra_info: null }, name);
      }
    });

    it("manage adopts an orphaned volume file and an orphaned snapshot file, keeping their bytes", async () => {
      const c = second!.client.as("admin:p1");
      for (const [source, mark] of [[`volume-${ids.adopted}`, marks.adopted], [`snapshot-${ids.snap}`, marks.adopted]] as const) {
        const r = await c.post("/v3/p1/os-volume-manage", { volume: { host: HOST, ref: { "source-name": source } } }, { version: "3.8" });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        const v = await waitStatus(c, "volumes", "p1", r.body.volume.id, "available");
        assert.equal(v.size, 1);
        assert.deepEqual(await readAt(volumeFile(first.dataDir, v.id), 4096, mark.length), mark, source);
        assert.equal(await exists(path.join(backendDir(first.dataDir), source)), false);
      }
    });

    it("refuses to adopt the data of a snapshot the database knows", async () => {
      const c: Client = second!.client.as("admin:p1");
      const vol = (await c.get("/v3/p1/volumes")).body.volumes[0].id as string;
      const snap = await createSnapshot(c, "p1", vol);
      const r = await c.post("/v3/p1/os-volume-manage", { volume: { host: HOST, ref: { "source-name": `snapshot-${snap.id}` } } }, { version: "3.8" });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.badRequest.message, new RegExp(`snapshot ${snap.id}`));
      assert.ok(await exists(snapshotFile(first.dataDir, snap.id)));
    });

    it("`admin orphans list` shows what is left; `purge` deletes it only with --yes", async () => {
      await second!.stop();
      second = undefined;
      const kept = volumeFile(first.dataDir, ids.kept);
      assert.deepEqual(await adminCli(["orphans", "list"], first.dataDir, emptyDb), [`file  volume  ${ids.kept}  ${kept}`]);
      const dry = await adminCli(["orphans", "purge"], first.dataDir, emptyDb);
      assert.match(dry.join("\n"), /1 orphan\(s\) would be deleted; run again with --yes to delete them/);
      assert.ok(await exists(kept), "purge without --yes deletes nothing");
      const purged = await adminCli(["orphans", "purge", "--yes"], first.dataDir, emptyDb);
      assert.deepEqual(purged, [`purged file volume ${ids.kept}`]);
      assert.equal(await exists(kept), false);
      assert.deepEqual(await adminCli(["orphans", "list"], first.dataDir, emptyDb), []);
      const left = (await fsp.readdir(backendDir(first.dataDir))).filter((n) => !n.startsWith("."));
      assert.equal(left.length, 3, `the adopted volumes and the known snapshot stay: ${left.join(", ")}`);
    });
  });
}
