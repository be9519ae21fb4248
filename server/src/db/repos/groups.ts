/**
 * Generic volume groups: the group rows, the volume types each may hold
 * (group_volume_type_mapping), the volumes in a group, and the compare-and-set every group status
 * change goes through.
 */
import type { Kysely, Transaction, Updateable } from "kysely";
import type { Database, GroupRow, GroupSnapshotRow, GroupSnapshotsTable, GroupsTable, SnapshotRow, VolumeRow } from "../schema";
import { now } from "../../contract/time";

type Q = Kysely<Database> | Transaction<Database>;

/** A group by id; scoped to a project unless `projectId` is undefined (an admin). */
export async function getGroup(db: Q, id: string, projectId?: string): Promise<GroupRow | undefined> {
  let q = db.selectFrom("groups").selectAll().where("id", "=", id);
  if (projectId !== undefined) q = q.where("project_id", "=", projectId);
  return q.executeTakeFirst();
}

export async function insertGroup(db: Q, row: GroupRow, volumeTypeIds: readonly string[]): Promise<void> {
  await db.insertInto("groups").values(row).execute();
  await addGroupVolumeTypes(db, row.id, volumeTypeIds);
}

/** Map volume types to the group; a mapping already there stays. */
export async function addGroupVolumeTypes(db: Q, groupId: string, volumeTypeIds: readonly string[]): Promise<void> {
  const ids = [...new Set(volumeTypeIds)];
  if (ids.length === 0) return;
  await db
    .insertInto("group_volume_type_mapping")
    .values(ids.map((volume_type_id) => ({ group_id: groupId, volume_type_id })))
    .onConflict((oc) => oc.columns(["group_id", "volume_type_id"]).doNothing())
    .execute();
}

/** The volume type ids of each group, in name order of nothing in particular but stable (by id). */
export async function groupVolumeTypes(db: Q, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await db
    .selectFrom("group_volume_type_mapping")
    .selectAll()
    .where("group_id", "in", [...groupIds])
    .orderBy("volume_type_id")
    .execute();
  for (const r of rows) out.get(r.group_id)!.push(r.volume_type_id);
  return out;
}

/** The volumes of each group, by id. */
export async function groupVolumeIds(db: Q, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await db.selectFrom("volumes").select(["id", "group_id"]).where("group_id", "in", [...groupIds]).orderBy("id").execute();
  for (const r of rows) out.get(r.group_id!)!.push(r.id);
  return out;
}

export async function volumesOfGroup(db: Q, groupId: string): Promise<VolumeRow[]> {
  return db.selectFrom("volumes").selectAll().where("group_id", "=", groupId).orderBy("created_at").orderBy("id").execute();
}

/** True when any group, in any project, may hold volumes of the type. */
export async function volumeTypeInGroups(db: Q, typeId: string): Promise<boolean> {
  const row = await db.selectFrom("group_volume_type_mapping").select("group_id").where("volume_type_id", "=", typeId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface GroupExpect {
  status?: readonly string[];
  /** The group must not be placed on a backend yet. */
  noHost?: boolean;
}

/** Compare-and-set on a group; true when this caller won. `updated_at` is stamped. */
export async function casGroup(db: Q, id: string, expect: GroupExpect, values: Updateable<GroupsTable>): Promise<boolean> {
  let q = db
    .updateTable("groups")
    .set({ ...values, updated_at: values.updated_at ?? now() })
    .where("id", "=", id);
  if (expect.status) q = q.where("status", "in", [...expect.status]);
  if (expect.noHost) q = q.where("host", "is", null);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Remove the group and its type mappings; true when this caller removed it. */
export async function deleteGroupRow(db: Q, id: string): Promise<boolean> {
  await db.deleteFrom("group_volume_type_mapping").where("group_id", "=", id).execute();
  const res = await db.deleteFrom("groups").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/** Groups left `creating` without a backend (their scheduling was cut short). */
export async function unplacedGroupIds(db: Q, createdBefore?: string): Promise<string[]> {
  let q = db.selectFrom("groups").select("id").where("status", "=", "creating").where("host", "is", null);
  if (createdBefore !== undefined) q = q.where("created_at", "<", createdBefore);
  return (await q.orderBy("created_at").execute()).map((r) => r.id);
}

/** True when the group has group snapshots. */
export async function groupHasSnapshots(db: Q, groupId: string): Promise<boolean> {
  const row = await db.selectFrom("group_snapshots").select("id").where("group_id", "=", groupId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Take every volume out of the group (a group never placed goes, its volumes stay). */
export async function releaseGroupVolumes(db: Q, groupId: string): Promise<void> {
  await db.updateTable("volumes").set({ group_id: null }).where("group_id", "=", groupId).execute();
}

// ---------------------------------------------------------------------------------------------
// Group snapshots

export async function getGroupSnapshot(db: Q, id: string, projectId?: string): Promise<GroupSnapshotRow | undefined> {
  let q = db.selectFrom("group_snapshots").selectAll().where("id", "=", id);
  if (projectId !== undefined) q = q.where("project_id", "=", projectId);
  return q.executeTakeFirst();
}

export async function insertGroupSnapshot(db: Q, row: GroupSnapshotRow): Promise<void> {
  await db.insertInto("group_snapshots").values(row).execute();
}

/** Compare-and-set on a group snapshot; true when this caller won. */
export async function casGroupSnapshot(db: Q, id: string, expectStatus: readonly string[] | undefined, values: Updateable<GroupSnapshotsTable>): Promise<boolean> {
  let q = db
    .updateTable("group_snapshots")
    .set({ ...values, updated_at: values.updated_at ?? now() })
    .where("id", "=", id);
  if (expectStatus) q = q.where("status", "in", [...expectStatus]);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function deleteGroupSnapshotRow(db: Q, id: string): Promise<boolean> {
  const res = await db.deleteFrom("group_snapshots").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export async function snapshotsOfGroupSnapshot(db: Q, groupSnapshotId: string): Promise<SnapshotRow[]> {
  return db.selectFrom("snapshots").selectAll().where("group_snapshot_id", "=", groupSnapshotId).orderBy("created_at").orderBy("id").execute();
}

/** True when a group is being created from the group snapshot (cinder db group_creating_from_src). */
export async function groupCreatingFrom(db: Q, source: { groupSnapshotId?: string; groupId?: string }): Promise<boolean> {
  let q = db.selectFrom("groups").select("id").where("status", "=", "creating");
  q = source.groupSnapshotId ? q.where("group_snapshot_id", "=", source.groupSnapshotId) : q.where("source_group_id", "=", source.groupId!);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

/** Groups of one backend (`host@backend`, any pool) in the given statuses, for reconciliation. */
export async function groupsOnBackend(db: Q, backendHost: string, statuses: readonly string[]): Promise<GroupRow[]> {
  return db
    .selectFrom("groups")
    .selectAll()
    .where((eb) => eb.or([eb("host", "=", backendHost), eb("host", "like", `${backendHost}#%`)]))
    .where("status", "in", [...statuses])
    .execute();
}

/** Group snapshots of the groups of one backend in the given statuses, for reconciliation. */
export async function groupSnapshotsOnBackend(db: Q, backendHost: string, statuses: readonly string[]): Promise<GroupSnapshotRow[]> {
  return db
    .selectFrom("group_snapshots")
    .innerJoin("groups", "groups.id", "group_snapshots.group_id")
    .selectAll("group_snapshots")
    .where((eb) => eb.or([eb("groups.host", "=", backendHost), eb("groups.host", "like", `${backendHost}#%`)]))
    .where("group_snapshots.status", "in", [...statuses])
    .execute();
}
