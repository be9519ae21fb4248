/** Snapshot rows, with the same compare-and-set discipline as volumes. */
import { type Kysely, sql, type Transaction, type Updateable } from "kysely";
import type { Database, SnapshotRow, SnapshotsTable } from "../schema";
import { now } from "../../contract/time";
import type { SnapshotStatus } from "../../contract/status";
import { dropMetadata, replaceMetadata } from "./metadata";

type Q = Kysely<Database> | Transaction<Database>;

export async function getSnapshot(db: Q, id: string): Promise<SnapshotRow | undefined> {
  return db.selectFrom("snapshots").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function casSnapshot(
  db: Q,
  id: string,
  expectStatus: readonly SnapshotStatus[] | undefined,
  values: Updateable<SnapshotsTable>,
  /** The snapshot must not belong to a group snapshot. */
  { notInGroupSnapshot = false }: { notInGroupSnapshot?: boolean } = {},
): Promise<boolean> {
  let q = db
    .updateTable("snapshots")
    .set({ ...values, updated_at: values.updated_at ?? now() })
    .where("id", "=", id);
  if (expectStatus) q = q.where("status", "in", [...expectStatus]);
  if (notInGroupSnapshot) q = q.where("group_snapshot_id", "is", null);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function snapshotsOfVolume(db: Q, volumeId: string): Promise<SnapshotRow[]> {
  return db.selectFrom("snapshots").selectAll().where("volume_id", "=", volumeId).orderBy("created_at", "desc").execute();
}

export async function insertSnapshot(db: Q, row: SnapshotsTable, metadata: Record<string, string>): Promise<void> {
  await db.insertInto("snapshots").values(row).execute();
  await replaceMetadata(db, "snapshot", row.id, metadata);
}

/** Remove the row; true when this caller removed it (so it alone gives back what the row held). */
/**
 * Remove the row and answer it as it was when removed (undefined when another delete took it
 * first): the quota it gives back is its project's at that moment, which a transfer accepted
 * while the snapshot was being deleted may have changed since the caller read it.
 */
export async function deleteSnapshotRow(db: Q, id: string): Promise<SnapshotRow | undefined> {
  await dropMetadata(db, "snapshot", id);
  return db.deleteFrom("snapshots").where("id", "=", id).returningAll().executeTakeFirst();
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

/** True when the volume has any snapshot, in any status. */
export async function volumeHasSnapshots(db: Q, volumeId: string): Promise<boolean> {
  const row = await db.selectFrom("snapshots").select(sql.lit(1).as("one")).where("volume_id", "=", volumeId).executeTakeFirst();
  return row !== undefined;
}

/** Every snapshot of the volume goes to `status` (a cascading delete); updated_at is left alone. */
export async function setSnapshotsOfVolumeStatus(db: Q, volumeId: string, status: SnapshotStatus): Promise<void> {
  await db.updateTable("snapshots").set({ status }).where("volume_id", "=", volumeId).execute();
}

/** The id of every snapshot, in any project. */
export async function allSnapshotIds(db: Q): Promise<string[]> {
  return (await db.selectFrom("snapshots").select("id").execute()).map((r) => r.id);
}

/** Ids per query, within every dialect's limit on bound parameters. */
const ID_CHUNK = 500;

/** Those of `ids` that have a snapshot row. */
export async function existingSnapshotIds(db: Q, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const rows = await db.selectFrom("snapshots").select("id").where("id", "in", ids.slice(i, i + ID_CHUNK)).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}
