/**
 * Extend (cinder/volume/api.py _extend, cinder/api/contrib/volume_actions.py _extend): grow an
 * available volume, or (from 3.42) an in-use one. The size check and the status change are one
 * compare-and-set, so concurrent extends cannot both pass on a stale size.
 */
import { casVolume, getVolume } from "../../db/repos/volumes";
import type { RequestContext } from "../../contract/context";
import { invalidInput, invalidVolume, volumeNotFound } from "../../contract/errors";
import { MV } from "../../contract/microversion";
import { authorize } from "../../policy/policy";
import type { ScheduleDeps } from "./deps";
import { findVolume } from "./lookup";
import { checkSizeForType } from "./type-size";
import { consume, typeNameOf } from "../../quota/quota";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";

export async function extendVolume(svc: ScheduleDeps, ctx: RequestContext, id: string, newSize: number): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  const attached = v.status === "in-use" && ctx.version >= MV.VOLUME_EXTEND_INUSE;
  authorize(ctx, attached ? "volume:extend_attached_volume" : "volume:extend", v.project_id);
  if (newSize <= v.size) {
    throw invalidInput(
      `New size for extend must be greater than current size. (current: ${v.size}, extended: ${newSize}).`,
    );
  }
  await checkSizeForType(svc.db.kysely, v.volume_type_id, newSize);
  const expected = attached ? "in-use" : "available";
  const won = await svc.db.kysely.transaction().execute(async (trx) => {
    const ok = await casVolume(
      trx,
      id,
      { status: [expected], sizeIs: v.size },
      { status: T.extend.during, previous_status: v.status, task: JSON.stringify({ op: "extend", new_size: newSize }) },
    );
    // The extra gigabytes are taken with the status change; a failed extend gives them back.
    if (ok) {
      const typeName = await typeNameOf(trx, v.volume_type_id);
      await consume(trx, svc.config.quotas, v.project_id, { gigabytes: newSize - v.size, typeName }, newSize);
    }
    return ok;
  });
  if (!won) {
    const now = await getVolume(svc.db.kysely, id);
    // Deleted since it was read: the volume is gone, as a request a moment later would be told.
    if (!now) throw volumeNotFound(id);
    if (now.status === expected && now.size >= newSize) {
      throw invalidInput(
        `New size for extend must be greater than current size. (current: ${now.size}, extended: ${newSize}).`,
      );
    }
    // Cinder prints the expected status as a Python dict ("'{'status': 'available'}'"); the intent
    // is the status itself.
    throw invalidVolume(`Volume ${id} status must be '${expected}' to extend, currently ${now.status}.`);
  }
  // The scheduler checks that the volume's backend can hold the added gigabytes first (Cinder since Pike).
  svc.scheduler.extendVolume(id, ctx.requestId);
}
