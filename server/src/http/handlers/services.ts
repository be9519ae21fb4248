/**
 * Services, pools and the legacy extension list (cinder/api/contrib/services.py,
 * scheduler_stats.py, cinder/api/extensions.py).
 */
import { boolFrom } from "../../lib/bool";
import { authorize } from "../../policy/policy";
import type { PoolState } from "../../scheduler/types";
import { isUp, services, setServiceDisabled } from "../../volume/api/services";
import type { Handlers, HandlerRequest } from "../handler";
import { badRequest } from "../../contract/errors";
import { clusterHost } from "./common";
import { failover, freezeHost, thawHost, type ReplicationTarget } from "../../volume/api/replication";
import { MV } from "../../contract/microversion";
import { VOLUME_BINARY } from "../../contract/services";

type H = Pick<
  Handlers,
  | "listServices"
  | "enableService"
  | "disableService"
  | "disableServiceWithReason"
  | "freezeHost"
  | "thawHost"
  | "failoverHost"
  | "failover"
  | "listPools"
  | "listExtensions"
>;

/**
 * The extensions Cinder reports (cinder/api/contrib, each `ExtensionDescriptor`: name, alias, the
 * class docstring, updated) that Cinderblock serves, for clients that look before they call.
 */
const EXTENSIONS: Array<[name: string, alias: string, description: string, updated: string]> = [
  ["AdminActions", "os-admin-actions", "Enable admin actions.", "2012-08-25T00:00:00+00:00"],
  ["AvailabilityZones", "os-availability-zone", "Describe Availability Zones.", "2013-06-27T00:00:00+00:00"],
  ["Capabilities", "capabilities", "Capabilities support.", "2015-08-31T00:00:00+00:00"],
  ["ExtendedServices", "os-extended-services", "Extended services support.", "2014-01-10T00:00:00-00:00"],
  ["ExtendedSnapshotAttributes", "os-extended-snapshot-attributes", "Extended SnapshotAttributes support.", "2012-06-19T00:00:00+00:00"],
  ["Hosts", "os-hosts", "Admin-only host administration.", "2011-06-29T00:00:00+00:00"],
  ["Qos_specs_manage", "qos-specs", "QoS specs support.", "2013-08-02T00:00:00+00:00"],
  ["QuotaClasses", "os-quota-class-sets", "Quota classes management support.", "2012-03-12T00:00:00+00:00"],
  ["Quotas", "os-quota-sets", "Quota management support.", "2011-08-08T00:00:00+00:00"],
  ["SchedulerHints", "OS-SCH-HNT", "Pass arbitrary key/value pairs to the scheduler.", "2013-04-18T00:00:00+00:00"],
  ["Scheduler_stats", "scheduler-stats", "Scheduler stats support.", "2014-09-07T00:00:00+00:00"],
  ["Services", "os-services", "Services support.", "2012-10-28T00:00:00-00:00"],
  ["SnapshotActions", "os-snapshot-actions", "Enable snapshot manager actions.", "2013-07-16T00:00:00+00:00"],
  ["TypesExtraSpecs", "os-types-extra-specs", "Type extra specs support.", "2011-08-24T00:00:00+00:00"],
  ["TypesManage", "os-types-manage", "Types manage support.", "2011-08-24T00:00:00+00:00"],
  ["UsedLimits", "os-used-limits", "Provide data on limited resources that are being used.", "2013-10-03T00:00:00+00:00"],
  ["VolumeActions", "os-volume-actions", "Enable volume actions.", "2012-05-31T00:00:00+00:00"],
  ["VolumeHostAttribute", "os-vol-host-attr", "Expose host as an attribute of a volume.", "2011-11-03T00:00:00+00:00"],
  ["VolumeManage", "os-volume-manage", "Allows existing backend storage to be 'managed' by Cinder.", "2014-02-10T00:00:00+00:00"],
  ["VolumeMigStatusAttribute", "os-vol-mig-status-attr", "Expose migration_status as an attribute of a volume.", "2013-08-08T00:00:00+00:00"],
  ["VolumeTenantAttribute", "os-vol-tenant-attr", "Expose the internal project_id as an attribute of a volume.", "2011-11-03T00:00:00+00:00"],
  ["VolumeTypeAccess", "os-volume-type-access", "Volume type access support.", "2014-06-26T00:00:00Z"],
];

async function pools(req: HandlerRequest<unknown>): Promise<PoolState[]> {
  return req.svc.scheduler.getPools();
}

/**
 * What freeze, thaw and failover name: a host, or from `since` a cluster. Like every PUT of
 * os-services they are first an update of services (cinder/api/contrib/services.py `update`
 * authorizes that before it reads the body): a caller who may not is refused with 403 whatever
 * the body says.
 */
function target(req: HandlerRequest<{ host?: string | null; cluster?: string | null }>, since: number): ReplicationTarget {
  authorize(req.ctx, "volume_extension:services:update");
  const { host, cluster } = clusterHost(req.ctx.version, since, req.body.host, req.body.cluster);
  return cluster ? { cluster } : { host };
}

/** The body of enable/disable (its anyOf-of-required widens the generated type). */
interface ServiceBody {
  host?: string | null;
  binary?: string;
  service?: string;
  disabled_reason?: string;
}

function statusReply(host: string, b: { binary?: string; service?: string }, disabled: boolean) {
  return { disabled, host, service: b.service ?? "", binary: b.binary ?? "", status: disabled ? "disabled" : "enabled" };
}

export const serviceHandlers: H = {
  listServices: async (req) => {
    const rows = await services(req.svc, req.ctx, req.query.host, req.query.binary);
    const reported = new Set((await pools(req)).map((p) => p.backend));
    return {
      body: {
        services: rows.map((s) => {
          const out: Record<string, unknown> = {
            binary: s.binary,
            host: s.host,
            zone: s.availability_zone,
            status: s.disabled ? "disabled" : "enabled",
            state: isUp(req.svc, s) ? "up" : "down",
            updated_at: s.updated_at,
            disabled_reason: s.disabled_reason,
          };
          if (req.ctx.version >= MV.CLUSTER_SUPPORT) out.cluster = s.cluster_name;
          if (s.binary === VOLUME_BINARY) {
            if (req.ctx.version >= MV.SERVICE_BACKEND_STATE) out.backend_state = reported.has(s.host) ? "up" : "down";
            out.replication_status = "not-capable";
            out.active_backend_id = null;
            out.frozen = s.frozen === 1;
          }
          return out;
        }),
      },
    };
  },
  enableService: async (req) => {
    const b = req.body as ServiceBody;
    const binary = (b.binary ?? b.service) as string;
    await setServiceDisabled(req.svc, req.ctx, b.host, binary, false, null);
    return { body: statusReply(b.host as string, b, false) };
  },
  disableService: async (req) => {
    const b = req.body as ServiceBody;
    const binary = (b.binary ?? b.service) as string;
    await setServiceDisabled(req.svc, req.ctx, b.host, binary, true, null);
    return { body: statusReply(b.host as string, b, true) };
  },
  disableServiceWithReason: async (req) => {
    const b = req.body as ServiceBody;
    const binary = (b.binary ?? b.service) as string;
    const reason = b.disabled_reason ?? null;
    await setServiceDisabled(req.svc, req.ctx, b.host, binary, true, reason);
    return { body: { ...statusReply(b.host as string, b, true), disabled_reason: reason } };
  },
  freezeHost: async (req) => {
    await freezeHost(req.svc, req.ctx, target(req, MV.REPLICATION_CLUSTER));
    return { status: 200 };
  },
  thawHost: async (req) => {
    await thawHost(req.svc, req.ctx, target(req, MV.REPLICATION_CLUSTER));
    return { status: 200 };
  },
  failoverHost: async (req) => failover(req.svc, req.ctx, target(req, Infinity)),
  failover: async (req) => failover(req.svc, req.ctx, target(req, MV.REPLICATION_CLUSTER)),
  listPools: async (req) => {
    authorize(req.ctx, "scheduler_extension:scheduler_stats:get_pools");
    const raw = req.query.detail;
    const detail = raw === undefined ? false : boolFrom(raw);
    if (detail === undefined) throw badRequest(`Value '${raw}' for 'detail' is not a boolean.`);
    const name = req.query.name;
    // A clustered backend's pools are named by the cluster, once (host_manager.py get_pools).
    const byName = new Map<string, PoolState>();
    for (const p of await pools(req)) if (!byName.has(p.cluster ?? p.host)) byName.set(p.cluster ?? p.host, p);
    const list = [...byName].filter(([n]) => !name || n === name);
    return {
      body: {
        pools: list.map(([n, p]) => (detail ? { name: n, capabilities: { ...p.capabilities, timestamp: null } } : { name: n })),
      },
    };
  },
  listExtensions: async () => ({
    body: {
      extensions: EXTENSIONS.map(([name, alias, description, updated]) => ({ name, alias, description, updated, links: [] })),
    },
  }),
};
