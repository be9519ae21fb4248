/**
 * Volume rows. Every status change goes through `casVolume`: an UPDATE ... WHERE status IN (...)
 * whose row count says whether this caller won (cf. Cinder's conditional_update,
 * doc/source/contributor/api_conditional_updates.rst). Nobody reads, checks, then writes.
 */
import { type Kysely, type Transaction, sql, type Updateable } from "kysely";
import type { Database, VolumeRow, VolumesTable } from "../schema";
import { now } from "../../contract/time";
import type { AttachStatus, SnapshotStatus, VolumeStatus } from "../../contract/status";

type Q = Kysely<Database> | Transaction<Database>;

export interface VolumeTask {
  op: "extend" | "revert" | "retype" | "manage";
  new_size?: number;
  snapshot_id?: string;
  new_type_id?: string;
  migration_policy?: "never" | "on-demand";
  /** manage: the driver reference of the request, and the size once the quota is taken for it. */
  ref?: unknown;
  size?: number;
}

export async function getVolume(db: Q, id: string): Promise<VolumeRow | undefined> {
  return db.selectFrom("volumes").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface Expect {
  /** The row must have one of these statuses. */
  status?: readonly VolumeStatus[];
  /** The row must not have any of these statuses. */
  statusNot?: readonly VolumeStatus[];
  /** The row's size must still be this (an extend decided on it). */
  sizeIs?: number;
  /** The row's attach_status must be this. */
  attachStatus?: AttachStatus;
  /** The row's attach_status must not be this. */
  attachStatusNot?: AttachStatus;
  /** The volume must have no snapshots at all. */
  noSnapshots?: boolean;
  /** Every snapshot of the volume must have one of these statuses. */
  snapshotsIn?: readonly SnapshotStatus[];
  /** The volume must (true) or must not (false) have an attachment in `attached` state. */
  hasAttachments?: boolean;
  /** The row must not have a host yet (it is not placed on a backend). */
  noHost?: boolean;
}

/**
 * Compare-and-set: apply `values` only if the row still matches `expect`. True when this caller won.
 * `updated_at` is stamped unless `touch` is false.
 */
export async function casVolume(
  db: Q,
  id: string,
  expect: Expect,
  values: Updateable<VolumesTable>,
  { touch = true }: { touch?: boolean } = {},
): Promise<boolean> {
  let q = db
    .updateTable("volumes")
    .set(touch ? { ...values, updated_at: values.updated_at ?? now() } : values)
    .where("id", "=", id);
  if (expect.status) q = q.where("status", "in", [...expect.status]);
  if (expect.statusNot) q = q.where("status", "not in", [...expect.statusNot]);
  if (expect.sizeIs !== undefined) q = q.where("size", "=", expect.sizeIs);
  if (expect.attachStatus) q = q.where("attach_status", "=", expect.attachStatus);
  if (expect.attachStatusNot) q = q.where("attach_status", "<>", expect.attachStatusNot);
  if (expect.noHost) q = q.where("host", "is", null);
  if (expect.noSnapshots) {
    q = q.where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("snapshots").select(sql.lit(1).as("one")).whereRef("snapshots.volume_id", "=", "volumes.id"))),
    );
  }
  if (expect.snapshotsIn) {
    const ok = [...expect.snapshotsIn];
    q = q.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("snapshots")
            .select(sql.lit(1).as("one"))
            .whereRef("snapshots.volume_id", "=", "volumes.id")
            .where("snapshots.status", "not in", ok),
        ),
      ),
    );
  }
  if (expect.hasAttachments !== undefined) {
    const want = expect.hasAttachments;
    q = q.where(({ not, exists, selectFrom }) => {
      const attached = exists(
        selectFrom("volume_attachment")
          .select(sql.lit(1).as("one"))
          .whereRef("volume_attachment.volume_id", "=", "volumes.id")
          .where("volume_attachment.attach_status", "=", "attached"),
      );
      return want ? attached : not(attached);
    });
  }
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function insertVolume(db: Q, row: VolumesTable, metadata: Record<string, string>): Promise<void> {
  await db.insertInto("volumes").values(row).execute();
  await replaceMetadata(db, "volume_metadata", row.id, metadata);
}

/** Remove the row; true when this caller removed it (so it alone gives back what the row held). */
export async function deleteVolumeRow(db: Q, id: string): Promise<boolean> {
  await db.deleteFrom("volume_metadata").where("volume_id", "=", id).execute();
  await db.deleteFrom("volume_admin_metadata").where("volume_id", "=", id).execute();
  await db.deleteFrom("volume_attachment").where("volume_id", "=", id).execute();
  const res = await db.deleteFrom("volumes").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

type MetaTable = "volume_metadata" | "volume_admin_metadata";

export async function metadataOf(db: Q, table: MetaTable, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom(table).selectAll().where("volume_id", "in", [...ids]).orderBy("key").execute();
  for (const r of rows) {
    const m = out.get(r.volume_id) ?? {};
    m[r.key] = r.value;
    out.set(r.volume_id, m);
  }
  return out;
}

export async function replaceMetadata(db: Q, table: MetaTable, id: string, meta: Record<string, string>): Promise<void> {
  await db.deleteFrom(table).where("volume_id", "=", id).execute();
  const rows = Object.entries(meta).map(([key, value]) => ({ volume_id: id, key, value }));
  if (rows.length > 0) await db.insertInto(table).values(rows).execute();
}

export async function mergeMetadata(db: Q, table: MetaTable, id: string, meta: Record<string, string>): Promise<void> {
  const keys = Object.keys(meta);
  if (keys.length === 0) return;
  await db.deleteFrom(table).where("volume_id", "=", id).where("key", "in", keys).execute();
  await db
    .insertInto(table)
    .values(keys.map((key) => ({ volume_id: id, key, value: meta[key] })))
    .execute();
}

export async function deleteMetadataKey(db: Q, table: MetaTable, id: string, key: string): Promise<boolean> {
  const res = await db.deleteFrom(table).where("volume_id", "=", id).where("key", "=", key).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Volumes of one backend (`host@backend`, any pool) in the given statuses, for reconciliation. */
export async function volumesOnBackend(db: Q, backendHost: string, statuses: readonly VolumeStatus[]): Promise<VolumeRow[]> {
  return db
    .selectFrom("volumes")
    .selectAll()
    .where((eb) => eb.or([eb("host", "=", backendHost), eb("host", "like", `${backendHost}#%`)]))
    .where("status", "in", [...statuses])
    .execute();
}

export function parseTask(row: { task: string | null }): VolumeTask | undefined {
  if (!row.task) return undefined;
  try {
    return JSON.parse(row.task) as VolumeTask;
  } catch {
    return undefined;
  }
}
