/**
 * A volume manager: one per backend (`host@backend`), the only code that calls its driver
 * (cf. cinder/volume/manager.py). It takes messages off its bus topic, does the driver work under
 * per-resource locks and records the outcome with a compare-and-set; on start it reconciles
 * whatever a crash or a stop left half done.
 */
import type { Bus } from "../../bus/bus";
import type { QuotaDefaults } from "../../config";
import { SCHEDULER_TOPIC, type RevertMsg, type SnapshotMsg, type VolumeMsg, volumeTopic } from "../../bus/rpc";
import type { Db } from "../../db/database";
import { getService, heartbeat, registerService } from "../../db/repos/services";
import type { BackendReport } from "../../scheduler/scheduler";
import type { VolumeDriver } from "../../drivers/interface";
import { KeyedLocks } from "../../lib/locks";
import type { Log } from "../../log";
import { VOLUME_BINARY } from "../../contract/services";
import * as ops from "./operations";
import type { TargetHelper } from "../../targets/interface";
import type { AttachMsg, ConnectionMsg, DetachMsg } from "../../bus/rpc";
import { attachVolume, detachVolume } from "./attach";
import { initializeConnection, terminateConnection } from "./exports";
import { getManageableVolumes, manageExisting } from "./manage";
import { reconcile } from "./reconcile";
import { retypeVolume } from "./retype";

export interface ManagerOptions {
  /** This process's host name (Cinder's `host`). */
  host: string;
  backendName: string;
  availabilityZone: string;
  /** Reported as volume_backend_name instead of the driver's own (the backend's name). */
  volumeBackendName?: string;
  statsIntervalMs: number;
  reportIntervalMs: number;
  /**
   * The configured default quotas, for the gigabytes a managed volume takes once its size is
   * known.
   */
  quotas: QuotaDefaults;
}

export class VolumeManager {
  /** `host@backend`, the bus topic's suffix and the prefix of its volumes' host. */
  readonly backend: string;
  readonly locks = new KeyedLocks();
  private timer?: NodeJS.Timeout;
  private beat?: NodeJS.Timeout;
  private statsDue = false;
  private reporting?: Promise<void>;
  private reportQueued?: Promise<void>;
  private stopped = false;

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
  }

  async start(): Promise<void> {
    await this.driver.setup();
    await this.target?.setup();
    await registerService(this.db.kysely, {
      host: this.backend,
      binary: VOLUME_BINARY,
      topic: volumeTopic(this.backend),
      availabilityZone: this.opts.availabilityZone,
    });
    this.bus.subscribe(volumeTopic(this.backend), (method, payload) => this.dispatch(method, payload));
    await this.reportStats();
    await reconcile(this);
    this.timer = setInterval(() => {
      void this.reportStats().catch((err: unknown) => this.log.warn({ err }, "capacity report failed"));
    }, this.opts.statsIntervalMs);
    this.timer.unref();
    this.beat = setInterval(() => void heartbeat(this.db.kysely, this.backend, VOLUME_BINARY).catch(() => undefined), this.opts.reportIntervalMs);
    this.beat.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.beat) clearInterval(this.beat);
  }

  /** The pool host string volumes of this backend carry. */
  poolHost(pool: string): string {
    return `${this.backend}#${pool}`;
  }

  private async dispatch(method: string, payload: unknown): Promise<unknown> {
    switch (method) {
      case "initializeConnection": {
        const c = payload as ConnectionMsg;
        return initializeConnection(this, c.volumeId, c.connector);
      }
      case "terminateConnection": {
        const c = payload as ConnectionMsg;
        return terminateConnection(this, c.volumeId, c.connector);
      }
      case "attachVolume":
        return attachVolume(this, payload as AttachMsg);
      case "detachVolume": {
        const d = payload as DetachMsg;
        return detachVolume(this, d.volumeId, d.attachmentId);
      }
      case "createVolume":
        await ops.createVolume(this, (payload as VolumeMsg).volumeId);
        break;
      case "deleteVolume":
        await ops.deleteVolume(this, (payload as VolumeMsg).volumeId);
        break;
      case "extendVolume":
        await ops.extendVolume(this, (payload as VolumeMsg).volumeId);
        break;
      case "createSnapshot":
        await ops.createSnapshot(this, (payload as SnapshotMsg).snapshotId);
        break;
      case "deleteSnapshot":
        await ops.deleteSnapshot(this, (payload as SnapshotMsg).snapshotId);
        break;
      case "getManageableVolumes":
        return getManageableVolumes(this);
      case "manageExisting":
        await manageExisting(this, (payload as VolumeMsg).volumeId);
        break;
      case "retypeVolume":
        await retypeVolume(this, (payload as VolumeMsg).volumeId);
        break;
      case "revertToSnapshot": {
        const m = payload as RevertMsg;
        await ops.revertToSnapshot(this, m.volumeId, m.snapshotId);
        break;
      }
      default:
        throw new Error(`volume manager has no method ${method}`);
    }
    this.statsChanged();
    return undefined;
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

  private async gatherAndReport(): Promise<void> {
    const stats = await this.driver.getStats();
    if (this.target) stats.storageProtocol = this.target.protocol;
    if (this.opts.volumeBackendName) stats.volumeBackendName = this.opts.volumeBackendName;
    const svc = await getService(this.db.kysely, this.backend, VOLUME_BINARY);
    const report: BackendReport = {
      backend: this.backend,
      availabilityZone: this.opts.availabilityZone,
      disabled: svc?.disabled === 1,
      stats,
    };
    await this.bus.call(SCHEDULER_TOPIC, "updateBackend", report);
  }
}
