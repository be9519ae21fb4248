/** Service rows: each volume manager registers itself and heartbeats (cf. cinder/service.py). */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database, ServiceRow } from "../schema";
import { now } from "../../contract/time";

export async function registerService(
  db: Kysely<Database>,
  s: { host: string; binary: string; topic: string; availabilityZone: string },
): Promise<void> {
  const t = now();
  const res = await db
    .updateTable("services")
    .set({ topic: s.topic, availability_zone: s.availabilityZone, updated_at: t })
    .where("host", "=", s.host)
    .where("binary", "=", s.binary)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) {
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
        created_at: t,
        updated_at: t,
      })
      .execute();
  }
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
