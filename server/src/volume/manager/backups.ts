/**
 * Backup work on the volume service of the backed-up volume's backend (cf. cinder/backup/manager.py
 * create_backup, restore_backup, delete_backup): the driver opens the volume's or snapshot's
 * bytes, the chunked driver moves them to or from the backup object store, and the outcome is
 * recorded with compare-and-sets. A failure leaves a user message on the backup.
 */
import { addDependents, casBackup, deleteBackupRow, getBackup, parseBackupTask } from "../../db/repos/backups";
import { casSnapshot, getSnapshot } from "../../db/repos/snapshots";
import { casVolume, getVolume } from "../../db/repos/volumes";
import type { Kysely, Transaction } from "kysely";
import type { BackupRow, Database } from "../../db/schema";
import { backupData, BackupCorrupt, deleteBackupObjects, restoreData } from "../../backup/chunked";
import { Action, Detail, MessageResource, type MessageField } from "../../contract/messages";
import type { VolumeStatus } from "../../contract/status";
import { backupDelta, release } from "../../quota/quota";
import type { VolumeManager } from "./manager";
import { recordFailure } from "./messages";
import { vref } from "./operations";

const GIB = 1024 ** 3;

type Q = Kysely<Database> | Transaction<Database>;

function failure(m: VolumeManager, b: BackupRow, requestId: string | undefined, action: MessageField, detail: MessageField): Promise<void> {
  return recordFailure(m, { projectId: b.project_id, requestId, action, resourceType: MessageResource.VOLUME_BACKUP, resourceUuid: b.id, detail });
}

function storeOf(m: VolumeManager) {
  const store = m.opts.backup?.store;
  if (!store) throw new Error("this volume service has no backup store");
  return store;
}

/** The backup left the status its work runs in (a force delete, a reset): the work stops. */
class BackupAbandoned extends Error {
  constructor(id: string, status: string) {
    super(`backup ${id} is no longer ${status}; its work is abandoned`);
    this.name = "BackupAbandoned";
  }
}

/**
 * Progress is written when its percentage changes, not per chunk. A backup no longer in `status`
 * (force-deleted, reset by an admin) stops its work there.
 */
function progressWriter(m: VolumeManager, id: string, status: string): (p: number) => Promise<void> {
  let last = -1;
  return async (p) => {
    if (p === last) return;
    last = p;
    if (!(await casBackup(m.db.kysely, id, [status], { progress: p }))) throw new BackupAbandoned(id, status);
  };
}

/** The backed-up volume or snapshot goes back to the status it had (cinder/backup/manager.py _cleanup_one_volume). */
async function releaseSource(m: VolumeManager, b: BackupRow, db: Q = m.db.kysely): Promise<void> {
  if (b.snapshot_id) await casSnapshot(db, b.snapshot_id, ["backing-up"], { status: "available" });
  else await casVolume(db, b.volume_id, { status: ["backing-up"] }, { status: (b.previous_status ?? "available") as VolumeStatus, previous_status: null });
}

/** A backup that did not finish: its objects removed, `error`, its quota given back. */
export async function failBackup(m: VolumeManager, b: BackupRow, reason: string): Promise<boolean> {
  await deleteBackupObjects(storeOf(m), b.container!, b.id).catch((err: unknown) => m.log.warn({ err, backupId: b.id }, "removing a failed backup's objects failed"));
  const won = await m.db.kysely.transaction().execute(async (trx) => {
    const ok = await casBackup(trx, b.id, ["creating"], { status: "error", fail_reason: reason.slice(0, 255), progress: null, consumes_quota: 0 });
    if (ok && b.consumes_quota) await release(trx, b.project_id, backupDelta(b));
    await releaseSource(m, b, trx);
    return ok;
  });
  return won;
}

export async function createBackup(m: VolumeManager, backupId: string, requestId?: string): Promise<void> {
  await m.locks.with([backupId], async () => {
    const b = await getBackup(m.db.kysely, backupId);
    if (!b || b.status !== "creating") return;
    let objects: number;
    try {
      const store = storeOf(m);
      const v = await getVolume(m.db.kysely, b.volume_id);
      if (!v) throw new Error(`volume ${b.volume_id} is gone`);
      const s = b.snapshot_id ? await getSnapshot(m.db.kysely, b.snapshot_id) : undefined;
      if (b.snapshot_id && !s) throw new Error(`snapshot ${b.snapshot_id} is gone`);
      const parent = b.parent_id ? await getBackup(m.db.kysely, b.parent_id) : undefined;
      const source = s ? { snapshot: { id: s.id, volumeId: s.volume_id, volumeSize: s.volume_size } } : { volume: vref(v) };
      const h = await m.driver.openData(source, "read");
      try {
        objects = await backupData(
          store,
          h,
          { backupId, volumeId: v.id, container: b.container!, sizeBytes: b.size * GIB, parent: parent ? { id: parent.id, container: parent.container! } : undefined },
          { chunkSize: m.opts.backup!.chunkSizeBytes, shaBlockSize: m.opts.backup!.shaBlockSizeBytes },
          progressWriter(m, backupId, "creating"),
        );
      } finally {
        await h.close();
      }
    } catch (err) {
      if (err instanceof BackupAbandoned) {
        // Its objects are the delete's to remove (a force delete), or the admin's to judge (a reset).
        m.log.info({ backupId }, err.message);
        await releaseSource(m, b);
        return;
      }
      m.log.error({ err, backupId }, "backup failed");
      if (await failBackup(m, b, (err as Error).message)) await failure(m, b, requestId, Action.BACKUP_CREATE, Detail.BACKUP_CREATE_DRIVER_ERROR);
      return;
    }
    // One transaction: whoever sees the backup available sees its volume or snapshot released.
    await m.db.kysely.transaction().execute(async (trx) => {
      await casBackup(trx, backupId, ["creating"], { status: "available", object_count: objects, progress: null });
      await releaseSource(m, b, trx);
    });
    m.log.info({ backupId, objects }, "backup created");
  });
}

export async function restoreBackup(m: VolumeManager, backupId: string, requestId?: string): Promise<void> {
  await m.locks.with([backupId], async () => {
    const b = await getBackup(m.db.kysely, backupId);
    const task = b && parseBackupTask(b);
    if (!b || b.status !== "restoring" || !task) return;
    const v = await getVolume(m.db.kysely, task.volume_id);
    if (!v || v.status !== "restoring-backup") return;
    await m.locks.with([v.id], async () => {
      try {
        const h = await m.driver.openData({ volume: vref(v) }, "write");
        try {
          await restoreData(storeOf(m), h, { id: b.id, container: b.container! }, task.new_volume, progressWriter(m, backupId, "restoring"));
        } finally {
          await h.close();
        }
      } catch (err) {
        if (err instanceof BackupAbandoned) m.log.info({ backupId, volumeId: v.id }, err.message);
        else m.log.error({ err, backupId, volumeId: v.id }, "restore failed");
        await casVolume(m.db.kysely, v.id, { status: ["restoring-backup"] }, { status: "error_restoring", task: null });
        // A backup whose data no longer matches its sha file is not kept as restorable.
        const corrupt = err instanceof BackupCorrupt;
        const values = corrupt ? { status: "error", fail_reason: err.message.slice(0, 255) } : { status: "available" };
        if (await casBackup(m.db.kysely, backupId, ["restoring"], { ...values, task: null, progress: null })) {
          await failure(m, b, requestId, Action.BACKUP_RESTORE, Detail.BACKUP_RESTORE_ERROR);
        }
        return;
      }
      await m.db.kysely.transaction().execute(async (trx) => {
        await casVolume(trx, v.id, { status: ["restoring-backup"] }, { status: "available", task: null });
        await casBackup(trx, backupId, ["restoring"], { status: "available", task: null, progress: null });
      });
      m.log.info({ backupId, volumeId: v.id }, "backup restored");
    });
  });
}

export async function deleteBackup(m: VolumeManager, backupId: string, requestId?: string): Promise<void> {
  await m.locks.with([backupId], async () => {
    const b = await getBackup(m.db.kysely, backupId);
    if (!b || b.status !== "deleting") return;
    try {
      await deleteBackupObjects(storeOf(m), b.container!, b.id);
    } catch (err) {
      m.log.error({ err, backupId }, "backup delete failed");
      if (await casBackup(m.db.kysely, backupId, ["deleting"], { status: "error_deleting" })) {
        await failure(m, b, requestId, Action.BACKUP_DELETE, Detail.BACKUP_DELETE_DRIVER_ERROR);
      }
      return;
    }
    await m.db.kysely.transaction().execute(async (trx) => {
      if (!(await deleteBackupRow(trx, backupId))) return;
      if (b.consumes_quota) await release(trx, b.project_id, backupDelta(b));
      if (b.parent_id) await addDependents(trx, b.parent_id, -1);
    });
    m.log.info({ backupId }, "backup deleted");
  });
}
