/**
 * Freeze, thaw and fail over a volume backend (cinder/volume/api.py freeze_host, thaw_host,
 * failover and _replication_db_change). A frozen backend's control plane is read-only: its
 * volumes cannot be deleted, its snapshots cannot be made or deleted, and the scheduler places
 * nothing there. The drivers here have no freeze hook and do not replicate, so the API records a
 * freeze itself (what Cinder's manager does after telling the driver: the service shows disabled
 * with the reason "frozen") and a failover is refused as Cinder refuses it for a backend whose
 * replication is not enabled.
 */
import { casClusterFrozen, getCluster, isBackendFrozen } from "../../db/repos/clusters";
import { casServiceFrozen, listServices, servicesOfCluster, setFrozenDisabled } from "../../db/repos/services";
import type { ClusterRow, ServiceRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidInput } from "../../contract/errors";
import { VOLUME_BINARY } from "../../contract/services";
import { authorize } from "../../policy/policy";
import type { ConfigDeps, DbDeps } from "./deps";

/** What a freeze, thaw or failover names: a host, or (from 3.26) a cluster. */
export interface ReplicationTarget {
  host?: string;
  cluster?: string;
}

/** A host filter as cinder/db/sqlalchemy/api.py _filter_host: `h` matches `h`, `h@b` and `h@b#p`. */
function hostMatches(host: string, wanted: string): boolean {
  return host === wanted || host.startsWith(`${wanted}@`) || host.startsWith(`${wanted}#`);
}

/** _get_cluster_and_services_for_replication: the services named, all of one host or one cluster. */
async function servicesFor(svc: DbDeps, t: ReplicationTarget): Promise<{ cluster?: ClusterRow; services: ServiceRow[] }> {
  const all = await listServices(svc.db.kysely, VOLUME_BINARY);
  const services = t.cluster
    ? all.filter((s) => s.cluster_name !== null && hostMatches(s.cluster_name, t.cluster as string))
    : all.filter((s) => hostMatches(s.host, t.host as string));
  // cinder/api/contrib/services.py _volume_api_proxy turns ServiceNotFound into a 400 with its text.
  if (services.length === 0) throw badRequest(t.host ? `No service found with host=${t.host}` : `No service found with cluster=${t.cluster}`);
  const first = services[0];
  const attr = t.cluster ? "cluster_name" : "host";
  if (services.some((s) => s[attr] !== first[attr])) throw badRequest("Services from different clusters found.");
  if (!first.cluster_name) return { services };
  const cluster = await getCluster(svc.db.kysely, first.cluster_name, VOLUME_BINARY);
  // A host named in a cluster stands for its whole cluster.
  return { cluster, services: cluster && t.host ? await servicesOfCluster(svc.db.kysely, cluster.name, VOLUME_BINARY) : services };
}

/** Cinder's message, "to failover" even for a freeze or a thaw. */
function refusal(field: string, where: string, expected: string, checkUp: boolean): string {
  return `${field} in ${where} must be ${expected} ${checkUp ? "and must be up " : ""}to failover.`;
}

/** Python's str() of a list of host names. */
const pyList = (names: string[]) => `[${names.map((n) => `'${n}'`).join(", ")}]`;

/** _replication_db_change for `frozen`: the cluster first, then each of its (or the host's) services. */
async function changeFrozen(svc: ConfigDeps, t: ReplicationTarget, to: boolean): Promise<ServiceRow[]> {
  const { cluster, services } = await servicesFor(svc, t);
  const expected = to ? "False" : "True";
  if (cluster && !(await casClusterFrozen(svc.db.kysely, cluster.name, cluster.binary, !to, to))) {
    throw invalidInput(refusal("frozen", cluster.name, expected, false));
  }
  const changed: ServiceRow[] = [];
  const notChanged: string[] = [];
  for (const s of services) {
    if (await casServiceFrozen(svc.db.kysely, s.host, s.binary, !to, to)) changed.push(s);
    else notChanged.push(s.host);
  }
  if (changed.length === 0) {
    if (cluster) await casClusterFrozen(svc.db.kysely, cluster.name, cluster.binary, to, !to);
    throw invalidInput(`No service could be changed: ${refusal("frozen", pyList(notChanged), expected, false)}`);
  }
  return changed;
}

export async function freezeHost(svc: ConfigDeps, ctx: RequestContext, t: ReplicationTarget): Promise<void> {
  authorize(ctx, "volume:freeze_host");
  for (const s of await changeFrozen(svc, t, true)) await setFrozenDisabled(svc.db.kysely, s.host, s.binary, true);
}

export async function thawHost(svc: ConfigDeps, ctx: RequestContext, t: ReplicationTarget): Promise<void> {
  authorize(ctx, "volume:thaw_host");
  for (const s of await changeFrozen(svc, t, false)) await setFrozenDisabled(svc.db.kysely, s.host, s.binary, false);
}

/**
 * failover: the backend's replication_status must be enabled or failed-over and it must be up.
 * No driver here replicates (every service is `not-capable`), so after the same checks of the
 * host or cluster this is refused with Cinder's message.
 */
export async function failover(svc: ConfigDeps, ctx: RequestContext, t: ReplicationTarget): Promise<never> {
  authorize(ctx, "volume:failover_host");
  const { cluster, services } = await servicesFor(svc, t);
  const expected = "['enabled', 'failed-over']";
  if (cluster) throw invalidInput(refusal("replication_status", cluster.name, expected, true));
  throw invalidInput(`No service could be changed: ${refusal("replication_status", pyList(services.map((s) => s.host)), expected, true)}`);
}

/** objects/base.py assert_not_frozen. */
export async function assertNotFrozen(svc: DbDeps, r: { host: string | null; cluster_name: string | null }): Promise<void> {
  if (await isBackendFrozen(svc.db.kysely, r.host, r.cluster_name)) {
    throw invalidInput("Modification operations are not allowed on frozen storage backends.");
  }
}
