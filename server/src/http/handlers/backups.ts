/** Backup handlers (cinder/api/contrib/backups.py, cinder/api/v3/backups.py, admin_actions.py BackupAdminController). */
import { MV } from "../../contract/microversion";
import { badRequest, invalidInput } from "../../contract/errors";
import { createBackup, deleteBackup, forceDeleteBackup, listBackups, resetBackupStatus, showBackup, updateBackup } from "../../volume/api/backups";
import { exportBackupRecord, importBackupRecord, restoreBackup } from "../../volume/api/backup-restore";
import type { Handlers, HandlerRequest } from "../handler";
import { parseListQuery, BACKUP_LISTING } from "../query";
import { pyRepr } from "../validate";
import { backupDetail, backupSummary } from "../views/backups";
import { bodyFlag, collectionLinks } from "./common";

type H = Pick<
  Handlers,
  | "createBackup"
  | "listBackups"
  | "listBackupsDetail"
  | "showBackup"
  | "updateBackup"
  | "deleteBackup"
  | "resetBackupStatus"
  | "forceDeleteBackup"
  | "restoreBackup"
  | "exportBackupRecord"
  | "importBackupRecord"
>;

/** A key of the latest schema sent below the microversion that added it: Cinder's older schema refuses it. */
function refuseBelow(req: HandlerRequest<unknown>, body: Record<string, unknown>, key: string, since: number, field: string): void {
  if (body[key] !== undefined && req.ctx.version < since) {
    throw badRequest(`Invalid input for field/attribute ${field}. Value: ${pyRepr(body)}. Additional properties are not allowed ('${key}' was unexpected)`);
  }
}

function flag(v: unknown, name: string): boolean {
  if (v === undefined || v === null) return false;
  const b = bodyFlag(v);
  if (b === undefined) throw invalidInput(`Invalid value '${String(v)}' for ${name}: use true or false.`);
  return b;
}

function list(detail: boolean) {
  return async (req: HandlerRequest<unknown>) => {
    const q = parseListQuery(req.ctx, req.query, BACKUP_LISTING, req.svc.config.maxLimit);
    const res = await listBackups(req.svc, req.ctx, q);
    return {
      body: {
        backups: res.rows.map((b) => (detail ? backupDetail(req.ctx, req.link, b) : backupSummary(req.link, b))),
        ...collectionLinks(req, "backups_links", detail ? "backups/detail" : "backups", res.more, res.rows.at(-1)?.id),
        ...(res.count !== undefined ? { count: res.count } : {}),
      },
    };
  };
}

export const backupHandlers: H = {
  createBackup: async (req) => {
    const b = req.body.backup as Record<string, unknown> & typeof req.body.backup;
    refuseBelow(req, b, "metadata", MV.BACKUP_METADATA, "backup");
    refuseBelow(req, b, "availability_zone", MV.BACKUP_AZ, "backup");
    const row = await createBackup(req.svc, req.ctx, {
      volumeId: b.volume_id,
      snapshotId: b.snapshot_id,
      container: b.container,
      name: b.name,
      description: b.description,
      incremental: flag(b.incremental, "incremental"),
      force: flag(b.force, "force"),
      metadata: b.metadata,
      availabilityZone: b.availability_zone,
    });
    return { body: { backup: backupSummary(req.link, row) } };
  },

  listBackups: list(false),
  listBackupsDetail: list(true),

  showBackup: async (req) => ({ body: { backup: backupDetail(req.ctx, req.link, await showBackup(req.svc, req.ctx, req.params.backup_id)) } }),

  updateBackup: async (req) => {
    const b = (req.body.backup ?? {}) as Record<string, unknown> & NonNullable<typeof req.body.backup>;
    refuseBelow(req, b, "metadata", MV.BACKUP_METADATA, "backup");
    const row = await updateBackup(req.svc, req.ctx, req.params.backup_id, { name: b.name, description: b.description, metadata: b.metadata });
    return { body: { backup: backupDetail(req.ctx, req.link, row) } };
  },

  deleteBackup: async (req) => {
    await deleteBackup(req.svc, req.ctx, req.params.backup_id);
    return {};
  },

  resetBackupStatus: async (req) => {
    await resetBackupStatus(req.svc, req.ctx, req.params.backup_id, req.body.status);
    return {};
  },

  forceDeleteBackup: async (req) => {
    await forceDeleteBackup(req.svc, req.ctx, req.params.backup_id);
    return {};
  },

  restoreBackup: async (req) => {
    const r = req.body.restore ?? {};
    const res = await restoreBackup(req.svc, req.ctx, req.params.backup_id, { volumeId: r.volume_id, name: r.name });
    return { body: { restore: { backup_id: res.backupId, volume_id: res.volumeId, volume_name: res.volumeName } } };
  },

  exportBackupRecord: async (req) => {
    const rec = await exportBackupRecord(req.svc, req.ctx, req.params.backup_id);
    return { body: { "backup-record": { backup_service: rec.backupService, backup_url: rec.backupUrl } } };
  },

  importBackupRecord: async (req) => {
    const rec = req.body["backup-record"];
    const row = await importBackupRecord(req.svc, req.ctx, rec.backup_service, rec.backup_url);
    return { status: 201, body: { backup: backupSummary(req.link, row) } };
  },
};
