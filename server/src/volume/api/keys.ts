/**
 * Volume keys (cinder/volume/flows/api/create_volume.py _get_encryption_key_id,
 * cinder/volume/volume_utils.py create_encryption_key, clone_encryption_key,
 * delete_encryption_key): a volume of an encrypted type gets a new key of the type's `key_size`
 * (256 bits when unset); a clone or a volume from a snapshot gets a copy of its source's key when
 * the encryption is the same; a deleted volume's key goes when nothing else holds it.
 */
import { type Q, encryptionOf, keyInUse, type TypeEncryptionRow } from "../../db/repos/encryption";
import type { VolumeRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { CinderError } from "../../contract/errors";
import { copyKey, type KeyContext, KeyManagerError, KeyNotFoundError } from "../../keymgr/interface";
import type { Services } from "../../services";

export type KeyDeps = Pick<Services, "db" | "keyManager" | "log">;

const DEFAULT_KEY_BITS = 256;

export function keyContext(ctx: RequestContext): KeyContext {
  return { projectId: ctx.projectId, ...(ctx.authToken ? { authToken: ctx.authToken } : {}) };
}

/** The specs that decide how a volume is encrypted, for comparing two types'. */
function specsOf(e: TypeEncryptionRow | undefined): string | null {
  return e ? JSON.stringify([e.provider, e.cipher, e.key_size, e.control_location]) : null;
}

/** cinder/volume/volume_types.py volume_types_encryption_changed. */
export async function encryptionChanged(db: Q, typeA: string | null, typeB: string | null): Promise<boolean> {
  return specsOf(await encryptionOf(db, typeA)) !== specsOf(await encryptionOf(db, typeB));
}

function keyManagerFault(err: unknown): never {
  if (err instanceof KeyManagerError || err instanceof KeyNotFoundError) {
    // The reason is logged by the caller; the client learns only that the key manager failed.
    throw new CinderError(500, "Key manager error.");
  }
  throw err;
}

/**
 * The key id for a new volume of `typeId`, or null when the type is not encrypted. `source` is
 * the snapshot or volume it is made from.
 */
export async function keyForNewVolume(
  svc: KeyDeps,
  ctx: RequestContext,
  typeId: string | null,
  source?: { encryption_key_id: string | null; volume_type_id: string | null },
): Promise<string | null> {
  const enc = await encryptionOf(svc.db.kysely, typeId);
  if (!enc) return null;
  const kctx = keyContext(ctx);
  try {
    if (source?.encryption_key_id && !(await encryptionChanged(svc.db.kysely, source.volume_type_id, typeId))) {
      return await copyKey(svc.keyManager, kctx, source.encryption_key_id);
    }
    return await svc.keyManager.createKey(kctx, "AES", enc.key_size || DEFAULT_KEY_BITS);
  } catch (err) {
    svc.log.warn({ err: (err as Error).message, typeId }, "key manager: no key for a new volume");
    return keyManagerFault(err);
  }
}

/** Remove a key no volume or snapshot holds any more; failures are logged, not raised (as Cinder). */
export async function forgetKey(svc: KeyDeps, ctx: RequestContext, keyId: string | null, exceptVolume?: string): Promise<void> {
  if (!keyId) return;
  if (await keyInUse(svc.db.kysely, keyId, { volumeId: exceptVolume })) return;
  try {
    await svc.keyManager.delete(keyContext(ctx), keyId);
  } catch (err) {
    if (!(err instanceof KeyNotFoundError)) svc.log.warn({ err: (err as Error).message, keyId }, "key manager: the key was not deleted");
  }
}

/** The key of a volume that is going away. */
export async function forgetVolumeKey(svc: KeyDeps, ctx: RequestContext, v: VolumeRow): Promise<void> {
  await forgetKey(svc, ctx, v.encryption_key_id, v.id);
}
