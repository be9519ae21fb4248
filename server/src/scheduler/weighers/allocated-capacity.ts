/**
 * AllocatedCapacityWeigher (cinder/scheduler/weights/capacity.py): weighs by what the pool has
 * already handed out; its multiplier defaults to -1.0, so the least allocated pool wins.
 */
import type { Weigher } from "../types";

export function allocatedCapacityWeigher(multiplier = -1.0): Weigher {
  return {
    name: "AllocatedCapacityWeigher",
    multiplier,
    weigh: (pool) => pool.pool.provisionedCapacityGb,
  };
}
