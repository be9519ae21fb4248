/**
 * The manager's half of a retype: the volume stays where it is if its backend satisfies the new
 * type's extra specs (Cinder's scheduler find_retype_backend prefers the current backend, and the
 * file driver's retype of a volume in place is a no-op). Otherwise the retype fails — a migration
 * (`on-demand`) is not offered yet — and the volume returns to its previous status with its old type,
 * the old type's multiattach and its per-type quota moved back.
 */
import { casVolume, getVolume, parseTask } from "../../db/repos/volumes";
import { consume, release, typeNameOf } from "../../quota/quota";
import { capabilitiesFilter } from "../../scheduler/filters/capabilities";
import { typeSpecs } from "../../db/repos/types";
import { poolStatesOf } from "../../scheduler/scheduler";
import type { VolumeManager } from "./manager";
import { endOf, VOLUME_TRANSITIONS as T } from "../../contract/status";

export async function retypeVolume(m: VolumeManager, volumeId: string): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || v.status !== "retyping") return;
    const task = parseTask(v);
    const back = endOf("retype", "done", v.previous_status);
    const newTypeId = task?.new_type_id;
    let fits = false;
    if (newTypeId) {
      const specs = await typeSpecs(m.db.kysely, newTypeId);
      const stats = await m.driver.getStats();
      const pool = v.host?.split("#")[1];
      const states = poolStatesOf({ backend: m.backend, availabilityZone: m.opts.availabilityZone, disabled: false, stats });
      fits = states.some((p) => (!pool || p.pool.poolName === pool) && capabilitiesFilter.passes(p, { size: v.size, availabilityZone: v.availability_zone, extraSpecs: specs }));
    }
    if (fits) {
      await casVolume(m.db.kysely, volumeId, { status: [T.retype.during] }, { status: back, volume_type_id: newTypeId, previous_status: null, task: null });
      m.log.info({ volumeId, newTypeId }, "volume retyped");
      return;
    }
    m.log.warn(
      { volumeId, newTypeId, migrationPolicy: task?.migration_policy },
      "retype refused: the volume's backend does not satisfy the new type and migration is not available",
    );
    // The API set multiattach to the new type's as it accepted the retype; the old type (still the
    // volume's) decides it again.
    const multiattach = (await typeSpecs(m.db.kysely, v.volume_type_id)).multiattach === "<is> True" ? 1 : 0;
    await m.db.kysely.transaction().execute(async (trx) => {
      const failed = { status: endOf("retype", "failed", v.previous_status), previous_status: null, task: null, multiattach };
      if (!(await casVolume(trx, volumeId, { status: [T.retype.during] }, failed))) return;
      if (!newTypeId) return;
      const moved = { volumes: 1, gigabytes: v.size, perTypeOnly: true };
      await consume(trx, { volumes: -1, snapshots: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1, groups: -1, per_volume_gigabytes: -1 }, v.project_id, {
        ...moved,
        typeName: await typeNameOf(trx, v.volume_type_id),
      });
      await release(trx, v.project_id, { ...moved, typeName: await typeNameOf(trx, newTypeId) });
    });
  });
}
