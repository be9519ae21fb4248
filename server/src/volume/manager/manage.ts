/**
 * Manage existing, on the volume service (cinder/volume/manager.py manage_existing,
 * cinder/volume/flows/manager/manage_existing.py): ask the driver for the object's size, take
 * that many gigabytes of quota (recording the size in the row's task, so that a re-run after a
 * crash neither takes it twice nor asks for the size of an object already renamed), let the
 * driver adopt the object, and record `available` with the size. Any failure leaves the volume
 * in `error_managing` with size 0 and gives the gigabytes back.
 */
import { allSnapshotIds } from "../../db/repos/snapshots";
import { casVolume, getVolume, parseTask, volumeIdsOnBackend } from "../../db/repos/volumes";
import { now } from "../../contract/time";
import { canManage, type ManageableVolume } from "../../drivers/interface";
import { sourceRef } from "../../drivers/manage";
import { consume, release, typeNameOf } from "../../quota/quota";
import type { VolumeManager } from "./manager";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";

export async function manageExisting(m: VolumeManager, volumeId: string): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || v.status !== "managing") return;
    const task = parseTask(v) ?? { op: "manage" as const };
    let size = task.size;
    const rollBack = async (err: unknown): Promise<void> => {
      m.log.error({ err, volumeId }, "manage existing volume failed");
      await m.db.kysely.transaction().execute(async (trx) => {
        const failed = await casVolume(trx, volumeId, { status: [T.manage.during] }, { status: T.manage.failed, task: null });
        if (failed && size) await release(trx, v.project_id, { gigabytes: size, typeName: await typeNameOf(trx, v.volume_type_id) });
      });
    };
    try {
      const ref = sourceRef(task.ref);
      const driver = m.driver;
      if (!canManage(driver)) throw new Error(`the ${driver.name} driver cannot manage existing volumes`);
      if (size === undefined) {
        const got = await driver.manageExistingGetSize(ref);
        await m.db.kysely.transaction().execute(async (trx) => {
          const typeName = await typeNameOf(trx, v.volume_type_id);
          await consume(trx, m.opts.quotas, v.project_id, { gigabytes: got, typeName }, got);
          const won = await casVolume(trx, volumeId, { status: [T.manage.during] }, { task: JSON.stringify({ ...task, size: got }) });
          if (!won) throw new Error("the volume left the managing status");
        });
        size = got;
      }
      await driver.manageExisting({ id: v.id, size }, ref);
    } catch (err) {
      await rollBack(err);
      return;
    }
    const won = await casVolume(m.db.kysely, volumeId, { status: [T.manage.during] }, { status: T.manage.done, size, task: null, launched_at: now() });
    if (won) m.log.info({ volumeId, size }, "existing volume managed");
  });
}

/**
 * The driver's manageable objects, with the volumes this backend already holds marked as such.
 * The snapshot ids the database knows are passed too, so that the data of snapshots without
 * a row (orphans) is offered for adoption and that of the others never is.
 */
export async function getManageableVolumes(m: VolumeManager): Promise<ManageableVolume[]> {
  if (!canManage(m.driver)) return [];
  const volumes = await volumeIdsOnBackend(m.db.kysely, m.backend);
  const snapshots = await allSnapshotIds(m.db.kysely);
  return m.driver.getManageableVolumes(new Set(volumes), new Set(snapshots));
}
