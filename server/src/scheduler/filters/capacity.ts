/**
 * CapacityFilter (cinder/scheduler/filters/capacity_filter.py): enough free space once the reserved
 * percentage is set aside; thin pools may promise up to max_over_subscription_ratio times their
 * size, as long as there is some real free space left.
 */
import type { Filter, PoolState, RequestSpec } from "../types";

export function wantsThin(pool: PoolState, spec: RequestSpec): boolean {
  const t = spec.extraSpecs["provisioning:type"];
  if (t === "thick") return false;
  if (t === "thin") return pool.pool.thinProvisioningSupport;
  return pool.pool.thinProvisioningSupport && !pool.pool.thickProvisioningSupport;
}

export function freeAfterReserve(pool: PoolState): number {
  const p = pool.pool;
  return p.freeCapacityGb - Math.floor((p.totalCapacityGb * p.reservedPercentage) / 100);
}

export const capacityFilter: Filter = {
  name: "CapacityFilter",
  passes(pool, spec) {
    // The volume is already on this backend (a retype in place): it needs no more room there.
    if (spec.volExistsOn === (pool.cluster ? pool.cluster.split("#")[0] : pool.backend)) return true;
    const p = pool.pool;
    if (p.totalCapacityGb <= 0) return false;
    const free = freeAfterReserve(pool);
    if (wantsThin(pool, spec) && p.maxOverSubscriptionRatio >= 1) {
      const provisionedRatio = (p.provisionedCapacityGb + spec.size) / p.totalCapacityGb;
      if (provisionedRatio > p.maxOverSubscriptionRatio) return false;
      // Cinder still wants real free space behind a thin volume.
      return free > 0 && free * p.maxOverSubscriptionRatio >= spec.size;
    }
    return free >= spec.size;
  },
};
