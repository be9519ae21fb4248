/**
 * Volume update and user metadata (cinder/api/v3/volumes.py update, cinder/api/v2/volume_metadata.py).
 * Writes are refused in `maintenance`; a metadata delete also while `uploading`.
 */
import {
  casVolume,
  deleteMetadataKey,
  mergeMetadata,
  metadataOf,
  replaceMetadata,
} from "../../db/repos/volumes";
import type { VolumeRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidVolume, volumeMetadataNotFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { Services } from "../../services";
import { findVolume } from "./lookup";

export interface VolumeUpdate {
  name?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
}

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
    if (u.metadata !== undefined) await replaceMetadata(trx, "volume_metadata", id, u.metadata);
  });
  return findVolume(svc, ctx, id);
}

async function userMetadata(svc: Services, id: string): Promise<Record<string, string>> {
  return (await metadataOf(svc.db.kysely, "volume_metadata", [id])).get(id) ?? {};
}

export async function getVolumeMetadata(svc: Services, ctx: RequestContext, id: string): Promise<Record<string, string>> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:get_volume_metadata", v.project_id);
  return userMetadata(svc, id);
}

export async function getVolumeMetadataItem(svc: Services, ctx: RequestContext, id: string, key: string): Promise<string> {
  const meta = await getVolumeMetadata(svc, ctx, id);
  if (!(key in meta)) throw volumeMetadataNotFound(id, key);
  return meta[key];
}

/** Merge (POST) or replace (PUT) the user metadata; answers the metadata as it now is. */
export async function writeVolumeMetadata(
  svc: Services,
  ctx: RequestContext,
  id: string,
  meta: Record<string, string>,
  mode: "merge" | "replace",
): Promise<Record<string, string>> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, mode === "merge" ? "volume:create_volume_metadata" : "volume:update_volume_metadata", v.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await casVolume(trx, id, { statusNot: ["maintenance"] }, {}))) {
      throw invalidVolume("Updating volume metadata is not allowed for volumes in maintenance status.");
    }
    if (mode === "merge") await mergeMetadata(trx, "volume_metadata", id, meta);
    else await replaceMetadata(trx, "volume_metadata", id, meta);
  });
  return userMetadata(svc, id);
}

export async function updateVolumeMetadataItem(
  svc: Services,
  ctx: RequestContext,
  id: string,
  key: string,
  item: Record<string, string>,
): Promise<Record<string, string>> {
  if (!(key in item)) throw badRequest("Request body and URI mismatch");
  if (Object.keys(item).length > 1) throw badRequest("Request body contains too many items");
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:update_volume_metadata", v.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await casVolume(trx, id, { statusNot: ["maintenance"] }, {}))) {
      throw invalidVolume("Updating volume metadata is not allowed for volumes in maintenance status.");
    }
    await mergeMetadata(trx, "volume_metadata", id, { [key]: item[key] });
  });
  return { [key]: item[key] };
}

export async function deleteVolumeMetadataItem(svc: Services, ctx: RequestContext, id: string, key: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:delete_volume_metadata", v.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await casVolume(trx, id, { statusNot: ["maintenance", "uploading"] }, {}))) {
      throw invalidVolume(`Deleting volume metadata is not allowed for volumes in ${v.status} status.`);
    }
    if (!(await deleteMetadataKey(trx, "volume_metadata", id, key))) throw volumeMetadataNotFound(id, key);
  });
}
