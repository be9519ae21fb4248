/**
 * Manage existing snapshots (api-ref "Snapshot manage extension", cinder/api/v3/snapshot_manage.py;
 * admin): list the snapshot objects a backend holds, each with the volume it is of, and adopt one
 * as a snapshot of that volume. From 3.8 the resource is `/manageable_snapshots`; the `*Legacy`
 * functions use the older `/os-snapshot-manage` extension. Unmanaging is the snapshot action
 * `snapshots.unmanage`.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";

export type ManageableSnapshot = Schemas["ManageableSnapshot"];
export type ManageableSnapshotDetail = Schemas["ManageableSnapshotDetail"];
export type SnapshotManage = Schemas["SnapshotManage"];
export type ManageableSnapshotListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/manageable_snapshots/detail", "get">>>;

type ListPath =
  | "/v3/{project_id}/manageable_snapshots"
  | "/v3/{project_id}/manageable_snapshots/detail"
  | "/v3/{project_id}/os-snapshot-manage"
  | "/v3/{project_id}/os-snapshot-manage/detail";

export function manageableSnapshots(c: CinderClient) {
  /** One page: Cinder renders no links for these lists; `limit`, `marker` and `offset` are honoured. */
  const list = <T>(path: ListPath, query: ManageableSnapshotListQuery | undefined, opts?: CallOptions): Pager<T> =>
    paginate(async (q) => {
      const { data } = await c.request("get", path, { query: q as never, ok: [200], ...opts });
      return { items: (data as { "manageable-snapshots": T[] })["manageable-snapshots"] };
    }, query);
  const manage = async (
    path: "/v3/{project_id}/manageable_snapshots" | "/v3/{project_id}/os-snapshot-manage",
    snapshot: SnapshotManage,
    opts?: CallOptions,
  ) => (await c.request("post", path, { body: { snapshot }, ok: [202], ...opts })).data.snapshot;

  return {
    /** The snapshot objects of the backend `query.host` (`host@backend`), with their volume, size, safety and reasons (3.8). */
    list: (query: ManageableSnapshotListQuery, opts?: CallOptions): Pager<ManageableSnapshotDetail> =>
      list<ManageableSnapshotDetail>("/v3/{project_id}/manageable_snapshots/detail", query, opts),
    /** The same, reference, size, safety and source volume only (3.8). */
    listBrief: (query: ManageableSnapshotListQuery, opts?: CallOptions): Pager<ManageableSnapshot> =>
      list<ManageableSnapshot>("/v3/{project_id}/manageable_snapshots", query, opts),
    /** Adopt `snapshot.ref` (e.g. `{"source-name": "volume-<id>@nightly"}`) as a snapshot of `snapshot.volume_id` (202; `creating`, then `available`). */
    manage: (snapshot: SnapshotManage, opts?: CallOptions) => manage("/v3/{project_id}/manageable_snapshots", snapshot, opts),
    listLegacy: (query: ManageableSnapshotListQuery, opts?: CallOptions): Pager<ManageableSnapshotDetail> =>
      list<ManageableSnapshotDetail>("/v3/{project_id}/os-snapshot-manage/detail", query, opts),
    listBriefLegacy: (query: ManageableSnapshotListQuery, opts?: CallOptions): Pager<ManageableSnapshot> =>
      list<ManageableSnapshot>("/v3/{project_id}/os-snapshot-manage", query, opts),
    manageLegacy: (snapshot: SnapshotManage, opts?: CallOptions) => manage("/v3/{project_id}/os-snapshot-manage", snapshot, opts),
  };
}
