/**
 * Cluster rows (cf. cinder/db/sqlalchemy/api.py cluster_*): one per `cluster@backend` and binary,
 * made by the first service that joins it. A cluster's hosts, how many are down and its last
 * heartbeat are read from its services, as Cinder's services_summary does.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { ClusterRow, Database } from "../schema";
import { now } from "../../contract/time";

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Make the cluster if it does not exist yet; a new cluster takes the disabled status of the
 * service that makes it (cinder/service.py _ensure_cluster_exists).
 */
export async function ensureCluster(db: Q, name: string, binary: string, disabled: boolean, reason: string | null): Promise<void> {
  if (await getCluster(db, name, binary)) return;
  const t = now();
  await db
    .insertInto("clusters")
    .values({ id: randomUUID(), name, binary, disabled: disabled ? 1 : 0, disabled_reason: disabled ? reason : null, frozen: 0, created_at: t, updated_at: null })
    .onConflict((oc) => oc.columns(["name", "binary"]).doNothing())
    .execute();
}

export async function getCluster(db: Q, name: string, binary: string): Promise<ClusterRow | undefined> {
  return db.selectFrom("clusters").selectAll().where("name", "=", name).where("binary", "=", binary).executeTakeFirst();
}

export async function listClusters(db: Q): Promise<ClusterRow[]> {
  return db.selectFrom("clusters").selectAll().orderBy("name").orderBy("binary").execute();
}

/** Enable or disable a cluster; false when there is no such cluster. */
export async function setClusterDisabled(db: Q, name: string, binary: string, disabled: boolean, reason: string | null): Promise<boolean> {
  const res = await db
    .updateTable("clusters")
    .set({ disabled: disabled ? 1 : 0, disabled_reason: reason, updated_at: now() })
    .where("name", "=", name)
    .where("binary", "=", binary)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Compare-and-set of a cluster's frozen flag; false when it was not `from`. */
export async function casClusterFrozen(db: Q, name: string, binary: string, from: boolean, to: boolean): Promise<boolean> {
  const res = await db
    .updateTable("clusters")
    .set({ frozen: to ? 1 : 0, updated_at: now() })
    .where("name", "=", name)
    .where("binary", "=", binary)
    .where("frozen", "=", from ? 1 : 0)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * A service added to a cluster brings its volumes in (cinder/volume/manager.py init_host with
 * added_to_cluster, db volume_include_in_cluster): each volume of `backend` (`host@backend`)
 * without a cluster gets `cluster@backend` with its own pool.
 */
export async function includeVolumesInCluster(db: Q, backend: string, cluster: string): Promise<number> {
  const rows = await db
    .selectFrom("volumes")
    .select(["id", "host"])
    .where("cluster_name", "is", null)
    .where((eb) => eb.or([eb("host", "=", backend), eb("host", "like", `${backend}#%`)]))
    .execute();
  for (const r of rows) {
    const pool = (r.host as string).slice(backend.length);
    await db.updateTable("volumes").set({ cluster_name: `${cluster}${pool}` }).where("id", "=", r.id).where("cluster_name", "is", null).execute();
  }
  return rows.length;
}

/**
 * cinder/db/sqlalchemy/api.py is_backend_frozen: a clustered volume's cluster, else its host's
 * service (`host@backend`), is frozen.
 */
export async function isBackendFrozen(db: Q, host: string | null, cluster: string | null): Promise<boolean> {
  const backend = (name: string) => name.split("#")[0];
  if (cluster) {
    const row = await db.selectFrom("clusters").select("frozen").where("name", "=", backend(cluster)).where("frozen", "=", 1).executeTakeFirst();
    return row !== undefined;
  }
  if (!host) return false;
  const row = await db.selectFrom("services").select("frozen").where("host", "=", backend(host)).where("frozen", "=", 1).executeTakeFirst();
  return row !== undefined;
}
