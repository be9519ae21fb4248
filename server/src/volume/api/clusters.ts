/**
 * Clusters (cinder/api/v3/clusters.py, objects/cluster.py): the volume services that share a
 * backend's storage under one `cluster@backend` name. A cluster's state, host count and last
 * heartbeat come from its services; enabling or disabling it decides whether the scheduler places
 * anything on any of them.
 */
import { getCluster, listClusters, setClusterDisabled } from "../../db/repos/clusters";
import { listServices } from "../../db/repos/services";
import type { ClusterRow, ServiceRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidInput, notFound } from "../../contract/errors";
import { VOLUME_BINARY } from "../../contract/services";
import { boolFrom } from "../../lib/bool";
import { authorize } from "../../policy/policy";
import type { ConfigDeps } from "./deps";
import { isUp } from "./services";

export interface ClusterState {
  row: ClusterRow;
  isUp: boolean;
  numHosts: number;
  numDownHosts: number;
  /** The newest heartbeat of its services; null when none ever beat. */
  lastHeartbeat: string | null;
}

const BASE_FILTERS = ["name", "binary", "is_up", "disabled", "num_hosts", "num_down_hosts"];
const REPLICATION_FILTERS = ["replication_status", "frozen", "active_backend_id"];

/** cinder/db/sqlalchemy/api.py _filter_host: `c` matches `c`, `c@backend` and `c@backend#pool`. */
function nameMatches(name: string, wanted: string): boolean {
  return name === wanted || name.startsWith(`${wanted}@`) || name.startsWith(`${wanted}#`);
}

function summarize(svc: Pick<ConfigDeps, "config">, row: ClusterRow, services: ServiceRow[]): ClusterState {
  const members = services.filter((s) => s.cluster_name === row.name && s.binary === row.binary);
  const up = members.filter((s) => isUp(svc, s)).length;
  const beats = members.map((s) => s.updated_at).filter((t): t is string => t !== null);
  return {
    row,
    isUp: up > 0,
    numHosts: members.length,
    numDownHosts: members.length - up,
    lastHeartbeat: beats.length > 0 ? beats.reduce((a, b) => (a > b ? a : b)) : null,
  };
}

function clusterNotFound(binary: string, name: string) {
  return notFound(`Cluster {'binary': '${binary}', 'name': '${name}'} could not be found.`);
}

function boolFilter(key: string, raw: string): boolean {
  const v = boolFrom(raw);
  if (v === undefined) throw badRequest(`Value '${raw}' for '${key}' is not a boolean.`);
  return v;
}

/** index / detail: the clusters passing the filters (unknown filter keys are refused). */
export async function clusters(
  svc: ConfigDeps,
  ctx: RequestContext,
  query: Record<string, string>,
  replication: boolean,
): Promise<ClusterState[]> {
  authorize(ctx, "clusters:get_all");
  const allowed = new Set(replication ? [...BASE_FILTERS, ...REPLICATION_FILTERS] : BASE_FILTERS);
  const invalid = Object.keys(query).filter((k) => !allowed.has(k));
  if (invalid.length > 0) throw invalidInput(`Invalid filter keys: ${invalid.join(", ")}`);
  const isUpWanted = query.is_up === undefined ? undefined : boolFilter("is_up", query.is_up);
  const disabledWanted = query.disabled === undefined ? undefined : boolFilter("disabled", query.disabled);
  const frozenWanted = query.frozen === undefined ? undefined : boolFrom(query.frozen);
  const services = await listServices(svc.db.kysely);
  return (await listClusters(svc.db.kysely))
    .map((row) => summarize(svc, row, services))
    .filter(
      (c) =>
        (query.name === undefined || nameMatches(c.row.name, query.name)) &&
        (query.binary === undefined || c.row.binary === query.binary) &&
        (isUpWanted === undefined || c.isUp === isUpWanted) &&
        (disabledWanted === undefined || (c.row.disabled === 1) === disabledWanted) &&
        (query.num_hosts === undefined || c.numHosts === Number(query.num_hosts)) &&
        (query.num_down_hosts === undefined || c.numDownHosts === Number(query.num_down_hosts)) &&
        (query.replication_status === undefined || query.replication_status === "not-capable") &&
        (frozenWanted === undefined || (c.row.frozen === 1) === frozenWanted) &&
        (query.active_backend_id === undefined || query.active_backend_id === ""),
    );
}

export async function showCluster(svc: ConfigDeps, ctx: RequestContext, name: string, binary = VOLUME_BINARY): Promise<ClusterState> {
  authorize(ctx, "clusters:get");
  const row = await getCluster(svc.db.kysely, name, binary);
  if (!row) throw clusterNotFound(binary, name);
  return summarize(svc, row, await listServices(svc.db.kysely));
}

/** update with id enable / disable: the cluster's scheduling status, and the reason given (stripped). */
export async function setClusterStatus(
  svc: ConfigDeps,
  ctx: RequestContext,
  body: { name: string; binary?: string | null; disabled_reason?: string | null },
  disabled: boolean,
): Promise<{ state: ClusterState; reason: string | null }> {
  authorize(ctx, "clusters:update");
  const binary = body.binary ?? VOLUME_BINARY;
  const reason = disabled && body.disabled_reason ? body.disabled_reason.trim() : null;
  if (!(await setClusterDisabled(svc.db.kysely, body.name, binary, disabled, reason))) throw clusterNotFound(binary, body.name);
  return { state: await showCluster(svc, ctx, body.name, binary), reason };
}
