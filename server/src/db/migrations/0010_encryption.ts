/**
 * Encrypted volume types and the built-in key manager: a type's encryption specs
 * (cinder/db/sqlalchemy/models.py `Encryption`), the key id of each encrypted volume and of the
 * snapshots taken of it, and the keys themselves, each sealed under the master key in the data
 * directory (never stored in the clear).
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("volume_type_encryption")
    .addColumn("volume_type_id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("encryption_id", "varchar(36)", (c) => c.notNull())
    .addColumn("provider", "varchar(255)", (c) => c.notNull())
    .addColumn("cipher", "varchar(255)")
    .addColumn("key_size", "integer")
    .addColumn("control_location", "varchar(255)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .execute();
  await db.schema.alterTable("volumes").addColumn("encryption_key_id", "varchar(36)").execute();
  await db.schema.alterTable("snapshots").addColumn("encryption_key_id", "varchar(36)").execute();
  await db.schema
    .createTable("key_manager_secrets")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("project_id", "varchar(255)")
    .addColumn("algorithm", "varchar(32)", (c) => c.notNull())
    .addColumn("bit_length", "integer", (c) => c.notNull())
    /** base64 of nonce (12 bytes) ‖ GCM tag (16 bytes) ‖ ciphertext, sealed under the master key. */
    .addColumn("sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("key_manager_secrets").execute();
  await db.schema.alterTable("snapshots").dropColumn("encryption_key_id").execute();
  await db.schema.alterTable("volumes").dropColumn("encryption_key_id").execute();
  await db.schema.dropTable("volume_type_encryption").execute();
}
