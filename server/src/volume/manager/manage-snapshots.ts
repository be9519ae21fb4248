/**
 * Manage and unmanage existing snapshots, on the volume service (cinder/volume/manager.py
 * manage_existing_snapshot, cinder/volume/flows/manager/manage_existing_snapshot.py, and
 * delete_snapshot with `unmanage_only`).
 *
 * Manage: ask the driver for the object's size; the API took the volume's size in gigabytes, so
 * only the difference is taken (or given back) now, with the size recorded in the row's task so
 * that a re-run after a crash neither counts it twice nor asks for the size of an object already
 * renamed (Cinder's QuotaReserveTask reserves `size - volume_size`). Then the driver adopts the
 * object, and the snapshot becomes `available` with that size. Any failure leaves it in `error`,
 * holding the quota of its recorded size until it is deleted, as a failed snapshot create does.
 *
 * Unmanage: the driver forgets the snapshot (keeping its data), the row goes and its quota comes
 * back, once: only the caller that removes the row gives it back. A driver failure leaves the
 * snapshot in `error_deleting`, as Cinder's delete_snapshot does.
 */
import { casSnapshot, deleteSnapshotRow, getSnapshot, snapshotsOnBackend } from "../../db/repos/snapshots";
import { parseTask } from "../../db/repos/volumes";
import type { SnapshotRow } from "../../db/schema";
import { SNAPSHOT_STATUSES } from "../../contract/status";
import { canManageSnapshots, type ManageableSnapshot, type SnapshotRef } from "../../drivers/interface";
import { sourceRef } from "../../drivers/manage";
import { consume, release, snapshotDelta, typeNameOf } from "../../quota/quota";
import type { VolumeManager } from "./manager";

const sref = (s: SnapshotRow, size = s.volume_size): SnapshotRef => ({ id: s.id, volumeId: s.volume_id, volumeSize: size });

export async function manageExistingSnapshot(m: VolumeManager, snapshotId: string): Promise<void> {
  const first = await getSnapshot(m.db.kysely, snapshotId);
  if (!first) return;
  await m.locks.with([snapshotId, first.volume_id], async () => {
    const s = await getSnapshot(m.db.kysely, snapshotId);
    if (!s || s.status !== "creating" || !s.task) return;
    const task = parseTask(s) ?? { op: "manage" as const };
    let size = task.size;
    try {
      const ref = sourceRef(task.ref);
      const driver = m.driver;
      if (!canManageSnapshots(driver)) throw new Error(`the ${driver.name} driver cannot manage existing snapshots`);
      if (size === undefined) {
        const got = await driver.manageExistingSnapshotGetSize(sref(s), ref);
        await m.db.kysely.transaction().execute(async (trx) => {
          const typeName = await typeNameOf(trx, s.volume_type_id);
          if (got > s.volume_size) await consume(trx, m.opts.quotas, s.project_id, { gigabytes: got - s.volume_size, typeName });
          if (got < s.volume_size) await release(trx, s.project_id, { gigabytes: s.volume_size - got, typeName });
          const won = await casSnapshot(trx, snapshotId, ["creating"], { volume_size: got, task: JSON.stringify({ ...task, size: got }) });
          if (!won) throw new Error("the snapshot left the creating status");
        });
        size = got;
      }
      await driver.manageExistingSnapshot(sref(s, size), ref);
    } catch (err) {
      m.log.error({ err, snapshotId }, "manage existing snapshot failed");
      await casSnapshot(m.db.kysely, snapshotId, ["creating"], { status: "error", task: null });
      return;
    }
    const won = await casSnapshot(m.db.kysely, snapshotId, ["creating"], { status: "available", progress: "100%", task: null });
    if (won) m.log.info({ snapshotId, size }, "existing snapshot managed");
  });
}

export async function unmanageSnapshot(m: VolumeManager, snapshotId: string): Promise<void> {
  await m.locks.with([snapshotId], async () => {
    const s = await getSnapshot(m.db.kysely, snapshotId);
    if (!s || s.status !== "unmanaging") return;
    try {
      // A driver without snapshot management has nothing to forget (Cinder's default unmanage_snapshot).
      if (canManageSnapshots(m.driver)) await m.driver.unmanageSnapshot(sref(s));
    } catch (err) {
      m.log.error({ err, snapshotId }, "snapshot unmanage failed");
      await casSnapshot(m.db.kysely, snapshotId, ["unmanaging"], { status: "error_deleting" });
      return;
    }
    await m.db.kysely.transaction().execute(async (trx) => {
      const gone = await deleteSnapshotRow(trx, snapshotId);
      if (gone?.consumes_quota) await release(trx, gone.project_id, await snapshotDelta(trx, gone));
    });
    m.log.info({ snapshotId }, "snapshot unmanaged");
  });
}

/** The driver's manageable snapshot objects, its own (the snapshots of this backend's volumes) marked as such. */
export async function getManageableSnapshots(m: VolumeManager): Promise<ManageableSnapshot[]> {
  if (!canManageSnapshots(m.driver)) return [];
  const rows = await snapshotsOnBackend(m.db.kysely, m.backend, SNAPSHOT_STATUSES);
  return m.driver.getManageableSnapshots(new Map(rows.map((r) => [r.id, r.volume_id])));
}
