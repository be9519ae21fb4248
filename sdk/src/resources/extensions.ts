/** API extensions (api-ref "API extensions (extensions)"). */
import type { CinderClient } from "../client";
import type { CallOptions, Extension } from "../types";

export function extensions(c: CinderClient) {
  return {
    list: async (opts?: CallOptions): Promise<Extension[]> =>
      (await c.request("get", "/v3/{project_id}/extensions", { ok: [200], ...opts })).data.extensions,
  };
}
