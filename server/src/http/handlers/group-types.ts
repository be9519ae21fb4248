/**
 * Group type and group spec handlers (cinder/api/v3/group_types.py, group_specs.py). Thin: read
 * the request, call the volume API, render a view.
 */
import type { RequestContext } from "../../contract/context";
import { badRequest } from "../../contract/errors";
import { boolFrom } from "../../lib/bool";
import {
  createGroupType,
  deleteGroupSpec,
  deleteGroupType,
  type GroupTypeFilters,
  listGroupSpecs,
  listGroupTypes,
  setGroupSpecs,
  showDefaultGroupType,
  showGroupSpec,
  showGroupType,
  updateGroupSpec,
  updateGroupType,
} from "../../volume/api/group-types";
import type { Handlers } from "../handler";
import { type Column, parsePaging, type Query } from "../query";
import { groupTypeView } from "../views/group-types";
import { bodyFlag, collectionLinks } from "./common";

const GROUP_TYPE_SORT_KEYS: Record<string, Column> = {
  id: { column: "id" },
  name: { column: "name" },
  description: { column: "description", nullable: true },
  is_public: { column: "is_public" },
  created_at: { column: "created_at" },
  updated_at: { column: "updated_at", nullable: true },
};

/** cinder/api/v3/group_types.py _get_group_types: admins choose is_public; other filters are dropped. */
function parseGroupTypeListQuery(ctx: RequestContext, q: Query, maxLimit: number): GroupTypeFilters {
  let isPublic: boolean | null = true;
  if (ctx.isAdmin && q.is_public !== undefined) {
    if (q.is_public.toLowerCase() === "none") isPublic = null;
    else {
      const b = boolFrom(q.is_public);
      if (b === undefined) throw badRequest(`Invalid is_public filter [${q.is_public}]`);
      isPublic = b;
    }
  }
  return { ...parsePaging(q, GROUP_TYPE_SORT_KEYS, ctx.version, maxLimit), isPublic };
}

type GroupTypeHandlers = Pick<
  Handlers,
  | "listGroupTypes"
  | "createGroupType"
  | "showDefaultGroupType"
  | "showGroupType"
  | "updateGroupType"
  | "deleteGroupType"
  | "listGroupSpecs"
  | "setGroupSpecs"
  | "showGroupSpec"
  | "updateGroupSpec"
  | "deleteGroupSpec"
>;

export const groupTypeHandlers: GroupTypeHandlers = {
  listGroupTypes: async (req) => {
    const res = await listGroupTypes(req.svc, req.ctx, parseGroupTypeListQuery(req.ctx, req.query, req.svc.config.maxLimit));
    return {
      body: {
        group_types: res.types.map((t) => groupTypeView(req.ctx, t)),
        ...collectionLinks(req, "group_type_links", "group_types", res.more, res.types.at(-1)?.id),
      },
    };
  },

  createGroupType: async (req) => {
    const b = req.body.group_type;
    const t = await createGroupType(req.svc, req.ctx, {
      name: b.name,
      description: b.description,
      isPublic: bodyFlag(b.is_public) ?? true,
      groupSpecs: b.group_specs ?? {},
    });
    return { body: { group_type: groupTypeView(req.ctx, t) } };
  },

  showDefaultGroupType: async (req) => ({ body: { group_type: groupTypeView(req.ctx, await showDefaultGroupType(req.svc)) } }),

  showGroupType: async (req) => ({
    body: { group_type: groupTypeView(req.ctx, await showGroupType(req.svc, req.ctx, req.params.group_type_id)) },
  }),

  updateGroupType: async (req) => {
    const b = req.body.group_type;
    const t = await updateGroupType(req.svc, req.ctx, req.params.group_type_id, {
      name: b.name,
      description: b.description,
      isPublic: bodyFlag(b.is_public),
    });
    return { body: { group_type: groupTypeView(req.ctx, t) } };
  },

  deleteGroupType: async (req) => {
    await deleteGroupType(req.svc, req.ctx, req.params.group_type_id);
    return {};
  },

  listGroupSpecs: async (req) => ({ body: { group_specs: await listGroupSpecs(req.svc, req.ctx, req.params.group_type_id) } }),

  setGroupSpecs: async (req) => ({
    body: { group_specs: await setGroupSpecs(req.svc, req.ctx, req.params.group_type_id, req.body.group_specs) },
  }),

  showGroupSpec: async (req) => {
    const value = await showGroupSpec(req.svc, req.ctx, req.params.group_type_id, req.params.key);
    return { body: { [req.params.key]: value } };
  },

  updateGroupSpec: async (req) => ({
    body: await updateGroupSpec(req.svc, req.ctx, req.params.group_type_id, req.params.key, req.body),
  }),

  deleteGroupSpec: async (req) => {
    await deleteGroupSpec(req.svc, req.ctx, req.params.group_type_id, req.params.key);
    return {};
  },
};
