/** Built-in identity (a Keystone v3 subset): domains, projects, users, roles, assignments, tokens. */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("domains")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("description", "varchar(255)")
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("projects")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("name", "varchar(64)", (c) => c.notNull())
    .addColumn("domain_id", "varchar(64)", (c) => c.notNull())
    .addColumn("description", "varchar(255)")
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("projects_domain_name_uq", ["domain_id", "name"])
    .execute();
  await db.schema
    .createTable("users")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull())
    .addColumn("domain_id", "varchar(64)", (c) => c.notNull())
    .addColumn("password_hash", "varchar(255)")
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("default_project_id", "varchar(64)")
    .addColumn("email", "varchar(255)")
    .addColumn("description", "varchar(255)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("users_domain_name_uq", ["domain_id", "name"])
    .execute();
  await db.schema
    .createTable("roles")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull().unique())
    .addColumn("description", "varchar(255)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("role_assignments")
    .addColumn("user_id", "varchar(64)", (c) => c.notNull())
    .addColumn("project_id", "varchar(64)", (c) => c.notNull())
    .addColumn("role_id", "varchar(64)", (c) => c.notNull())
    .addPrimaryKeyConstraint("role_assignments_pk", ["user_id", "project_id", "role_id"])
    .execute();
  await db.schema.createIndex("role_assignments_project_idx").on("role_assignments").columns(["project_id"]).execute();
  await db.schema
    .createTable("tokens")
    .addColumn("id_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(64)", (c) => c.notNull())
    .addColumn("project_id", "varchar(64)")
    .addColumn("methods", "varchar(255)", (c) => c.notNull())
    .addColumn("audit_id", "varchar(64)", (c) => c.notNull())
    .addColumn("issued_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("revoked", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("tokens_user_idx").on("tokens").columns(["user_id"]).execute();
  await db.schema.createIndex("tokens_expires_idx").on("tokens").columns(["expires_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["tokens", "role_assignments", "roles", "users", "projects", "domains"]) await db.schema.dropTable(t).execute();
}
