/**
 * Generic volume groups (cinder/api/v3/groups.py, cinder/group/api.py): lookup as the caller may
 * see them, create (one of the project's `groups` quota, then the scheduler places it), list,
 * show and status reset. Update and delete are in ./group-update.ts and ./group-delete.ts.
 */
import { randomUUID } from "node:crypto";
import { count, filtered, listMarker, page } from "../../db/repos/listing";
import { getGroup, groupVolumeIds, groupVolumeTypes, insertGroup } from "../../db/repos/groups";
import { holdGroupType, visibleGroupType } from "../../db/repos/group-types";
import { casGroup } from "../../db/repos/groups";
import type { GroupRow, VolumeTypeRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { badRequest, groupNotFound, groupTypeNotFound, invalidInput, notFound } from "../../contract/errors";
import type { ListQuery } from "../../contract/api";
import { authorize } from "../../policy/policy";
import { consume } from "../../quota/quota";
import type { DbDeps, ScheduleDeps } from "./deps";
import { isUuidLike, typeByNameOrId } from "./types";
import { availabilityZones } from "./zones";

/** cinder/objects/fields.py GroupStatus.ALL. */
export const GROUP_STATUSES = ["error", "available", "creating", "deleting", "deleted", "updating", "in-use", "error_deleting"] as const;

/** cinder/volume/group_types.py DEFAULT_CGSNAPSHOT_TYPE: reserved for consistency groups migrated to groups. */
const DEFAULT_CGSNAPSHOT_TYPE = "default_cgsnapshot_type";

export interface GroupWithTypes extends GroupRow {
  volumeTypeIds: string[];
  /** The group's volumes, when asked for (3.25 list_volume). */
  volumeIds?: string[];
}

/** A group as the caller may see it (its project's, any for admins), else 404; then policy group:get. */
export async function findGroup(svc: DbDeps, ctx: RequestContext, id: string): Promise<GroupRow> {
  const g = await getGroup(svc.db.kysely, id, ctx.isAdmin ? undefined : ctx.projectId);
  if (!g) throw groupNotFound(id);
  authorize(ctx, "group:get", g.project_id);
  return g;
}

export async function withTypes(svc: DbDeps, rows: GroupRow[], listVolumes = false): Promise<GroupWithTypes[]> {
  const ids = rows.map((r) => r.id);
  const [types, volumes] = await Promise.all([groupVolumeTypes(svc.db.kysely, ids), listVolumes ? groupVolumeIds(svc.db.kysely, ids) : undefined]);
  return rows.map((r) => ({ ...r, volumeTypeIds: types.get(r.id) ?? [], ...(volumes ? { volumeIds: volumes.get(r.id) ?? [] } : {}) }));
}

export async function showGroup(svc: DbDeps, ctx: RequestContext, id: string, listVolumes: boolean): Promise<GroupWithTypes> {
  return (await withTypes(svc, [await findGroup(svc, ctx, id)], listVolumes))[0];
}

export async function listGroups(
  svc: DbDeps,
  ctx: RequestContext,
  q: ListQuery,
  listVolumes: boolean,
): Promise<{ groups: GroupWithTypes[]; more: boolean; count?: number }> {
  authorize(ctx, "group:get_all");
  const db = svc.db.kysely;
  let marker: Record<string, unknown> | undefined;
  if (q.marker !== undefined) {
    marker = await listMarker(db, "groups", q.marker, q.filters.projectId);
    if (!marker) throw groupNotFound(q.marker);
  }
  const base = filtered(db, "groups", q.filters);
  const p = await page<GroupRow>(base, "groups", q.sort, marker, q.limit, q.offset);
  const n = q.withCount ? await count(base) : undefined;
  return { groups: await withTypes(svc, p.rows, listVolumes), more: p.more, ...(n !== undefined ? { count: n } : {}) };
}

export interface GroupCreate {
  name?: string | null;
  description?: string | null;
  groupType: string;
  volumeTypes: string[];
  availabilityZone?: string | null;
}

/** cinder/api/v3/groups.py _check_default_cgsnapshot_type. */
function refuseCgsnapshotType(t: { id: string; name: string }): void {
  if (t.name === DEFAULT_CGSNAPSHOT_TYPE) {
    throw badRequest(`Group_type ${t.id} is reserved for migrating CGs to groups. Migrated group can only be operated by CG APIs.`);
  }
}

/** cinder/group/api.py _extract_availability_zone (no fallback). */
async function groupZone(svc: ScheduleDeps, requested: string | null | undefined): Promise<string> {
  const az = requested ?? svc.config.defaultAvailabilityZone;
  const zones = (await availabilityZones(svc)).map((z) => z.name);
  if (az !== svc.config.defaultAvailabilityZone && !zones.includes(az)) throw invalidInput(`Availability zone '${az}' is invalid.`);
  return az;
}

export async function createGroup(svc: ScheduleDeps, ctx: RequestContext, input: GroupCreate): Promise<GroupRow> {
  const db = svc.db.kysely;
  // The controller resolves a group type name before the policy (cinder/api/v3/groups.py create).
  let groupType = isUuidLike(input.groupType) ? undefined : await visibleGroupType(db, ctx, "name", input.groupType);
  if (!isUuidLike(input.groupType) && !groupType) throw notFound(`Group type with name ${input.groupType} could not be found.`);
  authorize(ctx, "group:create");
  // Any volume type, private ones too (cinder/group/api.py reads them with an elevated context).
  const admin: RequestContext = { ...ctx, isAdmin: true };
  const types: VolumeTypeRow[] = [];
  for (const t of input.volumeTypes) types.push(await typeByNameOrId(svc, admin, t));
  groupType ??= await visibleGroupType(db, ctx, "id", input.groupType);
  if (!groupType) throw groupTypeNotFound(input.groupType);
  refuseCgsnapshotType(groupType);
  const az = await groupZone(svc, input.availabilityZone);
  const row: GroupRow = {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    host: null,
    cluster_name: null,
    availability_zone: az,
    name: input.name?.trim() ?? null,
    description: input.description?.trim() ?? null,
    group_type_id: groupType.id,
    status: "creating",
    group_snapshot_id: null,
    source_group_id: null,
    replication_status: "disabled",
    created_at: now(),
    updated_at: null,
  };
  const typeId = groupType.id;
  await db.transaction().execute(async (trx) => {
    // Held until commit, so that the group type cannot be deleted from under the new group.
    if (!(await holdGroupType(trx, svc.db.dialect === "postgres", typeId, "share"))) throw groupTypeNotFound(typeId);
    await consume(trx, svc.config.quotas, ctx.projectId, { groups: 1 });
    await insertGroup(trx, row, types.map((t) => t.id));
  });
  svc.scheduler.createGroup(row.id);
  return row;
}

/** reset_status (3.20; cinder/group/api.py reset_status): any of Cinder's group statuses, any case. */
export async function resetGroupStatus(svc: DbDeps, ctx: RequestContext, id: string, status: string): Promise<void> {
  const g = await findGroup(svc, ctx, id);
  authorize(ctx, "group:reset_status", g.project_id);
  const s = status.toLowerCase();
  if (!(GROUP_STATUSES as readonly string[]).includes(s)) {
    throw badRequest(
      `Invalid Group Status: Group status: ${s} is invalid, valid status are: (${GROUP_STATUSES.map((x) => `'${x}'`).join(", ")}).`,
    );
  }
  if (!(await casGroup(svc.db.kysely, id, {}, { status: s }))) throw groupNotFound(id);
}
