/**
 * A server killed (SIGKILL) while a migration copies its volume: the restart removes the hidden
 * target (row and storage), and the source keeps its data, its host and its status, with
 * migration_status error; the quota equals the rows. On SQLite and PostgreSQL, with the server in
 * a child process and a volume big enough that its copy is still running when the test kills it.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb } from "../../server/src/db/database";
import { Client } from "../helpers/client";
import { assertContent, scribble } from "../helpers/lifecycle";
import { DIALECTS, makeDb, startChild, type ChildServer, type TestDb } from "../helpers/server";
import { waitFor, waitStatus } from "../helpers/wait";

const SIZE_GIB = 16;
const CONFIG = { backends: [
  { name: "a", driver: "file" },
  { name: "b", driver: "file" },
] };

for (const dialect of DIALECTS) {
  describe(`a migration killed with the server (${dialect})`, function () {
    this.timeout(180_000);
    let dataDir: string;
    let db: TestDb;
    const children: ChildServer[] = [];

    before(async () => {
      dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-migkill-"));
      db = await makeDb(dialect, dataDir);
    });
    after(async () => {
      for (const ch of children) if (ch.child.exitCode === null && ch.child.signalCode === null) await ch.kill("SIGKILL");
      await db.drop();
      await fsp.rm(dataDir, { recursive: true, force: true });
    });

    const file = (backend: string, id: string) => path.join(dataDir, "volumes", backend, `volume-${id}`);

    it("leaves the source intact and usable, with migration_status error, and no target", async () => {
      const first = await startChild({ dataDir, dbUrl: db.url, config: CONFIG });
      children.push(first);
      const admin = new Client(first.url).as("admin:p1");
      const r = await admin.post("/v3/p1/volumes", { volume: { size: SIZE_GIB } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const id = r.body.volume.id as string;
      const v = await waitStatus(admin, "volumes", "p1", id, "available");
      const host = v["os-vol-host-attr:host"] as string;
      const src = host.split("@")[1].split("#")[0];
      const dst = src === "a" ? "b" : "a";
      const pattern = await scribble(file(src, id), SIZE_GIB);

      const m = await admin.post(`/v3/p1/volumes/${id}/action`, { "os-migrate_volume": { host: `testhost@${dst}` } });
      assert.equal(m.status, 202, JSON.stringify(m.body));
      await waitFor(async () => ((await admin.get(`/v3/p1/volumes/${id}`)).body.volume.migration_status === "migrating" ? true : undefined), "the copy to run", 60_000);
      // While it copies: the target is neither listed nor counted, and the source cannot be deleted.
      const listed = await admin.get("/v3/p1/volumes/detail?all_tenants=1&with_count=true", { version: "3.45" });
      assert.deepEqual(listed.body.volumes.map((x: any) => x.id), [id]);
      assert.equal(listed.body.count, 1);
      const del = await admin.delete(`/v3/p1/volumes/${id}`);
      assert.equal(del.status, 400, JSON.stringify(del.body));
      assert.match(del.body.badRequest.message, /must not be migrating/);
      const quota = (await admin.get("/v3/p1/os-quota-sets/p1?usage=true")).body.quota_set;
      assert.equal(quota.volumes.in_use, 1);
      assert.equal(quota.gigabytes.in_use, SIZE_GIB);
      const targets = async () => (await fsp.readdir(path.join(dataDir, "volumes", dst))).filter((n) => n.startsWith("volume-"));
      await waitFor(async () => ((await targets()).length === 1 ? true : undefined), "the target's storage to be made", 60_000);
      assert.equal((await admin.get(`/v3/p1/volumes/${id}`)).body.volume.migration_status, "migrating", "still copying");
      assert.equal(await first.kill("SIGKILL"), null);

      const second = await startChild({ dataDir, dbUrl: db.url, config: CONFIG });
      children.push(second);
      const c2 = new Client(second.url).as("admin:p1");
      const after = await waitFor(async () => {
        const g = (await c2.get(`/v3/p1/volumes/${id}`)).body.volume;
        return g.migration_status === "error" ? g : undefined;
      }, "the interrupted migration to be reconciled");
      assert.equal(after.status, "available");
      assert.equal(after["os-vol-host-attr:host"], host);
      assert.equal(after["os-vol-mig-status-attr:name_id"], null);
      await assertContent(file(src, id), pattern, "the source after the restart");
      assert.deepEqual((await fsp.readdir(path.join(dataDir, "volumes", dst))).filter((n) => n.startsWith("volume-")), [], "the target's storage is gone");
      const conn = openDb(db.url);
      try {
        const rows = await conn.kysely.selectFrom("volumes").select(["id", "migration_status"]).execute();
        assert.deepEqual(rows.map((x) => x.id), [id], "the target's row is gone");
      } finally {
        await conn.close();
      }
      const quota2 = (await c2.get("/v3/p1/os-quota-sets/p1?usage=true")).body.quota_set;
      assert.equal(quota2.volumes.in_use, 1);
      assert.equal(quota2.gigabytes.in_use, SIZE_GIB);
      // Usable: it takes a snapshot, and a delete (migration_status error holds nothing).
      const s = await c2.post("/v3/p1/snapshots", { snapshot: { volume_id: id } });
      assert.equal(s.status, 202, JSON.stringify(s.body));
      await waitStatus(c2, "snapshots", "p1", s.body.snapshot.id, "available");
      assert.equal((await c2.delete(`/v3/p1/snapshots/${s.body.snapshot.id}`)).status, 202);
      await waitFor(async () => ((await c2.get(`/v3/p1/snapshots/${s.body.snapshot.id}`)).status === 404 ? true : undefined), "the snapshot gone");
      assert.equal((await c2.delete(`/v3/p1/volumes/${id}`)).status, 202, "an error migration does not hold a delete");
      await waitFor(async () => ((await c2.get(`/v3/p1/volumes/${id}`)).status === 404 ? true : undefined), "the volume gone");
      await second.kill("SIGTERM");
    });
  });
}
