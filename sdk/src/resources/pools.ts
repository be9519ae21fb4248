/** Back-end storage pools (api-ref "Back-end storage pools", cinder/api/contrib/scheduler_stats.py). Admin only. */
import type { CinderClient } from "../client";
import type { CallOptions, Op, Pool, QueryInput, QueryParams } from "../types";

export type PoolListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/scheduler-stats/get_pools", "get">>>;

export function pools(c: CinderClient) {
  return {
    /** Pools; `detail: true` adds capabilities, `name` (3.28) and `volume_type` (3.35) filter. */
    list: async (query?: PoolListQuery, opts?: CallOptions): Promise<Pool[]> =>
      (await c.request("get", "/v3/{project_id}/scheduler-stats/get_pools", { query, ok: [200], ...opts })).data.pools,
  };
}
