/**
 * Manage and unmanage existing snapshots on the file driver, through the API: a file
 * `volume-<id>@<label>` in the backend's folder is listed as a manageable snapshot of that volume,
 * adopted (renamed to snapshot-<id>, its bytes kept, its size rounded up to whole GiB, the quota
 * following it), listed as already managed, unmanaged (the row and its quota go, the data stays
 * as `volume-<id>@snapshot-<id>`) and managed again; plus Cinder's faults and the quota limits.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Client } from "../helpers/client";
import { assertFault, backendDir, createSnapshot, createVolume, deleteSnapshot, exists, fileSize, GiB, MiB, readAt, snapshotAction, snapshotFile, writeAt } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { waitGone, waitStatus } from "../helpers/wait";
import { openDb } from "../../server/src/db/database";
import { insertSnapshot } from "../../server/src/db/repos/snapshots";
import { DIALECTS, startServer } from "../helpers/server";

const HOST = "testhost@file";

forEachDialect("manage existing snapshots", (fx) => {
  const list = (query: string, detail = false, version = "3.8", c: Client = fx.admin) =>
    c.get(`/v3/p1/manageable_snapshots${detail ? "/detail" : ""}?${query}`, { version });
  const manage = (snapshot: Record<string, unknown>, c: Client = fx.admin, url = "/v3/p1/os-snapshot-manage", project = "p1") =>
    c.post(url.replace("p1", project), { snapshot }, { version: "3.8" });
  const foreignFile = async (name: string, bytes: number, data?: Buffer): Promise<string> => {
    const f = path.join(backendDir(fx.s), name);
    await fsp.writeFile(f, "");
    await fsp.truncate(f, bytes);
    if (data) await writeAt(f, 4096, data);
    return f;
  };
  const usage = async (project: string) => {
    const q = (await fx.admin.get(`/v3/p1/os-quota-sets/${project}?usage=true`)).body.quota_set;
    return { snapshots: q.snapshots.in_use as number, gigabytes: q.gigabytes.in_use as number };
  };

  it("lists a foreign snapshot file, manages it keeping its bytes, unmanages it keeping the data, and manages it again", async () => {
    const vol = await createVolume(fx.admin, "p1");
    const data = Buffer.from("snapshot data written before it was managed");
    const foreign = await foreignFile(`volume-${vol.id}@nightly`, GiB + 3 * MiB, data);
    const before = await usage("p1");

    const listed = await list(`host=${HOST}`, true);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body["manageable-snapshots"].find((e: any) => e.reference["source-name"] === `volume-${vol.id}@nightly`),
      {
        reference: { "source-name": `volume-${vol.id}@nightly` },
        size: 2,
        safe_to_manage: true,
        source_reference: { "source-name": `volume-${vol.id}` },
        reason_not_safe: null,
        cinder_id: null,
        extra_info: null,
      },
    );

    const r = await manage({ volume_id: vol.id, ref: { "source-name": `volume-${vol.id}@nightly` }, name: "nightly", description: "d", metadata: { k: "v" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const s = r.body.snapshot;
    assert.equal(s.status, "creating");
    assert.equal(s.size, 1, "the volume's size until the driver has measured the object");
    assert.equal(s.name, "nightly");
    assert.deepEqual(s.metadata, { k: "v" });
    assert.equal(s.user_id, undefined, "the v2 view: no microversioned fields");

    const done = await waitStatus(fx.admin, "snapshots", "p1", s.id, "available");
    assert.equal(done.size, 2, "ceil(1 GiB + 3 MiB) = 2 GiB");
    assert.equal(await exists(foreign), false);
    assert.equal(await fileSize(snapshotFile(fx.s, s.id)), 2 * GiB);
    assert.deepEqual(await readAt(snapshotFile(fx.s, s.id), 4096, data.length), data);
    assert.deepEqual(await usage("p1"), { snapshots: before.snapshots + 1, gigabytes: before.gigabytes + 2 }, "the quota follows the object's size");

    const after = await list(`host=${HOST}`, true);
    assert.deepEqual(
      after.body["manageable-snapshots"].find((e: any) => e.reference["source-name"] === `snapshot-${s.id}`),
      {
        reference: { "source-name": `snapshot-${s.id}` },
        size: 2,
        safe_to_manage: false,
        source_reference: { "source-name": `volume-${vol.id}` },
        reason_not_safe: "already managed",
        cinder_id: s.id,
        extra_info: null,
      },
    );
    const summary = await list(`host=${HOST}`);
    assert.deepEqual(
      summary.body["manageable-snapshots"].find((e: any) => e.reference["source-name"] === `snapshot-${s.id}`),
      { reference: { "source-name": `snapshot-${s.id}` }, size: 2, safe_to_manage: false, source_reference: { "source-name": `volume-${vol.id}` } },
    );
    assertFault(
      await manage({ volume_id: vol.id, ref: { "source-name": `snapshot-${s.id}` } }),
      400,
      "Invalid snapshot: Unable to manage existing snapshot. The object is already managed",
    );
    assertFault(await manage({ volume_id: vol.id, ref: { "source-name": `volume-${vol.id}` } }), 400, /already managed/);

    const un = await snapshotAction(fx.admin, "p1", s.id, "os-unmanage", null);
    assert.equal(un.status, 202, JSON.stringify(un.body));
    await waitGone(fx.admin, "snapshots", "p1", s.id);
    const kept = path.join(backendDir(fx.s), `volume-${vol.id}@snapshot-${s.id}`);
    assert.equal(await exists(snapshotFile(fx.s, s.id)), false);
    assert.deepEqual(await readAt(kept, 4096, data.length), data, "the data stays on the backend");
    assert.deepEqual(await usage("p1"), before, "the quota is given back once");

    // Managed again, through the 3.8 path.
    const again = await manage({ volume_id: vol.id, ref: { "source-name": `volume-${vol.id}@snapshot-${s.id}` } }, fx.admin, "/v3/p1/manageable_snapshots");
    assert.equal(again.status, 202, JSON.stringify(again.body));
    await waitStatus(fx.admin, "snapshots", "p1", again.body.snapshot.id, "available");
    assert.equal(await exists(kept), false);
    await deleteSnapshot(fx.admin, "p1", again.body.snapshot.id);
    assert.deepEqual(await usage("p1"), before);
  });

  it("pages and sorts the list like the manageable volumes", async () => {
    const vol = await createVolume(fx.admin, "p1");
    for (const [label, mib] of [["a", 1], ["b", 1500], ["c", 10]] as const) await foreignFile(`volume-${vol.id}@${label}`, mib * MiB);
    const names = (r: any) => r.body["manageable-snapshots"].map((e: any) => e.reference["source-name"]).filter((n: string) => n.startsWith(`volume-${vol.id}@`));
    const marker = encodeURIComponent(JSON.stringify({ "source-name": `volume-${vol.id}@a` }));
    assert.deepEqual(names(await list(`host=${HOST}&sort=reference:asc&marker=${marker}`)), [`volume-${vol.id}@b`, `volume-${vol.id}@c`]);
    const bySize = names(await list(`host=${HOST}&sort=size:desc,reference:asc`));
    assert.deepEqual(bySize, [`volume-${vol.id}@b`, `volume-${vol.id}@a`, `volume-${vol.id}@c`]);
    assertFault(await list(`host=${HOST}&sort=name`), 400, "Invalid sort keys passed: name");
    assertFault(await list(`host=${HOST}&marker=${encodeURIComponent('{"source-name": "nothing"}')}`), 400, /marker not found/);
    const legacy = await fx.admin.get(`/v3/p1/os-snapshot-manage/detail?host=${HOST}`, { version: "3.0" });
    assert.equal(legacy.status, 200);
    for (const label of ["a", "b", "c"]) await fsp.unlink(path.join(backendDir(fx.s), `volume-${vol.id}@${label}`));
  });

  it("a reference the driver cannot adopt ends in error; a symbolic link is neither listed nor adopted", async () => {
    const vol = await createVolume(fx.admin, "p1");
    const other = await createVolume(fx.admin, "p1");
    await foreignFile(`volume-${other.id}@x`, MiB);
    const outside = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), "cb-snap-")), "secret");
    await fsp.writeFile(outside, "host file");
    await fsp.symlink(outside, path.join(backendDir(fx.s), `volume-${vol.id}@link`));
    const listed = await list(`host=${HOST}`, true);
    assert.equal(listed.body["manageable-snapshots"].some((e: any) => e.reference["source-name"] === `volume-${vol.id}@link`), false);

    for (const ref of [
      { "source-name": `volume-${vol.id}@link` },
      { "source-name": `volume-${other.id}@x` },
      { "source-name": "no-such-file" },
      { "source-name": `../volume-${vol.id}@x` },
      { "other-key": "x" },
      "just-a-string",
    ]) {
      const r = await manage({ volume_id: vol.id, ref });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      await waitStatus(fx.admin, "snapshots", "p1", r.body.snapshot.id, "error");
      await deleteSnapshot(fx.admin, "p1", r.body.snapshot.id);
    }
    assert.equal(await fsp.readFile(outside, "utf8"), "host file");
    assert.equal((await fsp.lstat(path.join(backendDir(fx.s), `volume-${vol.id}@link`))).isSymbolicLink(), true);
    assert.equal(await exists(path.join(backendDir(fx.s), `volume-${other.id}@x`)), true, "another volume's snapshot file is not taken");
  });

  it("answers Cinder's faults and changes nothing", async () => {
    const vol = await createVolume(fx.admin, "p1");
    const before = await usage("p1");
    const missing = "0b7f1d4e-3c52-4f2a-9d6e-8a1b2c3d4e5f";
    assertFault(await manage({ volume_id: missing, ref: { "source-name": "x" } }), 404, `Volume ${missing} could not be found.`);
    assertFault(await manage({ ref: { "source-name": "x" } }), 400, /'volume_id' is a required property/);
    assertFault(await manage({ volume_id: vol.id }), 400, /'ref' is a required property/);
    assertFault(await manage({ volume_id: vol.id, ref: {}, bogus: 1 }), 400, /Additional properties are not allowed/);
    const member = fx.s.client.as("alice:p1");
    assertFault(await manage({ volume_id: vol.id, ref: { "source-name": "x" } }, member), 403, "Policy doesn't allow snapshot_extension:snapshot_manage to be performed.");
    assertFault(await list(`host=${HOST}`, false, "3.8", member), 403, "Policy doesn't allow snapshot_extension:list_manageable to be performed.");
    assertFault(await list(`host=nohost@x`), 404, "Service cinder-volume could not be found on host nohost@x.");
    assertFault(await list(""), 400, "Invalid input received: Host field is missing.");
    assertFault(await list(`host=${HOST}`, false, "3.7"), 404);
    assert.deepEqual(await usage("p1"), before);
    const snaps = (await fx.admin.get("/v3/p1/snapshots?all_tenants=1")).body.snapshots.filter((x: any) => x.volume_id === vol.id);
    assert.deepEqual(snaps, [], "no snapshot row was made");

    const snap = await createSnapshot(fx.admin, "p1", vol.id);
    assertFault(await snapshotAction(member, "p1", snap.id, "os-unmanage", {}), 403, "Policy doesn't allow snapshot_extension:snapshot_unmanage to be performed.");
    assertFault(await snapshotAction(fx.admin, "p1", missing, "os-unmanage", {}), 404, `Snapshot ${missing} could not be found.`);
    assert.equal((await snapshotAction(fx.admin, "p1", snap.id, "os-reset_status", { status: "creating" })).status, 202);
    assertFault(
      await snapshotAction(fx.admin, "p1", snap.id, "os-unmanage", {}),
      400,
      "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.",
    );
    const still = await fx.admin.get(`/v3/p1/snapshots/${snap.id}`);
    assert.equal(still.body.snapshot.status, "creating");
    assert.equal((await snapshotAction(fx.admin, "p1", snap.id, "os-reset_status", { status: "available" })).status, 202);
    await deleteSnapshot(fx.admin, "p1", snap.id);
  });

  it("takes the snapshots and gigabytes quota as Cinder: refused at the API, or the snapshot in error when the object is larger", async () => {
    const admin = fx.c.as("admin:smq");
    const vol = await createVolume(admin, "smq");
    const put = (quota_set: Record<string, number>) => fx.admin.put(`/v3/p1/os-quota-sets/smq`, { quota_set });
    assert.equal((await put({ snapshots: 0, gigabytes: 10 })).status, 200);
    await foreignFile(`volume-${vol.id}@big`, 3 * GiB);
    const refused = await manage({ volume_id: vol.id, ref: { "source-name": `volume-${vol.id}@big` } }, admin, undefined, "smq");
    assert.equal(refused.status, 413, JSON.stringify(refused.body));
    assert.deepEqual(await usage("smq"), { snapshots: 0, gigabytes: 1 });

    // The API takes the volume's 1 GiB (2 in all); the object needs 2 more, over the limit of 2.
    assert.equal((await put({ snapshots: 10, gigabytes: 2 })).status, 200);
    const r = await manage({ volume_id: vol.id, ref: { "source-name": `volume-${vol.id}@big` } }, admin, undefined, "smq");
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitStatus(admin, "snapshots", "smq", r.body.snapshot.id, "error");
    assert.deepEqual(await usage("smq"), { snapshots: 1, gigabytes: 2 }, "the error snapshot holds what the API took");
    assert.equal(await exists(path.join(backendDir(fx.s), `volume-${vol.id}@big`)), true, "the object is left alone");
    await deleteSnapshot(admin, "smq", r.body.snapshot.id);
    assert.deepEqual(await usage("smq"), { snapshots: 0, gigabytes: 1 });

    assert.equal((await put({ gigabytes: 10 })).status, 200);
    const ok = await manage({ volume_id: vol.id, ref: { "source-name": `volume-${vol.id}@big` } }, admin, undefined, "smq");
    await waitStatus(admin, "snapshots", "smq", ok.body.snapshot.id, "available");
    assert.deepEqual(await usage("smq"), { snapshots: 1, gigabytes: 4 });
    assert.equal((await snapshotAction(admin, "smq", ok.body.snapshot.id, "os-unmanage", {})).status, 202);
    await waitGone(admin, "snapshots", "smq", ok.body.snapshot.id);
    assert.deepEqual(await usage("smq"), { snapshots: 0, gigabytes: 1 });
  });
});

for (const dialect of DIALECTS) {
  describe(`manage existing snapshots across a restart (${dialect})`, () => {
    it("a snapshot left creating by a manage adopts its object on restart; no new snapshot is taken", async () => {
      const a = await startServer(dialect);
      const admin = a.client.as("admin:p1");
      const vol = await createVolume(admin, "p1");
      const name = `volume-${vol.id}@before-crash`;
      const data = Buffer.from("the object's own bytes");
      const foreign = path.join(backendDir(a), name);
      await fsp.writeFile(foreign, "");
      await fsp.truncate(foreign, MiB);
      await writeAt(foreign, 4096, data);
      await a.stop();
      // What the API leaves when the process dies before the volume service has taken the cast.
      const id = "3c1f2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
      const db = openDb(a.db.url);
      try {
        await insertSnapshot(
          db.kysely,
          {
            id,
            project_id: "p1",
            user_id: "admin",
            volume_id: vol.id,
            status: "creating",
            progress: "0%",
            volume_size: 1,
            display_name: null,
            display_description: null,
            volume_type_id: vol.volume_type_id ?? null,
            encryption_key_id: null,
            consumes_quota: 1,
            group_snapshot_id: null,
            provider_location: null,
            created_at: "2026-01-01T00:00:00.000000",
            updated_at: null,
            task: JSON.stringify({ op: "manage", ref: { "source-name": name } }),
          },
          {},
        );
      } finally {
        await db.close();
      }
      const b = await startServer(dialect, {}, { dataDir: a.dataDir, db: a.db });
      try {
        await waitStatus(b.client.as("admin:p1"), "snapshots", "p1", id, "available");
        assert.equal(await exists(foreign), false);
        assert.deepEqual(await readAt(snapshotFile(b, id), 4096, data.length), data, "the adopted object, not a copy of the volume");
      } finally {
        await b.destroy();
      }
    });
  });
}
