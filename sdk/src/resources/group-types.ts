/**
 * Group types (api-ref "Group types (group_types)", cinder/api/v3/group_types.py, group_specs.py),
 * from microversion 3.11: CRUD, the default group type, and group specs.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, type Ref } from "../wait";

export type GroupType = Schemas["GroupType"];
export type GroupTypeCreate = Schemas["GroupTypeCreate"];
export type GroupTypeUpdate = Schemas["GroupTypeUpdate"];
export type GroupTypeListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/group_types", "get">>>;
type GroupSpecs = Schemas["GroupSpecsMap"];

export function groupTypes(c: CinderClient) {
  const at = (ref: Ref) => ({ group_type_id: idOf(ref) });
  return {
    /** Group types, all pages (admins also see private ones with `is_public: "none"`). */
    list: (query?: GroupTypeListQuery, opts?: CallOptions): Pager<GroupType> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/group_types", { query: q, ok: [200], ...opts });
        return { items: data.group_types, links: data.group_type_links };
      }, query),

    get: async (ref: Ref, opts?: CallOptions): Promise<GroupType> =>
      (await c.request("get", "/v3/{project_id}/group_types/{group_type_id}", { path: at(ref), ok: [200], ...opts })).data.group_type,

    /** The group type named by the server's `default_group_type` (404 when there is none). */
    getDefault: async (opts?: CallOptions): Promise<GroupType> =>
      (await c.request("get", "/v3/{project_id}/group_types/default", { ok: [200], ...opts })).data.group_type,

    /** Create (202 with the new group type). */
    create: async (groupType: GroupTypeCreate, opts?: CallOptions): Promise<GroupType> =>
      (await c.request("post", "/v3/{project_id}/group_types", { body: { group_type: groupType }, ok: [202], ...opts })).data.group_type,

    update: async (ref: Ref, groupType: GroupTypeUpdate, opts?: CallOptions): Promise<GroupType> => {
      const body = { group_type: groupType };
      return (await c.request("put", "/v3/{project_id}/group_types/{group_type_id}", { path: at(ref), body, ok: [200], ...opts })).data.group_type;
    },

    /** Delete (202); a group type some group has is a 400. */
    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/group_types/{group_type_id}", { path: at(ref), ok: [202], ...opts });
    },

    getGroupSpecs: async (ref: Ref, opts?: CallOptions): Promise<GroupSpecs> =>
      (await c.request("get", "/v3/{project_id}/group_types/{group_type_id}/group_specs", { path: at(ref), ok: [200], ...opts })).data.group_specs,

    /** Set (merge) group specs; returns the ones set. */
    setGroupSpecs: async (ref: Ref, specs: GroupSpecs, opts?: CallOptions): Promise<GroupSpecs> => {
      const body = { group_specs: specs };
      return (await c.request("post", "/v3/{project_id}/group_types/{group_type_id}/group_specs", { path: at(ref), body, ok: [202], ...opts })).data
        .group_specs;
    },

    getGroupSpec: async (ref: Ref, key: string, opts?: CallOptions): Promise<string | null | undefined> =>
      (await c.request("get", "/v3/{project_id}/group_types/{group_type_id}/group_specs/{key}", { path: { ...at(ref), key }, ok: [200], ...opts }))
        .data[key],

    setGroupSpec: async (ref: Ref, key: string, value: string, opts?: CallOptions): Promise<void> => {
      const path = { ...at(ref), key };
      await c.request("put", "/v3/{project_id}/group_types/{group_type_id}/group_specs/{key}", { path, body: { [key]: value }, ok: [200], ...opts });
    },

    deleteGroupSpec: async (ref: Ref, key: string, opts?: CallOptions): Promise<void> => {
      const path = { ...at(ref), key };
      await c.request("delete", "/v3/{project_id}/group_types/{group_type_id}/group_specs/{key}", { path, ok: [202], ...opts });
    },
  };
}
