/**
 * Generic volume groups (api-ref "Generic volume groups (groups)", cinder/api/v3/groups.py), from
 * microversion 3.13: list, show, create, update (name, description, add and remove volumes),
 * delete (with or without its volumes), reset_status (3.20) and waiters.
 */
import type { CinderClient } from "../client";
import { ACTION_REQUIREMENTS } from "../microversions";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, waitForDeleted, waitForStatus, type Ref, type WaitOptions, type Waitable } from "../wait";

export type Group = Schemas["Group"];
export type GroupSummary = Schemas["GroupSummary"];
export type GroupCreate = Schemas["GroupCreate"];
export type GroupListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/groups/detail", "get">>>;
export type GroupShowQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/groups/{group_id}", "get">>>;

/** An update; `addVolumes`/`removeVolumes` are volume refs, sent as Cinder's comma-separated ids. */
export interface GroupUpdate {
  name?: string | null;
  description?: string | null;
  addVolumes?: Ref[];
  removeVolumes?: Ref[];
}

/** The name and description of a group made from a source. */
export interface Named {
  name?: string;
  description?: string;
}

export function groups(c: CinderClient) {
  const at = (ref: Ref) => ({ group_id: idOf(ref) });
  const get = async (ref: Ref, opts?: CallOptions & { query?: GroupShowQuery }): Promise<Group> =>
    (await c.request("get", "/v3/{project_id}/groups/{group_id}", { path: at(ref), ok: [200], ...opts })).data.group;
  const waitable: Waitable<Group> = { kind: "group", get };
  const act = async (ref: Ref, body: Schemas["GroupAction"], opts?: CallOptions, operationId?: string): Promise<void> => {
    const minVersion = operationId ? ACTION_REQUIREMENTS[operationId] : undefined;
    const operation = `group action ${Object.keys(body)[0]}`;
    await c.request("post", "/v3/{project_id}/groups/{group_id}/action", { path: at(ref), body, ok: [202], minVersion, operation, ...opts });
  };

  const fromSource = async (
    from: { group_snapshot_id: string } | { source_group_id: string },
    { name, description }: Named,
    opts?: CallOptions,
  ): Promise<GroupSummary> => {
    const body = { "create-from-src": { ...from, ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}) } };
    const minVersion = ACTION_REQUIREMENTS.createGroupFromSrc;
    return (await c.request("post", "/v3/{project_id}/groups/action", { body, ok: [202], minVersion, operation: "groups action create-from-src", ...opts })).data.group;
  };

  return {
    /** Groups in detail, all pages (`list_volume: "true"` adds each group's volume ids, 3.25). */
    list: (query?: GroupListQuery, opts?: CallOptions): Pager<Group> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/groups/detail", { query: q, ok: [200], ...opts });
        return { items: data.groups, links: data.group_links };
      }, query),

    /** Groups as `{id, name}` (`GET /groups`). */
    listBrief: (query?: GroupListQuery, opts?: CallOptions): Pager<GroupSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/groups", { query: q, ok: [200], ...opts });
        return { items: data.groups, links: data.group_links };
      }, query),

    get,

    /** Create (202, `{id, name}`); the group is `creating` until the scheduler has placed it. */
    create: async (group: GroupCreate, opts?: CallOptions): Promise<GroupSummary> =>
      (await c.request("post", "/v3/{project_id}/groups", { body: { group }, ok: [202], ...opts })).data.group,

    /** A group from a group snapshot, a volume from each of its snapshots (3.14): 202 with `{id, name}`. */
    createFromGroupSnapshot: (groupSnapshot: Ref, named: Named = {}, opts?: CallOptions): Promise<GroupSummary> =>
      fromSource({ group_snapshot_id: idOf(groupSnapshot) }, named, opts),

    /** A clone of a group, a clone of each of its volumes (3.14): 202 with `{id, name}`. */
    cloneGroup: (sourceGroup: Ref, named: Named = {}, opts?: CallOptions): Promise<GroupSummary> =>
      fromSource({ source_group_id: idOf(sourceGroup) }, named, opts),

    /** Rename, describe, add and remove volumes (202; the group is `updating` while volumes move). */
    update: async (ref: Ref, u: GroupUpdate, opts?: CallOptions): Promise<void> => {
      const group: Schemas["GroupUpdate"] = {};
      if (u.name !== undefined) group.name = u.name;
      if (u.description !== undefined) group.description = u.description;
      if (u.addVolumes) group.add_volumes = u.addVolumes.map(idOf).join(",");
      if (u.removeVolumes) group.remove_volumes = u.removeVolumes.map(idOf).join(",");
      await c.request("put", "/v3/{project_id}/groups/{group_id}", { path: at(ref), body: { group }, ok: [202], ...opts });
    },

    /** Delete (202); a group with volumes needs `deleteVolumes`, which deletes them too. */
    delete: (ref: Ref, { deleteVolumes = false }: { deleteVolumes?: boolean } = {}, opts?: CallOptions): Promise<void> =>
      act(ref, { delete: { "delete-volumes": deleteVolumes } }, opts),

    /** Admin: force the group's status (3.20). */
    resetStatus: (ref: Ref, status: string, opts?: CallOptions): Promise<void> => act(ref, { reset_status: { status } }, opts, "resetGroupStatus"),

    waitFor: (ref: Ref, status: string | readonly string[], opts?: WaitOptions): Promise<Group> => waitForStatus(waitable, ref, status, opts),

    waitForDeleted: (ref: Ref, opts?: WaitOptions): Promise<void> => waitForDeleted(waitable, ref, opts),
  };
}
