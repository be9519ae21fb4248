/**
 * Volume rows. Every status change goes through `casVolume`: an UPDATE ... WHERE status IN (...)
 * whose row count says whether this caller won (cf. Cinder's conditional_update,
 * doc/source/contributor/api_conditional_updates.rst). Nobody reads, checks, then writes.
 */
import { type ExpressionBuilder, type Kysely, type Transaction, sql, type Updateable } from "kysely";
import { runCompiled } from "../compiled";
import type { Database, VolumeRow, VolumesTable } from "../schema";
import type { Dialect } from "../database";
import { now } from "../../contract/time";
import type { AttachStatus, SnapshotStatus, VolumeStatus } from "../../contract/status";
import { dropMetadata, replaceMetadata } from "./metadata";

type Q = Kysely<Database> | Transaction<Database>;

export interface VolumeTask {
  op: "extend" | "revert" | "retype" | "manage" | "restore" | "image" | "upload";
  /** upload: the disk format the image's data is written in. */
  disk_format?: string;
  /** image: the image a volume being created is filled from. */
  image_id?: string;
  /** restore: the backup a volume made for it (3.47 backup_id, or a restore without volume_id) is filled from. */
  backup_id?: string;
  new_size?: number;
  snapshot_id?: string;
  new_type_id?: string;
  migration_policy?: "never" | "on-demand";
  /** manage: the driver reference of the request, and the size once the quota is taken for it. */
  ref?: unknown;
  size?: number;
  /**
   * extend: the scheduler found room on the volume's backend. From then on only the volume manager
   * acts on it; before, only the scheduler (which may refuse it), so the two never both decide.
   */
  placed?: boolean;
}

export async function getVolume(db: Q, id: string): Promise<VolumeRow | undefined> {
  const rows = await runCompiled(db, "volume by id", () => db.selectFrom("volumes").selectAll().where("id", "=", ":id"), { ":id": id });
  return rows[0];
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
  /** The row's task must still be this (as read, JSON text or null). */
  taskIs?: string | null;
  /** The volume must be in this group (null: in none). */
  groupIs?: string | null;
  /** No migration may be under way (migration_status null, deleting, error or success). */
  migrationIdle?: boolean;
  /** The row's migration_status must be one of these. */
  migrationStatus?: readonly string[];
}

/**
 * The migration statuses in which no migration is under way (cinder/volume/api.py
 * AVAILABLE_MIGRATION_STATUS); a volume may be deleted, migrated or retyped only in these.
 */
export const MIGRATION_IDLE = ["deleting", "error", "success"] as const;

/** The migration_status of the hidden volume a migration copies `sourceId` into. */
export const migrationTarget = (sourceId: string): string => `target:${sourceId}`;

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
  if (expect.taskIs !== undefined) q = expect.taskIs === null ? q.where("task", "is", null) : q.where("task", "=", expect.taskIs);
  if (expect.groupIs !== undefined) q = expect.groupIs === null ? q.where("group_id", "is", null) : q.where("group_id", "=", expect.groupIs);
  if (expect.migrationIdle) {
    q = q.where((eb) => eb.or([eb("migration_status", "is", null), eb("migration_status", "in", [...MIGRATION_IDLE])]));
  }
  if (expect.migrationStatus) q = q.where("migration_status", "in", [...expect.migrationStatus]);
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
  // A new id has no metadata rows to replace.
  const rows = Object.entries(metadata).map(([key, value]) => ({ volume_id: row.id, key, value }));
  if (rows.length > 0) await db.insertInto("volume_metadata").values(rows).execute();
}

/** Remove the row; true when this caller removed it (so it alone gives back what the row held). */
export async function deleteVolumeRow(db: Q, id: string): Promise<boolean> {
  await dropMetadata(db, "volume", id);
  await dropMetadata(db, "volume_admin", id);
  await db.deleteFrom("volume_glance_metadata").where("volume_id", "=", id).execute();
  await db.deleteFrom("volume_attachment").where("volume_id", "=", id).execute();
  // A forced delete may take a volume awaiting transfer: its offer goes with it (volume_destroy).
  await db.deleteFrom("transfers").where("volume_id", "=", id).execute();
  const res = await db.deleteFrom("volumes").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/** Volumes of one backend (`host@backend`, any pool) in the given statuses, for reconciliation. */
export async function volumesOnBackend(db: Q, backendHost: string, statuses: readonly VolumeStatus[]): Promise<VolumeRow[]> {
  return db
    .selectFrom("volumes")
    .selectAll()
    .where(onBackend(backendHost))
    .where("status", "in", [...statuses])
    .execute();
}

/** The task of a volume created from an image. */
export function imageTask(imageId: string): string {
  return JSON.stringify({ op: "image", image_id: imageId } satisfies VolumeTask);
}

export function parseTask(row: { task: string | null }): VolumeTask | undefined {
  if (!row.task) return undefined;
  try {
    return JSON.parse(row.task) as VolumeTask;
  } catch {
    return undefined;
  }
}

/** Rows of one backend (`host@backend`, any pool). */
function onBackend(backendHost: string) {
  return (eb: ExpressionBuilder<Database, "volumes">) => eb.or([eb("host", "=", backendHost), eb("host", "like", `${backendHost}#%`)]);
}

/**
 * What decides the quota a volume holds (cf. quota heldByVolume), read with the row locked until
 * the transaction ends on PostgreSQL (SQLite runs one writer at a time).
 */
export async function lockQuotaColumns(
  db: Q,
  dialect: Dialect,
  id: string,
): Promise<Pick<VolumeRow, "size" | "status" | "task" | "volume_type_id"> | undefined> {
  let q = db.selectFrom("volumes").select(["size", "status", "task", "volume_type_id"]).where("id", "=", id);
  if (dialect === "postgres") q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * Remove the row of a volume the scheduler never placed (no host), with its metadata; true when
 * this caller removed it. False, and nothing removed, once the volume has a host.
 */
export async function deleteUnplacedVolume(db: Q, id: string): Promise<boolean> {
  const res = await db.deleteFrom("volumes").where("id", "=", id).where("host", "is", null).executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1) return false;
  await dropMetadata(db, "volume", id);
  await dropMetadata(db, "volume_admin", id);
  return true;
}

/** True when a volume is still being created (its data copied) from this volume or this snapshot. */
export async function creatingFrom(db: Q, source: "volume" | "snapshot", id: string): Promise<boolean> {
  const row = await db
    .selectFrom("volumes")
    .select(sql.lit(1).as("one"))
    .where(source === "volume" ? "source_volid" : "snapshot_id", "=", id)
    .where("status", "=", "creating")
    .executeTakeFirst();
  return row !== undefined;
}

/** Volumes still `creating` without a host: the scheduler has yet to place them. */
export async function unplacedVolumeIds(db: Q, createdBefore?: string): Promise<string[]> {
  let q = db.selectFrom("volumes").select("id").where("status", "=", "creating").where("host", "is", null);
  if (createdBefore !== undefined) q = q.where("created_at", "<", createdBefore);
  const rows = await q.execute();
  return rows.map((r) => r.id);
}

/** Every volume of one backend, whatever its status. */
export async function volumeIdsOnBackend(db: Q, backendHost: string): Promise<string[]> {
  const rows = await db.selectFrom("volumes").select(["id", "name_id"]).where(onBackend(backendHost)).execute();
  return rows.flatMap((r) => (r.name_id ? [r.id, r.name_id] : [r.id]));
}

/** The exported volumes (a provider_location is set) of one backend, but those in `statusNot`. */
export async function exportedVolumesOnBackend(db: Q, backendHost: string, statusNot: readonly VolumeStatus[]): Promise<VolumeRow[]> {
  return db
    .selectFrom("volumes")
    .selectAll()
    .where(onBackend(backendHost))
    .where("provider_location", "is not", null)
    .where("status", "not in", [...statusNot])
    .execute();
}

/** Ids per query, within every dialect's limit on bound parameters. */
const ID_CHUNK = 500;

/** Those of `ids` that have a volume row, by its id or the storage name it took in a migration (name_id). */
export async function existingVolumeIds(db: Q, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const rows = await db
      .selectFrom("volumes")
      .select(["id", "name_id"])
      .where((eb) => eb.or([eb("id", "in", chunk), eb("name_id", "in", chunk)]))
      .execute();
    // A migrated volume's storage is named after its name_id.
    for (const r of rows) for (const k of [r.id, r.name_id]) if (k && chunk.includes(k)) out.add(k);
  }
  return out;
}

/** The hidden volumes a migration made on one backend (`host@backend`) to copy into (migration_status `target:<source>`). */
export async function migrationTargetsOnBackend(db: Q, backendHost: string): Promise<VolumeRow[]> {
  return db.selectFrom("volumes").selectAll().where(onBackend(backendHost)).where("migration_status", "like", "target:%").execute();
}

/** The volumes of one backend whose migration is under way (starting, migrating, completing). */
export async function migratingOnBackend(db: Q, backendHost: string): Promise<VolumeRow[]> {
  return db
    .selectFrom("volumes")
    .selectAll()
    .where(onBackend(backendHost))
    .where("migration_status", "in", ["starting", "migrating", "completing"])
    .execute();
}

/** Whether a row is a migration's hidden destination (never listed, counted or resumed as a volume). */
export function isMigrationTarget(v: { migration_status: string | null }): boolean {
  return v.migration_status?.startsWith("target:") ?? false;
}
