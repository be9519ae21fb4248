/**
 * Clusters (cf. Cinder's `clusters` table, cinder/db/sqlalchemy/models.py Cluster): volume services
 * of several hosts that share a backend's storage join the cluster `<cluster>@<backend>` and take
 * its work active-active. A service's `cluster_name` says which cluster it is in; a volume's says
 * which cluster's queue its work goes to. `frozen` on services and clusters is Cinder's freeze.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("clusters")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(255)", (c) => c.notNull())
    .addColumn("binary", "varchar(255)", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("disabled_reason", "varchar(255)")
    .addColumn("frozen", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)")
    .addUniqueConstraint("clusters_name_binary_uq", ["name", "binary"])
    .execute();
  await db.schema.alterTable("services").addColumn("cluster_name", "varchar(255)").execute();
  await db.schema.alterTable("services").addColumn("frozen", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("volumes").addColumn("cluster_name", "varchar(255)").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("volumes").dropColumn("cluster_name").execute();
  await db.schema.alterTable("services").dropColumn("frozen").execute();
  await db.schema.alterTable("services").dropColumn("cluster_name").execute();
  await db.schema.dropTable("clusters").execute();
}
