/**
 * Group snapshot handlers (cinder/api/v3/group_snapshots.py) and the groups' `create-from-src`
 * action (cinder/api/v3/groups.py create_from_src). Thin: read the request, call the volume API,
 * render a view.
 */
import { MV } from "../../contract/microversion";
import { createGroupFromSrc } from "../../volume/api/group-from-src";
import {
  createGroupSnapshot,
  deleteGroupSnapshot,
  findGroupSnapshot,
  listGroupSnapshots,
  resetGroupSnapshotStatus,
} from "../../volume/api/group-snapshots";
import type { HandlerRequest, Handlers } from "../handler";
import { GROUP_SNAPSHOT_LISTING, parseListQuery } from "../query";
import { groupSummary } from "../views/groups";
import { groupSnapshotCreated, groupSnapshotDetail, groupSnapshotSummary } from "../views/group-snapshots";
import { collectionLinks } from "./common";

type GroupSnapshotHandlers = Pick<
  Handlers,
  | "listGroupSnapshots"
  | "listGroupSnapshotsDetail"
  | "createGroupSnapshot"
  | "showGroupSnapshot"
  | "deleteGroupSnapshot"
  | "resetGroupSnapshotStatus"
  | "createGroupFromSrc"
>;

/** Before 3.29 Cinder reads no query parameter of this list (no paging, sorting nor filters). */
async function list(req: HandlerRequest<unknown>, detail: boolean) {
  const query = req.ctx.version >= MV.GROUP_SNAPSHOT_PAGINATION ? req.query : {};
  const q = parseListQuery(req.ctx, query, GROUP_SNAPSHOT_LISTING, req.svc.config.maxLimit);
  const res = await listGroupSnapshots(req.svc, req.ctx, q);
  return {
    body: {
      group_snapshots: res.groupSnapshots.map((gs) => (detail ? groupSnapshotDetail(req.ctx, gs) : groupSnapshotSummary(gs))),
      ...collectionLinks(req, "group_snapshot_links", "group_snapshots", res.more, res.groupSnapshots.at(-1)?.id),
    },
  };
}

export const groupSnapshotHandlers: GroupSnapshotHandlers = {
  listGroupSnapshots: (req) => list(req, false),

  listGroupSnapshotsDetail: (req) => list(req, true),

  createGroupSnapshot: async (req) => {
    const b = req.body.group_snapshot;
    const gs = await createGroupSnapshot(req.svc, req.ctx, { groupId: b.group_id, name: b.name, description: b.description });
    return { body: { group_snapshot: groupSnapshotCreated(gs) } };
  },

  showGroupSnapshot: async (req) => ({
    body: { group_snapshot: groupSnapshotDetail(req.ctx, await findGroupSnapshot(req.svc, req.ctx, req.params.group_snapshot_id)) },
  }),

  deleteGroupSnapshot: async (req) => {
    await deleteGroupSnapshot(req.svc, req.ctx, req.params.group_snapshot_id);
    return {};
  },

  resetGroupSnapshotStatus: async (req) => {
    await resetGroupSnapshotStatus(req.svc, req.ctx, req.params.group_snapshot_id, req.body.status);
    return {};
  },

  createGroupFromSrc: async (req) => {
    const b = req.body;
    const g = await createGroupFromSrc(req.svc, req.ctx, {
      name: b.name,
      description: b.description,
      groupSnapshotId: b.group_snapshot_id,
      sourceGroupId: b.source_group_id,
    });
    return { body: { group: groupSummary(g) } };
  },
};
