/**
 * Volume types and what hangs off them: extra specs (the one reader is `extraSpecsOf`), sharing of
 * private types with projects, project default types, and the row hold that keeps a type (or QoS
 * specs) in place until a transaction ends. Visibility rules are applied here as filters; the
 * errors they lead to are the caller's.
 */
import { type ExpressionBuilder, type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { Dialect } from "../database";
import { afterMarker, sortExpr, withIdTiebreak } from "../paginate";
import type { Database, VolumeTypeRow, VolumeTypesTable } from "../schema";
import { now } from "../../contract/time";
import type { Paging } from "../../contract/paging";
import { pageOf } from "./listing";

type Q = Kysely<Database> | Transaction<Database>;

export type ExtraSpecs = Record<string, string | null>;

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

/** Who looks: an admin sees every type, anybody else the public ones and those shared with the project. */
export interface TypeViewer {
  projectId: string;
  isAdmin: boolean;
}

/** A type by id or name as `viewer` may see it. */
export async function visibleType(db: Q, viewer: TypeViewer, column: "id" | "name", value: string): Promise<VolumeTypeRow | undefined> {
  let q = db.selectFrom("volume_types").selectAll().where(column, "=", value);
  if (!viewer.isAdmin) q = q.where(sharedWith(viewer.projectId));
  return q.executeTakeFirst();
}

/** A type by id, whoever may see it. */
export async function getType(db: Q, id: string): Promise<VolumeTypeRow | undefined> {
  return db.selectFrom("volume_types").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function typeByName(db: Q, name: string): Promise<VolumeTypeRow | undefined> {
  return db.selectFrom("volume_types").selectAll().where("name", "=", name).executeTakeFirst();
}

/** The id of the type named `name`, other than `exceptId`: a name clash. */
export async function typeIdByName(db: Q, name: string, exceptId?: string): Promise<string | undefined> {
  let q = db.selectFrom("volume_types").select("id").where("name", "=", name);
  if (exceptId !== undefined) q = q.where("id", "<>", exceptId);
  return (await q.executeTakeFirst())?.id;
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

// ---------------------------------------------------------------------------------------------
// Extra specs

/** The extra specs of each type, keys in order; a type without any has an empty record. */
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

/** One type's extra specs that have a value; none for no type. */
export async function typeSpecs(db: Q, typeId: string | null): Promise<Record<string, string>> {
  if (!typeId) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((await extraSpecsOf(db, [typeId])).get(typeId) ?? {})) if (v !== null) out[k] = v;
  return out;
}

/** Set these keys of the type's extra specs, keeping the others. */
export async function mergeExtraSpecs(db: Q, typeId: string, specs: ExtraSpecs): Promise<void> {
  const keys = Object.keys(specs);
  if (keys.length === 0) return;
  await db.deleteFrom("volume_type_extra_specs").where("volume_type_id", "=", typeId).where("key", "in", keys).execute();
  await db
    .insertInto("volume_type_extra_specs")
    .values(keys.map((key) => ({ volume_type_id: typeId, key, value: specs[key] })))
    .execute();
}

/** True when the key was there. */
export async function deleteExtraSpec(db: Q, typeId: string, key: string): Promise<boolean> {
  const res = await db.deleteFrom("volume_type_extra_specs").where("volume_type_id", "=", typeId).where("key", "=", key).executeTakeFirst();
  return Number(res.numDeletedRows) !== 0;
}

// ---------------------------------------------------------------------------------------------
// List (cinder/db/sqlalchemy/api.py _process_volume_types_filters)

export interface TypeFilters extends Paging {
  /** true: public types and those shared with the viewer's project; false: private only; null: all. */
  isPublic: boolean | null;
  /** Types having every one of these extra specs (RESKEY:availability_zones: a substring of the value). */
  extraSpecs: Record<string, string>;
  /** Exact matches on columns. */
  equals: Partial<Record<"id" | "name" | "description" | "qos_specs_id", string>>;
}

/** A page of the types `viewer` may see, after `marker` (a row of the listing, or none). */
export async function pageTypes(
  db: Q,
  viewer: TypeViewer,
  f: TypeFilters,
  marker: VolumeTypeRow | undefined,
): Promise<{ rows: VolumeTypeRow[]; more: boolean }> {
  let base = db.selectFrom("volume_types");
  if (!viewer.isAdmin) base = base.where(sharedWith(viewer.projectId));
  if (f.isPublic === true) base = base.where(sharedWith(viewer.projectId));
  else if (f.isPublic === false) base = base.where("volume_types.is_public", "=", 0);
  for (const [col, v] of Object.entries(f.equals)) base = base.where(`volume_types.${col as "id"}`, "=", v);
  for (const [k, v] of Object.entries(f.extraSpecs)) {
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
  const keys = withIdTiebreak(f.sort);
  let pq = base.selectAll();
  if (marker) pq = pq.where((eb) => afterMarker(eb, keys, marker as unknown as Record<string, unknown>));
  for (const k of keys) pq = pq.orderBy(sortExpr(k), k.dir);
  if (f.offset > 0) pq = pq.offset(f.offset);
  return pageOf(await pq.limit(f.limit).execute(), f.limit);
}

// ---------------------------------------------------------------------------------------------
// Create, update, delete

/** The type row and its extra specs. */
export async function insertType(db: Q, row: VolumeTypeRow, specs: ExtraSpecs): Promise<void> {
  await db.insertInto("volume_types").values(row).execute();
  const rows = Object.entries(specs).map(([key, value]) => ({ volume_type_id: row.id, key, value }));
  if (rows.length > 0) await db.insertInto("volume_type_extra_specs").values(rows).execute();
}

/** True when the row was there. */
export async function updateType(db: Q, id: string, values: Updateable<VolumeTypesTable>): Promise<boolean> {
  const res = await db.updateTable("volume_types").set(values).where("id", "=", id).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Quota limits, class limits and usage of resource `from` become `to`'s; rows already under `to`
 * are stale and go first.
 */
export async function renameQuotaResource(db: Q, from: string, to: string): Promise<void> {
  for (const table of ["quotas", "quota_classes", "quota_usages"] as const) {
    await db.deleteFrom(table).where("resource", "=", to).execute();
    await db.updateTable(table).set({ resource: to }).where("resource", "=", from).execute();
  }
}

/** True when any volume, in any project, has the type. */
export async function typeInUse(db: Q, typeId: string): Promise<boolean> {
  return (await db.selectFrom("volumes").select("id").where("volume_type_id", "=", typeId).limit(1).executeTakeFirst()) !== undefined;
}

/** The type with its extra specs and its project shares. */
export async function deleteType(db: Q, id: string): Promise<void> {
  await db.deleteFrom("volume_type_extra_specs").where("volume_type_id", "=", id).execute();
  await db.deleteFrom("volume_type_projects").where("volume_type_id", "=", id).execute();
  await db.deleteFrom("volume_type_encryption").where("volume_type_id", "=", id).execute();
  await db.deleteFrom("volume_types").where("id", "=", id).execute();
}

// ---------------------------------------------------------------------------------------------
// Sharing of private types (volume_type_projects)

export interface TypeAccessRow {
  volume_type_id: string;
  project_id: string;
}

export async function typeAccessOf(db: Q, typeId: string): Promise<TypeAccessRow[]> {
  return db.selectFrom("volume_type_projects").select(["volume_type_id", "project_id"]).where("volume_type_id", "=", typeId).orderBy("project_id").execute();
}

/** False when the type was already shared with the project. */
export async function insertTypeAccess(db: Q, typeId: string, projectId: string): Promise<boolean> {
  const res = await db
    .insertInto("volume_type_projects")
    .values({ volume_type_id: typeId, project_id: projectId })
    .onConflict((oc) => oc.columns(["volume_type_id", "project_id"]).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) !== 0;
}

/** False when the type was not shared with the project. */
export async function deleteTypeAccess(db: Q, typeId: string, projectId: string): Promise<boolean> {
  const res = await db.deleteFrom("volume_type_projects").where("volume_type_id", "=", typeId).where("project_id", "=", projectId).executeTakeFirst();
  return Number(res.numDeletedRows) !== 0;
}

// ---------------------------------------------------------------------------------------------
// Project default types (default_volume_types)

export interface ProjectDefaultRow {
  project_id: string;
  volume_type_id: string;
}

export async function projectDefaultOf(db: Q, projectId: string): Promise<ProjectDefaultRow | undefined> {
  return db.selectFrom("default_volume_types").select(["project_id", "volume_type_id"]).where("project_id", "=", projectId).executeTakeFirst();
}

export async function allProjectDefaults(db: Q): Promise<ProjectDefaultRow[]> {
  return db.selectFrom("default_volume_types").select(["project_id", "volume_type_id"]).orderBy("project_id").execute();
}

/** True when some project has the type as its default. */
export async function isProjectDefault(db: Q, typeId: string): Promise<boolean> {
  return (await db.selectFrom("default_volume_types").select("project_id").where("volume_type_id", "=", typeId).executeTakeFirst()) !== undefined;
}

/** Set or replace the project's default type. */
export async function upsertProjectDefault(db: Q, projectId: string, typeId: string): Promise<void> {
  await db
    .insertInto("default_volume_types")
    .values({ project_id: projectId, volume_type_id: typeId, created_at: now() })
    .onConflict((oc) => oc.column("project_id").doUpdateSet({ volume_type_id: typeId }))
    .execute();
}

export async function deleteProjectDefault(db: Q, projectId: string): Promise<void> {
  await db.deleteFrom("default_volume_types").where("project_id", "=", projectId).execute();
}
