/**
 * Backups (cinder/api/contrib/backups.py, cinder/api/v3/backups.py, cinder/backup/api.py): create
 * from a volume or one of its snapshots, list, show, update, delete, and the admin actions. The
 * work is done by the volume service of the volume's backend, which reads the data through its
 * driver into the backup object store (../manager/backups.ts).
 */
import { randomUUID } from "node:crypto";
import { backendOf, queueOf } from "../../bus/rpc";
import { addDependents, casBackup, getBackup, insertBackup, latestAvailableBackup } from "../../db/repos/backups";
import { count, filtered, listMarker, page } from "../../db/repos/listing";
import { casSnapshot } from "../../db/repos/snapshots";
import { casVolume, getVolume } from "../../db/repos/volumes";
import type { BackupRow, BackupsTable } from "../../db/schema";
import type { ListQuery } from "../../contract/api";
import type { RequestContext } from "../../contract/context";
import { backupNotFound, badRequest, invalidBackup, invalidSnapshot, invalidVolume } from "../../contract/errors";
import { now } from "../../contract/time";
import { authorize } from "../../policy/policy";
import { backupDelta, consume } from "../../quota/quota";
import type { ConfigCastDeps, DbDeps } from "./deps";
import { findSnapshot, findVolume } from "./lookup";
import type { Listed } from "./list";

/** Cinder's default container for chunked drivers (backup_swift_container, backup_s3_store_bucket). */
export const DEFAULT_CONTAINER = "volumebackups";

export interface CreateBackupInput {
  volumeId: string;
  snapshotId?: string | null;
  container?: string | null;
  name?: string | null;
  description?: string | null;
  incremental: boolean;
  force: boolean;
  metadata?: Record<string, string> | null;
  availabilityZone?: string | null;
}

export async function findBackup(svc: DbDeps, ctx: RequestContext, id: string): Promise<BackupRow> {
  const b = await getBackup(svc.db.kysely, id);
  if (!b || (!ctx.isAdmin && b.project_id !== ctx.projectId)) throw backupNotFound(id);
  return b;
}

/** cinder/backup/api.py create: the checks, then the row, its quota and the source's status in one transaction. */
export async function createBackup(svc: ConfigCastDeps, ctx: RequestContext, input: CreateBackupInput): Promise<BackupRow> {
  const v = await findVolume(svc, ctx, input.volumeId);
  authorize(ctx, "backup:create", v.project_id);
  const snapshot = input.snapshotId ? await findSnapshot(svc, ctx, input.snapshotId) : undefined;
  if (snapshot && snapshot.volume_id !== v.id) throw invalidSnapshot(`Snapshot ${snapshot.id} is not a snapshot of volume ${v.id}.`);
  if (!["available", "in-use"].includes(v.status)) {
    throw invalidVolume(`Volume to be backed up must be available or in-use, but the current status is "${v.status}".`);
  }
  if (v.status === "in-use" && !snapshot && !input.force) throw invalidVolume("Backing up an in-use volume must use the force flag.");
  if (snapshot && snapshot.status !== "available") {
    throw invalidSnapshot(`Snapshot to be backed up must be available, but the current status is "${snapshot.status}".`);
  }
  if (!v.host) throw invalidVolume("The volume has not been scheduled to any host.");
  const parent = input.incremental ? await latestAvailableBackup(svc.db.kysely, v.id) : undefined;
  if (input.incremental && !parent) throw invalidBackup("No backups available to do an incremental backup.");
  const t = now();
  const row: BackupsTable = {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    volume_id: v.id,
    snapshot_id: snapshot?.id ?? null,
    status: "creating",
    fail_reason: null,
    size: v.size,
    object_count: 0,
    container: input.container ?? (svc.config.backup.driver === "s3" ? svc.config.backupS3Bucket : undefined) ?? DEFAULT_CONTAINER,
    parent_id: parent?.id ?? null,
    num_dependent_backups: 0,
    data_timestamp: snapshot?.created_at ?? t,
    availability_zone: input.availabilityZone ?? v.availability_zone,
    host: backendOf(queueOf(v)),
    service: `cinder.backup.drivers.${svc.config.backup.driver}`,
    display_name: input.name ?? null,
    display_description: input.description ?? null,
    metadata: JSON.stringify(input.metadata ?? {}),
    encryption_key_id: v.encryption_key_id,
    progress: 0,
    previous_status: snapshot ? "available" : v.status,
    consumes_quota: 1,
    task: null,
    created_at: t,
    updated_at: null,
  };
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (snapshot) {
      if (!(await casSnapshot(trx, snapshot.id, ["available"], { status: "backing-up" }))) {
        throw invalidSnapshot("Snapshot to be backed up must be available.");
      }
    } else if (!(await casVolume(trx, v.id, { status: [v.status] }, { status: "backing-up", previous_status: v.status }))) {
      const cur = await getVolume(trx, v.id);
      throw invalidVolume(`Volume to be backed up must be available or in-use, but the current status is "${cur?.status}".`);
    }
    await consume(trx, svc.config.quotas, ctx.projectId, backupDelta(row));
    if (parent && !(await casBackup(trx, parent.id, ["available"], {}))) throw invalidBackup("No backups available to do an incremental backup.");
    await insertBackup(trx, row);
    if (parent) await addDependents(trx, parent.id, 1);
  });
  svc.volumes.createBackup(row.host!, row.id, ctx.requestId);
  return (await getBackup(svc.db.kysely, row.id))!;
}

export async function listBackups(svc: DbDeps, ctx: RequestContext, q: ListQuery): Promise<Listed<BackupRow>> {
  authorize(ctx, "backup:get_all");
  const db = svc.db.kysely;
  let marker: Record<string, unknown> | undefined;
  if (q.marker !== undefined) {
    marker = await listMarker(db, "backups", q.marker, q.filters.projectId);
    if (!marker) throw backupNotFound(q.marker);
  }
  const base = filtered(db, "backups", q.filters);
  const [p, n] = await Promise.all([page<BackupRow>(base, "backups", q.sort, marker, q.limit, q.offset), q.withCount ? count(base) : Promise.resolve(undefined)]);
  return n === undefined ? p : { ...p, count: n };
}

export async function showBackup(svc: DbDeps, ctx: RequestContext, id: string): Promise<BackupRow> {
  const b = await findBackup(svc, ctx, id);
  authorize(ctx, "backup:get", b.project_id);
  return b;
}

export interface BackupUpdate {
  name?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
}

export async function updateBackup(svc: DbDeps, ctx: RequestContext, id: string, u: BackupUpdate): Promise<BackupRow> {
  const b = await findBackup(svc, ctx, id);
  authorize(ctx, "backup:update", b.project_id);
  const values: Partial<BackupsTable> = {};
  if (u.name !== undefined) values.display_name = u.name;
  if (u.description !== undefined) values.display_description = u.description;
  if (u.metadata !== undefined) values.metadata = JSON.stringify(u.metadata);
  if (Object.keys(values).length > 0) await casBackup(svc.db.kysely, id, undefined, values);
  return findBackup(svc, ctx, id);
}

/** cinder/backup/api.py delete: an available or error backup no other backup depends on (any, forced). */
export async function deleteBackup(svc: ConfigCastDeps, ctx: RequestContext, id: string, force = false): Promise<void> {
  const b = await findBackup(svc, ctx, id);
  authorize(ctx, "backup:delete", b.project_id);
  const statuses = force ? undefined : ["available", "error"];
  if (statuses && !statuses.includes(b.status)) throw invalidBackup("Backup status must be available or error");
  if (b.num_dependent_backups > 0) throw invalidBackup("Incremental backups exist for this backup.");
  const won = await svc.db.kysely.transaction().execute(async (trx) => {
    const ok = await casBackup(trx, id, statuses, { status: "deleting", progress: null });
    // A backup made from it meanwhile keeps it.
    if (ok && ((await getBackup(trx, id))?.num_dependent_backups ?? 0) > 0) throw invalidBackup("Incremental backups exist for this backup.");
    return ok;
  });
  if (!won) throw invalidBackup("Backup status must be available or error");
  svc.volumes.deleteBackup(b.host!, id, ctx.requestId);
}

export async function forceDeleteBackup(svc: ConfigCastDeps, ctx: RequestContext, id: string): Promise<void> {
  const b = await findBackup(svc, ctx, id);
  authorize(ctx, "volume_extension:backup_admin_actions:force_delete", b.project_id);
  await deleteBackup(svc, ctx, id, true);
}

const RESETTABLE = ["available", "error"];

/**
 * admin_actions.py BackupAdminController._reset_status: `available` or `error`, in any case; the
 * value is checked before the backup is looked up (validators.py `_validate_backup_status`).
 */
export async function resetBackupStatus(svc: DbDeps, ctx: RequestContext, id: string, status: string): Promise<void> {
  if (!RESETTABLE.includes(status.toLowerCase())) {
    throw badRequest(`Backup status: ${status} is invalid, valid statuses are: [${RESETTABLE.map((s) => `'${s}'`).join(", ")}].`);
  }
  const b = await findBackup(svc, ctx, id);
  authorize(ctx, "volume_extension:backup_admin_actions:reset_status", b.project_id);
  await casBackup(svc.db.kysely, id, undefined, { status: status.toLowerCase(), task: null, progress: null });
}
