/**
 * Indexes for the lists' sort keys and filters, so that a page stays a range scan however many
 * volumes and snapshots there are: for each project, name (as the lists order it, null as ''),
 * status and size, each ending in the id tie-break; and name and status filters under the default
 * order (created_at, id). Expression indexes match the lists' `coalesce(column, '')` exactly.
 */
import { type Kysely, sql } from "kysely";

const EXPRESSION_INDEXES: Array<[string, string, string]> = [
  ["volumes_project_name_sort_idx", "volumes", "project_id, coalesce(display_name, ''), id"],
  ["volumes_name_sort_idx", "volumes", "coalesce(display_name, ''), id"],
  ["volumes_project_updated_sort_idx", "volumes", "project_id, coalesce(updated_at, ''), id"],
  ["snapshots_project_name_sort_idx", "snapshots", "project_id, coalesce(display_name, ''), id"],
];

const INDEXES: Array<[string, "volumes" | "snapshots", string[]]> = [
  ["volumes_project_name_created_idx", "volumes", ["project_id", "display_name", "created_at", "id"]],
  ["volumes_project_status_created_idx", "volumes", ["project_id", "status", "created_at", "id"]],
  ["volumes_project_size_idx", "volumes", ["project_id", "size", "id"]],
  ["snapshots_project_name_created_idx", "snapshots", ["project_id", "display_name", "created_at", "id"]],
  ["snapshots_project_status_created_idx", "snapshots", ["project_id", "status", "created_at", "id"]],
];

export async function up(db: Kysely<any>): Promise<void> {
  // Superseded by volumes_project_name_created_idx, which also serves the default order.
  await db.schema.dropIndex("volumes_project_name_idx").execute();
  for (const [name, table, columns] of INDEXES) await db.schema.createIndex(name).on(table).columns(columns).execute();
  for (const [name, table, expr] of EXPRESSION_INDEXES) await sql`create index ${sql.id(name)} on ${sql.table(table)} (${sql.raw(expr)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...EXPRESSION_INDEXES, ...INDEXES]) await db.schema.dropIndex(name).execute();
  await db.schema.createIndex("volumes_project_name_idx").on("volumes").columns(["project_id", "display_name"]).execute();
}
