/**
 * Volume actions (cinder/api/contrib/volume_actions.py, admin_actions.py, v3/volumes.py revert):
 * os-extend, os-reset_status, os-force_delete, os-set_bootable, os-update_readonly_flag and revert,
 * with their status walks and Cinder's refusals, and the bytes checked on the real files.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import {
  assertContent,
  assertFault,
  assertZeros,
  createSnapshot,
  createVolume,
  deleteSnapshot,
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

const extendTooSmall = (current: number, extended: number) =>
  `Invalid input received: New size for extend must be greater than current size. (current: ${current}, extended: ${extended}).`;

forEachDialect("volume actions", (fx) => {
  describe("os-extend", () => {
    it("walks available → extending → available, grows the file and keeps the data", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const file = volumeFile(fx.s, v.id);
      const data = await scribble(file, 1);
      const release = await holdLocks(fx.s, [v.id]);
      try {
        const r = await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 });
        assert.equal(r.status, 202);
        assert.equal(r.body, undefined);
        await settle();
        const during = (await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume;
        assert.equal(during.status, "extending");
        assert.equal(during.size, 1, "the size changes when the extend is done");
        assert.equal(await fileSize(file), 1 * GiB);
        // A second extend meanwhile is refused on the status.
        assertFault(
          await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 3 }),
          400,
          `Invalid volume: Volume ${v.id} status must be 'available' to extend, currently extending.`,
        );
      } finally {
        await release();
      }
      const after = await waitStatus(fx.c, "volumes", "p1", v.id, "available");
      assert.equal(after.size, 2);
      assert.equal(await fileSize(file), 2 * GiB);
      await assertContent(file, data, "the extended volume");
      await assertZeros(file, 1 * GiB, MiB, "the first MiB of the new region");
      await assertZeros(file, 2 * GiB - MiB, MiB, "the last MiB of the new region");
    });

    it("refuses a new size that is not larger, with Cinder's message", async () => {
      const v = await createVolume(fx.c, "p1", { size: 2 });
      assertFault(await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 }), 400, extendTooSmall(2, 2));
      assertFault(await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 1 }), 400, extendTooSmall(2, 1));
      const after = (await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume;
      assert.equal(after.status, "available");
      assert.equal(after.size, 2);
      assert.equal(await fileSize(volumeFile(fx.s, v.id)), 2 * GiB);
    });

    it("ends in error_extending when the backend fails, from which the volume can be deleted", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      await fsp.unlink(volumeFile(fx.s, v.id)); // the backend lost the volume
      assert.equal((await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 })).status, 202);
      const failed = await waitStatus(fx.c, "volumes", "p1", v.id, "error_extending");
      assert.equal(failed.size, 1, "a failed extend keeps the old size");
      await deleteVolume(fx.c, "p1", v.id);
    });

    it("refuses a volume that is not available", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      assert.equal((await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "error" })).status, 202);
      assertFault(
        await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 }),
        400,
        `Invalid volume: Volume ${v.id} status must be 'available' to extend, currently error.`,
      );
      assert.equal(await fileSize(volumeFile(fx.s, v.id)), 1 * GiB);
    });
  });

  describe("os-reset_status", () => {
    it("is admin only: a member gets 403", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      assertFault(
        await volumeAction(fx.c, "p1", v.id, "os-reset_status", { status: "error" }),
        403,
        "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed.",
      );
      assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "available");
    });

    it("sets status, attach_status and migration_status as asked", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const r = await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "ERROR", migration_status: "error" });
      assert.equal(r.status, 202);
      assert.equal(r.body, undefined);
      const shown = (await fx.admin.get(`/v3/p1/volumes/${v.id}`)).body.volume;
      assert.equal(shown.status, "error");
      assert.equal(shown.migration_status, "error");
      assert.equal(shown["os-vol-mig-status-attr:migstat"], "error");

      const back = await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "available", migration_status: "none" });
      assert.equal(back.status, 202);
      const again = (await fx.admin.get(`/v3/p1/volumes/${v.id}`)).body.volume;
      assert.equal(again.status, "available");
      assert.equal(again.migration_status, null);
      // Back in business: the member can extend it.
      assert.equal((await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 })).status, 202);
      assert.equal((await waitStatus(fx.c, "volumes", "p1", v.id, "available")).size, 2);
    });

    it("refuses deleting and in-use (no attachments)", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      assertFault(await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "deleting" }), 400, "Cannot reset-state to deleting");
      assertFault(
        await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "in-use" }),
        400,
        "Cannot reset-state to in-use because volume does not have any attachments.",
      );
      assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "available");
    });
  });

  describe("os-force_delete", () => {
    it("is admin only, and deletes a volume in a status a plain delete refuses", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      assert.equal((await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "maintenance" })).status, 202);
      assertFault(await fx.c.delete(`/v3/p1/volumes/${v.id}`), 400, /^Invalid volume: Volume status must be available or error/);
      assertFault(
        await volumeAction(fx.c, "p1", v.id, "os-force_delete", {}),
        403,
        "Policy doesn't allow volume_extension:volume_admin_actions:force_delete to be performed.",
      );
      const r = await volumeAction(fx.admin, "p1", v.id, "os-force_delete", {});
      assert.equal(r.status, 202);
      assert.equal(r.body, undefined);
      await waitGone(fx.c, "volumes", "p1", v.id);
      assert.equal(await exists(volumeFile(fx.s, v.id)), false);
    });

    it("is also DELETE ?force=true from 3.23, for admins only", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      assert.equal((await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "maintenance" })).status, 202);
      assertFault(
        await fx.c.delete(`/v3/p1/volumes/${v.id}?force=true`),
        403,
        "Policy doesn't allow volume:force_delete to be performed.",
      );
      // Before 3.23 the parameter means nothing: a plain delete, refused in maintenance.
      assertFault(await fx.admin.delete(`/v3/p1/volumes/${v.id}?force=true`, { version: "3.22" }), 400);
      const r = await fx.admin.delete(`/v3/p1/volumes/${v.id}?force=true`, { version: "3.23" });
      assert.equal(r.status, 202);
      await waitGone(fx.c, "volumes", "p1", v.id);
      assert.equal(await exists(volumeFile(fx.s, v.id)), false);
    });

    it("still refuses a volume with snapshots", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const snap = await createSnapshot(fx.c, "p1", v.id);
      assertFault(
        await volumeAction(fx.admin, "p1", v.id, "os-force_delete", {}),
        400,
        "Invalid volume: Volume  must not be migrating, attached, belong to a group, have snapshots, awaiting a " +
          "transfer, or be disassociated from snapshots after volume transfer.",
      );
      assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "available");
      await deleteSnapshot(fx.c, "p1", snap.id);
      assert.equal((await volumeAction(fx.admin, "p1", v.id, "os-force_delete", {})).status, 202);
      await waitGone(fx.c, "volumes", "p1", v.id);
    });
  });

  describe("os-set_bootable", () => {
    it("answers 200 and shows bootable as the string 'true' or 'false'", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      assert.equal(v.bootable, "false");
      const r = await volumeAction(fx.c, "p1", v.id, "os-set_bootable", { bootable: true });
      assert.equal(r.status, 200);
      assert.equal(r.body, undefined);
      assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.bootable, "true");
      assert.equal((await volumeAction(fx.c, "p1", v.id, "os-set_bootable", { bootable: "False" })).status, 200);
      assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.bootable, "false");
      const list = await fx.c.get("/v3/p1/volumes/detail?bootable=false");
      assert.ok(list.body.volumes.some((x: any) => x.id === v.id));
    });

    it("set while the volume is creating (openstack volume create --bootable), it stands when the create is done", async () => {
      // The clone waits for its source's lock, so it stays `creating` while the flag is set.
      const src = await createVolume(fx.c, "p1", { size: 1 });
      const release = await holdLocks(fx.s, [src.id]);
      let id: string;
      try {
        const r = await fx.c.post("/v3/p1/volumes", { volume: { size: 1, source_volid: src.id } });
        assert.equal(r.status, 202);
        id = r.body.volume.id;
        assert.equal((await volumeAction(fx.c, "p1", id, "os-set_bootable", { bootable: true })).status, 200);
        assert.equal((await fx.c.get(`/v3/p1/volumes/${id}`)).body.volume.status, "creating");
      } finally {
        await release();
      }
      const done = await waitStatus(fx.c, "volumes", "p1", id, "available");
      assert.equal(done.bootable, "true");
      // A clone of a bootable volume is bootable; of a non-bootable one, not.
      assert.equal((await createVolume(fx.c, "p1", { size: 1, source_volid: id })).bootable, "true");
      assert.equal((await createVolume(fx.c, "p1", { size: 1, source_volid: src.id })).bootable, "false");
    });
  });

  describe("os-update_readonly_flag", () => {
    it("answers 202 and shows readonly in the volume's metadata as 'True' / 'False'", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1, metadata: { k: "v" } });
      const r = await volumeAction(fx.c, "p1", v.id, "os-update_readonly_flag", { readonly: true });
      assert.equal(r.status, 202);
      assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.metadata, { k: "v", readonly: "True" });
      assert.equal((await volumeAction(fx.c, "p1", v.id, "os-update_readonly_flag", { readonly: false })).status, 202);
      assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.metadata, { k: "v", readonly: "False" });
    });

    it("refuses a volume that is not available", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const release = await holdLocks(fx.s, [v.id]);
      try {
        assert.equal((await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 })).status, 202);
        assertFault(
          await volumeAction(fx.c, "p1", v.id, "os-update_readonly_flag", { readonly: true }),
          400,
          `Invalid volume: Volume ${v.id} status must be available to update readonly flag, but current status is: extending.`,
        );
      } finally {
        await release();
      }
      await waitStatus(fx.c, "volumes", "p1", v.id, "available");
      assert.deepEqual((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.metadata, {});
    });
  });

  describe("revert (3.40)", () => {
    it("reverts to the latest snapshot: reverting/restoring, then the snapshot-time bytes", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const file = volumeFile(fx.s, v.id);
      await scribble(file, 1);
      const first = await createSnapshot(fx.c, "p1", v.id, { name: "first" });
      const atLatest = await scribble(file, 1);
      const latest = await createSnapshot(fx.c, "p1", v.id, { name: "latest" });
      await scribble(file, 1); // what the revert must undo

      assertFault(
        await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: first.id }),
        400,
        `Specified snapshot ${first.id} is None or not the latest one of volume ${v.id}.`,
      );
      assertFault(
        await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: latest.id }, "3.39"),
        404,
        "The resource could not be found.",
      );

      const release = await holdLocks(fx.s, [v.id]);
      try {
        const r = await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: latest.id }, "3.40");
        assert.equal(r.status, 202);
        assert.equal(r.body, undefined);
        await settle();
        assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "reverting");
        assert.equal((await fx.c.get(`/v3/p1/snapshots/${latest.id}`)).body.snapshot.status, "restoring");
        // Reverting again meanwhile: Cinder answers 409.
        assertFault(
          await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: latest.id }),
          409,
          `Invalid volume: Can't revert volume ${v.id} to its latest snapshot ${latest.id}. Volume's status must be 'available'.`,
        );
      } finally {
        await release();
      }
      await waitStatus(fx.c, "volumes", "p1", v.id, "available");
      await waitStatus(fx.c, "snapshots", "p1", latest.id, "available");
      await assertContent(file, atLatest, "the reverted volume");
      await assertContent(snapshotFile(fx.s, latest.id), atLatest, "the snapshot after the revert");
      assert.equal(await fileSize(file), 1 * GiB);
    });

    it("refuses a volume without snapshots and one whose size changed since", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const none = "00000000-0000-4000-8000-000000000000";
      assertFault(
        await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: none }),
        400,
        `Volume ${v.id} doesn't have any snapshots.`,
      );
      const snap = await createSnapshot(fx.c, "p1", v.id);
      assert.equal((await volumeAction(fx.c, "p1", v.id, "os-extend", { new_size: 2 })).status, 202);
      await waitStatus(fx.c, "volumes", "p1", v.id, "available");
      assertFault(
        await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: snap.id }),
        400,
        `Can't revert volume ${v.id} to its latest snapshot ${snap.id}. The volume size must be equal to the snapshot size.`,
      );
      assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "available");
    });

    it("leaves the volume in error and the snapshot available when the backend fails", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const snap = await createSnapshot(fx.c, "p1", v.id);
      await fsp.unlink(snapshotFile(fx.s, snap.id)); // the backend lost the snapshot
      assert.equal((await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: snap.id })).status, 202);
      await waitStatus(fx.c, "volumes", "p1", v.id, "error");
      assert.equal((await fx.c.get(`/v3/p1/snapshots/${snap.id}`)).body.snapshot.status, "available");
      assert.ok(await exists(volumeFile(fx.s, v.id)), "the volume's file is left as it was");
    });

    it("refuses with 409 when the latest snapshot is not available", async () => {
      const v = await createVolume(fx.c, "p1", { size: 1 });
      const snap = await createSnapshot(fx.c, "p1", v.id);
      assert.equal((await fx.c.post(`/v3/p1/snapshots/${snap.id}/action`, { "os-reset_status": { status: "error" } }, { token: "admin:p1" })).status, 202);
      assertFault(
        await volumeAction(fx.c, "p1", v.id, "revert", { snapshot_id: snap.id }),
        409,
        `Invalid snapshot: Can't revert volume ${v.id} to its latest snapshot ${snap.id}. Snapshot's status must be 'available'.`,
      );
      assert.equal((await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "available", "the volume's status is rolled back");
    });
  });
});
