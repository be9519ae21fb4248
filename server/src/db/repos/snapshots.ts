/** Snapshot rows, with the same compare-and-set discipline as volumes. */
import { type Kysely, type Transaction, type Updateable } from "kysely";
import type { Database, SnapshotRow, SnapshotsTable } from "../schema";
import { now } from "../../contract/time";
import type { SnapshotStatus } from "../../contract/status";

type Q = Kysely<Database> | Transaction<Database>;

export async function getSnapshot(db: Q, id: string): Promise<SnapshotRow | undefined> {
  return db.selectFrom("snapshots").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function casSnapshot(
  db: Q,
  id: string,
  expectStatus: readonly SnapshotStatus[] | undefined,
  values: Updateable<SnapshotsTable>,
): Promise<boolean> {
  let q = db
    .updateTable("snapshots")
    .set({ ...values, updated_at: values.updated_at ?? now() })
    .where("id", "=", id);
  if (expectStatus) q = q.where("status", "in", [...expectStatus]);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function snapshotsOfVolume(db: Q, volumeId: string): Promise<SnapshotRow[]> {
  return db.selectFrom("snapshots").selectAll().where("volume_id", "=", volumeId).orderBy("created_at", "desc").execute();
}

export async function insertSnapshot(db: Q, row: SnapshotsTable, metadata: Record<string, string>): Promise<void> {
  await db.insertInto("snapshots").values(row).execute();
  await replaceSnapshotMetadata(db, row.id, metadata);
}

/** Remove the row; true when this caller removed it (so it alone gives back what the row held). */
export async function deleteSnapshotRow(db: Q, id: string): Promise<boolean> {
  await db.deleteFrom("snapshot_metadata").where("snapshot_id", "=", id).execute();
  const res = await db.deleteFrom("snapshots").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export async function snapshotMetadataOf(db: Q, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom("snapshot_metadata").selectAll().where("snapshot_id", "in", [...ids]).orderBy("key").execute();
  for (const r of rows) {
    const m = out.get(r.snapshot_id) ?? {};
    m[r.key] = r.value;
    out.set(r.snapshot_id, m);
  }
  return out;
}

export async function replaceSnapshotMetadata(db: Q, id: string, meta: Record<string, string>): Promise<void> {
  await db.deleteFrom("snapshot_metadata").where("snapshot_id", "=", id).execute();
  const rows = Object.entries(meta).map(([key, value]) => ({ snapshot_id: id, key, value }));
  if (rows.length > 0) await db.insertInto("snapshot_metadata").values(rows).execute();
}

export async function mergeSnapshotMetadata(db: Q, id: string, meta: Record<string, string>): Promise<void> {
  const keys = Object.keys(meta);
  if (keys.length === 0) return;
  await db.deleteFrom("snapshot_metadata").where("snapshot_id", "=", id).where("key", "in", keys).execute();
  await db
    .insertInto("snapshot_metadata")
    .values(keys.map((key) => ({ snapshot_id: id, key, value: meta[key] })))
    .execute();
}

export async function deleteSnapshotMetadataKey(db: Q, id: string, key: string): Promise<boolean> {
  const res = await db.deleteFrom("snapshot_metadata").where("snapshot_id", "=", id).where("key", "=", key).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Snapshots whose volume lives on the given backend, in the given statuses. */
export async function snapshotsOnBackend(db: Q, backendHost: string, statuses: readonly SnapshotStatus[]): Promise<SnapshotRow[]> {
  return db
    .selectFrom("snapshots")
    .innerJoin("volumes", "volumes.id", "snapshots.volume_id")
    .selectAll("snapshots")
    .where((eb) => eb.or([eb("volumes.host", "=", backendHost), eb("volumes.host", "like", `${backendHost}#%`)]))
    .where("snapshots.status", "in", [...statuses])
    .execute();
}
