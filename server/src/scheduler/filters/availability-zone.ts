/** AvailabilityZoneFilter (cinder/scheduler/filters/availability_zone_filter.py). */
import type { Filter } from "../types";

export const availabilityZoneFilter: Filter = {
  name: "AvailabilityZoneFilter",
  passes: (pool, spec) => pool.availabilityZone === spec.availabilityZone,
};
