/**
 * Volume backups (cinder/db/sqlalchemy/models.py Backup): one row per backup, its chunks in the
 * backup object store under `container`. `parent_id` chains an incremental backup to the one it
 * was taken against; `num_dependent_backups` counts the backups chained to this one. `task` holds
 * the running restore's target (`{"op":"restore","volume_id":...,"volume_status":...}`) so a
 * restart can put both back; `previous_status` the source volume's status before `backing-up`.
 * `consumes_quota` is cleared when a failed backup gives its quota back, so its delete gives none.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("backups")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("user_id", "varchar(255)", (c) => c.notNull())
    .addColumn("volume_id", "varchar(36)", (c) => c.notNull())
    .addColumn("snapshot_id", "varchar(36)")
    .addColumn("status", "varchar(255)", (c) => c.notNull())
    .addColumn("fail_reason", "varchar(255)")
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("object_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("container", "varchar(255)")
    .addColumn("parent_id", "varchar(36)")
    .addColumn("num_dependent_backups", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("data_timestamp", "varchar(32)", (c) => c.notNull())
    .addColumn("availability_zone", "varchar(255)")
    .addColumn("host", "varchar(255)")
    .addColumn("service", "varchar(255)")
    .addColumn("display_name", "varchar(255)")
    .addColumn("display_description", "varchar(255)")
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("encryption_key_id", "varchar(36)")
    .addColumn("progress", "integer")
    .addColumn("previous_status", "varchar(255)")
    .addColumn("consumes_quota", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("task", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("backups_project_idx").on("backups").columns(["project_id", "created_at"]).execute();
  await db.schema.createIndex("backups_volume_idx").on("backups").columns(["volume_id", "status"]).execute();
  await db.schema.createIndex("backups_parent_idx").on("backups").column("parent_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("backups").execute();
}
