/**
 * Volume update (cinder/api/v3/volumes.py update): name, description and, replacing it whole, the
 * user metadata. Refused in `maintenance`.
 */
import { casVolume } from "../../db/repos/volumes";
import { replaceMetadata } from "../../db/repos/metadata";
import type { VolumeRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { Services } from "../../services";
import { findVolume } from "./lookup";
import type { VolumeUpdate } from "../../contract/api";

export async function updateVolume(svc: Services, ctx: RequestContext, id: string, u: VolumeUpdate): Promise<VolumeRow> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:update", v.project_id);
  const values: Record<string, string | null> = { updated_at: now() };
  if (u.name !== undefined) values.display_name = u.name;
  if (u.description !== undefined) values.display_description = u.description;
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await casVolume(trx, id, { statusNot: ["maintenance"] }, values))) {
      throw invalidVolume("The volume cannot be updated during maintenance.");
    }
    if (u.metadata !== undefined) await replaceMetadata(trx, "volume", id, u.metadata);
  });
  return findVolume(svc, ctx, id);
}
