/**
 * CapabilitiesFilter (cinder/scheduler/filters/capabilities_filter.py): every extra spec without a
 * scope, or scoped `capabilities:`, must match the pool's capability of that name; other scopes
 * (`qos:`, `provisioning:`, `RESKEY:`, ...) are for other consumers. `volume_backend_name` pins a backend.
 */
import { matches } from "../extra-specs-ops";
import type { Filter } from "../types";

export const capabilitiesFilter: Filter = {
  name: "CapabilitiesFilter",
  passes(pool, spec) {
    for (const [rawKey, req] of Object.entries(spec.extraSpecs)) {
      const scope = rawKey.split(":");
      let key = rawKey;
      if (scope.length > 1) {
        if (scope[0] !== "capabilities") continue;
        key = scope.slice(1).join(":");
      }
      if (key === "multiattach" || key === "replication_enabled") continue; // decided elsewhere
      if (!matches(pool.capabilities[key], req)) return false;
    }
    return true;
  },
};
