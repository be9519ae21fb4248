/**
 * Group delete (cinder/api/v3/groups.py delete_group, cinder/group/api.py delete): a group never
 * placed goes at once; otherwise the group and (with `delete-volumes`) its volumes move to
 * `deleting` together, in one transaction that re-checks every condition, and the group's volume
 * service deletes the volumes one by one, then the group.
 */
import { queueOf } from "../../bus/rpc";
import { casGroup, deleteGroupRow, groupHasSnapshots, releaseGroupVolumes, volumesOfGroup } from "../../db/repos/groups";
import { casVolume } from "../../db/repos/volumes";
import { volumeHasSnapshots } from "../../db/repos/snapshots";
import type { RequestContext } from "../../contract/context";
import { invalidGroup } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { release } from "../../quota/quota";
import type { CastDeps } from "./deps";
import { findGroup } from "./groups";
import { forgetVolumeKey, type KeyDeps } from "./keys";

export async function deleteGroup(svc: CastDeps & KeyDeps, ctx: RequestContext, id: string, deleteVolumes: boolean): Promise<void> {
  const g = await findGroup(svc, ctx, id);
  authorize(ctx, "group:delete", g.project_id);
  const db = svc.db.kysely;
  if (!g.host) {
    const gone = await db.transaction().execute(async (trx) => {
      if (!(await casGroup(trx, id, { noHost: true }, {}))) return false;
      await releaseGroupVolumes(trx, id);
      if (await deleteGroupRow(trx, id)) await release(trx, g.project_id, { groups: 1 });
      return true;
    });
    if (gone) return;
  }
  const deleted = await db.transaction().execute(async (trx) => {
    const statuses = deleteVolumes ? undefined : ["available", "error"];
    // The group first: from here on no update, snapshot or second delete can start on it.
    if (!(await casGroup(trx, id, { status: statuses }, { status: "deleting" }))) {
      const now = await findGroup(svc, ctx, id);
      throw invalidGroup(`Group status must be available or error, but current status is: ${now.status}`);
    }
    if (await groupHasSnapshots(trx, id)) throw invalidGroup("Group has existing snapshots.");
    const volumes = await volumesOfGroup(trx, id);
    if (volumes.length > 0 && !deleteVolumes) {
      throw invalidGroup(`Group ${id} still contains volumes. The delete-volumes flag is required to delete it.`);
    }
    for (const v of volumes) {
      if (v.attach_status === "attached") throw invalidGroup(`Volume in group ${id} is attached. Need to detach first.`);
      if (await volumeHasSnapshots(trx, v.id)) throw invalidGroup("Volume in group still has dependent snapshots.");
      const won = await casVolume(trx, v.id, { groupIs: id, attachStatusNot: "attached", noSnapshots: true }, { status: "deleting", previous_status: null, task: null });
      if (!won) throw invalidGroup(`Volume in group ${id} is attached. Need to detach first.`);
    }
    return volumes;
  });
  // The volumes are bound to go: their keys go now (as a volume's own delete does), unless held elsewhere.
  for (const v of deleted) await forgetVolumeKey(svc, ctx, v);
  svc.volumes.deleteGroup(queueOf((await findGroup(svc, ctx, id)) ?? g), id);
}
