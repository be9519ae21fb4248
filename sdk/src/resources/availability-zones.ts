/** Availability zones (api-ref "Availability zones (os-availability-zone)"). */
import type { CinderClient } from "../client";
import type { AvailabilityZone, CallOptions } from "../types";

export function availabilityZones(c: CinderClient) {
  return {
    list: async (opts?: CallOptions): Promise<AvailabilityZone[]> =>
      (await c.request("get", "/v3/{project_id}/os-availability-zone", { ok: [200], ...opts })).data.availabilityZoneInfo,
  };
}
