/**
 * Hosts, backend capabilities and resource filters: os-hosts (cinder/api/contrib/hosts.py,
 * admin), `cinder get-capabilities` (cinder/api/contrib/capabilities.py, admin) and the filters
 * each list accepts (3.33, cinder/api/v3/resource_filters.py).
 */
import type { CinderClient } from "../client";
import type { CallOptions, Schemas } from "../types";

export type Host = Schemas["Host"];
export type HostResource = Schemas["HostResource"];
export type Capabilities = Schemas["Capabilities"];
export type ResourceFilter = Schemas["ResourceFilter"];

export function hosts(c: CinderClient) {
  return {
    /** Every enabled service's host, optionally of one availability zone. */
    list: async (zone?: string, opts?: CallOptions): Promise<Host[]> =>
      (await c.request("get", "/v3/{project_id}/os-hosts", { query: zone !== undefined ? { zone } : undefined, ok: [200], ...opts })).data.hosts,
    /** A volume host's use: the `(total)` row, then one per project with volumes there. */
    show: async (hostName: string, opts?: CallOptions): Promise<HostResource[]> =>
      (await c.request("get", "/v3/{project_id}/os-hosts/{host_name}", { path: { host_name: hostName }, ok: [200], ...opts })).data.host.map(
        (r) => r.resource,
      ),
    /** The backend capabilities of a volume host (`host@backend`) or cluster. */
    capabilities: async (hostName: string, opts?: CallOptions): Promise<Capabilities> =>
      (await c.request("get", "/v3/{project_id}/capabilities/{host_name}", { path: { host_name: hostName }, ok: [200], ...opts })).data,
    /** The filters each list accepts (3.33); `resource` narrows to one list ("volume", "snapshot", ...). */
    resourceFilters: async (resource?: string, opts?: CallOptions): Promise<ResourceFilter[]> =>
      (await c.request("get", "/v3/{project_id}/resource_filters", { query: resource !== undefined ? { resource } : undefined, ok: [200], ...opts })).data
        .resource_filters,
  };
}
