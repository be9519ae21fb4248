/** What `/metrics` reads from the database at scrape time: one grouped query, never per request. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema";

export interface VolumeTotal {
  status: string;
  /** `host@backend#pool`, null until scheduled. */
  host: string | null;
  project_id: string;
  volumes: number;
  gigabytes: number;
}

/** Volumes and their gigabytes by status, host and project. */
export async function volumeTotals(db: Kysely<Database>): Promise<VolumeTotal[]> {
  const rows = await db
    .selectFrom("volumes")
    .select(["status", "host", "project_id", sql<number>`count(*)`.as("volumes"), sql<number>`coalesce(sum(size), 0)`.as("gigabytes")])
    .groupBy(["status", "host", "project_id"])
    .execute();
  return rows.map((r) => ({ ...r, volumes: Number(r.volumes), gigabytes: Number(r.gigabytes) }));
}
