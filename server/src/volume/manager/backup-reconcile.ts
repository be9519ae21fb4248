/**
 * Backup work a stop or a crash cut short, put right when the volume service starts (cf.
 * cinder/backup/manager.py _cleanup_incomplete_backup_operations): a backup being made is failed
 * (its partial objects removed, its quota given back, its volume or snapshot back to its former
 * status); a restore leaves its volume `error_restoring` and its backup `available`; a delete
 * is done again. While running, backup work whose message was lost is sent again (resumeStaleBackups).
 */
import { backendOf, queueOf } from "../../bus/rpc";
import { backupsInStatus, casBackup, parseBackupTask } from "../../db/repos/backups";
import { casVolume, getVolume } from "../../db/repos/volumes";
import { timestampAt } from "../../contract/time";
import type { VolumeManager } from "./manager";
import { deleteBackup, failBackup } from "./backups";

function ours(m: VolumeManager, host: string | null): boolean {
  if (!host) return false;
  const b = backendOf(host);
  return b === m.backend || (m.cluster !== undefined && b === m.cluster);
}

export async function reconcileBackups(m: VolumeManager): Promise<void> {
  if (!m.opts.backup) return;
  for (const b of await backupsInStatus(m.db.kysely, ["creating", "restoring", "deleting"])) {
    if (b.status === "restoring") {
      const task = parseBackupTask(b);
      const v = task && (await getVolume(m.db.kysely, task.volume_id));
      if (v ? !ours(m, v.host) : !ours(m, b.host)) continue;
      // A volume still being made is made again by the volume reconcile, and restored after.
      if (v && v.status === "creating") continue;
      m.log.warn({ backupId: b.id, volumeId: task?.volume_id }, "a restore was interrupted; its volume is error_restoring");
      if (v) await casVolume(m.db.kysely, v.id, { status: ["restoring-backup"] }, { status: "error_restoring", task: null });
      await casBackup(m.db.kysely, b.id, ["restoring"], { status: "available", task: null, progress: null });
      continue;
    }
    if (!ours(m, b.host)) continue;
    if (b.status === "creating") {
      m.log.warn({ backupId: b.id }, "a backup was interrupted; its partial objects are removed and it is marked error");
      await failBackup(m, b, "The backup was interrupted by a restart of its volume service.");
    } else {
      m.log.info({ backupId: b.id }, "resuming an interrupted backup delete");
      await deleteBackup(m, b.id);
    }
  }
}

/**
 * Backup work of this service left `creating`, `restoring` or `deleting` for `ageMs` that no work
 * of this process holds: its cast was lost (the service was down when it was sent, or the message
 * was dropped) and is sent again. Each operation checks the status under the backup's lock, so a
 * message that was only late changes nothing. A restore into a volume still being made is the
 * volume's to resume (its create restores once the volume exists).
 */
export async function resumeStaleBackups(m: VolumeManager, ageMs: number): Promise<void> {
  if (!m.opts.backup) return;
  const cutoff = timestampAt(Date.now() - ageMs);
  const self = m.rpc.volumes;
  for (const b of await backupsInStatus(m.db.kysely, ["creating", "restoring", "deleting"])) {
    if ((b.updated_at ?? b.created_at) >= cutoff || m.locks.busy(b.id)) continue;
    if (b.status === "restoring") {
      const task = parseBackupTask(b);
      const v = task && (await getVolume(m.db.kysely, task.volume_id));
      if (!v || v.status !== "restoring-backup" || !ours(m, v.host) || m.locks.busy(v.id)) continue;
      m.log.info({ backupId: b.id, volumeId: v.id }, "resuming a stalled restore");
      self.restoreBackup(queueOf(v), b.id);
      continue;
    }
    if (!ours(m, b.host)) continue;
    m.log.info({ backupId: b.id, status: b.status }, "resuming a stalled backup operation");
    if (b.status === "creating") self.createBackup(b.host!, b.id);
    else self.deleteBackup(b.host!, b.id);
  }
}
