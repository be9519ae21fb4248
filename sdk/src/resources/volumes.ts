/**
 * Volumes (api-ref block-storage v3 "Volumes (volumes)", cinder/api/v3/volumes.py): list, show,
 * create, update, delete, summary, metadata, actions (./volume-actions.ts) and waiters.
 */
import type { CinderClient } from "../client";
import { MV } from "../microversions";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas, Volume, VolumeCreate, VolumeStatus, VolumesSummary, VolumeSummary, VolumeUpdate } from "../types";
import { idOf, waitForDeleted, waitForStatus, type Ref, type WaitOptions, type Waitable } from "../wait";
import { volumeActions } from "./volume-actions";

export type VolumeListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/volumes/detail", "get">>>;
export type VolumeDeleteQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/volumes/{volume_id}", "delete">>>;
export type VolumeSummaryQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/volumes/summary", "get">>>;
export type SchedulerHints = Schemas["SchedulerHints"];

export function volumes(c: CinderClient) {
  const at = (ref: Ref) => ({ volume_id: idOf(ref) });
  const get = async (ref: Ref, opts?: CallOptions): Promise<Volume> =>
    (await c.request("get", "/v3/{project_id}/volumes/{volume_id}", { path: at(ref), ok: [200], ...opts })).data.volume;
  const waitable: Waitable<Volume> = { kind: "volume", get };

  return {
    /** Volumes in detail (`GET /volumes/detail`), all pages: `for await (const v of list({status: "available"}))`. */
    list: (query?: VolumeListQuery, opts?: CallOptions): Pager<Volume> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/volumes/detail", { query: q, ok: [200], ...opts });
        return { items: data.volumes, links: data.volumes_links, count: data.count };
      }, query),

    /** Volumes as `{id, name, links}` (`GET /volumes`). */
    listBrief: (query?: VolumeListQuery, opts?: CallOptions): Pager<VolumeSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/volumes", { query: q, ok: [200], ...opts });
        return { items: data.volumes, links: data.volumes_links, count: data.count };
      }, query),

    get,

    /**
     * Create a volume (202; status `creating` — follow with `waitFor(v, "available")`). `backup_id`
     * needs 3.47 and `group_id` 3.13.
     */
    create: async (volume: VolumeCreate, opts?: CallOptions & { schedulerHints?: SchedulerHints }): Promise<Volume> => {
      const minVersion = volume.backup_id ? MV.VOLUME_CREATE_FROM_BACKUP : volume.group_id ? MV.GROUP_VOLUME : undefined;
      const hints = opts?.schedulerHints ? { "OS-SCH-HNT:scheduler_hints": opts.schedulerHints } : {};
      const body = { volume, ...hints };
      return (await c.request("post", "/v3/{project_id}/volumes", { body, minVersion, ok: [202], ...opts })).data.volume;
    },

    /** Update name, description or (replacing) metadata. */
    update: async (ref: Ref, volume: VolumeUpdate, opts?: CallOptions): Promise<Volume> =>
      (await c.request("put", "/v3/{project_id}/volumes/{volume_id}", { path: at(ref), body: { volume }, ok: [200], ...opts })).data.volume,

    /** Delete (202; the volume goes to `deleting`). `cascade` deletes its snapshots; `force` (3.23) any status. */
    delete: async (ref: Ref, query?: VolumeDeleteQuery, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/volumes/{volume_id}", { path: at(ref), query, ok: [202], ...opts });
    },

    /** Count, total size and (3.36) metadata values of the project's volumes (3.12). */
    summary: async (query?: VolumeSummaryQuery, opts?: CallOptions): Promise<VolumesSummary> =>
      (await c.request("get", "/v3/{project_id}/volumes/summary", { query, ok: [200], ...opts })).data["volume-summary"],

    /** The volume's metadata. */
    getMetadata: async (ref: Ref, opts?: CallOptions): Promise<Schemas["MetadataMap"]> =>
      (await c.request("get", "/v3/{project_id}/volumes/{volume_id}/metadata", { path: at(ref), ok: [200], ...opts })).data.metadata,

    /** Merge keys into the metadata; returns all of it. */
    setMetadata: async (ref: Ref, metadata: Schemas["Metadata"], opts?: CallOptions): Promise<Schemas["MetadataMap"]> =>
      (await c.request("post", "/v3/{project_id}/volumes/{volume_id}/metadata", { path: at(ref), body: { metadata }, ok: [200], ...opts })).data.metadata,

    /** Replace all metadata; returns it. */
    replaceMetadata: async (ref: Ref, metadata: Schemas["Metadata"], opts?: CallOptions): Promise<Schemas["MetadataMap"]> =>
      (await c.request("put", "/v3/{project_id}/volumes/{volume_id}/metadata", { path: at(ref), body: { metadata }, ok: [200], ...opts })).data.metadata,

    /** One metadata value (404 when the key is absent). */
    /** What a compute service needs to attach the volume: its key id and its type's encryption specs (never the key). */
    getEncryptionMetadata: async (ref: Ref, opts?: CallOptions): Promise<Schemas["VolumeEncryptionMetadata"]> =>
      (await c.request("get", "/v3/{project_id}/volumes/{volume_id}/encryption", { path: at(ref), ok: [200], ...opts })).data,

    /** One field of the volume's encryption metadata. */
    getEncryptionMetadataItem: async (ref: Ref, key: string, opts?: CallOptions): Promise<Schemas["VolumeEncryptionMetadataItem"]> =>
      (await c.request("get", "/v3/{project_id}/volumes/{volume_id}/encryption/{key}", { path: { ...at(ref), key }, ok: [200], ...opts })).data,

    getMetadataItem: async (ref: Ref, key: string, opts?: CallOptions): Promise<string | undefined> => {
      const { data } = await c.request("get", "/v3/{project_id}/volumes/{volume_id}/metadata/{key}", { path: { ...at(ref), key }, ok: [200], ...opts });
      return data.meta[key];
    },

    /** Set one metadata key. */
    setMetadataItem: async (ref: Ref, key: string, value: string, opts?: CallOptions): Promise<void> => {
      const path = { ...at(ref), key };
      await c.request("put", "/v3/{project_id}/volumes/{volume_id}/metadata/{key}", { path, body: { meta: { [key]: value } }, ok: [200], ...opts });
    },

    /** Remove one metadata key. */
    deleteMetadataItem: async (ref: Ref, key: string, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/volumes/{volume_id}/metadata/{key}", { path: { ...at(ref), key }, ok: [200], ...opts });
    },

    ...volumeActions(c),

    /** Wait until the volume has (one of) `status`; fails at once on an `error*` status. */
    waitFor: (ref: Ref, status: VolumeStatus | readonly VolumeStatus[], opts?: WaitOptions): Promise<Volume> => waitForStatus(waitable, ref, status, opts),

    /** Wait until the volume is gone (404); fails at once on `error_deleting`. */
    waitForDeleted: (ref: Ref, opts?: WaitOptions): Promise<void> => waitForDeleted(waitable, ref, opts),
  };
}
