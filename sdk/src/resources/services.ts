/** Services (api-ref "Services (os-services)", cinder/api/contrib/services.py). Admin only. */
import type { CinderClient } from "../client";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas, Service } from "../types";

export type ServiceListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/os-services", "get">>>;

/** A backend to freeze or thaw: `host@backend`, or (3.26+) `{ cluster: "cluster@backend" }`. */
export type ServiceTarget = string | { cluster: string };

const targetBody = (t: ServiceTarget) => (typeof t === "string" ? { host: t } : { cluster: t.cluster });

export function services(c: CinderClient) {
  return {
    /** Services with state (`up`/`down`) and status (`enabled`/`disabled`), filtered by host or binary. */
    list: async (query?: ServiceListQuery, opts?: CallOptions): Promise<Service[]> =>
      (await c.request("get", "/v3/{project_id}/os-services", { query, ok: [200], ...opts })).data.services,

    /** Enable a service (`binary` e.g. `cinder-volume`, `host` e.g. `node@backend`). */
    enable: async (host: string, binary: string, opts?: CallOptions): Promise<Schemas["ServiceStatusResponse"]> =>
      (await c.request("put", "/v3/{project_id}/os-services/enable", { body: { host, binary }, ok: [200], ...opts })).data,

    /** Disable a service, with a reason when given. */
    disable: async (host: string, binary: string, reason?: string, opts?: CallOptions) => {
      if (reason === undefined) {
        return (await c.request("put", "/v3/{project_id}/os-services/disable", { body: { host, binary }, ok: [200], ...opts })).data;
      }
      const body = { host, binary, disabled_reason: reason };
      return (await c.request("put", "/v3/{project_id}/os-services/disable-log-reason", { body, ok: [200], ...opts })).data;
    },

    /**
     * Freeze a backend (or a cluster): its volumes cannot be deleted nor its snapshots made or
     * deleted, and it gets no new volumes, until `thaw`.
     */
    freeze: async (target: ServiceTarget, opts?: CallOptions): Promise<void> => {
      await c.request("put", "/v3/{project_id}/os-services/freeze", { body: targetBody(target), ok: [200], ...opts });
    },

    /**
     * Fail a backend (`host@backend`) over to its replication target (`backendId`, else the
     * driver's default). Only a backend whose replication is enabled can; the drivers here do not
     * replicate, so the server refuses (400).
     */
    failover: async (host: string, backendId?: string, opts?: CallOptions): Promise<void> => {
      const body = { host, ...(backendId !== undefined ? { backend_id: backendId } : {}) };
      await c.request("put", "/v3/{project_id}/os-services/failover_host", { body, ok: [202], ...opts });
    },

    /** `failover` of every service of a cluster (`cluster@backend`, 3.26). */
    failoverCluster: async (cluster: string, backendId?: string, opts?: CallOptions): Promise<void> => {
      const body = { cluster, ...(backendId !== undefined ? { backend_id: backendId } : {}) };
      await c.request("put", "/v3/{project_id}/os-services/failover", { body, ok: [202], ...opts });
    },

    /** Undo `freeze`. */
    thaw: async (target: ServiceTarget, opts?: CallOptions): Promise<void> => {
      await c.request("put", "/v3/{project_id}/os-services/thaw", { body: targetBody(target), ok: [200], ...opts });
    },
  };
}
