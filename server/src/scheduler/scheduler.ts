/**
 * The scheduler (cf. cinder/scheduler/filter_scheduler.py): places a `creating` volume on a backend
 * pool. Volume managers report their pools; a placement filters them (availability zone, capacity)
 * and takes the one with the most free space. A volume made from a snapshot or another volume stays
 * on its source's backend, where the data is.
 */
import type { Logger } from "pino";
import type { Bus } from "../bus/bus";
import { backendOf, SCHEDULER_TOPIC, type VolumeMsg, type VolumeRpc } from "../bus/rpc";
import type { Db } from "../db/database";
import { getSnapshot } from "../db/repos/snapshots";
import { casVolume, getVolume } from "../db/repos/volumes";
import type { VolumeRow } from "../db/schema";
import type { BackendStats } from "../drivers/interface";

export interface BackendReport {
  /** `host@backend`. */
  backend: string;
  availabilityZone: string;
  disabled: boolean;
  stats: BackendStats;
}

interface Candidate {
  host: string;
  freeGb: number;
}

export class Scheduler {
  private readonly reports = new Map<string, BackendReport>();

  constructor(
    private readonly db: Db,
    private readonly bus: Bus,
    private readonly volumes: VolumeRpc,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.bus.subscribe(SCHEDULER_TOPIC, async (method, payload) => {
      if (method === "createVolume") return this.createVolume((payload as VolumeMsg).volumeId);
      if (method === "updateBackend") return this.updateBackend(payload as BackendReport);
      throw new Error(`scheduler has no method ${method}`);
    });
  }

  updateBackend(report: BackendReport): void {
    this.reports.set(report.backend, report);
  }

  /** Volumes whose scheduling was cut short by a restart. */
  async reconcile(): Promise<void> {
    const rows = await this.db.kysely
      .selectFrom("volumes")
      .select("id")
      .where("status", "=", "creating")
      .where("host", "is", null)
      .execute();
    for (const r of rows) await this.createVolume(r.id);
  }

  async createVolume(volumeId: string): Promise<void> {
    const v = await getVolume(this.db.kysely, volumeId);
    if (!v || v.status !== "creating" || v.host) return;
    const host = await this.place(v);
    if (!host) {
      this.log.warn({ volumeId, size: v.size, az: v.availability_zone }, "no backend can hold the volume");
      await casVolume(this.db.kysely, volumeId, { status: ["creating"] }, { status: "error" });
      return;
    }
    const won = await this.db.kysely
      .updateTable("volumes")
      .set({ host })
      .where("id", "=", volumeId)
      .where("status", "=", "creating")
      .where("host", "is", null)
      .executeTakeFirst();
    if (Number(won.numUpdatedRows) === 1) this.volumes.createVolume(host, volumeId);
  }

  private async place(v: VolumeRow): Promise<string | undefined> {
    const pinned = await this.sourceHost(v);
    if (pinned !== undefined) return pinned ?? undefined;
    const candidates: Candidate[] = [];
    for (const r of this.reports.values()) {
      if (r.disabled || r.availabilityZone !== v.availability_zone) continue;
      for (const p of r.stats.pools) {
        const reserved = (p.totalCapacityGb * p.reservedPercentage) / 100;
        const free = p.freeCapacityGb - reserved;
        // Thin pools may promise more than they hold, up to the over-subscription ratio
        // (cinder/scheduler/filters/capacity_filter.py).
        const fits = p.thinProvisioningSupport
          ? p.provisionedCapacityGb + v.size <= p.totalCapacityGb * p.maxOverSubscriptionRatio && free > 0
          : free >= v.size;
        if (fits) candidates.push({ host: `${r.backend}#${p.poolName}`, freeGb: free });
      }
    }
    candidates.sort((a, b) => b.freeGb - a.freeGb || a.host.localeCompare(b.host));
    return candidates[0]?.host;
  }

  /** The host of the volume's source, null when the source is gone, undefined when it has none. */
  private async sourceHost(v: VolumeRow): Promise<string | null | undefined> {
    let sourceVolumeId = v.source_volid;
    if (v.snapshot_id) {
      const s = await getSnapshot(this.db.kysely, v.snapshot_id);
      if (!s) return null;
      sourceVolumeId = s.volume_id;
    }
    if (!sourceVolumeId) return undefined;
    const src = await getVolume(this.db.kysely, sourceVolumeId);
    if (!src?.host) return null;
    const backend = backendOf(src.host);
    return this.reports.get(backend)?.disabled === false || this.reports.has(backend) ? src.host : null;
  }
}
