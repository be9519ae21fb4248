/**
 * Volume transfers (cinder/db/sqlalchemy/models.py Transfer): an offer of a volume to whoever holds
 * the auth key. Only the salt and the HMAC-SHA1 of the key are kept (cinder/transfer/api.py). An
 * accepted transfer stays, `accepted` set, `deleted` set and `destination_project_id` filled, as
 * Cinder's transfer_accept leaves it (history, 3.57); a transfer withdrawn is removed.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("transfers")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("volume_id", "varchar(36)", (c) => c.notNull())
    .addColumn("display_name", "varchar(255)")
    .addColumn("salt", "varchar(255)", (c) => c.notNull())
    .addColumn("crypt_hash", "varchar(255)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)")
    .addColumn("no_snapshots", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("source_project_id", "varchar(255)", (c) => c.notNull())
    .addColumn("destination_project_id", "varchar(255)")
    .addColumn("accepted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .addColumn("deleted_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("transfers_volume_idx").on("transfers").columns(["volume_id", "deleted"]).execute();
  await db.schema.createIndex("transfers_source_idx").on("transfers").columns(["source_project_id", "deleted", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("transfers").execute();
}
