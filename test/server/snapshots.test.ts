/**
 * Snapshot lifecycle on the file driver: create (the snapshot file holds the volume's bytes at that
 * moment), list, detail, show, update, delete, and the admin actions os-reset_status and
 * os-force_delete.
 */
import assert from "node:assert/strict";
import {
  assertContent,
  assertFault,
  createSnapshot,
  createVolume,
  deleteSnapshot,
  exists,
  fileSize,
  GiB,
  holdLocks,
  scribble,
  settle,
  snapshotAction,
  snapshotFile,
  volumeAction,
  volumeFile,
} from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { waitGone, waitStatus } from "../helpers/wait";

const SNAPSHOT_DELETE_REFUSED =
  "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.";

forEachDialect("snapshots lifecycle", (fx) => {
  let vol: any;
  before(async () => {
    vol = await createVolume(fx.c, "p1", { size: 1, name: "origin" });
  });

  it("creates a snapshot: 202 creating, then available, its file a copy of the volume at that moment", async () => {
    const file = volumeFile(fx.s, vol.id);
    const before = await scribble(file, 1);
    const r = await fx.c.post("/v3/p1/snapshots", {
      snapshot: { volume_id: vol.id, name: "snap", description: "first", metadata: { k: "v" } },
    });
    assert.equal(r.status, 202);
    const created = r.body.snapshot;
    assert.equal(created.status, "creating");
    assert.equal(created.volume_id, vol.id);
    assert.equal(created.size, 1);
    assert.equal(created.name, "snap");
    assert.equal(created.description, "first");
    assert.deepEqual(created.metadata, { k: "v" });

    const snap = await waitStatus(fx.c, "snapshots", "p1", created.id, "available");
    assert.equal(snap["os-extended-snapshot-attributes:progress"], "100%");
    assert.equal(snap["os-extended-snapshot-attributes:project_id"], "p1");
    assert.equal(snap.user_id, "alice");
    assert.equal(snap.consumes_quota, true);
    assert.equal(await fileSize(snapshotFile(fx.s, created.id)), 1 * GiB);
    await assertContent(snapshotFile(fx.s, created.id), before, "the snapshot file");

    // Writing the volume afterwards leaves the snapshot alone.
    await scribble(file, 1);
    await assertContent(snapshotFile(fx.s, created.id), before, "the snapshot after the volume changed");
    const volNow = await fx.c.get(`/v3/p1/volumes/${vol.id}`);
    assert.equal(volNow.body.volume.status, "available", "a snapshot leaves the volume available");
  });

  it("stays creating while the manager is busy with the volume, and cannot be deleted then", async () => {
    const release = await holdLocks(fx.s, [vol.id]);
    let id: string;
    try {
      const r = await fx.c.post("/v3/p1/snapshots", { snapshot: { volume_id: vol.id } });
      assert.equal(r.status, 202);
      id = r.body.snapshot.id;
      await settle();
      const during = await fx.c.get(`/v3/p1/snapshots/${id}`);
      assert.equal(during.body.snapshot.status, "creating");
      assert.equal(during.body.snapshot["os-extended-snapshot-attributes:progress"], "0%");
      assertFault(await fx.c.delete(`/v3/p1/snapshots/${id}`), 400, SNAPSHOT_DELETE_REFUSED);
    } finally {
      await release();
    }
    await waitStatus(fx.c, "snapshots", "p1", id, "available");
    await deleteSnapshot(fx.c, "p1", id);
  });

  it("refuses a snapshot of a volume that is not available, with Cinder's message", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1 });
    const release = await holdLocks(fx.s, [v.id]);
    try {
      assert.equal((await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 })).status, 202);
      assertFault(
        await fx.c.post("/v3/p1/snapshots", { snapshot: { volume_id: v.id } }),
        400,
        `Invalid volume: Volume ${v.id} status must be available, in-use, but current status is: extending.`,
      );
      assertFault(
        await fx.c.post("/v3/p1/snapshots", { snapshot: { volume_id: v.id } }, { version: "3.65" }),
        400,
        `Invalid volume: Volume ${v.id} status must be available, but current status is: extending.`,
      );
    } finally {
      await release();
    }
    await waitStatus(fx.c, "volumes", "p1", v.id, "available");
    const list = await fx.c.get(`/v3/p1/snapshots?volume_id=${v.id}`);
    assert.deepEqual(list.body.snapshots, [], "no snapshot row was left behind");
  });

  it("lists snapshots (base fields), details and shows them", async () => {
    const snap = await createSnapshot(fx.c, "p1", vol.id, { name: "listed" });
    const list = await fx.c.get("/v3/p1/snapshots");
    assert.equal(list.status, 200);
    const item = list.body.snapshots.find((x: any) => x.id === snap.id);
    assert.ok(item);
    assert.equal(item.name, "listed");
    assert.equal(item.status, "available");
    assert.ok(!("os-extended-snapshot-attributes:project_id" in item), "the summary list has no extended attributes");

    const detail = await fx.c.get("/v3/p1/snapshots/detail");
    assert.equal(detail.status, 200);
    const d = detail.body.snapshots.find((x: any) => x.id === snap.id);
    assert.equal(d["os-extended-snapshot-attributes:project_id"], "p1");
    assert.equal(d.volume_id, vol.id);

    const show = await fx.c.get(`/v3/p1/snapshots/${snap.id}`);
    assert.equal(show.status, 200);
    assert.deepEqual(show.body.snapshot, d);

    const old = await fx.c.get(`/v3/p1/snapshots/${snap.id}`, { version: "3.40" });
    assert.ok(!("user_id" in old.body.snapshot), "user_id arrives with 3.41");
    assert.ok(!("consumes_quota" in old.body.snapshot), "consumes_quota arrives with 3.65");
  });

  it("updates name and description", async () => {
    const snap = await createSnapshot(fx.c, "p1", vol.id, { name: "old", description: "old d" });
    const r = await fx.c.put(`/v3/p1/snapshots/${snap.id}`, { snapshot: { name: "new", description: "new d" } });
    assert.equal(r.status, 200);
    assert.equal(r.body.snapshot.name, "new");
    assert.equal(r.body.snapshot.description, "new d");
    assert.equal(r.body.snapshot.status, "available");

    const legacy = await fx.c.put(`/v3/p1/snapshots/${snap.id}`, { snapshot: { display_name: "legacy" } });
    assert.equal(legacy.status, 200);
    const show = await fx.c.get(`/v3/p1/snapshots/${snap.id}`);
    assert.equal(show.body.snapshot.name, "legacy");
    assert.equal(show.body.snapshot.description, "new d");
  });

  it("deletes a snapshot: 202, deleting while the manager works, then 404 and no file", async () => {
    const snap = await createSnapshot(fx.c, "p1", vol.id);
    const file = snapshotFile(fx.s, snap.id);
    assert.ok(await exists(file));
    const release = await holdLocks(fx.s, [snap.id]);
    try {
      const r = await fx.c.delete(`/v3/p1/snapshots/${snap.id}`);
      assert.equal(r.status, 202);
      await settle();
      const during = await fx.c.get(`/v3/p1/snapshots/${snap.id}`);
      assert.equal(during.body.snapshot.status, "deleting");
      assertFault(await fx.c.delete(`/v3/p1/snapshots/${snap.id}`), 400, SNAPSHOT_DELETE_REFUSED);
    } finally {
      await release();
    }
    await waitGone(fx.c, "snapshots", "p1", snap.id);
    assert.equal(await exists(file), false);
    assert.ok(await exists(volumeFile(fx.s, vol.id)), "the volume file stays");
    assertFault(await fx.c.delete(`/v3/p1/snapshots/${snap.id}`), 404, `Snapshot ${snap.id} could not be found.`);
  });

  it("os-reset_status is admin only and sets any snapshot status", async () => {
    const snap = await createSnapshot(fx.c, "p1", vol.id);
    assertFault(
      await snapshotAction(fx.c, "p1", snap.id, "os-reset_status", { status: "error" }),
      403,
      "Policy doesn't allow volume_extension:snapshot_admin_actions:reset_status to be performed.",
    );
    const r = await snapshotAction(fx.admin, "p1", snap.id, "os-reset_status", { status: "error" });
    assert.equal(r.status, 202);
    assert.equal(r.body, undefined);
    assert.equal((await fx.c.get(`/v3/p1/snapshots/${snap.id}`)).body.snapshot.status, "error");
    // An errored snapshot is deletable by its owner.
    await deleteSnapshot(fx.c, "p1", snap.id);
    assert.equal(await exists(snapshotFile(fx.s, snap.id)), false);
  });

  it("os-force_delete is admin only and deletes whatever the status", async () => {
    const snap = await createSnapshot(fx.c, "p1", vol.id);
    assert.equal((await snapshotAction(fx.admin, "p1", snap.id, "os-reset_status", { status: "error_deleting" })).status, 202);
    assertFault(await fx.c.delete(`/v3/p1/snapshots/${snap.id}`), 400, SNAPSHOT_DELETE_REFUSED);
    assertFault(
      await snapshotAction(fx.c, "p1", snap.id, "os-force_delete", {}),
      403,
      "Policy doesn't allow volume_extension:snapshot_admin_actions:force_delete to be performed.",
    );
    const r = await snapshotAction(fx.admin, "p1", snap.id, "os-force_delete", {});
    assert.equal(r.status, 202);
    await waitGone(fx.c, "snapshots", "p1", snap.id);
    assert.equal(await exists(snapshotFile(fx.s, snap.id)), false);
  });

  it("hides another project's snapshots", async () => {
    const snap = await createSnapshot(fx.c, "p1", vol.id);
    const other = fx.c.as("bob:p2");
    assertFault(await other.get(`/v3/p2/snapshots/${snap.id}`), 404, `Snapshot ${snap.id} could not be found.`);
    assertFault(await other.delete(`/v3/p2/snapshots/${snap.id}`), 404);
    assertFault(await other.post("/v3/p2/snapshots", { snapshot: { volume_id: vol.id } }), 404, `Volume ${vol.id} could not be found.`);
    assert.deepEqual((await other.get("/v3/p2/snapshots")).body.snapshots, []);
  });
});
