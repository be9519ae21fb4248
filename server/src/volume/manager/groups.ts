/**
 * Generic volume groups in a volume manager (cinder/volume/manager.py create_group, update_group,
 * delete_group with their `_*_generic` fallbacks): a driver without group support has nothing to
 * do for the group itself, so the group's volumes are made, moved and deleted one by one through
 * the manager's own volume operations, and the group's status records the outcome.
 */
import {
  casGroup,
  casGroupSnapshot,
  deleteGroupRow,
  deleteGroupSnapshotRow,
  getGroup,
  getGroupSnapshot,
  snapshotsOfGroupSnapshot,
  volumesOfGroup,
} from "../../db/repos/groups";
import { getSnapshot } from "../../db/repos/snapshots";
import { casVolume, getVolume } from "../../db/repos/volumes";
import { release } from "../../quota/quota";
import type { VolumeManager } from "./manager";
import * as ops from "./operations";

/** A placed group becomes available; one made from a source first gets its volumes made. */
export async function createGroup(m: VolumeManager, groupId: string): Promise<void> {
  await m.locks.with([`group:${groupId}`], async () => {
    const g = await getGroup(m.db.kysely, groupId);
    if (!g || g.status !== "creating" || !g.host) return;
    let failed = false;
    for (const v of await volumesOfGroup(m.db.kysely, groupId)) {
      if (v.status !== "creating") continue;
      await ops.createVolume(m, v.id);
      if ((await getVolume(m.db.kysely, v.id))?.status !== "available") failed = true;
    }
    await casGroup(m.db.kysely, groupId, { status: ["creating"] }, { status: failed ? "error" : "available" });
    m.log.info({ groupId, failed }, failed ? "group create failed" : "group created");
  });
}

/** Bring volumes into the group and take others out (update_group: no driver work for a generic group). */
export async function updateGroup(m: VolumeManager, groupId: string, addVolumes: string[], removeVolumes: string[]): Promise<void> {
  await m.locks.with([`group:${groupId}`], async () => {
    const g = await getGroup(m.db.kysely, groupId);
    if (!g || g.status !== "updating") return;
    for (const id of addVolumes) {
      const won = await casVolume(m.db.kysely, id, { groupIs: null, status: ["available", "in-use"] }, { group_id: groupId }, { touch: false });
      if (!won) m.log.warn({ groupId, volumeId: id }, "volume not added to the group: it changed since the request");
    }
    for (const id of removeVolumes) await casVolume(m.db.kysely, id, { groupIs: groupId }, { group_id: null }, { touch: false });
    await casGroup(m.db.kysely, groupId, { status: ["updating"] }, { status: "available" });
    m.log.info({ groupId, added: addVolumes.length, removed: removeVolumes.length }, "group updated");
  });
}

/** Delete the group's volumes (already `deleting`), then the group and its quota. */
export async function deleteGroup(m: VolumeManager, groupId: string): Promise<void> {
  await m.locks.with([`group:${groupId}`], async () => {
    const g = await getGroup(m.db.kysely, groupId);
    if (!g || g.status !== "deleting") return;
    for (const v of await volumesOfGroup(m.db.kysely, groupId)) {
      if (v.status === "deleting") await ops.deleteVolume(m, v.id);
    }
    const left = await volumesOfGroup(m.db.kysely, groupId);
    if (left.length > 0) {
      m.log.error({ groupId, volumes: left.map((v) => v.id) }, "group delete failed: some of its volumes were not deleted");
      await casGroup(m.db.kysely, groupId, { status: ["deleting"] }, { status: "error_deleting" });
      return;
    }
    await m.db.kysely.transaction().execute(async (trx) => {
      if (await deleteGroupRow(trx, groupId)) await release(trx, g.project_id, { groups: 1 });
    });
    m.log.info({ groupId }, "group deleted");
  });
}

/** Snapshot each volume (create_group_snapshot, generic: one driver snapshot per volume). */
export async function createGroupSnapshot(m: VolumeManager, groupSnapshotId: string): Promise<void> {
  await m.locks.with([`group-snapshot:${groupSnapshotId}`], async () => {
    const gs = await getGroupSnapshot(m.db.kysely, groupSnapshotId);
    if (!gs || gs.status !== "creating") return;
    let failed = false;
    for (const s of await snapshotsOfGroupSnapshot(m.db.kysely, groupSnapshotId)) {
      if (s.status === "creating") await ops.createSnapshot(m, s.id);
      if ((await getSnapshot(m.db.kysely, s.id))?.status !== "available") failed = true;
    }
    await casGroupSnapshot(m.db.kysely, groupSnapshotId, ["creating"], { status: failed ? "error" : "available" });
    m.log.info({ groupSnapshotId, failed }, failed ? "group snapshot failed" : "group snapshot created");
  });
}

/** Delete each snapshot (already `deleting`), then the group snapshot. */
export async function deleteGroupSnapshot(m: VolumeManager, groupSnapshotId: string): Promise<void> {
  await m.locks.with([`group-snapshot:${groupSnapshotId}`], async () => {
    const gs = await getGroupSnapshot(m.db.kysely, groupSnapshotId);
    if (!gs || gs.status !== "deleting") return;
    for (const s of await snapshotsOfGroupSnapshot(m.db.kysely, groupSnapshotId)) {
      if (s.status === "deleting") await ops.deleteSnapshot(m, s.id);
    }
    const left = await snapshotsOfGroupSnapshot(m.db.kysely, groupSnapshotId);
    if (left.length > 0) {
      m.log.error({ groupSnapshotId, snapshots: left.map((s) => s.id) }, "group snapshot delete failed: some snapshots were not deleted");
      await casGroupSnapshot(m.db.kysely, groupSnapshotId, ["deleting"], { status: "error_deleting" });
      return;
    }
    await deleteGroupSnapshotRow(m.db.kysely, groupSnapshotId);
    m.log.info({ groupSnapshotId }, "group snapshot deleted");
  });
}
