/**
 * Snapshots (cinder/api/v3/snapshots.py, cinder/volume/api.py _create_snapshot, delete_snapshot,
 * cinder/api/contrib/snapshot_actions.py, admin_actions.py SnapshotAdminController).
 */
import { queueOf } from "../../bus/rpc";
import { assertNotFrozen } from "./replication";
import { randomUUID } from "node:crypto";
import { casSnapshot, getSnapshot, insertSnapshot } from "../../db/repos/snapshots";
import { casVolume, creatingFrom, getVolume } from "../../db/repos/volumes";
import type { SnapshotRow, SnapshotsTable, VolumeRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidInput, invalidSnapshot, invalidVolume, volumeNotFound } from "../../contract/errors";
import { MV } from "../../contract/microversion";
import { authorize } from "../../policy/policy";
import type { CastDeps, ConfigCastDeps, DbDeps } from "./deps";
import { isSnapshotStatus, SNAPSHOT_DELETABLE, SNAPSHOT_STATUSES, type SnapshotStatus, type VolumeStatus } from "../../contract/status";
import { findSnapshot, findVolume } from "./lookup";
import { consume, snapshotDelta } from "../../quota/quota";
import type { CreateSnapshotInput, SnapshotUpdate } from "../../contract/api";

export async function createSnapshot(svc: ConfigCastDeps, ctx: RequestContext, input: CreateSnapshotInput): Promise<SnapshotRow> {
  const v = await findVolume(svc, ctx, input.volumeId);
  authorize(ctx, "volume:create_snapshot", v.project_id);
  const inUseAllowed = ctx.version >= MV.SNAPSHOT_IN_USE;
  if (inUseAllowed && input.force === false) {
    throw badRequest(
      "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, " +
        "however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.",
    );
  }
  if (!v.host) throw invalidVolume("The snapshot cannot be created because volume has not been scheduled to any host.");
  await assertNotFrozen(svc, v);
  if (v.status === "maintenance") throw invalidVolume("The snapshot cannot be created when the volume is in maintenance mode.");
  if (v.migration_status && !["success", "error"].includes(v.migration_status)) {
    throw invalidVolume("Snapshot cannot be created while volume is migrating.");
  }
  if (v.status === "error") throw invalidVolume("The snapshot cannot be created when the volume is in error status.");
  const valid: VolumeStatus[] = input.force || inUseAllowed ? ["available", "in-use"] : ["available"];
  const statusMessage = (status: string) =>
    `Volume ${v.id} status must be ${valid.join(", ")}, but current status is: ${status}.`;
  if (!valid.includes(v.status)) throw invalidVolume(statusMessage(v.status));

  const row = newSnapshotRow(ctx, v, input, null);
  await svc.db.kysely.transaction().execute(async (trx) => {
    // The volume's status and size are re-checked with the insert: a volume that started deleting
    // or extending meanwhile gets no snapshot (and on PostgreSQL its row stays locked until commit).
    if (!(await casVolume(trx, v.id, { status: valid, sizeIs: v.size }, {}))) {
      const cur = await getVolume(trx, v.id);
      // Deleted since it was read: the volume is gone, as a request a moment later would be told.
      if (!cur) throw volumeNotFound(v.id);
      throw invalidVolume(statusMessage(cur.status));
    }
    // The snapshot is the caller's (an admin may snapshot another project's volume), and so is its
    // quota, as in cinder/volume/api.py _create_snapshot (QUOTAS.reserve with the caller's context).
    await consume(trx, svc.config.quotas, row.project_id, await snapshotDelta(trx, row));
    await insertSnapshot(trx, row, input.metadata ?? {});
  });
  svc.volumes.createSnapshot(queueOf(v), row.id, ctx.requestId);
  return row;
}

/** The row of a snapshot of `v` about to be made (or adopted, with its `task`), `creating`. */
export function newSnapshotRow(
  ctx: RequestContext,
  v: VolumeRow,
  input: { name?: string | null; description?: string | null },
  task: string | null,
): SnapshotsTable {
  return {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    volume_id: v.id,
    status: "creating",
    progress: "0%",
    volume_size: v.size,
    display_name: input.name ?? null,
    display_description: input.description ?? null,
    volume_type_id: v.volume_type_id,
    encryption_key_id: v.encryption_key_id,
    consumes_quota: 1,
    group_snapshot_id: null,
    provider_location: null,
    created_at: now(),
    updated_at: null,
    task,
  };
}

export async function updateSnapshot(svc: DbDeps, ctx: RequestContext, id: string, u: SnapshotUpdate): Promise<SnapshotRow> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume:update_snapshot", s.project_id);
  const values: Record<string, string | null> = {};
  if (u.name !== undefined) values.display_name = u.name;
  if (u.description !== undefined) values.display_description = u.description;
  await casSnapshot(svc.db.kysely, id, undefined, values);
  return findSnapshot(svc, ctx, id);
}

export async function deleteSnapshot(svc: CastDeps, ctx: RequestContext, id: string, force = false): Promise<void> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume:delete_snapshot", s.project_id);
  const of = await getVolume(svc.db.kysely, s.volume_id);
  if (of) await assertNotFrozen(svc, of);
  const statuses = force ? undefined : SNAPSHOT_DELETABLE;
  await svc.db.kysely.transaction().execute(async (trx) => {
    const won = await casSnapshot(trx, id, statuses, { status: "deleting" }, { notInGroupSnapshot: true });
    // A volume still being created from this snapshot would lose its source.
    const inUse = await creatingFrom(trx, "snapshot", id);
    if (!won || inUse) {
      // As cinder/volume/api.py delete_snapshot words it (a double space when forced).
      const status = statuses ? `status must be ${statuses.join(" or ")} and` : "";
      throw invalidSnapshot(
        `Snapshot ${status} must not be part of a group${inUse ? " or the source of a volume being created" : ""}.`,
      );
    }
  });
  const volume = await getVolume(svc.db.kysely, s.volume_id);
  svc.volumes.deleteSnapshot(queueOf(volume!), id, ctx.requestId);
}

export async function resetSnapshotStatus(svc: DbDeps, ctx: RequestContext, id: string, status: string): Promise<void> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume_extension:snapshot_admin_actions:reset_status", s.project_id);
  const to = status.toLowerCase();
  // The request schema allows only these; the check keeps the column's type honest.
  if (!isSnapshotStatus(to)) throw badRequest(`Invalid status: ${status}. Use one of ${SNAPSHOT_STATUSES.join(", ")}.`);
  await casSnapshot(svc.db.kysely, id, undefined, { status: to });
}

export async function forceDeleteSnapshot(svc: CastDeps, ctx: RequestContext, id: string): Promise<void> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume_extension:snapshot_admin_actions:force_delete", s.project_id);
  await deleteSnapshot(svc, ctx, id, true);
}

/** The statuses `os-update_snapshot_status` may move a snapshot between (snapshot_actions.py `status_map`). */
const REPORTED_TRANSITIONS: Partial<Record<SnapshotStatus, readonly SnapshotStatus[]>> = {
  creating: ["creating", "available", "error"],
  deleting: ["deleting", "error_deleting"],
};

/**
 * Cinder's `progress` format check (cinder/api/validation/validators.py `_validate_progress`):
 * empty passes; otherwise an integer (as Python's int() reads it) then `%`, from 0 to 100.
 */
function checkProgress(progress: string | null | undefined): void {
  if (!progress) return;
  const digits = progress.slice(0, -1);
  if (!/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(digits)) throw invalidInput("progress must be an integer percentage");
  const n = Number(digits.replace(/_/g, ""));
  if (n < 0 || n > 100 || !progress.endsWith("%")) throw invalidInput("progress must be an integer percentage between 0 and 100");
}

/**
 * `os-update_snapshot_status` (cinder/api/contrib/snapshot_actions.py): a snapshot made outside
 * the volume service is reported `available` or `error` (or its delete `error_deleting`), with
 * its progress. The status is the lock: the update applies only while the status read holds.
 */
export async function updateSnapshotStatus(
  svc: DbDeps,
  ctx: RequestContext,
  id: string,
  status: string,
  progress?: string | null,
): Promise<void> {
  checkProgress(progress);
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "snapshot_extension:snapshot_actions:update_snapshot_status", s.project_id);
  const allowed = REPORTED_TRANSITIONS[s.status];
  if (!allowed) throw badRequest(`Snapshot status ${s.status} not allowed for update_snapshot_status`);
  const to = allowed.find((a) => a === status);
  if (!to) throw badRequest(`Provided snapshot status ${status} not allowed for snapshot with status ${s.status}.`);
  const values = progress ? { status: to, progress } : { status: to };
  if (!(await casSnapshot(svc.db.kysely, id, [s.status], values))) {
    // Its status changed meanwhile: judged again against the status it has now.
    return updateSnapshotStatus(svc, ctx, id, status, progress);
  }
}
