/**
 * A Compute stub with nothing in it: `openstack quota set/show` and `limits show` build a Compute
 * client from the catalog before doing anything else, so the catalog lists `compute` here, and
 * these answers say there are no compute quotas or limits.
 */
import type { Handlers } from "../handler";

export const computeHandlers: Pick<Handlers, "showComputeQuotas" | "showComputeDefaultQuotas" | "showComputeLimits"> = {
  showComputeQuotas: async (req) => ({ body: { quota_set: { id: req.params.tenant_id } } }),
  showComputeDefaultQuotas: async (req) => ({ body: { quota_set: { id: req.params.tenant_id } } }),
  showComputeLimits: async () => ({ body: { limits: { rate: [], absolute: {} } } }),
};
