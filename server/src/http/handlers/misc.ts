/**
 * Limits, availability zones and resource filters (cinder/api/v3/limits.py,
 * cinder/api/contrib/availability_zones.py, cinder/api/v3/resource_filters.py).
 */
import { resourceFilters } from "../../contract/resource-filters";
import { absoluteLimits } from "../../volume/api/limits";
import { availabilityZones } from "../../volume/api/zones";
import type { Handlers } from "../handler";

export const miscHandlers: Pick<Handlers, "showLimits" | "listAvailabilityZones" | "listResourceFilters"> = {
  showLimits: async (req) => ({
    body: { limits: { rate: req.rate.view(req.ctx.projectId), absolute: await absoluteLimits(req.svc, req.ctx, req.query.project_id) } },
  }),
  listAvailabilityZones: async (req) => ({
    body: {
      availabilityZoneInfo: (await availabilityZones(req.svc)).map((z) => ({
        zoneName: z.name,
        zoneState: { available: z.available },
      })),
    },
  }),
  listResourceFilters: async (req) => ({ body: { resource_filters: resourceFilters(req.query.resource) } }),
};
