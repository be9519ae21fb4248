/**
 * A group made from a group snapshot or from another group (cinder/api/v3/groups.py
 * create_from_src, cinder/group/api.py create_from_src): the source's group type and volume
 * types, its backend and zone, and one volume per snapshot (made from it) or per source volume (a
 * clone). Everything is inserted in one transaction, quota included, and the group's volume
 * service makes the volumes one by one before the group becomes available.
 */
import { randomUUID } from "node:crypto";
import { queueOf } from "../../bus/rpc";
import {
  casGroup,
  casGroupSnapshot,
  groupVolumeTypes,
  insertGroup,
  snapshotsOfGroupSnapshot,
  volumesOfGroup,
} from "../../db/repos/groups";
import { casSnapshot } from "../../db/repos/snapshots";
import { casVolume, insertVolume } from "../../db/repos/volumes";
import type { GroupRow, VolumeRow, VolumesTable } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidGroup } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { consume, typeNameOf } from "../../quota/quota";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";
import type { ConfigCastDeps } from "./deps";
import { isMultiattachType } from "./create";
import { findGroupSnapshot } from "./group-snapshots";
import { findGroup } from "./groups";
import { forgetKey, type KeyDeps, keyForNewVolume } from "./keys";

export interface GroupFromSrc {
  name?: string | null;
  description?: string | null;
  groupSnapshotId?: string;
  sourceGroupId?: string;
}

/** One volume of the new group, `creating` on the group's backend, from a snapshot or a volume. */
function volumeRow(
  ctx: RequestContext,
  g: GroupRow,
  from: { size: number; volume_type_id: string | null; snapshot_id?: string; source_volid?: string },
  multiattach: boolean,
  encryptionKeyId: string | null,
): VolumesTable {
  return {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    host: g.host,
    cluster_name: g.cluster_name,
    availability_zone: g.availability_zone,
    display_name: null,
    display_description: null,
    size: from.size,
    status: T.create.during,
    attach_status: "detached",
    migration_status: null,
    previous_status: null,
    bootable: 0,
    multiattach: multiattach ? 1 : 0,
    snapshot_id: from.snapshot_id ?? null,
    source_volid: from.source_volid ?? null,
    volume_type_id: from.volume_type_id,
    replication_status: null,
    consumes_quota: 1,
    provider_location: null,
    provider_auth: null,
    provider_id: null,
    task: null,
    group_id: g.id,
    encryption_key_id: encryptionKeyId,
    created_at: now(),
    updated_at: null,
    launched_at: null,
  };
}

export async function createGroupFromSrc(svc: ConfigCastDeps & KeyDeps, ctx: RequestContext, input: GroupFromSrc): Promise<GroupRow> {
  if (!!input.groupSnapshotId === !!input.sourceGroupId) {
    throw badRequest("Either group_snapshot_id or source_group_id must be provided, not both.");
  }
  const db = svc.db.kysely;
  const gs = input.groupSnapshotId ? await findGroupSnapshot(svc, ctx, input.groupSnapshotId) : undefined;
  // The group the source belongs to (the group snapshot's) or the source group itself.
  const source = await findGroup(svc, ctx, gs ? gs.group_id : input.sourceGroupId!);
  authorize(ctx, "group:create");
  if (gs && gs.status !== "available") throw invalidGroup(`Group snapshot ${gs.id} status must be available, but current status is: ${gs.status}.`);
  if (!gs && source.status !== "available") throw invalidGroup(`Source group ${source.id} status must be available, but current status is: ${source.status}.`);
  if (!source.host) throw invalidGroup(`No host to create group ${source.id}.`);
  const snapshots = gs ? await snapshotsOfGroupSnapshot(db, gs.id) : [];
  const sourceVolumes: VolumeRow[] = gs ? [] : await volumesOfGroup(db, source.id);
  if (gs && snapshots.length === 0) throw invalidGroup("Group snapshot is empty. No group will be created.");
  if (!gs && sourceVolumes.length === 0) throw invalidGroup("Source Group is empty. No group will be created.");

  const g: GroupRow = {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    host: source.host,
    cluster_name: source.cluster_name,
    availability_zone: source.availability_zone,
    name: input.name?.trim() ?? null,
    description: input.description?.trim() ?? null,
    group_type_id: gs ? gs.group_type_id : source.group_type_id,
    status: "creating",
    group_snapshot_id: gs?.id ?? null,
    source_group_id: gs ? null : source.id,
    replication_status: "disabled",
    created_at: now(),
    updated_at: null,
  };
  const types = (await groupVolumeTypes(db, [source.id])).get(source.id) ?? [];
  const rows: VolumesTable[] = [];
  // An encrypted source's copy gets a key of its own holding a copy of the source's (as a clone).
  const keys: Array<string | null> = [];
  const keyFor = async (typeId: string | null, source: { encryption_key_id: string | null; volume_type_id: string | null }) => {
    const key = await keyForNewVolume(svc, ctx, typeId, source);
    keys.push(key);
    return key;
  };
  const rollBackKeys = () => Promise.all(keys.map((k) => forgetKey(svc, ctx, k)));
  try {
    for (const s of snapshots) {
      rows.push(volumeRow(ctx, g, { size: s.volume_size, volume_type_id: s.volume_type_id, snapshot_id: s.id }, await isMultiattachType(svc, s.volume_type_id), await keyFor(s.volume_type_id, s)));
    }
    for (const v of sourceVolumes) {
      rows.push(volumeRow(ctx, g, { size: v.size, volume_type_id: v.volume_type_id, source_volid: v.id }, v.multiattach === 1, await keyFor(v.volume_type_id, v)));
    }
  } catch (err) {
    await rollBackKeys();
    throw err;
  }
  await db.transaction().execute(async (trx) => {
    // The sources are re-checked with the inserts: a source being deleted meanwhile gives nothing.
    if (gs && !(await casGroupSnapshot(trx, gs.id, ["available"], {}))) throw invalidGroup(`Group snapshot ${gs.id} status must be available.`);
    if (!gs && !(await casGroup(trx, source.id, { status: ["available"] }, {}))) throw invalidGroup(`Source group ${source.id} status must be available.`);
    for (const s of snapshots) {
      if (!(await casSnapshot(trx, s.id, ["available"], {}))) throw invalidGroup(`Snapshot ${s.id} of the group snapshot is not available.`);
    }
    for (const v of sourceVolumes) {
      if (!(await casVolume(trx, v.id, { status: ["available", "in-use"], groupIs: source.id }, {}))) {
        throw invalidGroup(`Volume ${v.id} of the source group is not available or in-use.`);
      }
    }
    await consume(trx, svc.config.quotas, ctx.projectId, { groups: 1 });
    await insertGroup(trx, g, types);
    for (const r of rows) {
      await consume(trx, svc.config.quotas, ctx.projectId, { volumes: 1, gigabytes: r.size, typeName: await typeNameOf(trx, r.volume_type_id) }, r.size);
      await insertVolume(trx, r, {});
    }
  }).catch(async (err: unknown) => {
    await rollBackKeys();
    throw err;
  });
  svc.volumes.createGroup(queueOf(g), g.id);
  return g;
}
