/**
 * QoS specs rows, their keys (qos_spec_keys) and their association with volume types
 * (volume_types.qos_specs_id). Associating and deleting hold the rows with `holdRow` (repos/types).
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import { afterMarker, sortExpr, withIdTiebreak } from "../paginate";
import type { Database, QosSpecsTable } from "../schema";
import { now } from "../../contract/time";
import type { Paging } from "../../contract/paging";
import { pageOf } from "./listing";

type Q = Kysely<Database> | Transaction<Database>;

export type QosRow = Selectable<QosSpecsTable>;

export async function getQos(db: Q, id: string): Promise<QosRow | undefined> {
  return db.selectFrom("qos_specs").selectAll().where("id", "=", id).executeTakeFirst();
}

/** True when QoS specs of this name exist. */
export async function qosNameTaken(db: Q, name: string): Promise<boolean> {
  return (await db.selectFrom("qos_specs").select("id").where("name", "=", name).executeTakeFirst()) !== undefined;
}

/** The keys of each QoS specs, in key order; specs without keys have an empty record. */
export async function qosKeysOf(db: Q, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const by = new Map<string, Record<string, string>>(ids.map((id) => [id, {}]));
  if (ids.length === 0) return by;
  const keys = await db.selectFrom("qos_spec_keys").selectAll().where("qos_specs_id", "in", [...ids]).orderBy("key").execute();
  for (const k of keys) by.get(k.qos_specs_id)![k.key] = k.value;
  return by;
}

export interface QosFilters extends Paging {
  equals: Partial<Record<"id" | "name" | "consumer", string>>;
}

/** A page of QoS specs after `marker` (a row of the listing, or none). */
export async function pageQos(db: Q, f: QosFilters, marker: QosRow | undefined): Promise<{ rows: QosRow[]; more: boolean }> {
  let base = db.selectFrom("qos_specs").selectAll();
  for (const [col, v] of Object.entries(f.equals)) base = base.where(col as "id", "=", v);
  const keys = withIdTiebreak(f.sort);
  if (marker) base = base.where((eb) => afterMarker(eb, keys, marker as unknown as Record<string, unknown>));
  for (const k of keys) base = base.orderBy(sortExpr(k), k.dir);
  if (f.offset > 0) base = base.offset(f.offset);
  return pageOf(await base.limit(f.limit).execute(), f.limit);
}

export async function insertQos(db: Q, row: QosRow): Promise<void> {
  await db.insertInto("qos_specs").values(row).execute();
}

export async function setQosConsumer(db: Q, id: string, consumer: string): Promise<void> {
  await db.updateTable("qos_specs").set({ consumer }).where("id", "=", id).execute();
}

/** Set these keys, keeping the others. */
export async function mergeQosKeys(db: Q, id: string, specs: Record<string, string>): Promise<void> {
  const keys = Object.keys(specs);
  if (keys.length === 0) return;
  await db.deleteFrom("qos_spec_keys").where("qos_specs_id", "=", id).where("key", "in", keys).execute();
  await db
    .insertInto("qos_spec_keys")
    .values(keys.map((key) => ({ qos_specs_id: id, key, value: specs[key] })))
    .execute();
}

/** True when the key was there. */
export async function deleteQosKey(db: Q, id: string, key: string): Promise<boolean> {
  const res = await db.deleteFrom("qos_spec_keys").where("qos_specs_id", "=", id).where("key", "=", key).executeTakeFirst();
  return Number(res.numDeletedRows) !== 0;
}

/** The QoS specs row and its keys. */
export async function deleteQos(db: Q, id: string): Promise<void> {
  await db.deleteFrom("qos_spec_keys").where("qos_specs_id", "=", id).execute();
  await db.deleteFrom("qos_specs").where("id", "=", id).execute();
}

// ---------------------------------------------------------------------------------------------
// Association with volume types

/** The types associated with the QoS specs, by name. */
export async function typesOfQos(db: Q, id: string): Promise<Array<{ id: string; name: string }>> {
  return db.selectFrom("volume_types").select(["id", "name"]).where("qos_specs_id", "=", id).orderBy("name").execute();
}

/** True when some type is associated with the QoS specs. */
export async function qosInUse(db: Q, id: string): Promise<boolean> {
  return (await db.selectFrom("volume_types").select("id").where("qos_specs_id", "=", id).limit(1).executeTakeFirst()) !== undefined;
}

export async function associateTypeQos(db: Q, typeId: string, qosId: string): Promise<void> {
  await db.updateTable("volume_types").set({ qos_specs_id: qosId, updated_at: now() }).where("id", "=", typeId).execute();
}

/** Only while the type is associated with these QoS specs. */
export async function disassociateTypeQos(db: Q, typeId: string, qosId: string): Promise<void> {
  await db
    .updateTable("volume_types")
    .set({ qos_specs_id: null, updated_at: now() })
    .where("id", "=", typeId)
    .where("qos_specs_id", "=", qosId)
    .execute();
}

/** Every type associated with the QoS specs loses it. */
export async function disassociateAllQos(db: Q, qosId: string): Promise<void> {
  await db.updateTable("volume_types").set({ qos_specs_id: null, updated_at: now() }).where("qos_specs_id", "=", qosId).execute();
}

/** The QoS specs associated with the volume type, if any. */
export async function qosOfType(db: Q, typeId: string): Promise<QosRow | undefined> {
  return db
    .selectFrom("qos_specs")
    .selectAll("qos_specs")
    .where("qos_specs.id", "=", (eb) => eb.selectFrom("volume_types").select("qos_specs_id").where("volume_types.id", "=", typeId))
    .executeTakeFirst();
}

/**
 * cinder/db/sqlalchemy/api.py volume_qos_allows_retype: an in-use volume keeps its front-end QoS
 * (Nova cannot change it on a running server), so both types have the same QoS specs, or neither
 * has specs consumed anywhere but on the back-end.
 */
export async function qosAllowsRetype(db: Q, oldTypeId: string | null, newTypeId: string): Promise<boolean> {
  const qosOf = async (typeId: string | null) =>
    typeId ? ((await db.selectFrom("volume_types").select("qos_specs_id").where("id", "=", typeId).executeTakeFirst())?.qos_specs_id ?? null) : null;
  const [from, to] = [await qosOf(oldTypeId), await qosOf(newTypeId)];
  if (from !== null && from === to) return true;
  const ids = [from, to].filter((q): q is string => q !== null);
  if (ids.length === 0) return true;
  const consumers = await db.selectFrom("qos_specs").select("consumer").where("id", "in", ids).execute();
  return consumers.every((q) => q.consumer === "back-end");
}
