/**
 * Encryption specs of volume types (cinder/db/sqlalchemy/api.py volume_type_encryption_*) and the
 * key ids volumes and snapshots hold. The errors the answers lead to are the caller's.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database, TypeEncryptionTable } from "../schema";
import { now } from "../../contract/time";

export type Q = Kysely<Database> | Transaction<Database>;

export type TypeEncryptionRow = TypeEncryptionTable;

/** The fields a create or update sets (null clears `cipher` or `key_size`). */
export interface EncryptionSpecs {
  provider?: string;
  cipher?: string | null;
  key_size?: number | null;
  control_location?: string;
}

export async function encryptionOf(db: Q, typeId: string | null): Promise<TypeEncryptionRow | undefined> {
  if (!typeId) return undefined;
  return db.selectFrom("volume_type_encryption").selectAll().where("volume_type_id", "=", typeId).executeTakeFirst();
}

export async function insertEncryption(db: Q, typeId: string, specs: Required<Pick<EncryptionSpecs, "provider" | "control_location">> & EncryptionSpecs): Promise<void> {
  await db
    .insertInto("volume_type_encryption")
    .values({
      volume_type_id: typeId,
      encryption_id: randomUUID(),
      provider: specs.provider,
      cipher: specs.cipher ?? null,
      key_size: specs.key_size ?? null,
      control_location: specs.control_location,
      created_at: now(),
      updated_at: null,
    })
    .execute();
}

/** False when the type has no encryption specs. */
export async function updateEncryption(db: Q, typeId: string, specs: EncryptionSpecs): Promise<boolean> {
  const r = await db
    .updateTable("volume_type_encryption")
    .set({ ...specs, updated_at: now() })
    .where("volume_type_id", "=", typeId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** False when the type had no encryption specs. */
export async function deleteEncryption(db: Q, typeId: string): Promise<boolean> {
  const r = await db.deleteFrom("volume_type_encryption").where("volume_type_id", "=", typeId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Whether a volume or a snapshot other than the one named still holds `keyId`. */
export async function keyInUse(db: Q, keyId: string, except: { volumeId?: string }): Promise<boolean> {
  let v = db.selectFrom("volumes").select("id").where("encryption_key_id", "=", keyId);
  if (except.volumeId) v = v.where("id", "!=", except.volumeId);
  if (await v.limit(1).executeTakeFirst()) return true;
  let s = db.selectFrom("snapshots").select("id").where("encryption_key_id", "=", keyId);
  if (except.volumeId) s = s.where("volume_id", "!=", except.volumeId);
  return (await s.limit(1).executeTakeFirst()) !== undefined;
}
