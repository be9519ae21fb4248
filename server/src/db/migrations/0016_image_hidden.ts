/**
 * Glance's `os_hidden` (Image API 2.7): a hidden image is left out of the image list unless the
 * list asks for hidden images (`os_hidden=true`); it is shown, downloaded and used as ever.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("images").addColumn("os_hidden", "integer", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("images").dropColumn("os_hidden").execute();
}
