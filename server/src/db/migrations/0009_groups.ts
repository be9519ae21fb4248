/**
 * Generic volume groups (cinder/db/sqlalchemy/models.py GroupType, GroupTypeSpecs, Group,
 * GroupVolumeTypeMapping, GroupSnapshot): group types and their specs, groups and the volume types
 * each may hold, group snapshots, and the group a volume belongs to. A snapshot's
 * `group_snapshot_id` has been there since the first migration.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("group_types")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("description", "varchar(255)")
    .addColumn("is_public", "integer", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  await db.schema
    .createTable("group_type_specs")
    .addColumn("group_type_id", "varchar(36)", (c) => c.notNull())
    .addColumn("key", "varchar(255)", (c) => c.notNull())
    .addColumn("value", "varchar(255)")
    .addPrimaryKeyConstraint("group_type_specs_pk", ["group_type_id", "key"])
    .execute();
  await db.schema
    .createTable("groups")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("user_id", "varchar(255)", (c) => c.notNull())
    .addColumn("host", "varchar(255)")
    .addColumn("cluster_name", "varchar(255)")
    .addColumn("availability_zone", "varchar(255)", (c) => c.notNull())
    .addColumn("name", "varchar(255)")
    .addColumn("description", "varchar(255)")
    .addColumn("group_type_id", "varchar(36)", (c) => c.notNull())
    .addColumn("status", "varchar(32)", (c) => c.notNull())
    .addColumn("group_snapshot_id", "varchar(36)")
    .addColumn("source_group_id", "varchar(36)")
    .addColumn("replication_status", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("groups_project_idx").on("groups").columns(["project_id", "created_at"]).execute();
  await db.schema.createIndex("groups_group_type_idx").on("groups").column("group_type_id").execute();
  await db.schema
    .createTable("group_volume_type_mapping")
    .addColumn("group_id", "varchar(36)", (c) => c.notNull())
    .addColumn("volume_type_id", "varchar(36)", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_volume_type_mapping_pk", ["group_id", "volume_type_id"])
    .execute();
  await db.schema.createIndex("group_volume_type_mapping_type_idx").on("group_volume_type_mapping").column("volume_type_id").execute();
  await db.schema
    .createTable("group_snapshots")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("user_id", "varchar(255)", (c) => c.notNull())
    .addColumn("group_id", "varchar(36)", (c) => c.notNull())
    .addColumn("group_type_id", "varchar(36)", (c) => c.notNull())
    .addColumn("name", "varchar(255)")
    .addColumn("description", "varchar(255)")
    .addColumn("status", "varchar(32)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("group_snapshots_group_idx").on("group_snapshots").column("group_id").execute();
  await db.schema.alterTable("volumes").addColumn("group_id", "varchar(36)").execute();
  await db.schema.createIndex("volumes_group_idx").on("volumes").column("group_id").execute();
  await db.schema.createIndex("snapshots_group_snapshot_idx").on("snapshots").column("group_snapshot_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("snapshots_group_snapshot_idx").execute();
  await db.schema.dropIndex("volumes_group_idx").execute();
  await db.schema.alterTable("volumes").dropColumn("group_id").execute();
  for (const t of ["group_snapshots", "group_volume_type_mapping", "groups", "group_type_specs", "group_types"]) {
    await db.schema.dropTable(t).execute();
  }
}
