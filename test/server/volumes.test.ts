/**
 * Volume lifecycle on the file driver, through the API: create (blank, from a snapshot, as a clone),
 * list, show, update, delete (with and without cascade), with the bytes checked on the real files.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import {
  assertContent,
  assertFault,
  assertZeros,
  createSnapshot,
  createVolume,
  deleteVolume,
  exists,
  fileSize,
  GiB,
  holdLocks,
  MiB,
  scribble,
  settle,
  snapshotFile,
  volumeAction,
  volumeFile,
} from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { waitGone, waitStatus } from "../helpers/wait";

const DELETE_REFUSED =
  "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing " +
  "and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated " +
  "from snapshots after volume transfer.";

forEachDialect("volumes lifecycle", (fx) => {
  it("creates a blank volume: 202 creating, then available on a sparse file of the requested size", async () => {
    const r = await fx.c.post("/v3/p1/volumes", {
      volume: { size: 1, name: "blank", description: "a blank one", metadata: { purpose: "test" } },
    });
    assert.equal(r.status, 202);
    const created = r.body.volume;
    assert.equal(created.status, "creating");
    assert.equal(created.size, 1);
    assert.equal(created.name, "blank");
    assert.equal(created.description, "a blank one");
    assert.deepEqual(created.metadata, { purpose: "test" });
    assert.equal(created.bootable, "false");
    assert.equal(created.snapshot_id, null);
    assert.equal(created.source_volid, null);
    assert.equal(created.volume_type, "__DEFAULT__");
    assert.equal(created.availability_zone, "nova");
    assert.equal(created.user_id, "alice");
    assert.deepEqual(created.attachments, []);
    assert.equal(created.links.find((l: any) => l.rel === "self").href, `${fx.s.url}/v3/p1/volumes/${created.id}`);

    const v = await waitStatus(fx.c, "volumes", "p1", created.id, "available");
    assert.equal(v.size, 1);
    assert.equal(v["os-vol-tenant-attr:tenant_id"], "p1");
    assert.ok(!("os-vol-host-attr:host" in v), "a member must not see the host");
    const asAdmin = await fx.admin.get(`/v3/p1/volumes/${created.id}`);
    assert.equal(asAdmin.status, 200);
    assert.equal(asAdmin.body.volume["os-vol-host-attr:host"], "testhost@file#file");

    const file = volumeFile(fx.s, created.id);
    const st = await fsp.stat(file);
    assert.equal(st.size, 1 * GiB);
    assert.ok(st.blocks * 512 < 16 * MiB, `the volume file should be sparse, ${st.blocks} blocks allocated`);
    await assertZeros(file, 0, MiB, "a new volume");
  });

  it("lists volumes (id, name, links) and their details", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1, name: "listed" });
    const list = await fx.c.get("/v3/p1/volumes");
    assert.equal(list.status, 200);
    const item = list.body.volumes.find((x: any) => x.id === v.id);
    assert.deepEqual(Object.keys(item).sort(), ["id", "links", "name"]);
    assert.equal(item.name, "listed");

    const detail = await fx.c.get("/v3/p1/volumes/detail");
    assert.equal(detail.status, 200);
    const d = detail.body.volumes.find((x: any) => x.id === v.id);
    assert.equal(d.status, "available");
    assert.equal(d.size, 1);
    assert.equal(d.bootable, "false");
    assert.equal(d["os-vol-tenant-attr:tenant_id"], "p1");

    const show = await fx.c.get(`/v3/p1/volumes/${v.id}`);
    assert.equal(show.status, 200);
    assert.deepEqual(show.body.volume, d);
  });

  it("updates name, description and metadata (metadata is replaced, not merged)", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1, name: "before", metadata: { a: "1", b: "2" } });
    const r = await fx.c.put(`/v3/p1/volumes/${v.id}`, {
      volume: { name: "after", description: "described", metadata: { c: "3" } },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.volume.name, "after");
    assert.equal(r.body.volume.description, "described");
    assert.deepEqual(r.body.volume.metadata, { c: "3" });
    assert.notEqual(r.body.volume.updated_at, null);

    const legacy = await fx.c.put(`/v3/p1/volumes/${v.id}`, { volume: { display_name: "legacy" } });
    assert.equal(legacy.status, 200);
    const show = await fx.c.get(`/v3/p1/volumes/${v.id}`);
    assert.equal(show.body.volume.name, "legacy");
    assert.equal(show.body.volume.description, "described", "fields not sent are kept");
    assert.deepEqual(show.body.volume.metadata, { c: "3" });
    assert.equal(show.body.volume.status, "available");
  });

  it("deletes a volume: 202, deleting while the manager works, then 404 and no file", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1 });
    const file = volumeFile(fx.s, v.id);
    assert.ok(await exists(file));
    const release = await holdLocks(fx.s, [v.id]);
    try {
      const r = await fx.c.delete(`/v3/p1/volumes/${v.id}`);
      assert.equal(r.status, 202);
      assert.equal(r.body, undefined);
      await settle();
      const during = await fx.c.get(`/v3/p1/volumes/${v.id}`);
      assert.equal(during.body.volume.status, "deleting");
      assert.ok(await exists(file), "the file stays until the manager deletes it");
      // A second delete finds the volume deleting and is refused.
      assertFault(await fx.c.delete(`/v3/p1/volumes/${v.id}`), 400, DELETE_REFUSED);
    } finally {
      await release();
    }
    await waitGone(fx.c, "volumes", "p1", v.id);
    assertFault(await fx.c.get(`/v3/p1/volumes/${v.id}`), 404, `Volume ${v.id} could not be found.`);
    assert.equal(await exists(file), false);
    assertFault(await fx.c.delete(`/v3/p1/volumes/${v.id}`), 404, `Volume ${v.id} could not be found.`);
  });

  it("refuses to delete a volume with snapshots, and deletes both with cascade", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1 });
    const snap = await createSnapshot(fx.c, "p1", v.id);
    assertFault(await fx.c.delete(`/v3/p1/volumes/${v.id}`), 400, DELETE_REFUSED);
    const still = await fx.c.get(`/v3/p1/volumes/${v.id}`);
    assert.equal(still.body.volume.status, "available");
    assert.ok(await exists(snapshotFile(fx.s, snap.id)));

    await deleteVolume(fx.c, "p1", v.id, "?cascade=true");
    assertFault(await fx.c.get(`/v3/p1/snapshots/${snap.id}`), 404, `Snapshot ${snap.id} could not be found.`);
    assert.equal(await exists(snapshotFile(fx.s, snap.id)), false);
    assert.equal(await exists(volumeFile(fx.s, v.id)), false);
  });

  it("creates from a snapshot: creating until the copy runs, size defaults to the snapshot's, never smaller", async () => {
    const src = await createVolume(fx.c, "p1", { size: 2, name: "src2" });
    const snap = await createSnapshot(fx.c, "p1", src.id);
    assert.equal(snap.size, 2);

    assertFault(
      await fx.c.post("/v3/p1/volumes", { volume: { snapshot_id: snap.id, size: 1 } }),
      400,
      "Invalid input received: Volume size '1'GB cannot be smaller than the snapshot size 2GB. " +
        "They must be >= original snapshot size.",
    );

    // The manager copies under the snapshot's lock: while we hold it, the new volume is creating.
    const release = await holdLocks(fx.s, [snap.id]);
    let id: string;
    try {
      const r = await fx.c.post("/v3/p1/volumes", { volume: { snapshot_id: snap.id } });
      assert.equal(r.status, 202);
      id = r.body.volume.id;
      assert.equal(r.body.volume.size, 2, "the size defaults to the snapshot's");
      assert.equal(r.body.volume.snapshot_id, snap.id);
      await settle();
      const during = await fx.c.get(`/v3/p1/volumes/${id}`);
      assert.equal(during.body.volume.status, "creating");
      // The snapshot is the source of a volume being created: it cannot go now.
      assertFault(await fx.c.delete(`/v3/p1/snapshots/${snap.id}`), 400, /Invalid snapshot: .*source of a volume being created/);
    } finally {
      await release();
    }
    const v = await waitStatus(fx.c, "volumes", "p1", id, "available");
    assert.equal(v.snapshot_id, snap.id);
    assert.equal(v.size, 2);
    assert.equal(await fileSize(volumeFile(fx.s, id)), 2 * GiB);
  });

  it("ends in error when the backend cannot create it, and an errored volume can be deleted", async () => {
    const src = await createVolume(fx.c, "p1", { size: 1 });
    const snap = await createSnapshot(fx.c, "p1", src.id);
    await fsp.unlink(snapshotFile(fx.s, snap.id)); // the backend lost the snapshot
    const r = await fx.c.post("/v3/p1/volumes", { volume: { snapshot_id: snap.id } });
    assert.equal(r.status, 202);
    const failed = await waitStatus(fx.c, "volumes", "p1", r.body.volume.id, "error");
    assert.equal(await exists(volumeFile(fx.s, failed.id)), false, "no half-made file is left");
    await deleteVolume(fx.c, "p1", failed.id);
    await deleteVolume(fx.c, "p1", src.id, "?cascade=true");
  });

  it("clones a volume: size defaults to the source's, never smaller, bootable is inherited", async () => {
    const src = await createVolume(fx.c, "p1", { size: 2, name: "clone-src" });
    const b = await volumeAction(fx.c, "p1", src.id, "os-set_bootable", { bootable: true });
    assert.equal(b.status, 200);
    assertFault(
      await fx.c.post("/v3/p1/volumes", { volume: { source_volid: src.id, size: 1 } }),
      400,
      "Invalid input received: Volume size '1'GB cannot be smaller than original volume size  2GB. " +
        "They must be >= original volume size.",
    );
    const clone = await createVolume(fx.c, "p1", { source_volid: src.id, name: "the-clone" });
    assert.equal(clone.size, 2);
    assert.equal(clone.source_volid, src.id);
    assert.equal(clone.bootable, "true");
    assert.equal(await fileSize(volumeFile(fx.s, clone.id)), 2 * GiB);

    const bigger = await createVolume(fx.c, "p1", { source_volid: src.id, size: 3 });
    assert.equal(bigger.size, 3);
    assert.equal(await fileSize(volumeFile(fx.s, bigger.id)), 3 * GiB);
  });

  it("carries data: a volume from a snapshot has the snapshot-time bytes, a clone the source's current bytes", async () => {
    const src = await createVolume(fx.c, "p1", { size: 1, name: "data-src" });
    const file = volumeFile(fx.s, src.id);
    const atSnapshot = await scribble(file, 1);
    const snap = await createSnapshot(fx.c, "p1", src.id);
    await assertContent(snapshotFile(fx.s, snap.id), atSnapshot, "the snapshot file");
    const now = await scribble(file, 1); // the writer goes on after the snapshot

    const fromSnap = await createVolume(fx.c, "p1", { snapshot_id: snap.id, size: 2 });
    const fromSnapFile = volumeFile(fx.s, fromSnap.id);
    assert.equal(await fileSize(fromSnapFile), 2 * GiB);
    await assertContent(fromSnapFile, atSnapshot, "volume from snapshot");
    await assertZeros(fromSnapFile, 1 * GiB, MiB, "the grown part of the volume from snapshot");
    await assertZeros(fromSnapFile, 2 * GiB - MiB, MiB, "the end of the volume from snapshot");

    const clone = await createVolume(fx.c, "p1", { source_volid: src.id });
    const cloneFile = volumeFile(fx.s, clone.id);
    assert.equal(await fileSize(cloneFile), 1 * GiB);
    await assertContent(cloneFile, now, "the clone");

    // The copies are independent of their sources.
    const later = await scribble(cloneFile, 1);
    await assertContent(file, now, "the source after the clone was written");
    await assertContent(cloneFile, later, "the clone after its own write");
    await assertContent(snapshotFile(fx.s, snap.id), atSnapshot, "the snapshot after the source was written");
  });

  it("keeps a volume's own data through update and a failed delete", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1 });
    const file = volumeFile(fx.s, v.id);
    const data = await scribble(file, 1);
    const snap = await createSnapshot(fx.c, "p1", v.id);
    assertFault(await fx.c.delete(`/v3/p1/volumes/${v.id}`), 400, DELETE_REFUSED);
    const r = await fx.c.put(`/v3/p1/volumes/${v.id}`, { volume: { name: "kept" } });
    assert.equal(r.status, 200);
    await assertContent(file, data, "volume after update and refused delete");
    await deleteVolume(fx.c, "p1", v.id, "?cascade=true");
    assert.equal(await exists(snapshotFile(fx.s, snap.id)), false);
  });
});
