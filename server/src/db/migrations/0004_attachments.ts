/**
 * Attachments (cf. Cinder's `volume_attachment` table, cinder/db/sqlalchemy/models.py
 * VolumeAttachment): one row per host or instance a volume is attached to. Rows are removed when
 * the attachment is detached (Cinder soft-deletes them; nothing here reads deleted rows).
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("volume_attachment")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("volume_id", "varchar(36)", (c) => c.notNull())
    .addColumn("instance_uuid", "varchar(36)")
    .addColumn("attached_host", "varchar(255)")
    .addColumn("mountpoint", "varchar(255)")
    .addColumn("attach_time", "varchar(32)")
    .addColumn("detach_time", "varchar(32)")
    .addColumn("attach_mode", "varchar(36)")
    .addColumn("attach_status", "varchar(255)", (c) => c.notNull())
    /** JSON of the connector the host sent (attachments API, 3.27+). */
    .addColumn("connector", "text")
    .addColumn("connection_info", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("volume_attachment_volume_idx").on("volume_attachment").columns(["volume_id", "attach_status"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("volume_attachment").execute();
}
