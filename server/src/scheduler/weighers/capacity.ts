/**
 * CapacityWeigher (cinder/scheduler/weights/capacity.py): more free space is better; for thin pools
 * the virtual free space (total × ratio − provisioned), after the reserved percentage.
 * capacity_weight_multiplier defaults to 1.0 (a negative one spreads volumes onto fuller pools).
 */
import { wantsThin } from "../filters/capacity";
import type { Weigher } from "../types";

export function capacityWeigher(multiplier = 1.0): Weigher {
  return {
    name: "CapacityWeigher",
    multiplier,
    weigh(pool, spec) {
      const p = pool.pool;
      const reserved = Math.floor((p.totalCapacityGb * p.reservedPercentage) / 100);
      if (wantsThin(pool, spec)) return p.totalCapacityGb * p.maxOverSubscriptionRatio - p.provisionedCapacityGb - reserved;
      return p.freeCapacityGb - reserved;
    },
  };
}
