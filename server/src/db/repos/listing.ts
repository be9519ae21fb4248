/**
 * The listing query shared by volumes and snapshots: filters, keyset page, count.
 */
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../schema";
import type { SortKey } from "../../contract/paging";
import { afterMarker, sortExpr, withIdTiebreak } from "../paginate";
import type { ListFilters } from "../../contract/filters";
import { TIME_OPS } from "./filters";

type Listable = "volumes" | "snapshots" | "groups" | "group_snapshots" | "backups";
const META: Partial<Record<Listable, { table: "volume_metadata" | "snapshot_metadata"; fk: string }>> = {
  volumes: { table: "volume_metadata", fk: "volume_id" },
  snapshots: { table: "snapshot_metadata", fk: "snapshot_id" },
};

export interface Page<Row> {
  rows: Row[];
  /**
   * True when the page is full, which is when Cinder gives a next link, whether or not more rows
   * follow (cinder/api/common.py ViewBuilder._get_collection_links: `max_items == len(items)`);
   * the page after the last full one is empty and has none.
   */
  more: boolean;
}

/** The page of at most `limit` rows a query returned. */
export function pageOf<Row>(rows: Row[], limit: number): Page<Row> {
  return { rows, more: limit > 0 && rows.length >= limit };
}

// Kysely's types cannot follow a table chosen at run time; the query is built once here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyQuery = SelectQueryBuilder<any, any, any>;

export function filtered(db: Kysely<Database>, table: Listable, f: ListFilters): AnyQuery {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let q: AnyQuery = (db as Kysely<any>).selectFrom(table);
  if (f.projectId !== undefined) q = q.where(`${table}.project_id`, "=", f.projectId);
  // A migration's hidden destination is not a volume of the project: never listed or counted.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  if (table === "volumes") q = q.where((eb: any) => eb.or([eb("volumes.migration_status", "is", null), eb("volumes.migration_status", "not like", "target:%")]));
  for (const [col, v] of Object.entries(f.equals)) q = q.where(`${table}.${col}`, "=", v);
  for (const [col, text] of Object.entries(f.like)) {
    const pattern = "%" + text.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c) + "%";
    q = q.where(sql`lower(${sql.ref(`${table}.${col}`)})`, "like", sql`${pattern} escape '\\'`);
  }
  for (const [col, conds] of Object.entries(f.times)) {
    for (const c of conds) q = q.where(sql.ref(`${table}.${col}`), TIME_OPS[c.op] as "=", c.value);
  }
  if (table === "snapshots" && f.volumeAz !== undefined) {
    const az = f.volumeAz;
    q = q.where("snapshots.volume_id", "in", (eb: any) =>
      eb.selectFrom("volumes").select("volumes.id").where("volumes.availability_zone", "=", az),
    );
  }
  for (const [k, v] of Object.entries(f.imageMetadata ?? {})) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (selectFrom as any)("volume_glance_metadata")
          .select(sql.lit(1).as("one"))
          .whereRef("volume_glance_metadata.volume_id", "=", `${table}.id`)
          .where("volume_glance_metadata.key", "=", k)
          .where("volume_glance_metadata.value", "=", v),
      ),
    );
  }
  const meta = META[table];
  // Groups and backups have no metadata table: a metadata filter matches none of them.
  if (!meta && Object.keys(f.metadata).length > 0) return q.where(sql<boolean>`1 = 0`);
  for (const [k, v] of Object.entries(f.metadata)) {
    if (!meta) break;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (selectFrom as any)(meta.table)
          .select(sql.lit(1).as("one"))
          .whereRef(`${meta.table}.${meta.fk}`, "=", `${table}.id`)
          .where(`${meta.table}.key`, "=", k)
          .where(`${meta.table}.value`, "=", v),
      ),
    );
  }
  return q;
}

export async function page<Row>(
  q: AnyQuery,
  table: Listable,
  sort: readonly SortKey[],
  marker: Record<string, unknown> | undefined,
  limit: number,
  offset = 0,
): Promise<Page<Row>> {
  const keys = withIdTiebreak(sort);
  let pq = q.selectAll(table);
  if (marker) pq = pq.where((eb) => afterMarker(eb, keys, marker));
  for (const k of keys) pq = pq.orderBy(sortExpr(k), k.dir);
  if (offset > 0) pq = pq.offset(offset);
  return pageOf((await pq.limit(limit).execute()) as Row[], limit);
}

export async function count(q: AnyQuery): Promise<number> {
  const row = await q.select(sql<number>`count(*)`.as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The marker row of a list, if the list may show it (same project, when the list is scoped to one). */
export async function listMarker(
  db: Kysely<Database>,
  table: Listable,
  id: string,
  projectId: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  let q = db.selectFrom(table).selectAll().where("id", "=", id);
  if (projectId !== undefined) q = q.where("project_id", "=", projectId);
  return (await q.executeTakeFirst()) as Record<string, unknown> | undefined;
}

/** How many volumes match, their total size, and every metadata key with its distinct values. */
export async function volumesSummary(
  db: Kysely<Database>,
  f: ListFilters,
): Promise<{ count: number; size: number; metadata: Record<string, string[]> }> {
  const totals = await filtered(db, "volumes", f)
    .select([sql<number>`count(*)`.as("n"), sql<number>`coalesce(sum(volumes.size), 0)`.as("size")])
    .executeTakeFirst();
  const rows = await db
    .selectFrom("volume_metadata")
    .select(["key", "value"])
    .distinct()
    .where("volume_id", "in", filtered(db, "volumes", f).select("volumes.id"))
    .orderBy("key")
    .orderBy("value")
    .execute();
  const metadata: Record<string, string[]> = {};
  for (const r of rows) (metadata[r.key] ??= []).push(r.value);
  return { count: Number(totals?.n ?? 0), size: Number(totals?.size ?? 0), metadata };
}
