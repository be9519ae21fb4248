/** Volume type resolution as volume create needs it (cinder/objects/volume_type.py get_by_name_or_id). */
import type { VolumeTypeRow } from "../../db/schema";
import { volumeTypeNotFound } from "../../http/errors";
import type { Services } from "../../services";

export const DEFAULT_TYPE_NAME = "__DEFAULT__";

export async function typeByNameOrId(svc: Services, nameOrId: string): Promise<VolumeTypeRow> {
  const t = await svc.db.kysely
    .selectFrom("volume_types")
    .selectAll()
    .where((eb) => eb.or([eb("id", "=", nameOrId), eb("name", "=", nameOrId)]))
    .orderBy("name")
    .executeTakeFirst();
  if (!t) throw volumeTypeNotFound(nameOrId);
  return t;
}

export async function defaultType(svc: Services): Promise<VolumeTypeRow> {
  return typeByNameOrId(svc, DEFAULT_TYPE_NAME);
}
