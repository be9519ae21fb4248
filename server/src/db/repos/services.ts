/** Service rows: each volume manager registers itself and heartbeats (cf. cinder/service.py). */
import { randomUUID } from "node:crypto";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, ServiceRow } from "../schema";
import { now } from "../../contract/time";

/**
 * Register (or refresh) a service; returns the cluster it was in before (null: none, or new).
 * A clustered service records its cluster (`cluster@backend`); one that leaves a cluster keeps
 * the name until started with another, as Cinder does (its resources do not move back).
 */
export async function registerService(
  db: Kysely<Database>,
  s: { host: string; binary: string; topic: string; availabilityZone: string; cluster?: string },
): Promise<{ previousCluster: string | null }> {
  const t = now();
  const before = await getService(db, s.host, s.binary);
  if (before) {
    await db
      .updateTable("services")
      .set({ topic: s.topic, availability_zone: s.availabilityZone, updated_at: t, ...(s.cluster ? { cluster_name: s.cluster } : {}) })
      .where("host", "=", s.host)
      .where("binary", "=", s.binary)
      .execute();
    return { previousCluster: before.cluster_name };
  }
  {
    await db
      .insertInto("services")
      .values({
        id: randomUUID(),
        host: s.host,
        binary: s.binary,
        topic: s.topic,
        availability_zone: s.availabilityZone,
        disabled: 0,
        disabled_reason: null,
        cluster_name: s.cluster ?? null,
        frozen: 0,
        created_at: t,
        updated_at: t,
      })
      .execute();
  }
  return { previousCluster: null };
}

export async function heartbeat(db: Kysely<Database>, host: string, binary: string): Promise<void> {
  await db.updateTable("services").set({ updated_at: now() }).where("host", "=", host).where("binary", "=", binary).execute();
}

type Q = Kysely<Database> | Transaction<Database>;

export async function listServices(db: Kysely<Database>, binary?: string): Promise<ServiceRow[]> {
  let q = db.selectFrom("services").selectAll().orderBy("host");
  if (binary) q = q.where("binary", "=", binary);
  return q.execute();
}

/**
 * The services of `binary` with the disabled and frozen flags that rule them, in one query: a
 * clustered service's are its cluster's (cinder/db/sqlalchemy/api.py _clustered_bool_field_filter),
 * a service whose cluster has no row keeps its own.
 */
export async function servicesWithRulingFlags(db: Q, binary: string): Promise<Array<ServiceRow & { ruling_disabled: number; ruling_frozen: number }>> {
  return db
    .selectFrom("services")
    .leftJoin("clusters", (j) => j.onRef("clusters.name", "=", "services.cluster_name").onRef("clusters.binary", "=", "services.binary"))
    .selectAll("services")
    .select([sql<number>`coalesce(clusters.disabled, services.disabled)`.as("ruling_disabled"), sql<number>`coalesce(clusters.frozen, services.frozen)`.as("ruling_frozen")])
    .where("services.binary", "=", binary)
    .orderBy("services.host")
    .execute();
}

export async function getService(db: Q, host: string, binary: string): Promise<ServiceRow | undefined> {
  return db.selectFrom("services").selectAll().where("host", "=", host).where("binary", "=", binary).executeTakeFirst();
}

/** Enable or disable one service; false when there is no such service. */
export async function setDisabled(db: Q, host: string, binary: string, disabled: boolean, reason: string | null): Promise<boolean> {
  const res = await db
    .updateTable("services")
    .set({ disabled: disabled ? 1 : 0, disabled_reason: disabled ? reason : null, updated_at: now() })
    .where("host", "=", host)
    .where("binary", "=", binary)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The services of a cluster. */
export async function servicesOfCluster(db: Q, cluster: string, binary: string): Promise<ServiceRow[]> {
  return db.selectFrom("services").selectAll().where("cluster_name", "=", cluster).where("binary", "=", binary).orderBy("host").execute();
}

/** Compare-and-set of a service's frozen flag (Cinder's conditional_update); false when it was not `from`. */
export async function casServiceFrozen(db: Q, host: string, binary: string, from: boolean, to: boolean): Promise<boolean> {
  const res = await db
    .updateTable("services")
    .set({ frozen: to ? 1 : 0, updated_at: now() })
    .where("host", "=", host)
    .where("binary", "=", binary)
    .where("frozen", "=", from ? 1 : 0)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Cinder's freeze records itself as the service's disabled reason ("frozen"); thaw clears it. */
export async function setFrozenDisabled(db: Q, host: string, binary: string, frozen: boolean): Promise<void> {
  await db
    .updateTable("services")
    .set({ disabled: frozen ? 1 : 0, disabled_reason: frozen ? "frozen" : "" })
    .where("host", "=", host)
    .where("binary", "=", binary)
    .execute();
}
