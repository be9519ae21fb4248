/**
 * Volume type handlers: types (cinder/api/v3/types.py, cinder/api/contrib/types_manage.py), extra
 * specs (types_extra_specs.py), type access (volume_type_access.py) and project default types
 * (cinder/api/v3/default_types.py). Thin: read the request, call the volume API, render a view.
 */
import type { RequestContext } from "../../contract/context";
import { boolFrom } from "../../lib/bool";
import {
  getProjectDefault,
  listProjectDefaults,
  setProjectDefault,
  unsetProjectDefault,
} from "../../volume/api/default-types";
import { addTypeAccess, listTypeAccess, removeTypeAccess } from "../../volume/api/type-access";
import {
  deleteExtraSpec,
  listExtraSpecs,
  mayReadSensitive,
  setExtraSpecs,
  showExtraSpec,
  updateExtraSpec,
  USER_VISIBLE_EXTRA_SPECS,
} from "../../volume/api/type-extra-specs";
import {
  createType,
  deleteType,
  listTypes,
  showDefaultType,
  showType,
  type TypeListQuery,
  updateType,
} from "../../volume/api/types";
import { badRequest, invalidInput } from "../../contract/errors";
import type { Handlers } from "../handler";
import { MV } from "../../contract/microversion";
import { parseFlatDict } from "../pylit";
import { type Column, PAGING_KEYS, parsePaging, type Query } from "../query";
import { defaultTypeView, managedTypeView, volumeTypeView } from "../views/types";
import { bodyFlag, collectionLinks } from "./common";

const TYPE_SORT_KEYS: Record<string, Column> = {
  id: { column: "id" },
  name: { column: "name" },
  description: { column: "description", nullable: true },
  is_public: { column: "is_public" },
  qos_specs_id: { column: "qos_specs_id", nullable: true },
  created_at: { column: "created_at" },
  updated_at: { column: "updated_at", nullable: true },
};

/** Columns an admin may filter on with an exact match (cinder/db/sqlalchemy/api.py filter_by). */
const ADMIN_COLUMNS = new Set(["id", "name", "description", "qos_specs_id"]);

/** cinder/api/api_utils.py _parse_is_public: absent → true, `none` → every type, else a strict boolean. */
function parseIsPublic(raw: string): boolean | null {
  if (raw.toLowerCase() === "none") return null;
  const b = boolFrom(raw);
  if (b === undefined) throw badRequest(`Invalid is_public filter [${raw}]`);
  return b;
}

function parseSpecsFilter(ctx: RequestContext, raw: string, out: TypeListQuery): void {
  const specs = parseFlatDict(raw);
  if (!specs) throw invalidInput(`Invalid extra_specs filter '${raw}': write it as a dict, e.g. {'key': 'value'}.`);
  out.extraSpecs = specs;
  // A caller who may not see a key cannot filter on it: as far as it goes, no type matches.
  if (!mayReadSensitive(ctx) && Object.keys(specs).some((k) => !USER_VISIBLE_EXTRA_SPECS.includes(k))) out.matchNothing = true;
}

/**
 * The list query (cinder/api/v3/types.py _get_volume_types). Admins choose `is_public` and may
 * filter on columns; non-admins always see the public types and those shared with them, and may
 * filter on `extra_specs` from 3.52, where any other filter is a 400 (before 3.52 it is dropped).
 */
function parseTypeListQuery(ctx: RequestContext, q: Query, maxLimit: number): TypeListQuery {
  const out: TypeListQuery = {
    ...parsePaging(q, TYPE_SORT_KEYS, ctx.version, maxLimit),
    isPublic: true,
    extraSpecs: {},
    equals: {},
    matchNothing: false,
  };
  const invalid: string[] = [];
  for (const [key, raw] of Object.entries(q)) {
    // cinderclient adds all_tenants to every list; types belong to no project (cf. Cinder bug #1917574).
    if (PAGING_KEYS.has(key) || key === "all_tenants") continue;
    if (ctx.isAdmin) {
      if (key === "is_public") out.isPublic = parseIsPublic(raw);
      else if (key === "extra_specs") parseSpecsFilter(ctx, raw, out);
      else if (ADMIN_COLUMNS.has(key)) out.equals[key as "id"] = raw;
      else out.matchNothing = true; // not a column of volume types: Cinder matches nothing
    } else if (key === "is_public") {
      continue;
    } else if (key === "extra_specs" && ctx.version >= MV.SUPPORT_VOLUME_TYPE_FILTER) {
      parseSpecsFilter(ctx, raw, out);
    } else {
      invalid.push(key);
    }
  }
  if (invalid.length > 0 && ctx.version >= MV.SUPPORT_VOLUME_TYPE_FILTER) {
    throw badRequest(`Invalid filters ${invalid.join(",")} are found in query options.`);
  }
  return out;
}

type TypeHandlers = Pick<
  Handlers,
  | "listVolumeTypes"
  | "createVolumeType"
  | "showVolumeType"
  | "showDefaultVolumeType"
  | "updateVolumeType"
  | "deleteVolumeType"
  | "listExtraSpecs"
  | "setExtraSpecs"
  | "showExtraSpec"
  | "updateExtraSpec"
  | "deleteExtraSpec"
  | "listTypeAccess"
  | "addProjectAccess"
  | "removeProjectAccess"
  | "setProjectDefaultType"
  | "showProjectDefaultType"
  | "listProjectDefaultTypes"
  | "unsetProjectDefaultType"
>;

export const typeHandlers: TypeHandlers = {
  listVolumeTypes: async (req) => {
    const q = parseTypeListQuery(req.ctx, req.query, req.svc.config.maxLimit);
    const res = await listTypes(req.svc, req.ctx, q);
    return {
      body: {
        volume_types: res.types.map((t) => volumeTypeView(req.ctx, t)),
        ...collectionLinks(req, "volume_type_links", "types", res.more, res.types.at(-1)?.id),
      },
    };
  },

  createVolumeType: async (req) => {
    const b = req.body.volume_type;
    const t = await createType(req.svc, req.ctx, {
      name: b.name,
      description: b.description,
      extraSpecs: b.extra_specs ?? {},
      isPublic: bodyFlag(b["os-volume-type-access:is_public"]) ?? true,
    });
    return { body: { volume_type: managedTypeView(req.ctx, t, true) } };
  },

  showVolumeType: async (req) => ({
    body: { volume_type: volumeTypeView(req.ctx, await showType(req.svc, req.ctx, req.params.type_id)) },
  }),

  showDefaultVolumeType: async (req) => ({
    body: { volume_type: volumeTypeView(req.ctx, await showDefaultType(req.svc, req.ctx), false) },
  }),

  updateVolumeType: async (req) => {
    const b = req.body.volume_type;
    const t = await updateType(req.svc, req.ctx, req.params.type_id, {
      name: b.name,
      description: b.description,
      isPublic: bodyFlag(b.is_public),
    });
    return { body: { volume_type: managedTypeView(req.ctx, t, false) } };
  },

  deleteVolumeType: async (req) => {
    await deleteType(req.svc, req.ctx, req.params.type_id);
    return {};
  },

  listExtraSpecs: async (req) => ({
    body: { extra_specs: await listExtraSpecs(req.svc, req.ctx, req.params.type_id) },
  }),

  setExtraSpecs: async (req) => ({
    body: { extra_specs: await setExtraSpecs(req.svc, req.ctx, req.params.type_id, req.body.extra_specs) },
  }),

  showExtraSpec: async (req) => {
    const value = await showExtraSpec(req.svc, req.ctx, req.params.type_id, req.params.key);
    return { body: { [req.params.key]: value } };
  },

  updateExtraSpec: async (req) => ({
    body: await updateExtraSpec(req.svc, req.ctx, req.params.type_id, req.params.key, req.body),
  }),

  deleteExtraSpec: async (req) => {
    await deleteExtraSpec(req.svc, req.ctx, req.params.type_id, req.params.key);
    return {};
  },

  listTypeAccess: async (req) => ({
    body: { volume_type_access: await listTypeAccess(req.svc, req.ctx, req.params.type_id) },
  }),

  addProjectAccess: async (req) => {
    await addTypeAccess(req.svc, req.ctx, req.params.type_id, req.body.project);
    return {};
  },

  removeProjectAccess: async (req) => {
    await removeTypeAccess(req.svc, req.ctx, req.params.type_id, req.body.project);
    return {};
  },

  setProjectDefaultType: async (req) => {
    const d = await setProjectDefault(req.svc, req.ctx, req.params.target_project_id, req.body.default_type.volume_type);
    return { body: { default_type: defaultTypeView(d) } };
  },

  showProjectDefaultType: async (req) => ({
    body: { default_type: defaultTypeView(await getProjectDefault(req.svc, req.ctx, req.params.target_project_id)) },
  }),

  listProjectDefaultTypes: async (req) => ({
    body: { default_types: (await listProjectDefaults(req.svc, req.ctx)).map(defaultTypeView) },
  }),

  unsetProjectDefaultType: async (req) => {
    await unsetProjectDefault(req.svc, req.ctx, req.params.target_project_id);
    return {};
  },
};
