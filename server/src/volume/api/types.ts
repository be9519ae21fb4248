/**
 * Volume types (cinder/volume/volume_types.py, cinder/api/v3/types.py, cinder/api/contrib/
 * types_manage.py): lookup as the caller may see them (a private type is visible to admins and to
 * the projects it is shared with; to anybody else it does not exist), the default type, list,
 * create, update and delete.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import {
  deleteType as deleteTypeRows,
  type ExtraSpecs,
  extraSpecsOf,
  holdRow,
  insertType,
  isProjectDefault,
  isUniqueViolation,
  pageTypes,
  projectDefaultOf,
  renameQuotaResource,
  type TypeFilters,
  typeByName,
  typeIdByName,
  typeInUse,
  updateType as updateTypeRow,
  visibleType,
} from "../../db/repos/types";
import type { Database, VolumeTypeRow } from "../../db/schema";
import { volumeTypeInGroups } from "../../db/repos/groups";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import {
  badRequest,
  defaultTypeMisconfigured,
  volumeTypeExists,
  volumeTypeIdNotFound,
  volumeTypeNotFound,
} from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { PER_TYPE_PREFIXES } from "../../quota/quota";
import type { DbDeps } from "./deps";
import type { TypeUpdate } from "../../contract/api";

export const DEFAULT_TYPE_NAME = "__DEFAULT__";

type Q = Kysely<Database> | Transaction<Database>;

export type { ExtraSpecs };
// Used inside the transactions of volume create and manage.
export { holdRow };

export interface TypeWithSpecs extends VolumeTypeRow {
  extraSpecs: ExtraSpecs;
}

/** oslo_utils.uuidutils.is_uuid_like: 32 hex digits, hyphens anywhere, optional braces and urn:uuid:. */
export function isUuidLike(s: string): boolean {
  return /^(?:urn:)?(?:uuid:)?\{?(?:-*[0-9a-fA-F]){32}-*\}?$/.test(s);
}

/** As the caller may see it: public or shared with its project (cinder/db/sqlalchemy/api.py _volume_type_get_query); admins see all. */
async function lookup(svc: DbDeps, ctx: RequestContext, column: "id" | "name", value: string): Promise<VolumeTypeRow | undefined> {
  return visibleType(svc.db.kysely, ctx, column, value);
}

/** A type by id as the caller may see it, else 404 "Volume type <id> could not be found.". */
export async function findType(svc: DbDeps, ctx: RequestContext, id: string): Promise<VolumeTypeRow> {
  const t = await lookup(svc, ctx, "id", id);
  if (!t) throw volumeTypeIdNotFound(id);
  return t;
}

/**
 * A type by name or id as the caller may see it (cinder/volume/volume_types.py get_by_name_or_id):
 * a uuid-like value is tried as an id, then as a name.
 */
export async function typeByNameOrId(svc: DbDeps, ctx: RequestContext, nameOrId: string): Promise<VolumeTypeRow> {
  if (isUuidLike(nameOrId)) {
    const t = (await lookup(svc, ctx, "id", nameOrId)) ?? (await lookup(svc, ctx, "name", nameOrId));
    if (!t) throw volumeTypeIdNotFound(nameOrId);
    return t;
  }
  const t = await lookup(svc, ctx, "name", nameOrId);
  if (!t) throw volumeTypeNotFound(nameOrId);
  return t;
}

/** The type named by the configuration (always __DEFAULT__ here); its absence is a 500. */
async function configuredDefault(db: Q): Promise<VolumeTypeRow> {
  const t = await typeByName(db, DEFAULT_TYPE_NAME);
  if (!t) throw defaultTypeMisconfigured(DEFAULT_TYPE_NAME);
  return t;
}

/**
 * The type a new volume gets when none is named (cinder/volume/volume_types.py
 * get_default_volume_type): the caller's project default (3.62), else __DEFAULT__.
 */
export async function defaultType(svc: DbDeps, ctx: RequestContext): Promise<VolumeTypeRow> {
  const pd = await projectDefaultOf(svc.db.kysely, ctx.projectId);
  if (pd) return findType(svc, ctx, pd.volume_type_id);
  return configuredDefault(svc.db.kysely);
}

async function withSpecs(db: Q, rows: VolumeTypeRow[]): Promise<TypeWithSpecs[]> {
  const specs = await extraSpecsOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, extraSpecs: specs.get(r.id) ?? {} }));
}

export async function showType(svc: DbDeps, ctx: RequestContext, id: string): Promise<TypeWithSpecs> {
  const t = await findType(svc, ctx, id);
  authorize(ctx, "volume_extension:type_get");
  return (await withSpecs(svc.db.kysely, [t]))[0];
}

export async function showDefaultType(svc: DbDeps, ctx: RequestContext): Promise<TypeWithSpecs> {
  const t = await defaultType(svc, ctx);
  authorize(ctx, "volume_extension:type_get");
  return (await withSpecs(svc.db.kysely, [t]))[0];
}

// ---------------------------------------------------------------------------------------------
// List (cinder/api/v3/types.py _get_volume_types, cinder/db/sqlalchemy/api.py
// _process_volume_types_filters)

export interface TypeListQuery extends TypeFilters {
  /** A filter no type can pass (an unknown column, a sensitive extra spec for a non-admin). */
  matchNothing: boolean;
}

export async function listTypes(
  svc: DbDeps,
  ctx: RequestContext,
  q: TypeListQuery,
): Promise<{ types: TypeWithSpecs[]; more: boolean }> {
  authorize(ctx, "volume_extension:type_get_all");
  if (q.matchNothing) return { types: [], more: false };
  const db = svc.db.kysely;
  // A marker the caller cannot see (or that does not exist) is ignored: Cinder finds no marker row.
  const marker = q.marker ? await lookup(svc, ctx, "id", q.marker) : undefined;
  const { rows, more } = await pageTypes(db, ctx, q, marker);
  return { types: await withSpecs(db, rows), more };
}

// ---------------------------------------------------------------------------------------------
// Create, update, delete (cinder/api/contrib/types_manage.py, cinder/volume/volume_types.py)

export interface TypeCreate {
  name: string;
  description?: string | null;
  extraSpecs: ExtraSpecs;
  isPublic: boolean;
}

export async function createType(svc: DbDeps, ctx: RequestContext, input: TypeCreate): Promise<TypeWithSpecs> {
  authorize(ctx, "volume_extension:type_create");
  const row: VolumeTypeRow = {
    id: randomUUID(),
    name: input.name,
    description: input.description ?? null,
    is_public: input.isPublic ? 1 : 0,
    qos_specs_id: null,
    created_at: now(),
    updated_at: null,
  };
  try {
    await svc.db.kysely.transaction().execute(async (trx) => {
      if (await typeIdByName(trx, input.name)) throw volumeTypeExists(input.name);
      await insertType(trx, row, input.extraSpecs);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw volumeTypeExists(input.name);
    throw err;
  }
  return (await withSpecs(svc.db.kysely, [row]))[0];
}

export async function updateType(svc: DbDeps, ctx: RequestContext, id: string, u: TypeUpdate): Promise<TypeWithSpecs> {
  authorize(ctx, "volume_extension:type_update");
  if (u.name && u.name.trim().length === 0) throw badRequest("Volume type name can not be empty.");
  if (u.name == null && u.description == null && u.isPublic == null) {
    throw badRequest("Specify volume type name, description, is_public or a combination thereof.");
  }
  const old = await findType(svc, ctx, id);
  const values: { updated_at: string; name?: string; description?: string; is_public?: number } = { updated_at: now() };
  if (u.name != null) values.name = u.name;
  if (u.description != null) values.description = u.description;
  if (u.isPublic != null) values.is_public = u.isPublic ? 1 : 0;
  const newName = u.name;
  try {
    await svc.db.kysely.transaction().execute(async (trx) => {
      if (newName != null) {
        // A rename waits for volume creates in flight (and they for it), so that usage is counted under one name.
        if (!(await holdRow(trx, svc.db.dialect, "volume_types", id, "update"))) throw volumeTypeIdNotFound(id);
        if (await typeIdByName(trx, newName, id)) throw volumeTypeExists(newName);
      }
      if (!(await updateTypeRow(trx, id, values))) throw volumeTypeIdNotFound(id);
      if (newName != null && newName !== old.name) await renameTypeQuotas(trx, old.name, newName);
    });
  } catch (err) {
    if (isUniqueViolation(err) && newName != null) throw volumeTypeExists(newName);
    throw err;
  }
  return (await withSpecs(svc.db.kysely, [await findType(svc, ctx, id)]))[0];
}

/**
 * The per-type quota resources follow the type's name (cinder/quota.py update_quota_resource):
 * limits, class limits and usage. Rows of an earlier type of the new name are stale and go.
 */
async function renameTypeQuotas(trx: Transaction<Database>, oldName: string, newName: string): Promise<void> {
  for (const p of PER_TYPE_PREFIXES) await renameQuotaResource(trx, p + oldName, p + newName);
}

export async function deleteType(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, "volume_extension:type_delete");
  await findType(svc, ctx, id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Locked before anything is checked, so no volume or project default can take the type meanwhile.
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", id, "update"))) throw volumeTypeIdNotFound(id);
    if ((await isProjectDefault(trx, id)) || (await configuredDefault(trx)).id === id) {
      throw badRequest(`The volume type ${id} is a default volume type and cannot be deleted.`);
    }
    if ((await typeInUse(trx, id)) || (await volumeTypeInGroups(trx, id))) throw badRequest("Target volume type is still in use.");
    await deleteTypeRows(trx, id);
  });
}
