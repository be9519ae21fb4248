/**
 * The service catalog of a project-scoped token: Cinder's endpoint (as `volumev3` and
 * `block-storage`), identity itself, and an `image` endpoint, which clients such as
 * `openstack volume create` look up even when no image is involved. URLs are this server's as the
 * client sees it (or the configured public endpoint).
 */
export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: Array<{ id: string; interface: string; region: string; region_id: string; url: string }>;
}

export const REGION = "RegionOne";

const SERVICES: Array<{ type: string; name: string; path: (project: string) => string }> = [
  { type: "volumev3", name: "cinderv3", path: (p) => `/v3/${p}` },
  { type: "block-storage", name: "cinder", path: (p) => `/v3/${p}` },
  { type: "identity", name: "keystone", path: () => "/identity" },
  { type: "image", name: "glance", path: () => "/image" },
  // No Compute service: a stub with no quotas or limits, for the openstack quota/limits commands.
  { type: "compute", name: "nova", path: () => "/compute/v2.1" },
];

/** Stable ids derived from the service type and interface, so catalogs compare equal across tokens. */
function stableId(...parts: string[]): string {
  let h = 0x811c9dc5;
  const out: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of parts.join("/") + round) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out.push(h.toString(16).padStart(8, "0"));
  }
  return out.join("");
}

export function catalog(origin: string, projectId: string | null): CatalogEntry[] {
  if (!projectId) return [];
  return SERVICES.map((s) => ({
    id: stableId(s.type),
    type: s.type,
    name: s.name,
    endpoints: ["public", "internal", "admin"].map((iface) => ({
      id: stableId(s.type, iface),
      interface: iface,
      region: REGION,
      region_id: REGION,
      url: origin + s.path(projectId),
    })),
  }));
}
