/**
 * A snapshot's unfinished operation, as volumes keep theirs in `volumes.task`: a snapshot being
 * managed records the reference of the storage object it adopts (and, once asked, its size), so
 * that a volume service restarting mid-way adopts that object rather than taking a new snapshot.
 */
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("snapshots").addColumn("task", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("snapshots").dropColumn("task").execute();
}
