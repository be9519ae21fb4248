/**
 * The scheduler (cf. cinder/scheduler/filter_scheduler.py): places a `creating` volume on a backend
 * pool. Volume managers report their pools; a placement filters them (availability zone, capacity)
 * and takes the one with the most free space. A volume made from a snapshot or another volume stays
 * on its source's backend, where the data is, and fails if that backend does not pass the filters.
 * An accepted extend is checked against the volume's own backend before its manager grows it.
 */
import type { Bus } from "../bus/bus";
import { backendOf, queueOf, SCHEDULER_TOPIC, type VolumeRpc } from "../bus/rpc";
import { serve, type SchedulerProtocol } from "../bus/protocol";
import type { Db } from "../db/database";
import { getSnapshot } from "../db/repos/snapshots";
import { casGroup, getGroup, groupVolumeTypes, unplacedGroupIds } from "../db/repos/groups";
import { casVolume, getVolume, MIGRATION_IDLE, parseTask, unplacedVolumeIds } from "../db/repos/volumes";
import { release, typeNameOf } from "../quota/quota";
import type { VolumeRow } from "../db/schema";
import { heartbeat, registerService, servicesWithRulingFlags } from "../db/repos/services";
import { typeSpecs } from "../db/repos/types";
import type { BackendStats } from "../drivers/interface";
import { availabilityZoneFilter } from "./filters/availability-zone";
import { capabilitiesFilter } from "./filters/capabilities";
import { capacityFilter } from "./filters/capacity";
import type { Filter, PoolState, RequestSpec, Weigher } from "./types";
import { refuseRetype } from "../quota/retype-refusal";
import { rank } from "./weigh";
import { allocatedCapacityWeigher } from "./weighers/allocated-capacity";
import { capacityWeigher } from "./weighers/capacity";
import { endOf, VOLUME_TRANSITIONS as T } from "../contract/status";
import { isServiceUp, SCHEDULER_BINARY, SERVICE_DOWN_SECONDS, VOLUME_BINARY } from "../contract/services";
import type { Log } from "../log";
import { timestampAt } from "../contract/time";
import { Action, MESSAGE_REAP_INTERVAL_SECONDS, MESSAGE_TTL_SECONDS, type MessageField } from "../contract/messages";
import { noValidBackendMessage, startMessageReaper } from "./messages";

export interface BackendReport {
  /** `host@backend`. */
  backend: string;
  /** `cluster@backend` when the service is clustered. */
  cluster?: string;
  availabilityZone: string;
  disabled: boolean;
  stats: BackendStats;
}

/** A backend's report as the pools filters look at (capabilities: the backend's and the pool's). */
export function poolStatesOf(r: BackendReport): PoolState[] {
  return r.stats.pools.map((pool) => ({
    host: `${r.backend}#${pool.poolName}`,
    backend: r.backend,
    ...(r.cluster ? { cluster: `${r.cluster}#${pool.poolName}` } : {}),
    availabilityZone: r.availabilityZone,
    pool,
    capabilities: {
      volume_backend_name: r.stats.volumeBackendName,
      vendor_name: r.stats.vendorName,
      driver_version: r.stats.driverVersion,
      storage_protocol: r.stats.storageProtocol,
      pool_name: pool.poolName,
      total_capacity_gb: pool.totalCapacityGb,
      free_capacity_gb: pool.freeCapacityGb,
      allocated_capacity_gb: pool.provisionedCapacityGb,
      provisioned_capacity_gb: pool.provisionedCapacityGb,
      reserved_percentage: pool.reservedPercentage,
      max_over_subscription_ratio: pool.maxOverSubscriptionRatio,
      thin_provisioning_support: pool.thinProvisioningSupport,
      thick_provisioning_support: pool.thickProvisioningSupport,
      ...pool.capabilities,
    },
  }));
}

export interface SchedulerOptions {
  /** Register as the cinder-scheduler service of this host, heartbeating at this interval. */
  service?: { host: string; availabilityZone: string; reportIntervalMs: number };
  weighers?: string[];
  /**
   * Volumes left `creating` without a host for this long are scheduled again (their message was
   * lost: an API process that died between its commit and its cast, or a broker that lost it).
   */
  resumeAfterMs?: number;
  /** Cinder's service_down_time, in seconds (default 60). */
  serviceDownSeconds?: number;
  /**
   * Cinder's scheduler_driver_init_wait_time: after the start, placements wait at most this long
   * for every volume service that is up to report its pools (default 60 s).
   */
  initWaitMs?: number;
  capacityWeightMultiplier?: number;
  allocatedCapacityWeightMultiplier?: number;
  /** Cinder's message_ttl: how long the user messages written here are kept (default 30 days). */
  messageTtlSeconds?: number;
  /** Cinder's message_reap_interval: expired user messages are removed this often (default a day; 0: never). */
  messageReapIntervalMs?: number;
}

const FILTERS: readonly Filter[] = [availabilityZoneFilter, capacityFilter, capabilitiesFilter];
/** cinder/scheduler/manager.py scheduler_driver_init_wait_time. */
const INIT_WAIT_MS = 60_000;
/** While it waits for reports, a scheduler asks the volume services again this often. */
const ASK_AGAIN_MS = 2_000;

export class Scheduler {
  private readonly reports = new Map<string, BackendReport>();
  private readonly weighers: Weigher[];
  private readonly startedAt = Date.now();
  /** Every volume service up at the start has reported (or the wait is over): placements go ahead. */
  private ready = false;

  constructor(
    private readonly db: Db,
    private readonly bus: Bus,
    private readonly volumes: VolumeRpc,
    private readonly log: Log,
    private readonly opts: SchedulerOptions = {},
  ) {
    // Cinder's scheduler_default_weighers is CapacityWeigher alone.
    this.weighers = (opts.weighers ?? ["CapacityWeigher"]).map((name) => {
      if (name === "CapacityWeigher") return capacityWeigher(opts.capacityWeightMultiplier ?? 1.0);
      if (name === "AllocatedCapacityWeigher") return allocatedCapacityWeigher(opts.allocatedCapacityWeightMultiplier ?? -1.0);
      throw new Error(`unknown scheduler weigher '${name}' (CapacityWeigher, AllocatedCapacityWeigher)`);
    });
  }

  private timer?: NodeJS.Timeout;

  async register(): Promise<void> {
    const s = this.opts.service;
    if (!s) return;
    await registerService(this.db.kysely, { host: s.host, binary: SCHEDULER_BINARY, topic: SCHEDULER_TOPIC, availabilityZone: s.availabilityZone });
    this.timer = setInterval(() => void heartbeat(this.db.kysely, s.host, SCHEDULER_BINARY).catch(() => undefined), s.reportIntervalMs);
    this.timer.unref();
  }

  private sweep?: NodeJS.Timeout;
  private reaper?: NodeJS.Timeout;

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.sweep) clearInterval(this.sweep);
    if (this.reaper) clearInterval(this.reaper);
  }

  start(): void {
    serve<SchedulerProtocol>(this.bus, SCHEDULER_TOPIC, {
      createVolume: ({ volumeId, requestId }) => this.createVolume(volumeId, requestId),
      extendVolume: ({ volumeId, requestId }) => this.extendVolume(volumeId, requestId),
      // A refused retype writes no user message (cinder/scheduler/manager.py retype).
      retypeVolume: ({ volumeId }) => this.retypeVolume(volumeId),
      createGroup: ({ groupId }) => this.createGroup(groupId),
      // A refused migration writes no user message (cinder/scheduler/manager.py migrate_volume).
      migrateVolume: ({ volumeId, host, requestId }) => this.migrateVolume(volumeId, host, requestId),
      updateBackend: async (report) => this.updateBackend(report),
      getPools: async () => this.poolStates(),
    });
    // The volume services report at their own interval (a minute by default): asked now, they
    // report at once, and placements need not wait for that interval (waitForReports).
    this.askForReports();
    const after = this.opts.resumeAfterMs;
    if (after) {
      this.sweep = setInterval(() => void this.resumeUnplaced(after).catch((err: unknown) => this.log.warn({ err }, "re-scheduling failed")), after);
      this.sweep.unref();
    }
    this.reaper = startMessageReaper(this.db, this.opts.messageReapIntervalMs ?? MESSAGE_REAP_INTERVAL_SECONDS * 1000, this.log);
  }

  /** Schedule again the volumes still unplaced `ageMs` after they were created. */
  async resumeUnplaced(ageMs: number): Promise<void> {
    for (const id of await unplacedVolumeIds(this.db.kysely, timestampAt(Date.now() - ageMs))) {
      this.log.warn({ volumeId: id }, "scheduling a volume whose request was lost");
      await this.createVolume(id);
    }
  }

  updateBackend(report: BackendReport): void {
    this.reports.set(report.backend, report);
  }

  /** Volumes and groups whose scheduling was cut short by a restart. */
  async reconcile(): Promise<void> {
    for (const id of await unplacedGroupIds(this.db.kysely)) await this.createGroup(id);
    for (const id of await unplacedVolumeIds(this.db.kysely)) await this.createVolume(id);
  }

  /**
   * Place a group (cinder/scheduler/filter_scheduler.py schedule_create_group): on a pool of a
   * backend where every one of its volume types passes the filters (for no space yet), the best
   * ranked for its first type. Its volumes are then placed on that backend.
   */
  async createGroup(groupId: string): Promise<void> {
    const g = await getGroup(this.db.kysely, groupId);
    if (!g || g.status !== "creating" || g.host) return;
    const typeIds = (await groupVolumeTypes(this.db.kysely, [groupId])).get(groupId) ?? [];
    let candidates: PoolState[] | undefined;
    let backends: Set<string> | undefined;
    for (const typeId of typeIds) {
      const spec: RequestSpec = { size: 0, availabilityZone: g.availability_zone, extraSpecs: await this.extraSpecs(typeId) };
      const passing = rank(await this.passing(spec), spec, this.weighers);
      candidates ??= passing;
      const keys = new Set(passing.map(backendKey));
      backends = backends ? new Set([...backends].filter((b) => keys.has(b))) : keys;
    }
    const pool = candidates?.find((p) => backends!.has(backendKey(p)));
    if (!pool) {
      this.log.warn({ groupId, az: g.availability_zone }, "no backend can hold the group");
      await casGroup(this.db.kysely, groupId, { status: ["creating"] }, { status: "error" });
      return;
    }
    const won = await casGroup(this.db.kysely, groupId, { status: ["creating"], noHost: true }, { host: pool.host, cluster_name: pool.cluster ?? null });
    if (won) this.volumes.createGroup(pool.cluster ?? pool.host, groupId);
  }

  /**
   * Place a `creating` volume. When no backend can hold it, the volume goes to error and its
   * project gets a user message (cinder/scheduler/flows/create_volume.py ScheduleCreateVolumeTask:
   * SCHEDULE_ALLOCATE_VOLUME with NoValidBackend).
   */
  async createVolume(volumeId: string, requestId?: string): Promise<void> {
    const v = await getVolume(this.db.kysely, volumeId);
    if (!v || v.status !== "creating" || v.host) return;
    const pool = await this.place(v);
    if (!pool) {
      this.log.warn({ volumeId, size: v.size, az: v.availability_zone }, "no backend can hold the volume");
      const failed = await casVolume(this.db.kysely, volumeId, { status: [T.create.during] }, { status: T.create.failed });
      if (failed) await this.noValidBackend(v, Action.SCHEDULE_ALLOCATE_VOLUME, requestId);
      return;
    }
    // Placing the volume leaves updated_at alone, as before.
    // A clustered backend's volume also names the cluster, whose queue its work goes to
    // (cinder/scheduler/driver.py volume_update_db).
    const won = await casVolume(
      this.db.kysely,
      volumeId,
      { status: [T.create.during], noHost: true },
      { host: pool.host, cluster_name: pool.cluster ?? null },
      { touch: false },
    );
    if (won) this.volumes.createVolume(pool.cluster ?? pool.host, volumeId, requestId);
  }

  /** The user message of a placement no backend passed. */
  private noValidBackend(v: VolumeRow, action: MessageField, requestId: string | undefined): Promise<void> {
    return noValidBackendMessage(this.db, v, action, requestId, this.opts.messageTtlSeconds ?? MESSAGE_TTL_SECONDS, this.log);
  }

  private async place(v: VolumeRow): Promise<PoolState | undefined> {
    const pinned = await this.sourceBackend(v);
    if (pinned === null) return undefined;
    const spec: RequestSpec = { size: v.size, availabilityZone: v.availability_zone, extraSpecs: await this.extraSpecs(v.volume_type_id) };
    let passing = await this.passing(spec);
    // A copy stays on its source's backend, where the data is, if that backend passes the filters
    // (cinder/scheduler/filter_scheduler.py _schedule with the request's resource_backend).
    if (pinned !== undefined) passing = passing.filter((p) => backendKey(p) === pinned);
    return rank(passing, spec, this.weighers)[0];
  }

  /**
   * The pools that pass every filter, of backends whose volume service is enabled and up
   * (host_manager.py: a service without a heartbeat for service_down_time gets no work, whatever
   * its last report said).
   */
  private async passing(spec: RequestSpec): Promise<PoolState[]> {
    await this.waitForReports();
    const usable = await this.usableBackends();
    // The services of a cluster report the same storage: its pools count once, as one member's.
    const seen = new Set<string>();
    return this.poolStates().filter((p) => {
      if (!usable.has(p.backend)) return false;
      if (p.cluster) {
        if (seen.has(p.cluster)) return false;
        seen.add(p.cluster);
      }
      return FILTERS.every((f) => f.passes(p, spec));
    });
  }

  /** The volume services (`host@backend`) that are enabled, not frozen, and up. */
  private async usableBackends(): Promise<Set<string>> {
    const downSeconds = this.opts.serviceDownSeconds ?? SERVICE_DOWN_SECONDS;
    const now = Date.now();
    // A clustered service is disabled or frozen when its cluster is (db _clustered_bool_field_filter).
    return new Set(
      (await servicesWithRulingFlags(this.db.kysely, VOLUME_BINARY))
        .filter((s) => !s.ruling_disabled && !s.ruling_frozen && isServiceUp(s, downSeconds, now))
        .map((s) => s.host),
    );
  }

  /**
   * cinder/scheduler/manager.py _wait_for_scheduler: a scheduler just started knows no pools until
   * the volume services report, and would fail every placement until then, the ones redelivered to
   * it from its queue first. It asks them to report at once (start); placements wait until every
   * usable volume service has reported, or until initWaitMs after the start (a service that is up
   * but does not answer).
   */
  private askedAt = 0;

  private askForReports(): void {
    this.askedAt = Date.now();
    this.volumes.publishServiceCapabilities();
  }

  private async waitForReports(): Promise<void> {
    const until = this.startedAt + (this.opts.initWaitMs ?? INIT_WAIT_MS);
    let logged = false;
    while (!this.ready) {
      const missing = [...(await this.usableBackends())].filter((b) => !this.reports.has(b));
      if (missing.length === 0 || Date.now() >= until) {
        this.ready = true;
        break;
      }
      if (!logged) this.log.info({ missing }, "waiting for the volume services to report their pools before placing volumes");
      logged = true;
      // Asked again now and then: a request sent before this scheduler's own queue was bound, or
      // a report sent before then, is lost (fanouts are not kept for an absent consumer).
      if (Date.now() - this.askedAt >= ASK_AGAIN_MS) this.askForReports();
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * An accepted extend (cinder/scheduler/manager.py extend_volume, filter_scheduler.py
   * backend_passes_filters): the volume's own backend must still pass the filters for the added
   * gigabytes (the capacity filter asks for new_size - size). If it does, the space is counted
   * against the backend until its next report, the task is marked placed and the volume manager
   * grows the volume; if not, the volume goes back to its previous status and the extra gigabytes
   * go back to the quota. The decision is taken once: a message sent again (redelivered after a
   * crash, or re-sent as lost) for a placed extend goes on to the manager, and a refusal loses to
   * a placement made meanwhile, so a volume manager never grows a volume whose extend was refused.
   * A refusal leaves the project a user message (EXTEND_VOLUME with NoValidBackend).
   */
  async extendVolume(volumeId: string, requestId?: string): Promise<void> {
    const v = await getVolume(this.db.kysely, volumeId);
    if (!v || v.status !== "extending" || !v.host) return;
    const task = parseTask(v);
    const newSize = task?.new_size;
    // No valid target size: the volume manager records the failure (error_extending), as before.
    if (!newSize || newSize <= v.size || task?.placed) return this.volumes.extendVolume(queueOf(v), volumeId, requestId);
    const added = newSize - v.size;
    const spec: RequestSpec = { size: added, availabilityZone: v.availability_zone, extraSpecs: await this.extraSpecs(v.volume_type_id) };
    const decided = { status: [T.extend.during], sizeIs: v.size, taskIs: v.task };
    const own = (await this.passing(spec)).find((p) => holdsVolume(p, v));
    if (own) {
      const won = await casVolume(this.db.kysely, volumeId, decided, { task: JSON.stringify({ ...task, placed: true }) }, { touch: false });
      if (!won) return;
      this.consumeFromVolume(own, added);
      this.volumes.extendVolume(queueOf(v), volumeId, requestId);
      return;
    }
    this.log.warn(
      { volumeId, host: v.host, size: v.size, newSize },
      `Failed to schedule_extend_volume: No valid backend was found. Cannot place volume ${volumeId} on ${v.host}.`,
    );
    // A refused placement is no failure of the volume: it goes back to where it was.
    const back = endOf("extend", "done", v.previous_status);
    const refused = await this.db.kysely.transaction().execute(async (trx) => {
      const won = await casVolume(trx, volumeId, decided, { status: back, previous_status: null, task: null });
      if (won) await release(trx, v.project_id, { gigabytes: added, typeName: await typeNameOf(trx, v.volume_type_id) });
      return won;
    });
    if (refused) await this.noValidBackend(v, Action.EXTEND_VOLUME, requestId);
  }

  /**
   * A retype (cinder/scheduler/manager.py retype, filter_scheduler.py find_retype_backend): the
   * volume's own backend must pass the filters for the new type, its capacity not counted against
   * it (the volume is already there: CapacityFilter's vol_exists_on). If it does, its manager
   * changes the type in place; if not (and a migration is not offered), the retype is refused.
   */
  async retypeVolume(volumeId: string): Promise<void> {
    const v = await getVolume(this.db.kysely, volumeId);
    if (!v || v.status !== T.retype.during || !v.host) return;
    // Already migrating for this retype: the migration ends it.
    if (v.migration_status && !(MIGRATION_IDLE as readonly string[]).includes(v.migration_status)) return;
    const task = parseTask(v);
    const newTypeId = task?.new_type_id;
    if (newTypeId) {
      const spec: RequestSpec = {
        size: v.size,
        availabilityZone: v.availability_zone,
        extraSpecs: await this.extraSpecs(newTypeId),
        volExistsOn: v.cluster_name ? backendOf(v.cluster_name) : backendOf(v.host),
      };
      if ((await this.passing(spec)).some((p) => holdsVolume(p, v))) {
        this.volumes.retypeVolume(queueOf(v), volumeId);
        return;
      }
      if (task?.migration_policy === "on-demand" && (await this.migrateForRetype(v, newTypeId))) return;
    }
    this.log.warn(
      { volumeId, host: v.host, newTypeId, migrationPolicy: task?.migration_policy },
      "retype refused: the volume's backend does not satisfy the new type and it cannot migrate to one that does",
    );
    await refuseRetype(this.db.kysely, v, newTypeId);
  }

  /**
   * A retype `on-demand` whose new type needs another backend (cinder/scheduler/manager.py retype:
   * find_retype_backend, then migrate_volume with the new type): the best other pool that passes
   * the filters for the new type takes the volume. An attached volume would need the compute
   * service to swap it, and a volume with snapshots cannot move (cinder/volume/manager.py retype);
   * both are refused. True when the migration was started.
   */
  private async migrateForRetype(v: VolumeRow, newTypeId: string): Promise<boolean> {
    if (v.previous_status !== "available") return false;
    const spec: RequestSpec = { size: v.size, availabilityZone: v.availability_zone, extraSpecs: await this.extraSpecs(newTypeId) };
    const pool = rank(await this.passing(spec), spec, this.weighers).find((p) => !holdsVolume(p, v));
    if (!pool) return false;
    const started = await casVolume(
      this.db.kysely,
      v.id,
      { status: [T.retype.during], migrationIdle: true, noSnapshots: true, groupIs: null, taskIs: v.task },
      { migration_status: "starting" },
    );
    if (!started) return false;
    this.consumeFromVolume(pool, v.size);
    this.volumes.migrateVolume(queueOf(v), { volumeId: v.id, host: pool.host, ...(pool.cluster ? { cluster: pool.cluster } : {}), newTypeId });
    return true;
  }

  /**
   * A migration the API accepted (cinder/scheduler/manager.py migrate_volume,
   * filter_scheduler.py backend_passes_filters): the destination (`host@backend`, a pool of it, or a
   * cluster) must pass the filters for the whole volume. If it does, the source's volume manager
   * copies the volume there; if not (NoValidBackend), migration_status goes to `error` and a
   * volume locked for the migration (maintenance) returns to its previous status.
   */
  async migrateVolume(volumeId: string, host: string, requestId?: string): Promise<void> {
    const v = await getVolume(this.db.kysely, volumeId);
    if (!v || v.migration_status !== "starting" || !v.host) return;
    const spec: RequestSpec = { size: v.size, availabilityZone: v.availability_zone, extraSpecs: await this.extraSpecs(v.volume_type_id) };
    const pool = rank(await this.passing(spec), spec, this.weighers).find((p) => isDestination(p, host));
    if (pool) {
      this.consumeFromVolume(pool, v.size);
      const msg = { volumeId, host: pool.host, ...(pool.cluster ? { cluster: pool.cluster } : {}) };
      this.volumes.migrateVolume(queueOf(v), requestId === undefined ? msg : { ...msg, requestId });
      return;
    }
    this.log.warn({ volumeId, host }, `Failed to schedule_migrate_volume_to_host: No valid backend was found. Cannot place volume ${volumeId} on ${host}.`);
    const unlock = v.status === "maintenance" ? { status: v.previous_status ?? "available", previous_status: null } : {};
    await casVolume(this.db.kysely, volumeId, { status: [v.status], migrationStatus: ["starting"] }, { migration_status: "error", ...unlock });
  }

  /** host_manager.py consume_from_volume: count the space as taken until the backend reports again. */
  private consumeFromVolume(pool: PoolState, gb: number): void {
    const report = this.reports.get(pool.backend);
    if (!report) return;
    const pools = report.stats.pools.map((p) =>
      p.poolName === pool.pool.poolName
        ? { ...p, freeCapacityGb: p.freeCapacityGb - gb, provisionedCapacityGb: p.provisionedCapacityGb + gb }
        : p,
    );
    this.reports.set(pool.backend, { ...report, stats: { ...report.stats, pools } });
  }

  /** Every reported pool, as filters see it; also what get_pools shows. */
  poolStates(): PoolState[] {
    return [...this.reports.values()].flatMap(poolStatesOf).sort((a, b) => a.host.localeCompare(b.host));
  }

  private extraSpecs(typeId: string | null): Promise<Record<string, string>> {
    return typeSpecs(this.db.kysely, typeId);
  }

  /**
   * The backend of the volume's source, null when the source is gone, undefined when it has none.
   * A volume of a group lives on the group's backend (the request's group_backend).
   */
  private async sourceBackend(v: VolumeRow): Promise<string | null | undefined> {
    if (v.group_id) {
      const g = await getGroup(this.db.kysely, v.group_id);
      if (!g) return null;
      if (g.host) return g.cluster_name ? backendOf(g.cluster_name) : backendOf(g.host);
    }
    let sourceVolumeId = v.source_volid;
    if (v.snapshot_id) {
      const s = await getSnapshot(this.db.kysely, v.snapshot_id);
      if (!s) return null;
      sourceVolumeId = s.volume_id;
    }
    if (!sourceVolumeId) return undefined;
    const src = await getVolume(this.db.kysely, sourceVolumeId);
    if (!src?.host) return null;
    return src.cluster_name ? backendOf(src.cluster_name) : backendOf(src.host);
  }
}

/** The backend a pool belongs to: its cluster's (`cluster@backend`) when clustered, else `host@backend`. */
function backendKey(p: PoolState): string {
  return p.cluster ? backendOf(p.cluster) : p.backend;
}

/** Whether the pool is the destination named: a pool, a backend, or a cluster (with or without its pool). */
function isDestination(p: PoolState, dest: string): boolean {
  if (dest.includes("#")) return p.host === dest || p.cluster === dest;
  return p.backend === dest || backendKey(p) === dest;
}

/**
 * Whether the pool is where the volume lives: the same pool of the same backend, or of the same
 * cluster (any of its services). A host without a pool is compared with the backends alone, as
 * Cinder does.
 */
function holdsVolume(p: PoolState, v: VolumeRow): boolean {
  const own = v.cluster_name ?? (v.host as string);
  const ignorePool = !own.includes("#");
  if (v.cluster_name) return ignorePool ? backendKey(p) === own : p.cluster === own;
  return (ignorePool ? p.backend : p.host) === own;
}
