/**
 * Restoring a backup (cinder/api/contrib/backups.py restore, cinder/backup/api.py restore) into an
 * existing available volume or a new one, and the 3.47 volume create from a backup; the export
 * and import of a backup's record.
 */
import { queueOf } from "../../bus/rpc";
import { casBackup, getBackup, insertBackup } from "../../db/repos/backups";
import { casVolume, type VolumeTask } from "../../db/repos/volumes";
import type { BackupRow, BackupsTable } from "../../db/schema";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { invalidBackup, invalidInput, invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { backupDelta, consume } from "../../quota/quota";
import type { ConfigCastDeps, ScheduleDeps, ImageDeps } from "./deps";
import type { KeyDeps } from "./keys";
import { findVolume } from "./lookup";
import { findBackup } from "./backups";
import { createVolume } from "./create";

type Q = Kysely<Database> | Transaction<Database>;

export interface RestoreResult {
  backupId: string;
  volumeId: string;
  volumeName: string | null;
}

/** The backup a new volume is to be filled from (3.47 backup_id): visible and available. */
export async function backupForNewVolume(svc: ConfigCastDeps | ScheduleDeps, ctx: RequestContext, id: string): Promise<BackupRow> {
  const b = await findBackup(svc, ctx, id);
  if (b.status !== "available") throw invalidBackup("Backup status must be available");
  return b;
}

/** Within the new volume's transaction: the backup goes `restoring`, its task naming the volume. */
export async function claimBackupForNewVolume(db: Q, backupId: string, volumeId: string): Promise<void> {
  const task = JSON.stringify({ op: "restore", volume_id: volumeId, new_volume: true });
  if (!(await casBackup(db, backupId, ["available"], { status: "restoring", task, progress: 0 }))) {
    throw invalidBackup("Backup status must be available");
  }
}

/** The volume task that makes a new volume's manager restore into it once it exists. */
export function restoreTask(backupId: string): string {
  const t: VolumeTask = { op: "restore", backup_id: backupId };
  return JSON.stringify(t);
}

export async function restoreBackup(
  svc: ConfigCastDeps & ScheduleDeps & KeyDeps & ImageDeps,
  ctx: RequestContext,
  id: string,
  input: { volumeId?: string | null; name?: string | null },
): Promise<RestoreResult> {
  const b = await findBackup(svc, ctx, id);
  authorize(ctx, "backup:restore", b.project_id);
  if (b.status !== "available") throw invalidBackup("Backup status must be available");
  if (!input.volumeId) {
    const v = await createVolume(svc, ctx, {
      size: b.size,
      name: input.name ?? `restore_backup_${b.id}`,
      description: "auto-created_from_restore_from_backup",
      backupId: b.id,
    });
    return { backupId: b.id, volumeId: v.id, volumeName: v.display_name };
  }
  const v = await findVolume(svc, ctx, input.volumeId);
  if (v.status !== "available") throw invalidVolume("Volume to be restored to must be available");
  if (v.size < b.size) throw invalidVolume(`volume size ${v.size} is smaller than backup size ${b.size}.`);
  if (!v.host) throw invalidVolume("The volume has not been scheduled to any host.");
  const task = JSON.stringify({ op: "restore", volume_id: v.id, new_volume: false });
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await casBackup(trx, b.id, ["available"], { status: "restoring", task, progress: 0 }))) throw invalidBackup("Backup status must be available");
    if (!(await casVolume(trx, v.id, { status: ["available"], sizeIs: v.size }, { status: "restoring-backup" }))) {
      throw invalidVolume("Volume to be restored to must be available");
    }
  });
  svc.volumes.restoreBackup(queueOf(v), b.id, ctx.requestId);
  return { backupId: b.id, volumeId: v.id, volumeName: v.display_name };
}

/** What an export carries: the row as Cinder's backup record has it (base64 JSON). */
type Record_ = Omit<BackupsTable, "task" | "progress" | "previous_status" | "consumes_quota">;

export async function exportBackupRecord(svc: ConfigCastDeps, ctx: RequestContext, id: string): Promise<{ backupService: string; backupUrl: string }> {
  const b = await findBackup(svc, ctx, id);
  authorize(ctx, "backup:export-import", b.project_id);
  if (b.status !== "available") throw invalidBackup("Backup status must be available and not restoring.");
  const { task: _t, progress: _p, previous_status: _s, consumes_quota: _c, ...record } = b;
  return { backupService: b.service ?? "", backupUrl: Buffer.from(JSON.stringify(record)).toString("base64") };
}

/** cinder/backup/api.py import_record: the row back, available, in the caller's project and quota. */
export async function importBackupRecord(svc: ConfigCastDeps, ctx: RequestContext, service: string, url: string): Promise<BackupRow> {
  authorize(ctx, "backup:backup-import");
  let rec: Record_;
  try {
    rec = JSON.parse(Buffer.from(url, "base64").toString("utf8")) as Record_;
    if (typeof rec !== "object" || rec === null || typeof rec.id !== "string" || typeof rec.size !== "number") throw new Error("fields");
  } catch {
    throw invalidInput("Can't parse backup record.");
  }
  if (service !== `cinder.backup.drivers.${svc.config.backup.driver}`) throw invalidInput(`Unsupported backup driver ${service}.`);
  if (await getBackup(svc.db.kysely, rec.id)) throw invalidBackup("Backup already exists in database.");
  const row: BackupsTable = {
    ...rec,
    project_id: ctx.projectId,
    user_id: ctx.userId,
    status: "available",
    num_dependent_backups: 0,
    metadata: rec.metadata ?? "{}",
    progress: null,
    previous_status: null,
    consumes_quota: 1,
    task: null,
    updated_at: null,
  };
  await svc.db.kysely.transaction().execute(async (trx) => {
    await consume(trx, svc.config.quotas, ctx.projectId, backupDelta(row));
    await insertBackup(trx, row);
  });
  return (await getBackup(svc.db.kysely, row.id))!;
}

