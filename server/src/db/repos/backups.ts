/**
 * Backup rows (cinder/db/sqlalchemy/api.py backup_*). Every status change is a compare-and-set on
 * the status, so two racing requests (a delete beside a restore) never both win.
 */
import type { Kysely, Transaction, Updateable } from "kysely";
import type { BackupRow, BackupsTable, Database } from "../schema";
import { now } from "../../contract/time";

type Q = Kysely<Database> | Transaction<Database>;

/** A running restore's target, kept on the backup so a restart can put both back. */
export interface BackupTask {
  op: "restore";
  volume_id: string;
  /** True when the restore made the volume (a restore without volume_id, or a 3.47 create). */
  new_volume: boolean;
}

export function parseBackupTask(b: Pick<BackupRow, "task">): BackupTask | undefined {
  if (!b.task) return undefined;
  try {
    return JSON.parse(b.task) as BackupTask;
  } catch {
    return undefined;
  }
}

export async function getBackup(db: Q, id: string): Promise<BackupRow | undefined> {
  return db.selectFrom("backups").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertBackup(db: Q, row: BackupsTable): Promise<void> {
  await db.insertInto("backups").values(row).execute();
}

/** Sets `values` when the backup's status is one of `statuses` (any, when undefined): true for the caller that won. */
export async function casBackup(db: Q, id: string, statuses: readonly string[] | undefined, values: Updateable<BackupsTable>): Promise<boolean> {
  let q = db.updateTable("backups").set({ ...values, updated_at: now() }).where("id", "=", id);
  if (statuses) q = q.where("status", "in", [...statuses]);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function deleteBackupRow(db: Q, id: string): Promise<boolean> {
  const res = await db.deleteFrom("backups").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/** The volume's most recent `available` backup: the parent of an incremental one (cinder/backup/api.py create). */
export async function latestAvailableBackup(db: Q, volumeId: string): Promise<BackupRow | undefined> {
  return db
    .selectFrom("backups")
    .selectAll()
    .where("volume_id", "=", volumeId)
    .where("status", "=", "available")
    .orderBy("data_timestamp", "desc")
    .orderBy("created_at", "desc")
    .executeTakeFirst();
}

/** Adds `n` to the backup's count of backups chained to it. */
export async function addDependents(db: Q, id: string, n: number): Promise<void> {
  const b = await getBackup(db, id);
  if (!b) return;
  await db.updateTable("backups").set({ num_dependent_backups: Math.max(0, b.num_dependent_backups + n) }).where("id", "=", id).execute();
}

export async function backupsInStatus(db: Q, statuses: readonly string[]): Promise<BackupRow[]> {
  return db.selectFrom("backups").selectAll().where("status", "in", [...statuses]).orderBy("created_at").execute();
}

/** Backups that still need the volume's data: a volume cannot be deleted under a running backup. */
export async function runningBackupsOf(db: Q, volumeId: string): Promise<number> {
  const row = await db
    .selectFrom("backups")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("volume_id", "=", volumeId)
    .where("status", "=", "creating")
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The containers backups name (an S3 store's buckets to look after at start). */
export async function backupContainers(db: Q): Promise<string[]> {
  const rows = await db.selectFrom("backups").select("container").distinct().where("container", "is not", null).execute();
  return rows.map((r) => r.container!);
}
