/**
 * Picking the volume endpoint out of a token's catalog (keystoneauth `ServiceCatalogV3`): the first
 * service whose type is wanted (in the order given), then the endpoint with the interface and,
 * when one is asked for, the region.
 */
import { ConfigError } from "../errors";
import type { CatalogService } from "../types";
import type { EndpointInterface } from "../config/options";

/** The service types Cinder v3 is registered under (service-types-authority: block-storage, alias volumev3). */
export const VOLUME_SERVICE_TYPES = ["block-storage", "volumev3"];

export interface EndpointQuery {
  serviceTypes: string[];
  interface: EndpointInterface;
  region?: string;
}

export function findEndpoint(catalog: CatalogService[] | undefined, q: EndpointQuery): string {
  if (!catalog || catalog.length === 0) {
    throw new ConfigError("the token has no service catalog (is it project-scoped?); give an explicit endpoint");
  }
  for (const type of q.serviceTypes) {
    for (const service of catalog.filter((s) => s.type === type)) {
      const match = service.endpoints.find(
        (e) => e.interface === q.interface && (!q.region || e.region === q.region || e.region_id === q.region),
      );
      if (match) return match.url;
    }
  }
  const seen = catalog
    .filter((s) => q.serviceTypes.includes(s.type))
    .flatMap((s) => s.endpoints.map((e) => `${s.type}/${e.interface}/${e.region ?? e.region_id ?? "-"}`));
  const where = `${q.interface}${q.region ? ` in region ${q.region}` : ""}`;
  throw new ConfigError(
    `no ${q.serviceTypes.join(" or ")} endpoint (${where}) in the catalog` +
      (seen.length ? `; it has ${seen.join(", ")}` : `; its services are ${catalog.map((s) => s.type).join(", ")}`),
  );
}
