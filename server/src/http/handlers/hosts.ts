/**
 * The os-hosts extension and backend capabilities (cinder/api/contrib/hosts.py,
 * cinder/api/contrib/capabilities.py, the view cinder/api/views/capabilities.py).
 */
import type { ProjectUsage } from "../../db/repos/hosts";
import { backendCapabilities, hostUsage, listHosts } from "../../volume/api/hosts";
import type { Handlers } from "../handler";

type H = Pick<Handlers, "listHosts" | "showHost" | "showCapabilities">;

/** One row of a host's usage; Cinder sends the numbers as strings. */
function resource(host: string, project: string, u: Omit<ProjectUsage, "project">) {
  return {
    resource: {
      host,
      project,
      volume_count: String(u.volumeCount),
      total_volume_gb: String(u.volumeGb),
      snapshot_count: String(u.snapshotCount),
      total_snapshot_gb: String(u.snapshotGb),
    },
  };
}

export const hostHandlers: H = {
  listHosts: async (req) => ({
    body: {
      hosts: (await listHosts(req.svc, req.ctx, req.query.zone)).map(({ service: s, up }) => ({
        host_name: s.host,
        service: s.binary,
        zone: s.availability_zone,
        "service-status": up ? "available" : "unavailable",
        "service-state": s.disabled ? "disabled" : "enabled",
        "last-update": s.updated_at,
      })),
    },
  }),
  showHost: async (req) => {
    const host = req.params.host_name;
    const usage = await hostUsage(req.svc, req.ctx, host);
    return { body: { host: [resource(host, "(total)", usage.total), ...usage.projects.map((p) => resource(host, p.project, p))] } };
  },
  showCapabilities: async (req) => {
    const { queue, capabilities: c } = await backendCapabilities(req.svc, req.ctx, req.params.host_name);
    return {
      body: {
        namespace: `OS::Storage::Capabilities::${queue}`,
        vendor_name: c.vendor_name ?? null,
        volume_backend_name: c.volume_backend_name ?? null,
        pool_name: null,
        driver_version: c.driver_version ?? null,
        storage_protocol: c.storage_protocol ?? null,
        display_name: null,
        description: null,
        visibility: null,
        replication_targets: [],
        properties: c.properties ?? null,
      },
    };
  },
};
