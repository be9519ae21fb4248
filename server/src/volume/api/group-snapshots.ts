/**
 * Group snapshots (cinder/api/v3/group_snapshots.py, cinder/group/api.py create_group_snapshot,
 * delete_group_snapshot, reset_group_snapshot_status): a snapshot of every volume of a group,
 * each row carrying `group_snapshot_id`, made and deleted by the group's volume service.
 */
import { randomUUID } from "node:crypto";
import { queueOf } from "../../bus/rpc";
import { count, filtered, listMarker, page } from "../../db/repos/listing";
import {
  casGroup,
  casGroupSnapshot,
  getGroup,
  getGroupSnapshot,
  groupCreatingFrom,
  insertGroupSnapshot,
  snapshotsOfGroupSnapshot,
  volumesOfGroup,
} from "../../db/repos/groups";
import { casSnapshot, insertSnapshot } from "../../db/repos/snapshots";
import { casVolume } from "../../db/repos/volumes";
import type { GroupSnapshotRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import type { ListQuery } from "../../contract/api";
import { badRequest, groupNotFound, groupSnapshotNotFound, invalidGroup, invalidGroupSnapshot, invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { consume, snapshotDelta } from "../../quota/quota";
import type { CastDeps, ConfigCastDeps, DbDeps } from "./deps";
import { findGroup } from "./groups";
import { newSnapshotRow } from "./snapshots";

/** cinder/objects/fields.py GroupSnapshotStatus.ALL. */
export const GROUP_SNAPSHOT_STATUSES = ["error", "available", "creating", "deleting", "deleted", "updating", "error_deleting"] as const;

/** A group snapshot as the caller may see it, else 404; then policy group:get_group_snapshot. */
export async function findGroupSnapshot(svc: DbDeps, ctx: RequestContext, id: string): Promise<GroupSnapshotRow> {
  const gs = await getGroupSnapshot(svc.db.kysely, id, ctx.isAdmin ? undefined : ctx.projectId);
  if (!gs) throw groupSnapshotNotFound(id);
  authorize(ctx, "group:get_group_snapshot", gs.project_id);
  return gs;
}

export async function listGroupSnapshots(
  svc: DbDeps,
  ctx: RequestContext,
  q: ListQuery,
): Promise<{ groupSnapshots: GroupSnapshotRow[]; more: boolean; count?: number }> {
  authorize(ctx, "group:get_all_group_snapshots");
  const db = svc.db.kysely;
  let marker: Record<string, unknown> | undefined;
  if (q.marker !== undefined) {
    marker = await listMarker(db, "group_snapshots", q.marker, q.filters.projectId);
    if (!marker) throw groupSnapshotNotFound(q.marker);
  }
  const base = filtered(db, "group_snapshots", q.filters);
  const p = await page<GroupSnapshotRow>(base, "group_snapshots", q.sort, marker, q.limit, q.offset);
  const n = q.withCount ? await count(base) : undefined;
  return { groupSnapshots: p.rows, more: p.more, ...(n !== undefined ? { count: n } : {}) };
}

export interface GroupSnapshotCreate {
  groupId: string;
  name?: string | null;
  description?: string | null;
}

const SNAPSHOTTABLE = ["available", "in-use"] as const;

export async function createGroupSnapshot(svc: ConfigCastDeps, ctx: RequestContext, input: GroupSnapshotCreate): Promise<GroupSnapshotRow> {
  const g = await findGroup(svc, ctx, input.groupId);
  authorize(ctx, "group:create_group_snapshot", g.project_id);
  if (g.status !== "available") throw invalidGroup(`Group status must be available, but current status is: ${g.status}.`);
  const db = svc.db.kysely;
  const volumes = await volumesOfGroup(db, g.id);
  for (const v of volumes) {
    if (v.status === "error") throw invalidVolume("The snapshot cannot be created when the volume is in error status.");
    if (!(SNAPSHOTTABLE as readonly string[]).includes(v.status)) {
      throw invalidVolume(`Volume ${v.id} status must be available or in-use, but current status is: ${v.status}.`);
    }
  }
  const row: GroupSnapshotRow = {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    group_id: g.id,
    group_type_id: g.group_type_id,
    name: input.name ?? null,
    description: input.description ?? null,
    status: "creating",
    created_at: now(),
    updated_at: null,
  };
  await db.transaction().execute(async (trx) => {
    // The group stays available and its volumes as they were read, or nothing is made.
    if (!(await casGroup(trx, g.id, { status: ["available"] }, {}))) throw invalidGroup("Group status must be available.");
    if ((await volumesOfGroup(trx, g.id)).length !== volumes.length) throw invalidGroup("The group's volumes changed; try again.");
    await insertGroupSnapshot(trx, row);
    for (const v of volumes) {
      if (!(await casVolume(trx, v.id, { status: SNAPSHOTTABLE, sizeIs: v.size, groupIs: g.id }, {}))) {
        throw invalidVolume(`Volume ${v.id} status must be available or in-use.`);
      }
      const s = { ...newSnapshotRow(ctx, v, { name: input.name, description: input.description }, null), group_snapshot_id: row.id };
      await consume(trx, svc.config.quotas, ctx.projectId, await snapshotDelta(trx, s));
      await insertSnapshot(trx, s, {});
    }
  });
  svc.volumes.createGroupSnapshot(queueOf(g), row.id);
  return row;
}

export async function deleteGroupSnapshot(svc: CastDeps, ctx: RequestContext, id: string): Promise<void> {
  const gs = await findGroupSnapshot(svc, ctx, id);
  authorize(ctx, "group:delete_group_snapshot", gs.project_id);
  const db = svc.db.kysely;
  await db.transaction().execute(async (trx) => {
    const won = await casGroupSnapshot(trx, id, ["available", "error"], { status: "deleting" });
    if (!won || (await groupCreatingFrom(trx, { groupSnapshotId: id }))) {
      throw invalidGroupSnapshot(
        "GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation.",
      );
    }
    for (const s of await snapshotsOfGroupSnapshot(trx, id)) await casSnapshot(trx, s.id, undefined, { status: "deleting" });
  });
  const g = await getGroup(db, gs.group_id);
  if (!g) throw groupNotFound(gs.group_id);
  svc.volumes.deleteGroupSnapshot(queueOf(g), id);
}

export async function resetGroupSnapshotStatus(svc: DbDeps, ctx: RequestContext, id: string, status: string): Promise<void> {
  const gs = await findGroupSnapshot(svc, ctx, id);
  authorize(ctx, "group:reset_group_snapshot_status", gs.project_id);
  const s = status.toLowerCase();
  if (!(GROUP_SNAPSHOT_STATUSES as readonly string[]).includes(s)) {
    throw badRequest(
      `Invalid GroupSnapshot Status: Group snapshot status: ${s} is invalid, valid statuses are: (${GROUP_SNAPSHOT_STATUSES.map((x) => `'${x}'`).join(", ")}).`,
    );
  }
  if (!(await casGroupSnapshot(svc.db.kysely, id, undefined, { status: s }))) throw groupSnapshotNotFound(id);
}
