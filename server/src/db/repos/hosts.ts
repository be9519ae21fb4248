/**
 * What the os-hosts extension reads (cinder/api/contrib/hosts.py): the enabled services and the
 * volumes and snapshots on one backend (cinder/db/sqlalchemy/api.py volume_data_get_for_host,
 * volume_data_get_for_project and snapshot_data_get_for_project with a host).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, ServiceRow } from "../schema";

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Services not disabled: a clustered service by its cluster's flag, another by its own
 * (cinder/db/sqlalchemy/api.py `_clustered_bool_field_filter`), ordered by host and binary.
 */
export async function enabledServices(db: Q): Promise<ServiceRow[]> {
  return db
    .selectFrom("services as s")
    .leftJoin("clusters as c", (j) => j.onRef("c.name", "=", "s.cluster_name").onRef("c.binary", "=", "s.binary"))
    .selectAll("s")
    .where((eb) =>
      eb.or([
        eb.and([eb("s.cluster_name", "is", null), eb("s.disabled", "=", 0)]),
        eb.and([eb("s.cluster_name", "is not", null), eb.or([eb("c.disabled", "is", null), eb("c.disabled", "=", 0)])]),
      ]),
    )
    .orderBy("s.host")
    .orderBy("s.binary")
    .execute();
}

export interface ProjectUsage {
  project: string;
  volumeCount: number;
  volumeGb: number;
  snapshotCount: number;
  snapshotGb: number;
}

/** `host = backend` or `host LIKE 'backend#%'` without LIKE's wildcards in the name. */
const onBackend = (column: "host" | "v.host", backend: string) =>
  sql<boolean>`(${sql.ref(column)} = ${backend} or substr(${sql.ref(column)}, 1, ${backend.length + 1}) = ${backend + "#"})`;

/** Each project's volumes on the backend (any pool of it), and its snapshots of them, by project. */
export async function usageOnBackend(db: Q, backend: string): Promise<ProjectUsage[]> {
  const volumes = await db
    .selectFrom("volumes")
    .select(["project_id", (eb) => eb.fn.countAll<string | number>().as("n"), (eb) => eb.fn.sum<string | number | null>("size").as("gb")])
    .where(onBackend("host", backend))
    .groupBy("project_id")
    .orderBy("project_id")
    .execute();
  const snapshots = await db
    .selectFrom("snapshots as s")
    .innerJoin("volumes as v", "v.id", "s.volume_id")
    .select(["s.project_id", (eb) => eb.fn.countAll<string | number>().as("n"), (eb) => eb.fn.sum<string | number | null>("s.volume_size").as("gb")])
    .where(onBackend("v.host", backend))
    .groupBy("s.project_id")
    .execute();
  const snaps = new Map(snapshots.map((s) => [s.project_id, s]));
  return volumes.map((v) => ({
    project: v.project_id,
    volumeCount: Number(v.n),
    volumeGb: Number(v.gb ?? 0),
    snapshotCount: Number(snaps.get(v.project_id)?.n ?? 0),
    snapshotGb: Number(snaps.get(v.project_id)?.gb ?? 0),
  }));
}
