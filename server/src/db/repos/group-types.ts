/**
 * Group types and their specs (cinder/db/sqlalchemy/api.py group_type_*). Visibility: an admin
 * sees every group type, anybody else the public ones (Cinder has no API to share a private group
 * type with a project).
 */
import type { Kysely, Transaction, Updateable } from "kysely";
import { afterMarker, sortExpr, withIdTiebreak } from "../paginate";
import type { Database, GroupTypeRow, GroupTypesTable } from "../schema";
import type { Paging } from "../../contract/paging";
import { pageOf } from "./listing";

type Q = Kysely<Database> | Transaction<Database>;

export type GroupSpecs = Record<string, string | null>;

export interface GroupTypeViewer {
  isAdmin: boolean;
}

export async function visibleGroupType(db: Q, viewer: GroupTypeViewer, column: "id" | "name", value: string): Promise<GroupTypeRow | undefined> {
  let q = db.selectFrom("group_types").selectAll().where(column, "=", value);
  if (!viewer.isAdmin) q = q.where("is_public", "=", 1);
  return q.executeTakeFirst();
}

/** The id of the group type named `name`, other than `exceptId`: a name clash. */
export async function groupTypeIdByName(db: Q, name: string, exceptId?: string): Promise<string | undefined> {
  let q = db.selectFrom("group_types").select("id").where("name", "=", name);
  if (exceptId !== undefined) q = q.where("id", "<>", exceptId);
  return (await q.executeTakeFirst())?.id;
}

/** Hold the group type until the transaction ends (PostgreSQL; SQLite runs one writer at a time). */
export async function holdGroupType(db: Q, postgres: boolean, id: string, mode: "share" | "update"): Promise<boolean> {
  let q = db.selectFrom("group_types").select("id").where("id", "=", id);
  if (postgres) q = mode === "share" ? q.forKeyShare() : q.forUpdate();
  return (await q.executeTakeFirst()) !== undefined;
}

export async function groupSpecsOf(db: Q, typeIds: readonly string[]): Promise<Map<string, GroupSpecs>> {
  const out = new Map<string, GroupSpecs>(typeIds.map((id) => [id, {}]));
  if (typeIds.length === 0) return out;
  const rows = await db.selectFrom("group_type_specs").selectAll().where("group_type_id", "in", [...typeIds]).orderBy("key").execute();
  for (const r of rows) out.get(r.group_type_id)![r.key] = r.value;
  return out;
}

export async function mergeGroupSpecs(db: Q, typeId: string, specs: GroupSpecs): Promise<void> {
  const keys = Object.keys(specs);
  if (keys.length === 0) return;
  await db.deleteFrom("group_type_specs").where("group_type_id", "=", typeId).where("key", "in", keys).execute();
  await db
    .insertInto("group_type_specs")
    .values(keys.map((key) => ({ group_type_id: typeId, key, value: specs[key] })))
    .execute();
}

/** True when the key was there. */
export async function deleteGroupSpec(db: Q, typeId: string, key: string): Promise<boolean> {
  const res = await db.deleteFrom("group_type_specs").where("group_type_id", "=", typeId).where("key", "=", key).executeTakeFirst();
  return Number(res.numDeletedRows) !== 0;
}

export interface GroupTypeFilters extends Paging {
  /** true: public only; false: private only; null: all (admins choose; others always true). */
  isPublic: boolean | null;
}

export async function pageGroupTypes(
  db: Q,
  viewer: GroupTypeViewer,
  f: GroupTypeFilters,
  marker: GroupTypeRow | undefined,
): Promise<{ rows: GroupTypeRow[]; more: boolean }> {
  let q = db.selectFrom("group_types").selectAll();
  const isPublic = viewer.isAdmin ? f.isPublic : true;
  if (isPublic !== null) q = q.where("is_public", "=", isPublic ? 1 : 0);
  const keys = withIdTiebreak(f.sort);
  if (marker) q = q.where((eb) => afterMarker(eb, keys, marker as unknown as Record<string, unknown>));
  for (const k of keys) q = q.orderBy(sortExpr(k), k.dir);
  if (f.offset > 0) q = q.offset(f.offset);
  return pageOf(await q.limit(f.limit).execute(), f.limit);
}

export async function insertGroupType(db: Q, row: GroupTypeRow, specs: GroupSpecs): Promise<void> {
  await db.insertInto("group_types").values(row).execute();
  const rows = Object.entries(specs).map(([key, value]) => ({ group_type_id: row.id, key, value }));
  if (rows.length > 0) await db.insertInto("group_type_specs").values(rows).execute();
}

/** True when the row was there. */
export async function updateGroupTypeRow(db: Q, id: string, values: Updateable<GroupTypesTable>): Promise<boolean> {
  const res = await db.updateTable("group_types").set(values).where("id", "=", id).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** True when any group, in any project, has the type. */
export async function groupTypeInUse(db: Q, typeId: string): Promise<boolean> {
  return (await db.selectFrom("groups").select("id").where("group_type_id", "=", typeId).limit(1).executeTakeFirst()) !== undefined;
}

export async function deleteGroupTypeRows(db: Q, id: string): Promise<void> {
  await db.deleteFrom("group_type_specs").where("group_type_id", "=", id).execute();
  await db.deleteFrom("group_types").where("id", "=", id).execute();
}
