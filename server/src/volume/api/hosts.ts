/**
 * The deprecated os-hosts extension (cinder/api/contrib/hosts.py) and a backend's capabilities
 * (cinder/api/contrib/capabilities.py): operator views of the services' hosts.
 */
import { enabledServices, usageOnBackend, type ProjectUsage } from "../../db/repos/hosts";
import { listServices } from "../../db/repos/services";
import type { ServiceRow } from "../../db/schema";
import type { BackendCapabilities } from "../../contract/capabilities";
import type { RequestContext } from "../../contract/context";
import { notFound } from "../../contract/errors";
import { VOLUME_BINARY } from "../../contract/services";
import { authorize } from "../../policy/policy";
import type { CastDeps, ConfigDeps, DbDeps } from "./deps";
import { isUp } from "./services";

export interface HostEntry {
  service: ServiceRow;
  up: boolean;
}

/** hosts.py `_list_hosts`: every enabled service, of one availability zone when `zone` is given. */
export async function listHosts(svc: ConfigDeps, ctx: RequestContext, zone?: string): Promise<HostEntry[]> {
  authorize(ctx, "volume_extension:hosts");
  const rows = (await enabledServices(svc.db.kysely)).filter((s) => !zone || s.availability_zone === zone);
  return rows.map((service) => ({ service, up: isUp(svc, service) }));
}

/**
 * Does a service's host (or cluster) match `value` (cinder/db/sqlalchemy/api.py `_filter_host`)?
 * With `#` only exactly; with `@` also its pools; a plain host also its backends.
 */
export function matchesHost(field: string | null, value: string): boolean {
  if (!field) return false;
  if (field === value) return true;
  if (value.includes("#")) return false;
  if (field.startsWith(`${value}#`)) return true;
  return !value.includes("@") && field.startsWith(`${value}@`);
}

export interface HostUsage {
  total: Omit<ProjectUsage, "project">;
  projects: ProjectUsage[];
}

/**
 * hosts.py `show`: the enabled volume service of the host (the first of a plain host's backends),
 * then the volumes and snapshots on it, the whole host's and each project's.
 */
export async function hostUsage(svc: DbDeps, ctx: RequestContext, host: string): Promise<HostUsage> {
  authorize(ctx, "volume_extension:hosts");
  const service = (await enabledServices(svc.db.kysely)).find((s) => s.binary === VOLUME_BINARY && matchesHost(s.host, host));
  if (!service) throw notFound(`Service ${VOLUME_BINARY} could not be found on host ${host}.`);
  const projects = await usageOnBackend(svc.db.kysely, service.host);
  const sum = (k: keyof Omit<ProjectUsage, "project">) => projects.reduce((n, p) => n + p[k], 0);
  return {
    total: { volumeCount: sum("volumeCount"), volumeGb: sum("volumeGb"), snapshotCount: sum("snapshotCount"), snapshotGb: sum("snapshotGb") },
    projects,
  };
}

/**
 * capabilities.py `show`: asked of the first volume service whose host or cluster matches, on the
 * queue it serves (its cluster's when clustered, as `service_topic_queue`), which names them.
 */
export async function backendCapabilities(
  svc: CastDeps,
  ctx: RequestContext,
  name: string,
): Promise<{ queue: string; capabilities: BackendCapabilities }> {
  authorize(ctx, "volume_extension:capabilities");
  const service = (await listServices(svc.db.kysely, VOLUME_BINARY)).find((s) => matchesHost(s.host, name) || matchesHost(s.cluster_name, name));
  if (!service) throw notFound(`Can't find service: ${name}`);
  const queue = service.cluster_name ?? service.host;
  return { queue, capabilities: await svc.volumes.getCapabilities(queue) };
}
