/**
 * Quota rows: hard limits per project (`quotas`) and per class (`quota_classes`), and usage per
 * project (`quota_usages`). Usage moves by conditional UPDATEs (`in_use = in_use + n WHERE
 * in_use + n <= limit`) inside the caller's transaction, never by read-then-write.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema";
import { runCompiledWrite } from "../compiled";
import type { VolumeStatus } from "../../contract/status";

type Q = Kysely<Database> | Transaction<Database>;

export interface LimitRow {
  resource: string;
  hard_limit: number;
}

// Limits

export async function classLimitRows(db: Q, className: string): Promise<LimitRow[]> {
  return db.selectFrom("quota_classes").select(["resource", "hard_limit"]).where("class_name", "=", className).execute();
}

export async function projectLimitRows(db: Q, projectId: string): Promise<LimitRow[]> {
  return db.selectFrom("quotas").select(["resource", "hard_limit"]).where("project_id", "=", projectId).execute();
}

/** Set one limit of the project (replacing the one it had). */
export async function setProjectLimit(db: Q, projectId: string, resource: string, limit: number): Promise<void> {
  await db.deleteFrom("quotas").where("project_id", "=", projectId).where("resource", "=", resource).execute();
  await db.insertInto("quotas").values({ project_id: projectId, resource, hard_limit: limit }).execute();
}

/** Remove every limit of the project's own (it falls back to the defaults). */
export async function deleteProjectLimits(db: Q, projectId: string): Promise<void> {
  await db.deleteFrom("quotas").where("project_id", "=", projectId).execute();
}

/** Set one limit of the quota class (replacing the one it had). */
export async function setClassLimit(db: Q, className: string, resource: string, limit: number): Promise<void> {
  await db.deleteFrom("quota_classes").where("class_name", "=", className).where("resource", "=", resource).execute();
  await db.insertInto("quota_classes").values({ class_name: className, resource, hard_limit: limit }).execute();
}

// Usage

export async function usageRows(db: Q, projectId: string): Promise<Array<{ resource: string; in_use: number; reserved: number }>> {
  return db.selectFrom("quota_usages").select(["resource", "in_use", "reserved"]).where("project_id", "=", projectId).execute();
}

/** Every project's usage rows. */
export async function allUsageRows(db: Q): Promise<Array<{ project_id: string; resource: string; in_use: number }>> {
  return db.selectFrom("quota_usages").select(["project_id", "resource", "in_use"]).execute();
}

/** Make sure the usage row exists (at zero), so that a conditional UPDATE has a row to update. */
export async function ensureUsageRow(db: Q, projectId: string, resource: string): Promise<void> {
  await runCompiledWrite(
    db,
    "usage row made",
    () =>
      db
        .insertInto("quota_usages")
        .values({ project_id: ":project", resource: ":resource", in_use: sql.lit(0), reserved: sql.lit(0) })
        .onConflict((oc) => oc.columns(["project_id", "resource"]).doNothing()),
    { ":project": projectId, ":resource": resource },
  );
}

/**
 * in_use += n on an existing row; when n > 0 and `limit` is not negative, only if the result stays
 * within `limit`. True when the row was updated (false also when there is no row).
 */
export async function takeUsage(db: Q, projectId: string, resource: string, n: number, limit: number): Promise<boolean> {
  const bounded = n > 0 && limit >= 0;
  const values = { ":project": projectId, ":resource": resource, ":n": n, ":limit": limit };
  const changed = await runCompiledWrite(
    db,
    bounded ? "usage taken within its limit" : "usage taken",
    () => {
      const q = db
        .updateTable("quota_usages")
        .set({ in_use: sql`in_use + ${":n"}` })
        .where("project_id", "=", ":project")
        .where("resource", "=", ":resource");
      return bounded ? q.where(sql`in_use + ${":n"}`, "<=", sql`${":limit"}`) : q;
    },
    values,
  );
  return changed === 1;
}

/** in_use += n with no limit check, never below zero. */
export async function adjustUsage(db: Q, projectId: string, resource: string, n: number): Promise<void> {
  await runCompiledWrite(
    db,
    "usage adjusted",
    () =>
      db
        .updateTable("quota_usages")
        .set({ in_use: sql`case when in_use + ${":n"} < 0 then 0 else in_use + ${":n"} end` })
        .where("project_id", "=", ":project")
        .where("resource", "=", ":resource"),
    { ":project": projectId, ":resource": resource, ":n": n },
  );
}

export async function insertUsage(db: Q, projectId: string, resource: string, inUse: number): Promise<void> {
  await db.insertInto("quota_usages").values({ project_id: projectId, resource, in_use: inUse, reserved: 0 }).execute();
}

export async function setUsage(db: Q, projectId: string, resource: string, inUse: number): Promise<void> {
  await db.updateTable("quota_usages").set({ in_use: inUse }).where("project_id", "=", projectId).where("resource", "=", resource).execute();
}

/** PostgreSQL: hold off every usage change until the transaction ends (SQLite's writer lock does already). */
export async function lockUsage(trx: Transaction<Database>, dialect: string): Promise<void> {
  if (dialect === "postgres") await sql`LOCK TABLE quota_usages IN EXCLUSIVE MODE`.execute(trx);
}

// What holds quota

/** The volume rows that hold quota, with what decides how much. */
export async function quotaVolumes(db: Q, statuses: readonly VolumeStatus[]) {
  return db
    .selectFrom("volumes")
    .select(["project_id", "size", "status", "task", "volume_type_id"])
    .where("consumes_quota", "=", 1)
    .where("status", "in", statuses)
    .execute();
}

/**
 * The volumes that hold quota, outside `statuses`, counted in the database: per project and type,
 * how many and their gigabytes (a start with 100,000 volumes reads a few rows, not every one).
 */
export async function quotaVolumeTotals(db: Q, statuses: readonly VolumeStatus[]) {
  const rows = await db
    .selectFrom("volumes")
    .select(["project_id", "volume_type_id", sql<number>`count(*)`.as("n"), sql<number>`coalesce(sum(size), 0)`.as("gigabytes")])
    .where("consumes_quota", "=", 1)
    .where("status", "not in", statuses)
    .groupBy(["project_id", "volume_type_id"])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n), gigabytes: Number(r.gigabytes) }));
}

/** The snapshots that hold quota, counted in the database per project and type. */
export async function quotaSnapshotTotals(db: Q) {
  const rows = await db
    .selectFrom("snapshots")
    .select(["project_id", "volume_type_id", sql<number>`count(*)`.as("n"), sql<number>`coalesce(sum(volume_size), 0)`.as("gigabytes")])
    .where("consumes_quota", "=", 1)
    .groupBy(["project_id", "volume_type_id"])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n), gigabytes: Number(r.gigabytes) }));
}

/** How many groups each project has (each holds one of its `groups` quota). */
export async function quotaGroupTotals(db: Q) {
  const rows = await db.selectFrom("groups").select(["project_id", sql<number>`count(*)`.as("n")]).groupBy("project_id").execute();
  return rows.map((r) => ({ project_id: r.project_id, n: Number(r.n) }));
}

// Volume type names, for the per-type resources

/** The name of a volume type, for per-type resources (null when the type is gone). */
export async function typeNameOf(db: Q, typeId: string | null): Promise<string | null> {
  if (!typeId) return null;
  const t = await db.selectFrom("volume_types").select("name").where("id", "=", typeId).executeTakeFirst();
  return t?.name ?? null;
}

/** Every volume type's name, by name. */
export async function typeNames(db: Q): Promise<string[]> {
  return (await db.selectFrom("volume_types").select("name").orderBy("name").execute()).map((t) => t.name);
}

/** Volume type names by id: every type's, or only those of `ids`. */
export async function typeNamesById(db: Q, ids?: readonly string[]): Promise<Map<string, string>> {
  if (ids?.length === 0) return new Map();
  let q = db.selectFrom("volume_types").select(["id", "name"]);
  if (ids) q = q.where("id", "in", [...ids]);
  return new Map((await q.execute()).map((t) => [t.id, t.name]));
}
