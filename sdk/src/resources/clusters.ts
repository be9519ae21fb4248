/**
 * Clusters (api-ref "Clusters (clusters)", cinder/api/v3/clusters.py; admin, 3.7+): the volume
 * services of several hosts that share a backend's storage under one `cluster@backend` name.
 */
import type { CinderClient } from "../client";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";

export type Cluster = Schemas["ClusterSummary"];
export type ClusterDetail = Schemas["ClusterDetail"];
export type ClusterListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/clusters/detail", "get">>>;

export function clusters(c: CinderClient) {
  return {
    /** Name, binary, state and status of each cluster, filtered by `name`, `binary`, `is_up`, `disabled`, `num_hosts`, `num_down_hosts`. */
    list: async (query?: ClusterListQuery, opts?: CallOptions): Promise<Cluster[]> =>
      (await c.request("get", "/v3/{project_id}/clusters", { query, ok: [200], ...opts })).data.clusters,

    /** The same, with each cluster's host count, hosts down and last heartbeat. */
    listDetail: async (query?: ClusterListQuery, opts?: CallOptions): Promise<ClusterDetail[]> =>
      (await c.request("get", "/v3/{project_id}/clusters/detail", { query, ok: [200], ...opts })).data.clusters,

    /** One cluster by name (`cluster@backend`); `binary` defaults to `cinder-volume`. */
    get: async (name: string, binary?: string, opts?: CallOptions): Promise<ClusterDetail> =>
      (
        await c.request("get", "/v3/{project_id}/clusters/{cluster_name}", {
          path: { cluster_name: name },
          query: binary ? { binary } : undefined,
          ok: [200],
          ...opts,
        })
      ).data.cluster,

    /** Let the scheduler place volumes on the cluster's services again. */
    enable: async (name: string, binary?: string, opts?: CallOptions) =>
      (await c.request("put", "/v3/{project_id}/clusters/enable", { body: { name, ...(binary ? { binary } : {}) }, ok: [200], ...opts })).data.cluster,

    /** Place nothing more on the cluster's services, recording why when a reason is given. */
    disable: async (name: string, reason?: string, binary?: string, opts?: CallOptions) =>
      (
        await c.request("put", "/v3/{project_id}/clusters/disable", {
          body: { name, ...(binary ? { binary } : {}), ...(reason !== undefined ? { disabled_reason: reason } : {}) },
          ok: [200],
          ...opts,
        })
      ).data.cluster,
  };
}
