/**
 * User messages (cinder/db/sqlalchemy/models.py `Message`): what an asynchronous operation that
 * failed tells its project, with Cinder's columns. Indexed by project (a non-admin's list) and by
 * expiry (the scheduler's reaper and the lists skip expired messages).
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("messages")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("project_id", "varchar(255)", (c) => c.notNull())
    /** ERROR, WARNING or INFO. */
    .addColumn("message_level", "varchar(255)", (c) => c.notNull())
    .addColumn("request_id", "varchar(255)")
    /** VOLUME, VOLUME_SNAPSHOT or VOLUME_BACKUP. */
    .addColumn("resource_type", "varchar(36)")
    .addColumn("resource_uuid", "varchar(255)")
    /** VOLUME_<resource type>_<action id>_<detail id>. */
    .addColumn("event_id", "varchar(255)", (c) => c.notNull())
    .addColumn("detail_id", "varchar(10)")
    .addColumn("action_id", "varchar(10)")
    .addColumn("expires_at", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .addColumn("deleted_at", "varchar(32)")
    .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("messages_project_id_idx").on("messages").columns(["project_id", "created_at", "id"]).execute();
  await db.schema.createIndex("messages_expires_at_idx").on("messages").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("messages").execute();
}
