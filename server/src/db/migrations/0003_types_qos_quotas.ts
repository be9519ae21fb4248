/**
 * Classes of storage and limits per project: volume type extra specs and access, project default
 * types, QoS specs and their associations, quotas, quota classes and usage.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("volume_types").addColumn("qos_specs_id", "varchar(36)").execute();
  await db.schema
    .createTable("volume_type_extra_specs")
    .addColumn("volume_type_id", "varchar(36)", (c) => c.notNull())
    .addColumn("key", "varchar(255)", (c) => c.notNull())
    .addColumn("value", "varchar(255)")
    .addPrimaryKeyConstraint("volume_type_extra_specs_pk", ["volume_type_id", "key"])
    .execute();
  await db.schema
    .createTable("volume_type_projects")
    .addColumn("volume_type_id", "varchar(36)", (c) => c.notNull())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addPrimaryKeyConstraint("volume_type_projects_pk", ["volume_type_id", "project_id"])
    .execute();
  await db.schema
    .createTable("default_volume_types")
    .addColumn("project_id", "varchar(255)", (c) => c.primaryKey())
    .addColumn("volume_type_id", "varchar(36)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("qos_specs")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("consumer", "varchar(32)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("qos_spec_keys")
    .addColumn("qos_specs_id", "varchar(36)", (c) => c.notNull())
    .addColumn("key", "varchar(255)", (c) => c.notNull())
    .addColumn("value", "varchar(255)", (c) => c.notNull())
    .addPrimaryKeyConstraint("qos_spec_keys_pk", ["qos_specs_id", "key"])
    .execute();
  // Hard limits: per project (quotas) and per class (quota_classes, 'default' for everyone).
  await db.schema
    .createTable("quotas")
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("resource", "varchar(300)", (c) => c.notNull())
    .addColumn("hard_limit", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("quotas_pk", ["project_id", "resource"])
    .execute();
  await db.schema
    .createTable("quota_classes")
    .addColumn("class_name", "varchar(255)", (c) => c.notNull())
    .addColumn("resource", "varchar(300)", (c) => c.notNull())
    .addColumn("hard_limit", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("quota_classes_pk", ["class_name", "resource"])
    .execute();
  // What each project uses, changed in the same transaction as the rows that consume it.
  await db.schema
    .createTable("quota_usages")
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("resource", "varchar(300)", (c) => c.notNull())
    .addColumn("in_use", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reserved", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("quota_usages_pk", ["project_id", "resource"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["quota_usages", "quota_classes", "quotas", "qos_spec_keys", "qos_specs", "default_volume_types", "volume_type_projects", "volume_type_extra_specs"]) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable("volume_types").dropColumn("qos_specs_id").execute();
}
