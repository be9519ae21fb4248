/**
 * The smaller volume actions: reset status and force delete (admin, cinder/api/contrib/admin_actions.py),
 * set bootable, the read-only flag (cinder/api/contrib/volume_actions.py) and revert to the latest
 * snapshot (3.40, cinder/api/v3/volumes.py revert).
 */
import type { KeyDeps } from "./keys";
import { queueOf } from "../../bus/rpc";
import { casSnapshot, snapshotsOfVolume } from "../../db/repos/snapshots";
import { attachmentsOf } from "../../db/repos/attachments";
import { casVolume, lockQuotaColumns } from "../../db/repos/volumes";
import { deleteMetadataKey, mergeMetadata } from "../../db/repos/metadata";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { badRequest, conflict, invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { CastDeps, DbDeps } from "./deps";
import { deleteVolume } from "./delete";
import { findVolume } from "./lookup";
import { heldByVolume, settle } from "../../quota/quota";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";
import type { ResetStatus } from "../../contract/api";

export async function resetVolumeStatus(svc: DbDeps, ctx: RequestContext, id: string, body: ResetStatus): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_admin_actions:reset_status", v.project_id);
  const status = body.status?.toLowerCase();
  // Cinder's check is written ('deleting', 'error_deleting' 'detaching'), which Python joins into
  // 'error_deletingdetaching'; the intent is to refuse all three.
  if (status && ["deleting", "error_deleting", "detaching"].includes(status)) {
    throw badRequest(`Cannot reset-state to ${status}`);
  }
  if (status === "in-use" && (await attachmentsOf(svc.db.kysely, [id])).length === 0) {
    throw badRequest("Cannot reset-state to in-use because volume does not have any attachments.");
  }
  const update: Record<string, string | null> = {};
  if (status) update.status = status;
  if (body.attach_status) update.attach_status = body.attach_status.toLowerCase();
  if (body.migration_status) {
    const m = body.migration_status.toLowerCase();
    update.migration_status = m === "none" ? null : m;
  }
  if (update.status) update.task = null;
  await svc.db.kysely.transaction().execute(async (trx) => {
    // A reset that ends an extend, manage or retype in flight gives back what it held beyond the row.
    const before = await lockQuotaColumns(trx, svc.db.dialect, id);
    if (!(await casVolume(trx, id, {}, update)) || !before) return;
    const after = { ...before, ...update } as typeof before;
    await settle(trx, v.project_id, await heldByVolume(trx, before), await heldByVolume(trx, after));
  });
  if (update.attach_status === "detached") {
    await deleteMetadataKey(svc.db.kysely, "volume_admin", id, "attached_mode");
  }
}

export async function forceDeleteVolume(svc: CastDeps & KeyDeps, ctx: RequestContext, id: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_admin_actions:force_delete", v.project_id);
  await deleteVolume(svc, ctx, id, { cascade: false, force: true });
}

export async function setVolumeBootable(svc: DbDeps, ctx: RequestContext, id: string, bootable: boolean): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:update", v.project_id);
  const ok = await casVolume(svc.db.kysely, id, { statusNot: ["maintenance"] }, { bootable: bootable ? 1 : 0 });
  if (!ok) throw invalidVolume("The volume cannot be updated during maintenance.");
}

export async function updateVolumeReadonlyFlag(svc: DbDeps, ctx: RequestContext, id: string, readonly: boolean): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:update_readonly_flag", v.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Touch the row under the status condition so the flag cannot land on a volume that just left
    // `available`.
    if (!(await casVolume(trx, id, { status: ["available"] }, { updated_at: now() }))) {
      throw invalidVolume(
        `Volume ${id} status must be available to update readonly flag, but current status is: ${v.status}.`,
      );
    }
    await mergeMetadata(trx, "volume_admin", id, { readonly: readonly ? "True" : "False" });
  });
}

export async function revertVolumeToSnapshot(svc: CastDeps, ctx: RequestContext, id: string, snapshotId: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:revert_to_snapshot", v.project_id);
  const latest = (await snapshotsOfVolume(svc.db.kysely, id))[0];
  if (!latest) throw badRequest(`Volume ${id} doesn't have any snapshots.`);
  if (snapshotId !== latest.id) {
    throw badRequest(`Specified snapshot ${snapshotId} is None or not the latest one of volume ${id}.`);
  }
  if (v.size !== latest.volume_size) {
    throw badRequest(
      `Can't revert volume ${id} to its latest snapshot ${snapshotId}. The volume size must be equal to the snapshot size.`,
    );
  }
  // Cinder answers a status conflict here with 409 (cinder/api/v3/volumes.py revert).
  await svc.db.kysely.transaction().execute(async (trx) => {
    const task = JSON.stringify({ op: "revert", snapshot_id: snapshotId });
    if (!(await casVolume(trx, id, { status: T.revert.from, sizeIs: latest.volume_size }, { status: T.revert.during, task }))) {
      throw conflict(
        `Invalid volume: Can't revert volume ${id} to its latest snapshot ${snapshotId}. Volume's status must be 'available'.`,
      );
    }
    if (!(await casSnapshot(trx, snapshotId, ["available"], { status: "restoring" }))) {
      throw conflict(
        `Invalid snapshot: Can't revert volume ${id} to its latest snapshot ${snapshotId}. Snapshot's status must be 'available'.`,
      );
    }
  });
  svc.volumes.revertToSnapshot(queueOf(v), id, snapshotId);
}
