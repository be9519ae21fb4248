/**
 * Volume types (cinder/volume/volume_types.py, cinder/api/v3/types.py, cinder/api/contrib/
 * types_manage.py): lookup as the caller may see them (a private type is visible to admins and to
 * the projects it is shared with; to anybody else it does not exist), the default type, list,
 * create, update and delete.
 */
import { randomUUID } from "node:crypto";
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from "kysely";
import type { Dialect } from "../../db/database";
import { afterMarker, sortExpr, withIdTiebreak } from "../../db/paginate";
import type { Database, VolumeTypeRow } from "../../db/schema";
import { now } from "../../db/time";
import type { RequestContext } from "../../contract/context";
import {
  badRequest,
  defaultTypeMisconfigured,
  volumeTypeExists,
  volumeTypeIdNotFound,
  volumeTypeNotFound,
} from "../../contract/errors";
import type { Paging } from "../../contract/paging";
import { authorize } from "../../policy/policy";
import { PER_TYPE_PREFIXES } from "../../quota/quota";
import type { Services } from "../../services";

export const DEFAULT_TYPE_NAME = "__DEFAULT__";

type Q = Kysely<Database> | Transaction<Database>;

export type ExtraSpecs = Record<string, string | null>;

export interface TypeWithSpecs extends VolumeTypeRow {
  extraSpecs: ExtraSpecs;
}

/** oslo_utils.uuidutils.is_uuid_like: 32 hex digits, hyphens anywhere, optional braces and urn:uuid:. */
export function isUuidLike(s: string): boolean {
  return /^(?:urn:)?(?:uuid:)?\{?(?:-*[0-9a-fA-F]){32}-*\}?$/.test(s);
}

/** Public, or shared with the project (cinder/db/sqlalchemy/api.py _volume_type_get_query). */
function sharedWith(projectId: string) {
  return (eb: ExpressionBuilder<Database, "volume_types">) =>
    eb.or([
      eb("volume_types.is_public", "=", 1),
      eb.exists(
        eb
          .selectFrom("volume_type_projects")
          .select(sql.lit(1).as("one"))
          .whereRef("volume_type_projects.volume_type_id", "=", "volume_types.id")
          .where("volume_type_projects.project_id", "=", projectId),
      ),
    ]);
}

async function lookup(svc: Services, ctx: RequestContext, column: "id" | "name", value: string): Promise<VolumeTypeRow | undefined> {
  let q = svc.db.kysely.selectFrom("volume_types").selectAll().where(column, "=", value);
  if (!ctx.isAdmin) q = q.where(sharedWith(ctx.projectId));
  return q.executeTakeFirst();
}

/** A type by id as the caller may see it, else 404 "Volume type <id> could not be found.". */
export async function findType(svc: Services, ctx: RequestContext, id: string): Promise<VolumeTypeRow> {
  const t = await lookup(svc, ctx, "id", id);
  if (!t) throw volumeTypeIdNotFound(id);
  return t;
}

/**
 * A type by name or id as the caller may see it (cinder/volume/volume_types.py get_by_name_or_id):
 * a uuid-like value is tried as an id, then as a name.
 */
export async function typeByNameOrId(svc: Services, ctx: RequestContext, nameOrId: string): Promise<VolumeTypeRow> {
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
  const t = await db.selectFrom("volume_types").selectAll().where("name", "=", DEFAULT_TYPE_NAME).executeTakeFirst();
  if (!t) throw defaultTypeMisconfigured(DEFAULT_TYPE_NAME);
  return t;
}

/**
 * The type a new volume gets when none is named (cinder/volume/volume_types.py
 * get_default_volume_type): the caller's project default (3.62), else __DEFAULT__.
 */
export async function defaultType(svc: Services, ctx: RequestContext): Promise<VolumeTypeRow> {
  const pd = await svc.db.kysely
    .selectFrom("default_volume_types")
    .select("volume_type_id")
    .where("project_id", "=", ctx.projectId)
    .executeTakeFirst();
  if (pd) return findType(svc, ctx, pd.volume_type_id);
  return configuredDefault(svc.db.kysely);
}

/**
 * Hold a row until the transaction ends, on PostgreSQL: FOR KEY SHARE to use it (many users at
 * once, and a rename or QoS change does not wait for them), FOR UPDATE to delete it or change what
 * its users depend on. SQLite runs one transaction at a time. True when the row exists.
 */
export async function holdRow(
  db: Q,
  dialect: Dialect,
  table: "volume_types" | "qos_specs",
  id: string,
  mode: "share" | "update",
): Promise<boolean> {
  let q = db.selectFrom(table).select("id").where("id", "=", id);
  if (dialect === "postgres") q = mode === "share" ? q.forKeyShare() : q.forUpdate();
  return (await q.executeTakeFirst()) !== undefined;
}

/** A unique constraint refused the row (SQLite or PostgreSQL): a concurrent create of the same name. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export async function extraSpecsOf(db: Q, typeIds: readonly string[]): Promise<Map<string, ExtraSpecs>> {
  const out = new Map<string, ExtraSpecs>(typeIds.map((id) => [id, {}]));
  if (typeIds.length === 0) return out;
  const rows = await db
    .selectFrom("volume_type_extra_specs")
    .selectAll()
    .where("volume_type_id", "in", [...typeIds])
    .orderBy("key")
    .execute();
  for (const r of rows) out.get(r.volume_type_id)![r.key] = r.value;
  return out;
}

async function withSpecs(db: Q, rows: VolumeTypeRow[]): Promise<TypeWithSpecs[]> {
  const specs = await extraSpecsOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, extraSpecs: specs.get(r.id) ?? {} }));
}

export async function showType(svc: Services, ctx: RequestContext, id: string): Promise<TypeWithSpecs> {
  const t = await findType(svc, ctx, id);
  authorize(ctx, "volume_extension:type_get");
  return (await withSpecs(svc.db.kysely, [t]))[0];
}

export async function showDefaultType(svc: Services, ctx: RequestContext): Promise<TypeWithSpecs> {
  const t = await defaultType(svc, ctx);
  authorize(ctx, "volume_extension:type_get");
  return (await withSpecs(svc.db.kysely, [t]))[0];
}

// ---------------------------------------------------------------------------------------------
// List (cinder/api/v3/types.py _get_volume_types, cinder/db/sqlalchemy/api.py
// _process_volume_types_filters)

export interface TypeListQuery extends Paging {
  /** true: public types and those shared with the caller's project; false: private only; null: all. */
  isPublic: boolean | null;
  /** Types having every one of these extra specs (RESKEY:availability_zones: a substring of the value). */
  extraSpecs: Record<string, string>;
  /** Admin filters on columns: exact matches. */
  equals: Partial<Record<"id" | "name" | "description" | "qos_specs_id", string>>;
  /** A filter no type can pass (an unknown column, a sensitive extra spec for a non-admin). */
  matchNothing: boolean;
}

export async function listTypes(
  svc: Services,
  ctx: RequestContext,
  q: TypeListQuery,
): Promise<{ types: TypeWithSpecs[]; more: boolean }> {
  authorize(ctx, "volume_extension:type_get_all");
  if (q.matchNothing) return { types: [], more: false };
  const db = svc.db.kysely;
  let base = db.selectFrom("volume_types");
  if (!ctx.isAdmin) base = base.where(sharedWith(ctx.projectId));
  // A marker the caller cannot see (or that does not exist) is ignored: Cinder finds no marker row.
  const marker = q.marker ? await base.selectAll().where("id", "=", q.marker).executeTakeFirst() : undefined;
  if (q.isPublic === true) base = base.where(sharedWith(ctx.projectId));
  else if (q.isPublic === false) base = base.where("volume_types.is_public", "=", 0);
  for (const [col, v] of Object.entries(q.equals)) base = base.where(`volume_types.${col as "id"}`, "=", v);
  for (const [k, v] of Object.entries(q.extraSpecs)) {
    base = base.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("volume_type_extra_specs")
          .select(sql.lit(1).as("one"))
          .whereRef("volume_type_extra_specs.volume_type_id", "=", "volume_types.id")
          .where("volume_type_extra_specs.key", "=", k)
          .where("volume_type_extra_specs.value", k === "RESKEY:availability_zones" ? "like" : "=", k === "RESKEY:availability_zones" ? `%${v}%` : v),
      ),
    );
  }
  const keys = withIdTiebreak(q.sort);
  let pq = base.selectAll();
  if (marker) pq = pq.where((eb) => afterMarker(eb, keys, marker as unknown as Record<string, unknown>));
  for (const k of keys) pq = pq.orderBy(sortExpr(k), k.dir);
  if (q.offset > 0) pq = pq.offset(q.offset);
  const rows = await pq.limit(q.limit + 1).execute();
  const more = rows.length > q.limit;
  return { types: await withSpecs(db, more ? rows.slice(0, q.limit) : rows), more };
}

// ---------------------------------------------------------------------------------------------
// Create, update, delete (cinder/api/contrib/types_manage.py, cinder/volume/volume_types.py)

export interface TypeCreate {
  name: string;
  description?: string | null;
  extraSpecs: ExtraSpecs;
  isPublic: boolean;
}

export async function createType(svc: Services, ctx: RequestContext, input: TypeCreate): Promise<TypeWithSpecs> {
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
      if (await trx.selectFrom("volume_types").select("id").where("name", "=", input.name).executeTakeFirst()) {
        throw volumeTypeExists(input.name);
      }
      await trx.insertInto("volume_types").values(row).execute();
      const specs = Object.entries(input.extraSpecs).map(([key, value]) => ({ volume_type_id: row.id, key, value }));
      if (specs.length > 0) await trx.insertInto("volume_type_extra_specs").values(specs).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw volumeTypeExists(input.name);
    throw err;
  }
  return (await withSpecs(svc.db.kysely, [row]))[0];
}

export interface TypeUpdate {
  name?: string | null;
  description?: string | null;
  isPublic?: boolean | null;
}

export async function updateType(svc: Services, ctx: RequestContext, id: string, u: TypeUpdate): Promise<TypeWithSpecs> {
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
        const clash = await trx.selectFrom("volume_types").select("id").where("name", "=", newName).where("id", "<>", id).executeTakeFirst();
        if (clash) throw volumeTypeExists(newName);
      }
      const res = await trx.updateTable("volume_types").set(values).where("id", "=", id).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw volumeTypeIdNotFound(id);
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
  for (const p of PER_TYPE_PREFIXES) {
    const [from, to] = [p + oldName, p + newName];
    for (const table of ["quotas", "quota_classes", "quota_usages"] as const) {
      await trx.deleteFrom(table).where("resource", "=", to).execute();
      await trx.updateTable(table).set({ resource: to }).where("resource", "=", from).execute();
    }
  }
}

export async function deleteType(svc: Services, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, "volume_extension:type_delete");
  await findType(svc, ctx, id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Locked before anything is checked, so no volume or project default can take the type meanwhile.
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", id, "update"))) throw volumeTypeIdNotFound(id);
    const projectDefault = await trx.selectFrom("default_volume_types").select("project_id").where("volume_type_id", "=", id).executeTakeFirst();
    if (projectDefault || (await configuredDefault(trx)).id === id) {
      throw badRequest(`The volume type ${id} is a default volume type and cannot be deleted.`);
    }
    const used = await trx.selectFrom("volumes").select("id").where("volume_type_id", "=", id).limit(1).executeTakeFirst();
    if (used) throw badRequest("Target volume type is still in use.");
    await trx.deleteFrom("volume_type_extra_specs").where("volume_type_id", "=", id).execute();
    await trx.deleteFrom("volume_type_projects").where("volume_type_id", "=", id).execute();
    await trx.deleteFrom("volume_types").where("id", "=", id).execute();
  });
}
