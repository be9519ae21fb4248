/**
 * A volume manager: one per backend (`host@backend`), the only code that calls its driver
 * (cf. cinder/volume/manager.py). It takes messages off its bus topic, does the driver work under
 * per-resource locks and records the outcome with a compare-and-set; on start it reconciles
 * whatever a crash or a stop left half done.
 */
import type { Bus } from "../../bus/bus";
import type { QuotaDefaults } from "../../config";
import { SchedulerRpc, VolumeRpc, volumeTopic } from "../../bus/rpc";
import { type Receiver, serve, type VolumeProtocol } from "../../bus/protocol";
import type { Db } from "../../db/database";
import { getService, heartbeat, registerService } from "../../db/repos/services";
import { ensureCluster, includeVolumesInCluster } from "../../db/repos/clusters";
import type { BackendReport } from "../../scheduler/scheduler";
import type { BackendStats, VolumeDriver } from "../../drivers/interface";
import { KeyedLocks } from "../../lib/locks";
import type { Log } from "../../log";
import { BACKUP_BINARY, VOLUME_BINARY } from "../../contract/services";
import type { BackupObjectStore } from "../../backup/object-store";
import * as backups from "./backups";
import { reconcileBackups } from "./backup-reconcile";
import * as ops from "./operations";
import type { TargetHelper } from "../../targets/interface";
import { attachVolume, detachVolume } from "./attach";
import { initializeConnection, terminateConnection } from "./exports";
import { getManageableVolumes, manageExisting } from "./manage";
import { getManageableSnapshots, manageExistingSnapshot, unmanageSnapshot } from "./manage-snapshots";
import { reconcile, resumeStale } from "./reconcile";
import { retypeVolume } from "./retype";
import { migrateVolume, migrateVolumeCompletion } from "./migrate";
import { capabilitiesOf } from "./capabilities";
import { createGroup, createGroupSnapshot, deleteGroup, deleteGroupSnapshot, updateGroup } from "./groups";

import type { ImageOptions } from "./image-volume";
import { copyVolumeToImage } from "./image-upload";

export interface ManagerOptions {
  /** This process's host name (Cinder's `host`). */
  host: string;
  backendName: string;
  availabilityZone: string;
  /**
   * Cinder's `cluster`: this service joins `<cluster>@<backendName>` with the other hosts that
   * share the backend's storage, and takes work from the cluster's queue as well as its own.
   */
  cluster?: string;
  /** Reported as volume_backend_name instead of the driver's own (the backend's name). */
  volumeBackendName?: string;
  statsIntervalMs: number;
  reportIntervalMs: number;
  /** Operations left transitional this long with no work on them here are cast again (0: never). */
  resumeAfterMs?: number;
  /**
   * The configured default quotas, for the gigabytes a managed volume takes once its size is
   * known.
   */
  quotas: QuotaDefaults;
  /** Cinder's message_ttl: how long the user messages written here are kept (default 30 days). */
  messageTtlSeconds?: number;
  /** Where this service stores the backups of its volumes, and how it chunks them; none: no backups. */
  backup?: { store: BackupObjectStore; chunkSizeBytes: number; shaBlockSizeBytes: number; availabilityZone: string };
  /** The image service and where image data is converted; none: volumes from and to images fail. */
  images?: ImageOptions;
}

export class VolumeManager {
  /** `host@backend`, the bus topic's suffix and the prefix of its volumes' host. */
  readonly backend: string;
  /** `cluster@backend` when clustered: the cluster's queue and the cluster_name of its volumes. */
  readonly cluster?: string;
  readonly locks = new KeyedLocks();
  /**
   * The volume managers of this process by backend (`host@backend`), this one included: a
   * migration copies from its source's driver straight into its destination's.
   */
  peers?: Map<string, VolumeManager>;
  private timer?: NodeJS.Timeout;
  private beat?: NodeJS.Timeout;
  private sweep?: NodeJS.Timeout;
  private statsDue = false;
  private reporting?: Promise<void>;
  private reportQueued?: Promise<void>;
  private stopped = false;
  /** Senders to the scheduler and to volume managers (this one included, for re-casts). */
  readonly rpc: { scheduler: SchedulerRpc; volumes: VolumeRpc };

  constructor(
    readonly db: Db,
    readonly bus: Bus,
    readonly driver: VolumeDriver,
    readonly opts: ManagerOptions,
    readonly log: Log,
    /** The export target composed with the driver (any driver with any target); none = local volumes only. */
    readonly target?: TargetHelper,
  ) {
    this.backend = `${opts.host}@${opts.backendName}`;
    if (opts.cluster) this.cluster = `${opts.cluster}@${opts.backendName}`;
    this.rpc = { scheduler: new SchedulerRpc(bus), volumes: new VolumeRpc(bus) };
  }

  async start(): Promise<void> {
    await this.driver.setup();
    await this.target?.setup();
    const { previousCluster } = await registerService(this.db.kysely, {
      host: this.backend,
      binary: VOLUME_BINARY,
      topic: volumeTopic(this.backend),
      availabilityZone: this.opts.availabilityZone,
      cluster: this.cluster,
    });
    if (this.cluster) await this.joinCluster(this.cluster, previousCluster);
    const receiver = this.receiver();
    serve<VolumeProtocol>(this.bus, volumeTopic(this.backend), receiver);
    // Active-active: every service of the cluster consumes the cluster's one queue.
    if (this.cluster) serve<VolumeProtocol>(this.bus, volumeTopic(this.cluster), receiver);
    // A scheduler not up yet gets the next report; this service starts regardless.
    await this.reportStats().catch((err: unknown) => this.log.warn({ err }, "capacity report failed; the next one follows"));
    await reconcile(this);
    if (this.opts.backup) {
      await registerService(this.db.kysely, { host: this.opts.host, binary: BACKUP_BINARY, topic: BACKUP_BINARY, availabilityZone: this.opts.backup.availabilityZone });
      await reconcileBackups(this);
    }
    this.timer = setInterval(() => {
      void this.reportStats().catch((err: unknown) => this.log.warn({ err }, "capacity report failed"));
    }, this.opts.statsIntervalMs);
    this.timer.unref();
    this.beat = setInterval(() => {
      void heartbeat(this.db.kysely, this.backend, VOLUME_BINARY).catch(() => undefined);
      if (this.opts.backup) void heartbeat(this.db.kysely, this.opts.host, BACKUP_BINARY).catch(() => undefined);
    }, this.opts.reportIntervalMs);
    this.beat.unref();
    const after = this.opts.resumeAfterMs;
    if (after) {
      this.sweep = setInterval(() => void resumeStale(this, after).catch((err: unknown) => this.log.warn({ err }, "resuming stalled operations failed")), after);
      this.sweep.unref();
    }
  }

  /**
   * cinder/service.py: the cluster is made by its first service (with that service's disabled
   * status); a service joining a cluster for the first time brings its volumes into it. One that
   * moves from a cluster to another leaves its volumes where they are, as Cinder does.
   */
  private async joinCluster(cluster: string, previous: string | null): Promise<void> {
    const svc = await getService(this.db.kysely, this.backend, VOLUME_BINARY);
    await ensureCluster(this.db.kysely, cluster, VOLUME_BINARY, svc?.disabled === 1, svc?.disabled_reason ?? null);
    if (previous === null) {
      const moved = await includeVolumesInCluster(this.db.kysely, this.backend, cluster);
      if (moved > 0) this.log.info({ cluster, volumes: moved }, "volumes of this backend included in its cluster");
    } else if (previous !== cluster) {
      this.log.info({ from: previous, to: cluster }, "this service moved to another cluster; its volumes stay in the old one");
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.beat) clearInterval(this.beat);
    if (this.sweep) clearInterval(this.sweep);
  }

  /** The pool host string volumes of this backend carry. */
  poolHost(pool: string): string {
    return `${this.backend}#${pool}`;
  }

  /** The protocol's methods; the casts change capacity, so each is followed by a report. */
  private receiver(): Receiver<VolumeProtocol> {
    const changing = async (work: Promise<void>): Promise<void> => {
      await work;
      this.statsChanged();
    };
    return {
      createVolume: ({ volumeId, requestId }) => changing(ops.createVolume(this, volumeId, requestId)),
      deleteVolume: ({ volumeId }) => changing(ops.deleteVolume(this, volumeId)),
      unmanageVolume: ({ volumeId }) => changing(ops.unmanageVolume(this, volumeId)),
      extendVolume: ({ volumeId, requestId }) => changing(ops.extendVolume(this, volumeId, requestId)),
      createSnapshot: ({ snapshotId, requestId }) => changing(ops.createSnapshot(this, snapshotId, requestId)),
      deleteSnapshot: ({ snapshotId, requestId }) => changing(ops.deleteSnapshot(this, snapshotId, requestId)),
      retypeVolume: ({ volumeId }) => changing(retypeVolume(this, volumeId)),
      revertToSnapshot: ({ volumeId, snapshotId }) => changing(ops.revertToSnapshot(this, volumeId, snapshotId)),
      copyVolumeToImage: ({ volumeId, requestId }) => changing(copyVolumeToImage(this, volumeId, requestId)),
      migrateVolume: (msg) => changing(migrateVolume(this, msg)),
      migrateVolumeCompletion: ({ volumeId, newVolumeId, error }) => migrateVolumeCompletion(this, volumeId, newVolumeId, error),
      manageExisting: ({ volumeId }) => changing(manageExisting(this, volumeId)),
      getManageableVolumes: () => getManageableVolumes(this),
      manageExistingSnapshot: ({ snapshotId }) => changing(manageExistingSnapshot(this, snapshotId)),
      unmanageSnapshot: ({ snapshotId }) => changing(unmanageSnapshot(this, snapshotId)),
      getManageableSnapshots: () => getManageableSnapshots(this),
      getCapabilities: async () => capabilitiesOf(await this.currentStats()),
      createGroup: ({ groupId }) => changing(createGroup(this, groupId)),
      updateGroup: ({ groupId, addVolumes, removeVolumes }) => updateGroup(this, groupId, addVolumes, removeVolumes),
      deleteGroup: ({ groupId }) => changing(deleteGroup(this, groupId)),
      createGroupSnapshot: ({ groupSnapshotId }) => changing(createGroupSnapshot(this, groupSnapshotId)),
      deleteGroupSnapshot: ({ groupSnapshotId }) => changing(deleteGroupSnapshot(this, groupSnapshotId)),
      createBackup: ({ backupId, requestId }) => backups.createBackup(this, backupId, requestId),
      restoreBackup: ({ backupId, requestId }) => backups.restoreBackup(this, backupId, requestId),
      deleteBackup: ({ backupId, requestId }) => backups.deleteBackup(this, backupId, requestId),
      initializeConnection: ({ volumeId, connector }) => initializeConnection(this, volumeId, connector),
      terminateConnection: ({ volumeId, connector }) => terminateConnection(this, volumeId, connector),
      attachVolume: (msg) => attachVolume(this, msg),
      detachVolume: ({ volumeId, attachmentId }) => detachVolume(this, volumeId, attachmentId),
    };
  }

  /** Capacity changed: report it again soon (coalescing bursts of operations into one report). */
  private statsChanged(): void {
    if (this.statsDue || this.stopped) return;
    this.statsDue = true;
    setTimeout(() => {
      this.statsDue = false;
      if (this.stopped) return;
      void this.reportStats().catch((err: unknown) => this.log.warn({ err }, "capacity report failed"));
    }, 200).unref();
  }

  /**
   * One capacity report at a time: a backend whose statistics are slow to gather (LVM reports take
   * a second or more on a busy host) would otherwise pile up overlapping reports on every tick.
   * A request made while one runs is served by one more report after it, so nothing is missed.
   */
  reportStats(): Promise<void> {
    if (this.reporting) {
      this.reportQueued ??= this.reporting.catch(() => undefined).then(() => {
        this.reportQueued = undefined;
        return this.reportStats();
      });
      return this.reportQueued;
    }
    this.reporting = this.gatherAndReport().finally(() => (this.reporting = undefined));
    return this.reporting;
  }

  /** The driver's stats as this service reports them (its export target's protocol, its backend name). */
  private async currentStats(): Promise<BackendStats> {
    const stats = await this.driver.getStats();
    if (this.target) stats.storageProtocol = this.target.protocol;
    if (this.opts.volumeBackendName) stats.volumeBackendName = this.opts.volumeBackendName;
    return stats;
  }

  private async gatherAndReport(): Promise<void> {
    const stats = await this.currentStats();
    const svc = await getService(this.db.kysely, this.backend, VOLUME_BINARY);
    const report: BackendReport = {
      backend: this.backend,
      cluster: this.cluster,
      availabilityZone: this.opts.availabilityZone,
      disabled: svc?.disabled === 1,
      stats,
    };
    this.rpc.scheduler.updateBackend(report);
  }
}
