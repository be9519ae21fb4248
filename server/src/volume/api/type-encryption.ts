/**
 * Encryption specs of volume types (cinder/api/contrib/volume_type_encryption.py). A type with
 * specs is an encrypted type: each volume made of it gets a key from the key manager. The specs
 * cannot change while any volume has the type, since its volumes were keyed by them.
 */
import type { Kysely, Transaction } from "kysely";
import { deleteEncryption, encryptionOf, type EncryptionSpecs, insertEncryption, type TypeEncryptionRow, updateEncryption } from "../../db/repos/encryption";
import { holdRow, typeInUse } from "../../db/repos/types";
import type { Database } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { badRequest, typeEncryptionExists, typeEncryptionNotFound, volumeTypeIdNotFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { DbDeps } from "./deps";
import { findType } from "./types";

/** The request's `key_size`: digits are taken as their integer (volume_type_encryption.py create). */
export type KeySizeInput = number | string | null | undefined;

export interface EncryptionInput {
  provider?: string;
  cipher?: string | null;
  key_size?: KeySizeInput;
  control_location?: string;
}

/** The specs as stored, flat, as Cinder's model renders them (with its soft-delete columns). */
export type EncryptionView = TypeEncryptionRow & { deleted: boolean; deleted_at: null };

export function encryptionView(row: TypeEncryptionRow): EncryptionView {
  return { ...row, deleted: false, deleted_at: null };
}

/** The input with `key_size` as an integer, which is also what is echoed. */
export function normalized(input: EncryptionInput): EncryptionSpecs {
  const out: EncryptionSpecs = {};
  if (input.provider !== undefined) out.provider = input.provider;
  if (input.control_location !== undefined) out.control_location = input.control_location;
  if (input.cipher !== undefined) out.cipher = input.cipher;
  if (input.key_size !== undefined) out.key_size = input.key_size === null ? null : Number(input.key_size);
  return out;
}

async function refuseInUse(db: Kysely<Database> | Transaction<Database>, typeId: string, verb: "create" | "update" | "delete"): Promise<void> {
  if (await typeInUse(db, typeId)) throw badRequest(`Cannot ${verb} encryption specs. Volume type in use.`);
}

/** GET encryption: the specs, or null when the type has none (rendered `{}`). */
export async function showEncryption(svc: DbDeps, ctx: RequestContext, typeId: string): Promise<EncryptionView | null> {
  authorize(ctx, "volume_extension:volume_type_encryption:get");
  await findType(svc, ctx, typeId);
  const row = await encryptionOf(svc.db.kysely, typeId);
  return row ? encryptionView(row) : null;
}

/** GET encryption/{key}: one field of the specs. */
export async function showEncryptionField(svc: DbDeps, ctx: RequestContext, typeId: string, key: string): Promise<unknown> {
  const specs = await showEncryption(svc, ctx, typeId);
  if (!specs || !Object.hasOwn(specs, key)) throw typeEncryptionNotFound(typeId);
  return specs[key as keyof EncryptionView];
}

/** POST encryption: answers the specs sent (key_size as an integer). */
export async function createEncryption(svc: DbDeps, ctx: RequestContext, typeId: string, input: EncryptionInput): Promise<EncryptionSpecs> {
  authorize(ctx, "volume_extension:volume_type_encryption:create");
  const specs = normalized(input);
  await refuseInUse(svc.db.kysely, typeId, "create");
  await findType(svc, ctx, typeId);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", typeId, "update"))) throw volumeTypeIdNotFound(typeId);
    await refuseInUse(trx, typeId, "create");
    if (await encryptionOf(trx, typeId)) throw typeEncryptionExists(typeId);
    await insertEncryption(trx, typeId, { provider: specs.provider!, control_location: specs.control_location!, ...specs });
  });
  return specs;
}

/** PUT encryption/{encryption_id}: Cinder does not compare the id; answers the specs sent. */
export async function updateEncryptionSpecs(svc: DbDeps, ctx: RequestContext, typeId: string, input: EncryptionInput): Promise<EncryptionSpecs> {
  authorize(ctx, "volume_extension:volume_type_encryption:update");
  const specs = normalized(input);
  await findType(svc, ctx, typeId);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", typeId, "update"))) throw volumeTypeIdNotFound(typeId);
    await refuseInUse(trx, typeId, "update");
    if (!(await updateEncryption(trx, typeId, specs))) throw typeEncryptionNotFound(typeId);
  });
  return specs;
}

/** DELETE encryption/{encryption_id}: no type lookup first, as Cinder (an unknown type is the same 404). */
export async function deleteEncryptionSpecs(svc: DbDeps, ctx: RequestContext, typeId: string): Promise<void> {
  authorize(ctx, "volume_extension:volume_type_encryption:delete");
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (await holdRow(trx, svc.db.dialect, "volume_types", typeId, "update")) await refuseInUse(trx, typeId, "delete");
    if (!(await deleteEncryption(trx, typeId))) throw typeEncryptionNotFound(typeId);
  });
}
