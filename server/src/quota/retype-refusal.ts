/**
 * A retype the scheduler refused (cinder/scheduler/manager.py retype, _retype_volume_set_error),
 * or whose migration failed (`extra`: migration_status error): the volume returns to its previous status with its old type, the old type's multiattach (the API
 * set the new type's as it accepted the retype) and its per-type quota moved back.
 */
import type { Kysely, Updateable } from "kysely";
import type { Database, VolumeRow, VolumesTable } from "../db/schema";
import { casVolume } from "../db/repos/volumes";
import { typeSpecs } from "../db/repos/types";
import { moveBetweenTypes, typeNameOf } from "./quota";
import { endOf, VOLUME_TRANSITIONS as T } from "../contract/status";

/** No limit: giving the quota back to the old type must not be refused. */
const UNLIMITED = { volumes: -1, snapshots: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1, groups: -1, per_volume_gigabytes: -1 };

export async function refuseRetype(
  db: Kysely<Database>,
  v: VolumeRow,
  newTypeId: string | undefined,
  extra: Updateable<VolumesTable> = {},
): Promise<boolean> {
  const multiattach = (await typeSpecs(db, v.volume_type_id)).multiattach === "<is> True" ? 1 : 0;
  return db.transaction().execute(async (trx) => {
    const failed = { status: endOf("retype", "failed", v.previous_status), previous_status: null, task: null, multiattach, ...extra };
    if (!(await casVolume(trx, v.id, { status: [T.retype.during] }, failed))) return false;
    if (!newTypeId) return true;
    const moved = { volumes: 1, gigabytes: v.size, perTypeOnly: true };
    await moveBetweenTypes(trx, UNLIMITED, v.project_id, moved, await typeNameOf(trx, newTypeId), await typeNameOf(trx, v.volume_type_id));
    return true;
  });
}
