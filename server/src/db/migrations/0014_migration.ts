/**
 * Volume migration (cinder/db/sqlalchemy/models.py Volume `_name_id`): a migrated volume keeps its
 * id and takes the storage made for it on the destination, named after the destination volume's
 * id. `name_id` is that storage name; null, the volume's storage is named after its own id.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("volumes").addColumn("name_id", "varchar(36)").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("volumes").dropColumn("name_id").execute();
}
