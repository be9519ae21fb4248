/**
 * Group snapshots (api-ref "Group snapshots (group_snapshots)", cinder/api/v3/group_snapshots.py),
 * from microversion 3.14: list, show, create, delete, reset_status (3.19) and waiters.
 */
import type { CinderClient } from "../client";
import { ACTION_REQUIREMENTS } from "../microversions";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, waitForDeleted, waitForStatus, type Ref, type WaitOptions, type Waitable } from "../wait";

export type GroupSnapshot = Schemas["GroupSnapshot"];
export type GroupSnapshotSummary = Schemas["GroupSnapshotSummary"];
export type GroupSnapshotCreate = Schemas["GroupSnapshotCreate"];
/** Paging, sorting and filters need 3.29 (before, the server ignores them). */
export type GroupSnapshotListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/group_snapshots/detail", "get">>>;

export function groupSnapshots(c: CinderClient) {
  const at = (ref: Ref) => ({ group_snapshot_id: idOf(ref) });
  const get = async (ref: Ref, opts?: CallOptions): Promise<GroupSnapshot> =>
    (await c.request("get", "/v3/{project_id}/group_snapshots/{group_snapshot_id}", { path: at(ref), ok: [200], ...opts })).data.group_snapshot;
  const waitable: Waitable<GroupSnapshot> = { kind: "group snapshot", get };

  return {
    list: (query?: GroupSnapshotListQuery, opts?: CallOptions): Pager<GroupSnapshot> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/group_snapshots/detail", { query: q, ok: [200], ...opts });
        return { items: data.group_snapshots, links: data.group_snapshot_links };
      }, query),

    listBrief: (query?: GroupSnapshotListQuery, opts?: CallOptions): Pager<GroupSnapshotSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/group_snapshots", { query: q, ok: [200], ...opts });
        return { items: data.group_snapshots, links: data.group_snapshot_links };
      }, query),

    get,

    /** Snapshot every volume of a group (202, `{id, name, group_type_id}`; `creating`, then `available`). */
    create: async (groupSnapshot: GroupSnapshotCreate, opts?: CallOptions): Promise<Schemas["GroupSnapshotCreated"]> =>
      (await c.request("post", "/v3/{project_id}/group_snapshots", { body: { group_snapshot: groupSnapshot }, ok: [202], ...opts })).data.group_snapshot,

    /** Delete with its snapshots (202). */
    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/group_snapshots/{group_snapshot_id}", { path: at(ref), ok: [202], ...opts });
    },

    /** Admin: force the status (3.19). */
    resetStatus: async (ref: Ref, status: string, opts?: CallOptions): Promise<void> => {
      await c.request("post", "/v3/{project_id}/group_snapshots/{group_snapshot_id}/action", {
        path: at(ref),
        body: { reset_status: { status } },
        ok: [202],
        minVersion: ACTION_REQUIREMENTS.resetGroupSnapshotStatus,
        operation: "group snapshot action reset_status",
        ...opts,
      });
    },

    waitFor: (ref: Ref, status: string | readonly string[], opts?: WaitOptions): Promise<GroupSnapshot> => waitForStatus(waitable, ref, status, opts),

    waitForDeleted: (ref: Ref, opts?: WaitOptions): Promise<void> => waitForDeleted(waitable, ref, opts),
  };
}
