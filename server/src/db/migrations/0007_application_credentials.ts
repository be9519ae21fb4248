/**
 * Application credentials of the built-in identity (keystone/application_credential/backends/sql.py):
 * a user's credential for one project, its secret stored only as a KDF hash, its name unique per
 * user, and the roles it may use; tokens record the credential they were issued with, so that
 * deleting it revokes them.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("application_credentials")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull())
    .addColumn("secret_hash", "varchar(255)", (c) => c.notNull())
    .addColumn("description", "varchar(255)")
    .addColumn("user_id", "varchar(64)", (c) => c.notNull())
    .addColumn("project_id", "varchar(64)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)")
    .addColumn("unrestricted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("application_credentials_user_name_uq", ["user_id", "name"])
    .execute();
  await db.schema.createIndex("application_credentials_project_idx").on("application_credentials").columns(["user_id", "project_id"]).execute();
  await db.schema
    .createTable("application_credential_roles")
    .addColumn("application_credential_id", "varchar(64)", (c) => c.notNull())
    .addColumn("role_id", "varchar(64)", (c) => c.notNull())
    .addPrimaryKeyConstraint("application_credential_roles_pk", ["application_credential_id", "role_id"])
    .execute();
  await db.schema.alterTable("tokens").addColumn("app_cred_id", "varchar(64)").execute();
  await db.schema.createIndex("tokens_app_cred_idx").on("tokens").columns(["app_cred_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tokens_app_cred_idx").execute();
  await db.schema.alterTable("tokens").dropColumn("app_cred_id").execute();
  await db.schema.dropTable("application_credential_roles").execute();
  await db.schema.dropTable("application_credentials").execute();
}
