/**
 * What a volume manager does for each message. Every operation re-reads its rows, returns quietly
 * when they are no longer in the status that asked for it (another request won, or a force delete
 * overtook it), runs the driver, and records the outcome with a compare-and-set. Driver methods
 * are idempotent, so running an operation again after a crash is safe.
 */
import { casSnapshot, deleteSnapshotRow, getSnapshot, snapshotsOfVolume } from "../../db/repos/snapshots";
import { casVolume, deleteVolumeRow, getVolume, parseTask } from "../../db/repos/volumes";
import type { SnapshotRow, VolumeRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { SnapshotRef, VolumeRef } from "../../drivers/interface";
import type { VolumeManager } from "./manager";
import { release, snapshotDelta, typeNameOf, volumeDelta } from "../../quota/quota";
import { refreshExport, removeExport } from "./exports";
import { endOf, VOLUME_TRANSITIONS as T } from "../../contract/status";
import { Action, Detail, MessageResource, type MessageField } from "../../contract/messages";
import { type Failure, recordFailure } from "./messages";
import { casBackup } from "../../db/repos/backups";
import type { VolumeStatus } from "../../contract/status";
import { restoreBackup } from "./backups";
import { SnapshotBusyError } from "../../drivers/errors";
import { createFromImage, ImageVolumeError } from "./image-volume";

/** The driver finds a volume by its storage name: its own id, or after a migration the id it took the storage of. */
export const vref = (v: VolumeRow): VolumeRef => ({ id: v.name_id ?? v.id, size: v.size });
const sref = (s: SnapshotRow): SnapshotRef => ({ id: s.id, volumeId: s.volume_id, volumeSize: s.volume_size });

function snapshotFailure(s: SnapshotRow, requestId: string | undefined, action: MessageField, detail: MessageField): Failure {
  return { projectId: s.project_id, requestId, action, resourceType: MessageResource.VOLUME_SNAPSHOT, resourceUuid: s.id, detail };
}

/**
 * A raw create the driver fails leaves its project a user message (cinder/volume/flows/manager/
 * create_volume.py _create_raw_volume: CREATE_VOLUME_FROM_BACKEND, DRIVER_FAILED_CREATE); Cinder
 * writes none for a failed copy of a snapshot or a volume.
 */
export async function createVolume(m: VolumeManager, volumeId: string, requestId?: string): Promise<void> {
  const first = await getVolume(m.db.kysely, volumeId);
  if (!first) return;
  const sourceKey = first.snapshot_id ?? first.source_volid;
  // A volume made for a restore (3.47 backup_id, a restore without volume_id) is filled once made.
  const restoreFrom = parseTask(first)?.op === "restore" ? parseTask(first)?.backup_id : undefined;
  const imageId = parseTask(first)?.op === "image" ? parseTask(first)?.image_id : undefined;
  const made = await m.locks.with(sourceKey ? [volumeId, sourceKey] : [volumeId], async (): Promise<boolean> => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || v.status !== "creating") return false;
    // Cinder's create flow only ever makes a volume bootable (from a bootable source); a plain
    // create leaves the flag as it is, so an os-set_bootable sent while the volume was creating
    // (what `openstack volume create --bootable` does) stands.
    let bootable: number | undefined;
    try {
      if (v.snapshot_id) {
        const s = await getSnapshot(m.db.kysely, v.snapshot_id);
        if (!s) throw new Error(`snapshot ${v.snapshot_id} is gone`);
        await m.driver.createVolumeFromSnapshot(vref(v), sref(s));
        if ((await getVolume(m.db.kysely, s.volume_id))?.bootable) bootable = 1;
      } else if (v.source_volid) {
        const src = await getVolume(m.db.kysely, v.source_volid);
        if (!src) throw new Error(`source volume ${v.source_volid} is gone`);
        await m.driver.createClonedVolume(vref(v), vref(src));
        if (src.bootable) bootable = 1;
      } else if (imageId) {
        await createFromImage(m, v, vref(v), imageId);
        bootable = 1;
      } else {
        await m.driver.createVolume(vref(v));
      }
    } catch (err) {
      m.log.error({ err, volumeId }, "volume create failed");
      const failed = await casVolume(m.db.kysely, volumeId, { status: [T.create.during] }, { status: T.create.failed, ...(imageId ? { task: null } : {}) });
      if (failed && imageId) {
        const kind = err instanceof ImageVolumeError ? err.kind : undefined;
        const detail = kind === "ImageTooBig" ? Detail.NOT_ENOUGH_SPACE_FOR_IMAGE : kind === "ImageUnacceptable" ? Detail.IMAGE_FORMAT_UNACCEPTABLE : Detail.UNKNOWN_ERROR;
        await recordFailure(m, { projectId: v.project_id, requestId, action: Action.COPY_IMAGE_TO_VOLUME, resourceUuid: volumeId, detail });
      } else if (failed && !v.snapshot_id && !v.source_volid) {
        const f = { projectId: v.project_id, requestId, action: Action.CREATE_VOLUME_FROM_BACKEND, resourceUuid: volumeId, detail: Detail.DRIVER_FAILED_CREATE };
        await recordFailure(m, f);
      }
      if (failed && restoreFrom) await casBackup(m.db.kysely, restoreFrom, ["restoring"], { status: "available", task: null, progress: null });
      return false;
    }
    const t = now();
    const done: VolumeStatus = restoreFrom ? "restoring-backup" : T.create.done;
    const won = await casVolume(m.db.kysely, volumeId, { status: [T.create.during] }, {
      status: done,
      ...(bootable ? { bootable } : {}),
      ...(imageId ? { task: null } : {}),
      launched_at: t,
    });
    if (won) m.log.info({ volumeId, size: v.size }, "volume created");
    return won;
  });
  if (made && restoreFrom) await restoreBackup(m, restoreFrom, requestId);
}

export async function deleteVolume(m: VolumeManager, volumeId: string): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || v.status !== "deleting") return;
    try {
      // Cascade: the API moved every snapshot to `deleting` together with the volume. A snapshot
      // may also be on its own delete (a request before the cascade, or a restart resuming both):
      // whichever removes the row gives its quota back, the other gives nothing.
      for (const s of await snapshotsOfVolume(m.db.kysely, volumeId)) {
        await m.locks.with([s.id], async () => {
          await m.driver.deleteSnapshot(sref(s));
          await m.db.kysely.transaction().execute(async (trx) => {
            const gone = await deleteSnapshotRow(trx, s.id);
            if (gone?.consumes_quota) await release(trx, gone.project_id, await snapshotDelta(trx, gone));
          });
        });
      }
      // Cinder's delete_volume removes the export first (a target would keep the data open).
      await removeExport(m, volumeId);
      await m.driver.deleteVolume(vref(v));
    } catch (err) {
      m.log.error({ err, volumeId }, "volume delete failed");
      await casVolume(m.db.kysely, volumeId, { status: [T.delete.during] }, { status: T.delete.failed });
      return;
    }
    await m.db.kysely.transaction().execute(async (trx) => {
      if (await deleteVolumeRow(trx, volumeId)) await release(trx, v.project_id, await volumeDelta(trx, v));
    });
    m.log.info({ volumeId }, "volume deleted");
  });
}

/**
 * os-unmanage (cinder/volume/manager.py delete_volume with unmanage_only): the export goes, the
 * driver forgets the volume and keeps its data (a driver with nothing to forget does nothing, as
 * Cinder's default `unmanage`), then the row goes and its quota comes back. A failure leaves the
 * volume `error_unmanaging`.
 */
export async function unmanageVolume(m: VolumeManager, volumeId: string): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || v.status !== T.unmanage.during) return;
    try {
      await removeExport(m, volumeId);
      await m.driver.unmanage?.(vref(v));
    } catch (err) {
      m.log.error({ err, volumeId }, "volume unmanage failed");
      await casVolume(m.db.kysely, volumeId, { status: [T.unmanage.during] }, { status: T.unmanage.failed });
      return;
    }
    await m.db.kysely.transaction().execute(async (trx) => {
      if (await deleteVolumeRow(trx, volumeId)) await release(trx, v.project_id, await volumeDelta(trx, v));
    });
    m.log.info({ volumeId, kept: vref(v).id }, "volume unmanaged; its data stays on the backend");
  });
}

/** A failed extend leaves a user message (cinder/volume/manager.py extend_volume: EXTEND_VOLUME, DRIVER_FAILED_EXTEND). */
export async function extendVolume(m: VolumeManager, volumeId: string, requestId?: string): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || v.status !== "extending") return;
    const task = parseTask(v);
    const newSize = task?.new_size;
    // Not placed yet: the scheduler has still to decide (and may refuse); its message, or the
    // re-send of a lost one (./reconcile.ts), brings the extend back here once it has.
    if (newSize && newSize > v.size && !task?.placed) return;
    const back = endOf("extend", "done", v.previous_status);
    try {
      if (!newSize || newSize <= v.size) throw new Error(`no valid target size recorded (task ${v.task})`);
      await m.driver.extendVolume(vref(v), newSize);
      await refreshExport(m, v);
    } catch (err) {
      m.log.error({ err, volumeId }, "volume extend failed");
      const failed = await m.db.kysely.transaction().execute(async (trx) => {
        const won = await casVolume(trx, volumeId, { status: [T.extend.during] }, { status: T.extend.failed, task: null });
        if (won && newSize && newSize > v.size) {
          await release(trx, v.project_id, { gigabytes: newSize - v.size, typeName: await typeNameOf(trx, v.volume_type_id) });
        }
        return won;
      });
      if (failed) {
        await recordFailure(m, { projectId: v.project_id, requestId, action: Action.EXTEND_VOLUME, resourceUuid: volumeId, detail: Detail.DRIVER_FAILED_EXTEND });
      }
      return;
    }
    await casVolume(m.db.kysely, volumeId, { status: [T.extend.during] }, { status: back, size: newSize, previous_status: null, task: null });
    m.log.info({ volumeId, size: newSize }, "volume extended");
  });
}

/** A failed snapshot leaves a user message (cinder/volume/manager.py create_snapshot: SNAPSHOT_CREATE, SNAPSHOT_CREATE_ERROR). */
export async function createSnapshot(m: VolumeManager, snapshotId: string, requestId?: string): Promise<void> {
  const first = await getSnapshot(m.db.kysely, snapshotId);
  if (!first) return;
  await m.locks.with([snapshotId, first.volume_id], async () => {
    const s = await getSnapshot(m.db.kysely, snapshotId);
    const v = s && (await getVolume(m.db.kysely, s.volume_id));
    if (!s || s.status !== "creating") return;
    try {
      if (!v) throw new Error(`volume ${s.volume_id} is gone`);
      await m.driver.createSnapshot(sref(s), vref(v));
    } catch (err) {
      m.log.error({ err, snapshotId }, "snapshot create failed");
      if (await casSnapshot(m.db.kysely, snapshotId, ["creating"], { status: "error" })) {
        await recordFailure(m, snapshotFailure(s, requestId, Action.SNAPSHOT_CREATE, Detail.SNAPSHOT_CREATE_ERROR));
      }
      return;
    }
    await casSnapshot(m.db.kysely, snapshotId, ["creating"], { status: "available", progress: "100%" });
    m.log.info({ snapshotId }, "snapshot created");
  });
}

/** A failed snapshot delete leaves a user message (cinder/volume/manager.py delete_snapshot: SNAPSHOT_DELETE, SNAPSHOT_DELETE_ERROR). */
export async function deleteSnapshot(m: VolumeManager, snapshotId: string, requestId?: string): Promise<void> {
  await m.locks.with([snapshotId], async () => {
    const s = await getSnapshot(m.db.kysely, snapshotId);
    if (!s || s.status !== "deleting") return;
    try {
      await m.driver.deleteSnapshot(sref(s));
    } catch (err) {
      m.log.error({ err, snapshotId }, "snapshot delete failed");
      // cinder/volume/manager.py delete_snapshot: a busy snapshot stays available.
      const status = err instanceof SnapshotBusyError ? "available" : "error_deleting";
      if (await casSnapshot(m.db.kysely, snapshotId, ["deleting"], { status })) {
        await recordFailure(m, snapshotFailure(s, requestId, Action.SNAPSHOT_DELETE, Detail.SNAPSHOT_DELETE_ERROR));
      }
      return;
    }
    await m.db.kysely.transaction().execute(async (trx) => {
      // A cascade delete of its volume may have removed the row (and given its quota back) meanwhile.
      const gone = await deleteSnapshotRow(trx, snapshotId);
      if (gone?.consumes_quota) await release(trx, gone.project_id, await snapshotDelta(trx, gone));
    });
    m.log.info({ snapshotId }, "snapshot deleted");
  });
}

export async function revertToSnapshot(m: VolumeManager, volumeId: string, snapshotId: string): Promise<void> {
  await m.locks.with([volumeId, snapshotId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    const s = await getSnapshot(m.db.kysely, snapshotId);
    if (!v || v.status !== "reverting") return;
    try {
      if (!s) throw new Error(`snapshot ${snapshotId} is gone`);
      await m.driver.revertToSnapshot(vref(v), sref(s));
      await refreshExport(m, v);
    } catch (err) {
      // Cinder leaves the volume in error and the snapshot available (cinder/volume/manager.py revert_to_snapshot).
      m.log.error({ err, volumeId, snapshotId }, "revert failed");
      await casVolume(m.db.kysely, volumeId, { status: [T.revert.during] }, { status: T.revert.failed, task: null });
      await casSnapshot(m.db.kysely, snapshotId, ["restoring"], { status: "available" });
      return;
    }
    await casVolume(m.db.kysely, volumeId, { status: [T.revert.during] }, { status: T.revert.done, task: null });
    await casSnapshot(m.db.kysely, snapshotId, ["restoring"], { status: "available" });
    m.log.info({ volumeId, snapshotId }, "volume reverted");
  });
}
