/**
 * Manage and unmanage existing snapshots, the API side (cinder/volume/api.py
 * manage_existing_snapshot, get_manageable_snapshots, delete_snapshot with `unmanage_only`;
 * cinder/api/contrib/snapshot_manage.py, snapshot_unmanage.py): the volume is looked up before
 * the policy is asked, its volume service must be up, and the row is inserted `creating` with the
 * volume's size while taking one snapshot and that many gigabytes of quota, as a snapshot create
 * does (the volume service then settles the gigabytes on the object's real size).
 */
import { backendOf, queueOf } from "../../bus/rpc";
import { casSnapshot, getSnapshot, insertSnapshot } from "../../db/repos/snapshots";
import { casVolume, creatingFrom, getVolume } from "../../db/repos/volumes";
import type { SnapshotRow, VolumeRow } from "../../db/schema";
import type { ManageableSnapshot } from "../../drivers/interface";
import { invalidSnapshot, invalidVolume, notFound, volumeNotFound } from "../../contract/errors";
import type { RequestContext } from "../../contract/context";
import { authorize } from "../../policy/policy";
import { consume, snapshotDelta } from "../../quota/quota";
import type { ConfigCastDeps, ConfigDeps, CastDeps } from "./deps";
import { VOLUME_BINARY } from "../../contract/services";
import { SNAPSHOT_DELETABLE, VOLUME_STATUSES, type VolumeStatus } from "../../contract/status";
import type { ManageSnapshotInput, ManageableQuery } from "../../contract/api";
import { clusterPlacement, paginate, SNAPSHOT_NAME_RE, VOLUME_NAME_RE, volumeService } from "./manage";
import { findSnapshot, findVolume } from "./lookup";
import { assertNotFrozen } from "./replication";
import { newSnapshotRow } from "./snapshots";

/** A volume in these may not gain a snapshot, even a managed one (with Cinder's `force`, any other may). */
const REFUSED: readonly VolumeStatus[] = ["maintenance", "error", "deleting", "error_deleting"];
const ALLOWED = VOLUME_STATUSES.filter((s) => !REFUSED.includes(s));

/** The volume service holding `v` (cinder/volume/api.py _get_service_by_host_cluster), up and enabled. */
async function serviceOf(svc: ConfigDeps, v: VolumeRow): Promise<void> {
  const missing = () => notFound(`Service ${VOLUME_BINARY} could not be found on host ${v.host ? backendOf(v.host) : ""}.`);
  if (v.cluster_name) await clusterPlacement(svc, v.cluster_name, missing);
  else await volumeService(svc, v.host ?? undefined, missing);
}

/** A reference naming data Cinderblock already manages: a volume's or a snapshot's. */
async function alreadyManaged(svc: ConfigDeps, ref: unknown): Promise<boolean> {
  const name = typeof ref === "object" && ref !== null ? (ref as Record<string, unknown>)["source-name"] : undefined;
  if (typeof name !== "string") return false;
  const volumeId = VOLUME_NAME_RE.exec(name)?.[1];
  if (volumeId && (await getVolume(svc.db.kysely, volumeId))) return true;
  const snapshotId = SNAPSHOT_NAME_RE.exec(name)?.[1];
  return snapshotId !== undefined && (await getSnapshot(svc.db.kysely, snapshotId)) !== undefined;
}

export async function manageSnapshot(svc: ConfigCastDeps, ctx: RequestContext, input: ManageSnapshotInput): Promise<SnapshotRow> {
  const v = await findVolume(svc, ctx, input.volumeId);
  authorize(ctx, "snapshot_extension:snapshot_manage", v.project_id);
  await serviceOf(svc, v);
  // cinder/volume/api.py _create_snapshot_in_db_validate, with `force`.
  if (v.status === "maintenance") throw invalidVolume("The snapshot cannot be created when the volume is in maintenance mode.");
  if (v.migration_status && !["success", "error"].includes(v.migration_status)) {
    throw invalidVolume("Snapshot cannot be created while volume is migrating.");
  }
  if (v.status === "error") throw invalidVolume("The snapshot cannot be created when the volume is in error status.");
  await assertNotFrozen(svc, v);
  if (await alreadyManaged(svc, input.ref)) throw invalidSnapshot("Unable to manage existing snapshot. The object is already managed");
  const row = newSnapshotRow(ctx, v, input, JSON.stringify({ op: "manage", ref: input.ref }));
  await svc.db.kysely.transaction().execute(async (trx) => {
    // The volume is re-checked with the insert: one that started deleting meanwhile gets no snapshot.
    if (!(await casVolume(trx, v.id, { status: ALLOWED }, {}))) {
      const cur = await getVolume(trx, v.id);
      if (!cur) throw volumeNotFound(v.id);
      throw invalidVolume(`Volume ${v.id} status must be available or in-use, but current status is: ${cur.status}.`);
    }
    await consume(trx, svc.config.quotas, ctx.projectId, await snapshotDelta(trx, row));
    await insertSnapshot(trx, row, input.metadata ?? {});
  });
  svc.volumes.manageExistingSnapshot(queueOf(v), row.id);
  return row;
}

export async function listManageableSnapshots(svc: ConfigCastDeps, ctx: RequestContext, q: ManageableQuery): Promise<ManageableSnapshot[]> {
  authorize(ctx, "snapshot_extension:list_manageable");
  const missing = () =>
    notFound(q.host ? `Service ${VOLUME_BINARY} could not be found on host ${backendOf(q.host)}.` : `Service ${VOLUME_BINARY} could not be found.`);
  const service = q.cluster ? (await clusterPlacement(svc, q.cluster, missing)).service : await volumeService(svc, q.host, missing);
  return paginate(await svc.volumes.getManageableSnapshots(service.cluster_name ?? service.host), q);
}

/**
 * `os-unmanage` (cinder/api/contrib/snapshot_unmanage.py): a delete that keeps the data. The
 * same statuses as a delete; the snapshot goes `unmanaging` and the volume service removes it.
 */
export async function unmanageSnapshot(svc: CastDeps, ctx: RequestContext, id: string): Promise<void> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "snapshot_extension:snapshot_unmanage", s.project_id);
  const of = await getVolume(svc.db.kysely, s.volume_id);
  if (of) await assertNotFrozen(svc, of);
  await svc.db.kysely.transaction().execute(async (trx) => {
    const won = await casSnapshot(trx, id, SNAPSHOT_DELETABLE, { status: "unmanaging" });
    const inUse = await creatingFrom(trx, "snapshot", id);
    if (!won || inUse) {
      throw invalidSnapshot(
        `Snapshot status must be ${SNAPSHOT_DELETABLE.join(" or ")} and must not be part of a group${inUse ? " or the source of a volume being created" : ""}.`,
      );
    }
  });
  svc.volumes.unmanageSnapshot(queueOf(of!), id);
}
