/** Clusters (cinder/api/v3/clusters.py) and their views (cinder/api/v3/views/clusters.py). */
import { clusters, setClusterStatus, showCluster, type ClusterState } from "../../volume/api/clusters";
import { MV } from "../../contract/microversion";
import type { RequestContext } from "../../contract/context";
import type { Handlers } from "../handler";

type H = Pick<Handlers, "listClusters" | "listClustersDetail" | "showCluster" | "enableCluster" | "disableCluster">;

/** No driver here replicates. */
const REPLICATION_STATUS = "not-capable";

function summary(ctx: RequestContext, c: ClusterState): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: c.row.name,
    binary: c.row.binary,
    state: c.isUp ? "up" : "down",
    status: c.row.disabled ? "disabled" : "enabled",
  };
  if (ctx.version >= MV.REPLICATION_CLUSTER) out.replication_status = REPLICATION_STATUS;
  return out;
}

/** views/clusters.py detail: the summary, its services summary, and (3.26) the replication fields. */
function detail(ctx: RequestContext, c: ClusterState): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...summary(ctx, c),
    num_hosts: c.numHosts,
    num_down_hosts: c.numDownHosts,
    // views/clusters.py _normalize: a naive time, '' when unset.
    last_heartbeat: c.lastHeartbeat ?? "",
    created_at: c.row.created_at,
    updated_at: c.row.updated_at ?? "",
    disabled_reason: c.row.disabled_reason,
  };
  if (ctx.version >= MV.REPLICATION_CLUSTER) {
    out.frozen = c.row.frozen === 1;
    out.active_backend_id = null;
  }
  return out;
}

export const clusterHandlers: H = {
  listClusters: async (req) => {
    const list = await clusters(req.svc, req.ctx, req.query, req.ctx.version >= MV.REPLICATION_CLUSTER);
    return { body: { clusters: list.map((c) => summary(req.ctx, c)) } };
  },
  listClustersDetail: async (req) => {
    const list = await clusters(req.svc, req.ctx, req.query, req.ctx.version >= MV.REPLICATION_CLUSTER);
    return { body: { clusters: list.map((c) => detail(req.ctx, c)) } };
  },
  showCluster: async (req) => ({
    body: { cluster: detail(req.ctx, await showCluster(req.svc, req.ctx, req.params.cluster_name, req.query.binary || undefined)) },
  }),
  enableCluster: async (req) => {
    const { state, reason } = await setClusterStatus(req.svc, req.ctx, req.body, false);
    return { body: { cluster: { ...summary(req.ctx, state), disabled_reason: reason } } };
  },
  disableCluster: async (req) => {
    const { state, reason } = await setClusterStatus(req.svc, req.ctx, req.body, true);
    return { body: { cluster: { ...summary(req.ctx, state), disabled_reason: reason } } };
  },
};
