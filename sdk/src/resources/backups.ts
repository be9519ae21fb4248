/**
 * Volume backups (api-ref "Backups (backups)", cinder/api/contrib/backups.py): create from a
 * volume or its snapshot (incremental on the latest available one), restore to a new or an
 * existing volume, export and import records; `progress` on a running backup or restore.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, waitForDeleted, waitForStatus, type Ref, type WaitOptions, type Waitable } from "../wait";

export type Backup = Schemas["Backup"];
export type BackupSummary = Schemas["BackupSummary"];
export type BackupCreate = Schemas["BackupCreateRequest"]["backup"];
export type BackupListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/backups/detail", "get">>>;

export function backups(c: CinderClient) {
  const at = (ref: Ref) => ({ backup_id: idOf(ref) });
  const get = async (ref: Ref, opts?: CallOptions): Promise<Backup> =>
    (await c.request("get", "/v3/{project_id}/backups/{backup_id}", { path: at(ref), ok: [200], ...opts })).data.backup;
  const waitable: Waitable<Backup> = { kind: "backup", get };
  const act = async (ref: Ref, body: Schemas["BackupAction"], opts?: CallOptions): Promise<void> => {
    await c.request("post", "/v3/{project_id}/backups/{backup_id}/action", { path: at(ref), body, ok: [202], ...opts });
  };

  return {
    /** Backups in detail, all pages. */
    list: (query?: BackupListQuery, opts?: CallOptions): Pager<Backup> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/backups/detail", { query: q, ok: [200], ...opts });
        return { items: data.backups, links: data.backups_links, count: data.count };
      }, query),

    /** Backups with id, name and links only (`GET /backups`). */
    listBrief: (query?: BackupListQuery, opts?: CallOptions): Pager<BackupSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/backups", { query: q, ok: [200], ...opts });
        return { items: data.backups, links: data.backups_links, count: data.count };
      }, query),

    get,

    /** Back up a volume (202; `creating`). An in-use volume needs `force`. */
    create: async (backup: BackupCreate, opts?: CallOptions): Promise<BackupSummary> =>
      (await c.request("post", "/v3/{project_id}/backups", { body: { backup }, ok: [202], ...opts })).data.backup,

    /** Name, description (3.9) and metadata (3.43). */
    update: async (ref: Ref, backup: NonNullable<Schemas["BackupUpdateRequest"]["backup"]>, opts?: CallOptions): Promise<Backup> =>
      (await c.request("put", "/v3/{project_id}/backups/{backup_id}", { path: at(ref), body: { backup }, ok: [200], ...opts })).data.backup,

    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/backups/{backup_id}", { path: at(ref), ok: [202], ...opts });
    },

    /** Restore into `volume_id`, or into a new volume when none is given (202). */
    restore: async (ref: Ref, restore: { volume_id?: string | null; name?: string | null } = {}, opts?: CallOptions) =>
      (await c.request("post", "/v3/{project_id}/backups/{backup_id}/restore", { path: at(ref), body: { restore }, ok: [202], ...opts })).data.restore,

    /** Admin: the backup's record, to import elsewhere. */
    exportRecord: async (ref: Ref, opts?: CallOptions) =>
      (await c.request("get", "/v3/{project_id}/backups/{backup_id}/export_record", { path: at(ref), ok: [200], ...opts })).data["backup-record"],

    /** Admin: make a backup from an exported record (201). */
    importRecord: async (record: Schemas["BackupRecord"], opts?: CallOptions): Promise<BackupSummary> =>
      (await c.request("post", "/v3/{project_id}/backups/import_record", { body: { "backup-record": record }, ok: [201], ...opts })).data.backup,

    /** Admin: set the status to `available` or `error`. */
    resetStatus: (ref: Ref, status: "available" | "error", opts?: CallOptions) => act(ref, { "os-reset_status": { status } }, opts),

    /** Admin: delete whatever the status. */
    forceDelete: (ref: Ref, opts?: CallOptions) => act(ref, { "os-force_delete": {} }, opts),

    /** Wait for a status; any `error*` status fails at once. */
    waitFor: (ref: Ref, status: string | readonly string[], opts?: WaitOptions): Promise<Backup> => waitForStatus(waitable, ref, status, opts),

    /** Wait until the backup is gone (404). */
    waitForDeleted: (ref: Ref, opts?: WaitOptions): Promise<void> => waitForDeleted(waitable, ref, opts),
  };
}
