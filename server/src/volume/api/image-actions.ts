/**
 * A volume's image actions: upload to an image (cinder/api/contrib/volume_actions.py
 * `_volume_upload_image`, cinder/volume/api.py `copy_volume_to_image`) and its image metadata
 * (cinder/api/contrib/volume_image_metadata.py). The upload makes the image record here, as
 * Cinder's API does, moves the volume to `uploading` with a compare-and-set and casts to the
 * volume's manager, which fills the image and puts the volume back.
 */
import type { RequestContext } from "../../contract/context";
import { invalidVolume, notFound } from "../../contract/errors";
import { MV } from "../../contract/microversion";
import { casVolume } from "../../db/repos/volumes";
import { queueOf } from "../../bus/rpc";
import { deleteVolumeGlanceMetadataKey, setVolumeGlanceMetadata, volumeGlanceMetadata } from "../../db/repos/images";
import type { GlanceImage } from "../../image/interface";
import { authorize } from "../../policy/policy";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";
import type { CastDeps, DbDeps, ImageDeps } from "./deps";
import { findVolume } from "./lookup";

export interface UploadInput {
  image_name: string;
  force?: boolean | string;
  disk_format?: string;
  container_format?: string;
  visibility?: string;
  protected?: boolean | string;
}

const truthy = (v: unknown) => v === true || (typeof v === "string" && ["true", "1", "yes", "on", "y", "t"].includes(v.toLowerCase()));

export async function uploadToImage(svc: CastDeps & ImageDeps, ctx: RequestContext, id: string, input: UploadInput): Promise<Record<string, unknown>> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_actions:upload_image", v.project_id);
  const force = truthy(input.force);
  if (force && ctx.version < MV.VOLUME_UPLOAD_IMAGE_FORCE_AND_VISIBILITY) throw invalidVolume(`Volume ${id} status must be available, but current status is: ${v.status}.`);
  const allowed = force ? ["available", "in-use"] : ["available"];
  if (!allowed.includes(v.status)) throw invalidVolume(`Volume ${id} status must be ${allowed.join(" or ")}, but current status is: ${v.status}.`);
  const visibility = ctx.version >= MV.VOLUME_UPLOAD_IMAGE_FORCE_AND_VISIBILITY ? (input.visibility ?? "private") : "private";
  if (visibility === "public") authorize(ctx, "volume_extension:volume_actions:upload_public");
  const isProtected = ctx.version >= MV.VOLUME_UPLOAD_IMAGE_FORCE_AND_VISIBILITY ? truthy(input.protected) : false;
  const diskFormat = input.disk_format ?? "raw";
  const containerFormat = input.container_format ?? "bare";
  // cinder/volume/api.py copy_volume_to_image: the image carries the volume's image metadata.
  const props = await volumeGlanceMetadata(svc.db.kysely, id);
  for (const k of ["image_id", "image_name", "checksum", "size", "disk_format", "container_format", "min_ram", "min_disk"]) delete props[k];
  const image: GlanceImage = await svc.images.create(ctx, {
    ...props,
    name: input.image_name,
    disk_format: diskFormat,
    container_format: containerFormat,
    visibility,
    protected: isProtected,
    min_disk: v.size,
  });
  const task = JSON.stringify({ op: "upload", image_id: image.id, disk_format: diskFormat });
  const won = await casVolume(svc.db.kysely, id, { status: [v.status] as never }, { status: T.upload.during, previous_status: v.status, task });
  if (!won) {
    await svc.images.remove(ctx, image.id).catch(() => undefined);
    throw invalidVolume(`Volume ${id} status must be available, but current status is: ${v.status}.`);
  }
  svc.volumes.copyVolumeToImage(queueOf(v), id, ctx.requestId);
  return {
    "os-volume_upload_image": {
      id,
      updated_at: v.updated_at,
      status: T.upload.during,
      display_description: v.display_description,
      size: v.size,
      volume_type: null,
      image_id: image.id,
      container_format: containerFormat,
      disk_format: diskFormat,
      image_name: input.image_name,
      ...(ctx.version >= MV.VOLUME_UPLOAD_IMAGE_FORCE_AND_VISIBILITY ? { protected: isProtected, visibility } : {}),
    },
  };
}

export async function showImageMetadata(svc: DbDeps, ctx: RequestContext, id: string): Promise<Record<string, string>> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_image_metadata:show", v.project_id);
  return volumeGlanceMetadata(svc.db.kysely, id);
}

export async function setImageMetadata(svc: DbDeps, ctx: RequestContext, id: string, meta: Record<string, string>): Promise<Record<string, string>> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_image_metadata:set", v.project_id);
  if (!["available", "in-use"].includes(v.status)) throw invalidVolume(`Volume ${id} status must be available or in-use, but current status is: ${v.status}.`);
  await setVolumeGlanceMetadata(svc.db.kysely, id, meta);
  return volumeGlanceMetadata(svc.db.kysely, id);
}

export async function unsetImageMetadata(svc: DbDeps, ctx: RequestContext, id: string, key: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_image_metadata:remove", v.project_id);
  if (!(await deleteVolumeGlanceMetadataKey(svc.db.kysely, id, key))) {
    throw notFound(`Glance metadata for volume ${id} with key ${key} not found`);
  }
}
