/**
 * Manage existing (api-ref "Volume manage extension", cinder/api/v3/volume_manage.py; admin): list
 * what a backend holds that no volume owns yet, and adopt it as a volume. From 3.8 the resource is
 * `/manageable_volumes`; the `*Legacy` functions use the older `/os-volume-manage` extension.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";

export type ManageableVolume = Schemas["ManageableVolume"];
export type ManageableVolumeDetail = Schemas["ManageableVolumeDetail"];
export type VolumeManage = Schemas["VolumeManage"];
export type ManageableListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/manageable_volumes/detail", "get">>>;

type ListPath =
  | "/v3/{project_id}/manageable_volumes"
  | "/v3/{project_id}/manageable_volumes/detail"
  | "/v3/{project_id}/os-volume-manage"
  | "/v3/{project_id}/os-volume-manage/detail";

export function manageableVolumes(c: CinderClient) {
  /** One page: Cinder renders no links for these lists; `limit`, `marker` and `offset` are honoured. */
  const list = <T>(path: ListPath, query: ManageableListQuery | undefined, opts?: CallOptions): Pager<T> =>
    paginate(async (q) => {
      const { data } = await c.request("get", path, { query: q as never, ok: [200], ...opts });
      return { items: (data as { "manageable-volumes": T[] })["manageable-volumes"] };
    }, query);
  const manage = async (path: "/v3/{project_id}/manageable_volumes" | "/v3/{project_id}/os-volume-manage", volume: VolumeManage, opts?: CallOptions) =>
    (await c.request("post", path, { body: { volume }, ok: [202], ...opts })).data.volume;

  return {
    /** What the backend `query.host` (`host@backend#pool`) holds, with size, safety and reasons (3.8). */
    list: (query: ManageableListQuery, opts?: CallOptions): Pager<ManageableVolumeDetail> =>
      list<ManageableVolumeDetail>("/v3/{project_id}/manageable_volumes/detail", query, opts),
    /** The same, reference, size and safety only (3.8). */
    listBrief: (query: ManageableListQuery, opts?: CallOptions): Pager<ManageableVolume> =>
      list<ManageableVolume>("/v3/{project_id}/manageable_volumes", query, opts),
    /** Adopt `volume.ref` (e.g. `{"source-name": "lv0"}`) on `volume.host` as a new volume (202; `creating`, then `available`). */
    manage: (volume: VolumeManage, opts?: CallOptions) => manage("/v3/{project_id}/manageable_volumes", volume, opts),
    listLegacy: (query: ManageableListQuery, opts?: CallOptions): Pager<ManageableVolumeDetail> =>
      list<ManageableVolumeDetail>("/v3/{project_id}/os-volume-manage/detail", query, opts),
    listBriefLegacy: (query: ManageableListQuery, opts?: CallOptions): Pager<ManageableVolume> =>
      list<ManageableVolume>("/v3/{project_id}/os-volume-manage", query, opts),
    manageLegacy: (volume: VolumeManage, opts?: CallOptions) => manage("/v3/{project_id}/os-volume-manage", volume, opts),
  };
}
