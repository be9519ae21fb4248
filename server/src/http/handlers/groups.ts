/**
 * Group handlers (cinder/api/v3/groups.py): list, show, create, update, and the `delete` and
 * `reset_status` actions. Thin: read the request, call the volume API, render a view.
 */
import { MV } from "../../contract/microversion";
import { deleteGroup } from "../../volume/api/group-delete";
import { updateGroup } from "../../volume/api/group-update";
import { createGroup, listGroups, resetGroupStatus, showGroup } from "../../volume/api/groups";
import type { Handlers, HandlerRequest } from "../handler";
import { GROUP_LISTING, parseListQuery } from "../query";
import { groupDetail, groupSummary } from "../views/groups";
import { bodyFlag, collectionLinks, queryFlag } from "./common";

type GroupHandlers = Pick<Handlers, "listGroups" | "listGroupsDetail" | "createGroup" | "showGroup" | "updateGroup" | "deleteGroup" | "resetGroupStatus">;

/** `list_volume` (3.25) is read, never a filter (cinder pops it at every version). */
function listVolumeFlag(req: HandlerRequest<unknown>): boolean {
  return req.ctx.version >= MV.GROUP_VOLUME_LIST && queryFlag(req, "list_volume");
}

async function list(req: HandlerRequest<unknown>, detail: boolean) {
  const { list_volume: _ignored, ...query } = req.query;
  const q = parseListQuery(req.ctx, query, GROUP_LISTING, req.svc.config.maxLimit);
  const res = await listGroups(req.svc, req.ctx, q, detail && listVolumeFlag(req));
  return {
    body: {
      groups: res.groups.map((g) => (detail ? groupDetail(req.ctx, g) : groupSummary(g))),
      ...collectionLinks(req, "group_links", "groups", res.more, res.groups.at(-1)?.id),
    },
  };
}

export const groupHandlers: GroupHandlers = {
  listGroups: (req) => list(req, false),

  listGroupsDetail: (req) => list(req, true),

  createGroup: async (req) => {
    const b = req.body.group;
    const g = await createGroup(req.svc, req.ctx, {
      name: b.name,
      description: b.description,
      groupType: b.group_type,
      volumeTypes: b.volume_types,
      availabilityZone: b.availability_zone,
    });
    return { body: { group: groupSummary(g) } };
  },

  showGroup: async (req) => ({
    body: { group: groupDetail(req.ctx, await showGroup(req.svc, req.ctx, req.params.group_id, listVolumeFlag(req))) },
  }),

  updateGroup: async (req) => {
    const b = req.body.group;
    await updateGroup(req.svc, req.ctx, req.params.group_id, {
      name: b.name,
      description: b.description,
      addVolumes: b.add_volumes,
      removeVolumes: b.remove_volumes,
    });
    return {};
  },

  deleteGroup: async (req) => {
    await deleteGroup(req.svc, req.ctx, req.params.group_id, bodyFlag(req.body["delete-volumes"]) ?? false);
    return {};
  },

  resetGroupStatus: async (req) => {
    await resetGroupStatus(req.svc, req.ctx, req.params.group_id, req.body.status);
    return {};
  },
};
