/** Limits (api-ref "Limits (limits)", cinder/api/v3/limits.py): absolute limits with usage. */
import type { CinderClient } from "../client";
import type { CallOptions, Limits, Op, QueryInput, QueryParams } from "../types";

export type LimitsQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/limits", "get">>>;

export function limits(c: CinderClient) {
  return {
    /** The project's limits; an admin may ask for another `project_id` (3.39). */
    get: async (query?: LimitsQuery, opts?: CallOptions): Promise<Limits> =>
      (await c.request("get", "/v3/{project_id}/limits", { query, ok: [200], ...opts })).data.limits,
  };
}
