/**
 * The service catalog of a project-scoped token: Cinder's endpoint (as `volumev3` and
 * `block-storage`), identity itself, and an `image` endpoint, which clients such as
 * `openstack volume create` look up even when no image is involved. URLs are this server's as the
 * client sees it (or the configured public endpoint).
 *
 * The catalog comes from this table, not from the database: the same services, endpoints and
 * region are served read-only through Keystone's catalog API (catalog-api.ts), with the same ids
 * as in tokens. Endpoint URLs there keep Keystone's `%(project_id)s` template, which a token's
 * catalog fills with the token's project (keystone/catalog/core.py `format_url`).
 */
export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: Array<{ id: string; interface: string; region: string; region_id: string; url: string }>;
}

/** A service of the catalog as Keystone stores it (keystone/catalog/backends/sql.py `Service`). */
export interface CatalogService {
  id: string;
  type: string;
  name: string;
  description: string;
}

/** An endpoint as Keystone stores it, `url` a template with `%(project_id)s` (keystone `Endpoint`). */
export interface CatalogEndpoint {
  id: string;
  interface: string;
  region_id: string;
  service_id: string;
  url: string;
}

export const REGION = "RegionOne";
export const INTERFACES = ["public", "internal", "admin"];
/** The template of a project id in an endpoint URL (keystone/catalog/core.py `format_url`). */
export const PROJECT_TEMPLATE = "%(project_id)s";

const SERVICES: Array<{ type: string; name: string; description: string; path: (project: string) => string }> = [
  { type: "volumev3", name: "cinderv3", description: "Cinder Volume Service V3", path: (p) => `/v3/${p}` },
  { type: "block-storage", name: "cinder", description: "Cinder Volume Service", path: (p) => `/v3/${p}` },
  { type: "identity", name: "keystone", description: "Keystone Identity Service", path: () => "/identity" },
  { type: "image", name: "glance", description: "Glance Image Service (a stub)", path: () => "/image" },
  // No Compute service: a stub with no quotas or limits, for the openstack quota/limits commands.
  { type: "compute", name: "nova", description: "Nova Compute Service (a stub)", path: () => "/compute/v2.1" },
];

/**
 * Stable ids derived from the service type and interface, so catalogs compare equal across tokens
 * and the catalog API names the same ids after a restart.
 */
function stableId(...parts: string[]): string {
  let h = 0x811c9dc5;
  const out: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of parts.join("/") + round) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out.push(h.toString(16).padStart(8, "0"));
  }
  return out.join("");
}

/** The services, in the catalog's order. */
export function catalogServices(): CatalogService[] {
  return SERVICES.map((s) => ({ id: stableId(s.type), type: s.type, name: s.name, description: s.description }));
}

/** Every endpoint of every service, URLs with the project id templated. */
export function catalogEndpoints(origin: string): CatalogEndpoint[] {
  return SERVICES.flatMap((s) =>
    INTERFACES.map((iface) => ({
      id: stableId(s.type, iface),
      interface: iface,
      region_id: REGION,
      service_id: stableId(s.type),
      url: origin + s.path(PROJECT_TEMPLATE),
    })),
  );
}

export function catalog(origin: string, projectId: string | null): CatalogEntry[] {
  if (!projectId) return [];
  return SERVICES.map((s) => ({
    id: stableId(s.type),
    type: s.type,
    name: s.name,
    endpoints: INTERFACES.map((iface) => ({
      id: stableId(s.type, iface),
      interface: iface,
      region: REGION,
      region_id: REGION,
      url: origin + s.path(projectId),
    })),
  }));
}
