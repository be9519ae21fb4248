/**
 * Snapshots (api-ref "Volume snapshots (snapshots)", cinder/api/v3/snapshots.py): list, show,
 * create, update, delete, metadata, the admin actions and waiters.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas, Snapshot, SnapshotCreate, SnapshotStatus, SnapshotSummary, SnapshotUpdate } from "../types";
import { idOf, waitForDeleted, waitForStatus, type Ref, type WaitOptions, type Waitable } from "../wait";

export type SnapshotListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/snapshots/detail", "get">>>;

export function snapshots(c: CinderClient) {
  const at = (ref: Ref) => ({ snapshot_id: idOf(ref) });
  const get = async (ref: Ref, opts?: CallOptions): Promise<Snapshot> =>
    (await c.request("get", "/v3/{project_id}/snapshots/{snapshot_id}", { path: at(ref), ok: [200], ...opts })).data.snapshot;
  const waitable: Waitable<Snapshot> = { kind: "snapshot", get };
  const act = async (ref: Ref, body: Schemas["SnapshotAction"], opts?: CallOptions): Promise<void> => {
    await c.request("post", "/v3/{project_id}/snapshots/{snapshot_id}/action", { path: at(ref), body, ok: [202], ...opts });
  };

  return {
    /** Snapshots in detail, all pages. */
    list: (query?: SnapshotListQuery, opts?: CallOptions): Pager<Snapshot> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/snapshots/detail", { query: q, ok: [200], ...opts });
        return { items: data.snapshots, links: data.snapshots_links, count: data.count };
      }, query),

    /** Snapshots with their base fields only (`GET /snapshots`). */
    listBrief: (query?: SnapshotListQuery, opts?: CallOptions): Pager<SnapshotSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/snapshots", { query: q, ok: [200], ...opts });
        return { items: data.snapshots, links: data.snapshots_links, count: data.count };
      }, query),

    get,

    /** Snapshot a volume (202; status `creating`). An in-use volume needs `force` before 3.66. */
    create: async (snapshot: SnapshotCreate, opts?: CallOptions): Promise<Snapshot> =>
      (await c.request("post", "/v3/{project_id}/snapshots", { body: { snapshot }, ok: [202], ...opts })).data.snapshot,

    update: async (ref: Ref, snapshot: SnapshotUpdate, opts?: CallOptions): Promise<Snapshot> =>
      (await c.request("put", "/v3/{project_id}/snapshots/{snapshot_id}", { path: at(ref), body: { snapshot }, ok: [200], ...opts })).data.snapshot,

    /** Delete (202; the snapshot goes to `deleting`). */
    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/snapshots/{snapshot_id}", { path: at(ref), ok: [202], ...opts });
    },

    getMetadata: async (ref: Ref, opts?: CallOptions): Promise<Schemas["SnapshotMetadata"]> =>
      (await c.request("get", "/v3/{project_id}/snapshots/{snapshot_id}/metadata", { path: at(ref), ok: [200], ...opts })).data.metadata,

    /** Merge keys into the metadata; returns all of it. */
    setMetadata: async (ref: Ref, metadata: Schemas["SnapshotMetadata"], opts?: CallOptions): Promise<Schemas["SnapshotMetadata"]> =>
      (await c.request("post", "/v3/{project_id}/snapshots/{snapshot_id}/metadata", { path: at(ref), body: { metadata }, ok: [200], ...opts })).data.metadata,

    /** Replace all metadata; returns it. */
    replaceMetadata: async (ref: Ref, metadata: Schemas["SnapshotMetadata"], opts?: CallOptions): Promise<Schemas["SnapshotMetadata"]> =>
      (await c.request("put", "/v3/{project_id}/snapshots/{snapshot_id}/metadata", { path: at(ref), body: { metadata }, ok: [200], ...opts })).data.metadata,

    getMetadataItem: async (ref: Ref, key: string, opts?: CallOptions): Promise<string | undefined> =>
      (await c.request("get", "/v3/{project_id}/snapshots/{snapshot_id}/metadata/{key}", { path: { ...at(ref), key }, ok: [200], ...opts })).data.meta[key],

    setMetadataItem: async (ref: Ref, key: string, value: string, opts?: CallOptions): Promise<void> => {
      const body = { meta: { [key]: value } };
      await c.request("put", "/v3/{project_id}/snapshots/{snapshot_id}/metadata/{key}", { path: { ...at(ref), key }, body, ok: [200], ...opts });
    },

    deleteMetadataItem: async (ref: Ref, key: string, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/snapshots/{snapshot_id}/metadata/{key}", { path: { ...at(ref), key }, ok: [200], ...opts });
    },

    /** Admin: force the snapshot's status. */
    resetStatus: (ref: Ref, status: Schemas["SnapshotActionResetStatus"]["os-reset_status"]["status"], opts?: CallOptions) =>
      act(ref, { "os-reset_status": { status } }, opts),

    /** Admin: delete regardless of status. */
    forceDelete: (ref: Ref, opts?: CallOptions) => act(ref, { "os-force_delete": {} }, opts),

    /** Admin: stop managing the snapshot; the row goes, the data stays on the backend (202; `unmanaging`, then gone). */
    unmanage: (ref: Ref, opts?: CallOptions) => act(ref, { "os-unmanage": {} }, opts),

    /** Wait until the snapshot has (one of) `status`; fails at once on an `error*` status. */
    waitFor: (ref: Ref, status: SnapshotStatus | readonly SnapshotStatus[], opts?: WaitOptions): Promise<Snapshot> => waitForStatus(waitable, ref, status, opts),

    /** Wait until the snapshot is gone (404). */
    waitForDeleted: (ref: Ref, opts?: WaitOptions): Promise<void> => waitForDeleted(waitable, ref, opts),
  };
}
