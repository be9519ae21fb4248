/**
 * Keystone's catalog API, read-only (keystone/api/services.py, endpoints.py, regions.py): the
 * services, endpoints and region of catalog.ts. The catalog comes from configuration, so there is
 * nothing to create, update or delete. Policy as Keystone's defaults with no system scope
 * (keystone/common/policies/service.py, endpoint.py: system readers → admins here;
 * region.py: any authenticated user).
 */
import { enforce } from "./access";
import type { RequestContext } from "../contract/context";
import { catalogEndpoints, catalogServices, REGION, type CatalogEndpoint, type CatalogService } from "./catalog";
import { ksNotFound } from "./errors";
import type { ListFilters } from "./projects";

export interface CatalogRegion {
  id: string;
  description: string;
  parent_region_id: string | null;
}

const REGIONS: CatalogRegion[] = [{ id: REGION, description: "", parent_region_id: null }];

/** Keystone's exact-match list filters: an absent filter matches everything. */
function matches<T>(row: T, f: ListFilters, keys: Array<keyof T & string>): boolean {
  return keys.every((k) => f[k] === undefined || String(row[k]) === f[k]);
}

export function listServices(ctx: RequestContext, f: ListFilters): CatalogService[] {
  enforce(ctx, "identity:list_services");
  return catalogServices().filter((s) => matches(s, f, ["type", "name"]));
}

export function showService(ctx: RequestContext, id: string): CatalogService {
  enforce(ctx, "identity:get_service");
  const s = catalogServices().find((x) => x.id === id);
  if (!s) throw ksNotFound("service", id);
  return s;
}

export function listEndpoints(ctx: RequestContext, origin: string, f: ListFilters): CatalogEndpoint[] {
  enforce(ctx, "identity:list_endpoints");
  return catalogEndpoints(origin).filter((e) => matches(e, f, ["interface", "service_id", "region_id"]));
}

export function showEndpoint(ctx: RequestContext, origin: string, id: string): CatalogEndpoint {
  enforce(ctx, "identity:get_endpoint");
  const e = catalogEndpoints(origin).find((x) => x.id === id);
  if (!e) throw ksNotFound("endpoint", id);
  return e;
}

export function listRegions(ctx: RequestContext, f: ListFilters): CatalogRegion[] {
  enforce(ctx, "identity:list_regions");
  return REGIONS.filter((r) => matches(r, f, ["parent_region_id"]));
}

export function showRegion(ctx: RequestContext, id: string): CatalogRegion {
  enforce(ctx, "identity:get_region");
  const r = REGIONS.find((x) => x.id === id);
  if (!r) throw ksNotFound("region", id);
  return r;
}
