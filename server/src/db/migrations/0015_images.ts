/**
 * Images (glance/db/sqlalchemy/models.py `Image`, `ImageMember`, `ImageTag`, `ImageProperty`) and
 * the image metadata a volume made from one keeps (cinder/db/sqlalchemy/models.py
 * `VolumeGlanceMetadata`). An image's free-form properties and its tags are JSON columns: they are
 * read and written with the image, never queried apart from it.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("images")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)")
    /** The owning project. */
    .addColumn("owner", "varchar(255)", (c) => c.notNull())
    /** queued, saving, active, killed, deleted, deactivated. */
    .addColumn("status", "varchar(30)", (c) => c.notNull())
    /** public, private, shared or community. */
    .addColumn("visibility", "varchar(20)", (c) => c.notNull())
    .addColumn("protected", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("disk_format", "varchar(20)")
    .addColumn("container_format", "varchar(20)")
    .addColumn("size", "bigint")
    .addColumn("virtual_size", "bigint")
    .addColumn("checksum", "varchar(32)")
    .addColumn("os_hash_algo", "varchar(64)")
    .addColumn("os_hash_value", "varchar(128)")
    .addColumn("min_disk", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("min_ram", "integer", (c) => c.notNull().defaultTo(0))
    /** The image's other properties, a JSON object of strings. */
    .addColumn("properties", "text", (c) => c.notNull())
    /** A JSON array of strings. */
    .addColumn("tags", "text", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("images_owner_idx").on("images").columns(["owner", "created_at", "id"]).execute();
  await db.schema.createIndex("images_visibility_idx").on("images").column("visibility").execute();
  await db.schema
    .createTable("image_members")
    .addColumn("image_id", "varchar(36)", (c) => c.notNull().references("images.id").onDelete("cascade"))
    .addColumn("member", "varchar(255)", (c) => c.notNull())
    /** pending, accepted or rejected. */
    .addColumn("status", "varchar(20)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addPrimaryKeyConstraint("image_members_pk", ["image_id", "member"])
    .execute();
  await db.schema.createIndex("image_members_member_idx").on("image_members").column("member").execute();
  await db.schema
    .createTable("volume_glance_metadata")
    .addColumn("volume_id", "varchar(36)", (c) => c.notNull())
    .addColumn("key", "varchar(255)", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("volume_glance_metadata_pk", ["volume_id", "key"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("volume_glance_metadata").execute();
  await db.schema.dropTable("image_members").execute();
  await db.schema.dropTable("images").execute();
}
