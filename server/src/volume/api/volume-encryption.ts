/**
 * A volume's encryption metadata (cinder/api/contrib/volume_encryption_metadata.py, read through
 * cinder/db/sqlalchemy/api.py volume_encryption_metadata_get): what a compute service needs to
 * attach an encrypted volume. It names the key; the key itself is only in the key manager.
 */
import { encryptionOf } from "../../db/repos/encryption";
import type { RequestContext } from "../../contract/context";
import { notFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { DbDeps } from "./deps";
import { findVolume } from "./lookup";

export interface VolumeEncryptionMetadata {
  encryption_key_id: string | null;
  provider?: string;
  cipher?: string | null;
  key_size?: number | null;
  control_location?: string;
}

export async function volumeEncryptionMetadata(svc: DbDeps, ctx: RequestContext, volumeId: string): Promise<VolumeEncryptionMetadata> {
  const v = await findVolume(svc, ctx, volumeId);
  authorize(ctx, "volume_extension:volume_encryption_metadata", v.project_id);
  const out: VolumeEncryptionMetadata = { encryption_key_id: v.encryption_key_id };
  const enc = await encryptionOf(svc.db.kysely, v.volume_type_id);
  if (enc) {
    out.control_location = enc.control_location;
    out.cipher = enc.cipher;
    out.key_size = enc.key_size;
    out.provider = enc.provider;
  }
  return out;
}

/** One field; a field the metadata lacks is a 404 (Cinder's KeyError is a 500). */
export async function volumeEncryptionMetadataItem(svc: DbDeps, ctx: RequestContext, volumeId: string, key: string): Promise<unknown> {
  const meta = await volumeEncryptionMetadata(svc, ctx, volumeId);
  if (!Object.hasOwn(meta, key)) throw notFound(`Volume ${volumeId} has no encryption metadata with key ${key}.`);
  return meta[key as keyof VolumeEncryptionMetadata];
}
