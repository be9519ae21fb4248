/** The first schema: volumes, snapshots, their metadata, volume types and services. */
import { type Kysely, sql } from "kysely";

const DEFAULT_TYPE_ID = "a1b2c3d4-0000-4000-8000-000000000001";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("volumes")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("user_id", "varchar(255)", (c) => c.notNull())
    .addColumn("host", "varchar(255)")
    .addColumn("availability_zone", "varchar(255)", (c) => c.notNull())
    .addColumn("display_name", "varchar(255)")
    .addColumn("display_description", "varchar(255)")
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("status", "varchar(64)", (c) => c.notNull())
    .addColumn("attach_status", "varchar(64)", (c) => c.notNull())
    .addColumn("migration_status", "varchar(255)")
    .addColumn("previous_status", "varchar(64)")
    .addColumn("bootable", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("multiattach", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("snapshot_id", "varchar(36)")
    .addColumn("source_volid", "varchar(36)")
    .addColumn("volume_type_id", "varchar(36)")
    .addColumn("replication_status", "varchar(64)")
    .addColumn("consumes_quota", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("provider_location", "varchar(255)")
    .addColumn("provider_auth", "varchar(255)")
    .addColumn("provider_id", "varchar(255)")
    .addColumn("task", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .addColumn("launched_at", "varchar(32)")
    .execute();
  // Keyset pagination: the default sort (created_at desc, id desc) within a project, and across
  // projects for admins; status for the manager's restart scan and filters.
  await db.schema.createIndex("volumes_project_created_idx").on("volumes").columns(["project_id", "created_at", "id"]).execute();
  await db.schema.createIndex("volumes_created_idx").on("volumes").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("volumes_host_status_idx").on("volumes").columns(["host", "status"]).execute();
  await db.schema.createIndex("volumes_project_name_idx").on("volumes").columns(["project_id", "display_name"]).execute();

  for (const [table, owner] of [
    ["volume_metadata", "volume_id"],
    ["volume_admin_metadata", "volume_id"],
    ["snapshot_metadata", "snapshot_id"],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn(owner, "varchar(36)", (c) => c.notNull())
      .addColumn("key", "varchar(255)", (c) => c.notNull())
      .addColumn("value", "varchar(255)", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, [owner, "key"])
      .execute();
    await db.schema.createIndex(`${table}_kv_idx`).on(table).columns(["key", "value"]).execute();
  }

  await db.schema
    .createTable("snapshots")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("user_id", "varchar(255)", (c) => c.notNull())
    .addColumn("volume_id", "varchar(36)", (c) => c.notNull())
    .addColumn("status", "varchar(64)", (c) => c.notNull())
    .addColumn("progress", "varchar(8)", (c) => c.notNull())
    .addColumn("volume_size", "integer", (c) => c.notNull())
    .addColumn("display_name", "varchar(255)")
    .addColumn("display_description", "varchar(255)")
    .addColumn("volume_type_id", "varchar(36)")
    .addColumn("consumes_quota", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("group_snapshot_id", "varchar(36)")
    .addColumn("provider_location", "varchar(255)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("snapshots_project_created_idx").on("snapshots").columns(["project_id", "created_at", "id"]).execute();
  await db.schema.createIndex("snapshots_created_idx").on("snapshots").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("snapshots_volume_idx").on("snapshots").columns(["volume_id", "created_at"]).execute();
  await db.schema.createIndex("snapshots_status_idx").on("snapshots").columns(["status"]).execute();

  await db.schema
    .createTable("volume_types")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("description", "varchar(255)")
    .addColumn("is_public", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  // Cinder always has __DEFAULT__ (cinder/db/sqlalchemy/api.py, migration 'volume_type' default).
  await db
    .insertInto("volume_types")
    .values({
      id: DEFAULT_TYPE_ID,
      name: "__DEFAULT__",
      description: "Default Volume Type",
      is_public: 1,
      created_at: sql<string>`${new Date().toISOString().slice(0, 23) + "000"}`,
      updated_at: null,
    })
    .execute();

  await db.schema
    .createTable("services")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("host", "varchar(255)", (c) => c.notNull())
    .addColumn("binary", "varchar(255)", (c) => c.notNull())
    .addColumn("topic", "varchar(255)", (c) => c.notNull())
    .addColumn("availability_zone", "varchar(255)", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("disabled_reason", "varchar(255)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .addUniqueConstraint("services_host_binary_uq", ["host", "binary"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["services", "volume_types", "snapshot_metadata", "snapshots", "volume_admin_metadata", "volume_metadata", "volumes"]) {
    await db.schema.dropTable(t).execute();
  }
}
