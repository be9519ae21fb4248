/**
 * The LVM driver (cf. cinder/volume/drivers/lvm.py): every volume is a logical volume
 * `volume-<id>` of one volume group, every snapshot an LVM snapshot `_snapshot-<id>` (LVM refuses
 * names starting with "snapshot"), so an operator finds them under the names Cinder uses.
 *
 * `lvmType` chooses how volumes are provisioned:
 *   - `default` (thick): plain LVs; snapshots are COW snapshots as large as the origin; copies
 *     (clone, create from snapshot) are `dd` of the whole volume; deleted volumes and snapshots
 *     are cleared first when `volumeClear` is `zero` (their extents would otherwise hand the data
 *     to the next volume).
 *   - `thin`: thin LVs in the pool `<vg>-pool` (created on 95 % of the free space when missing);
 *     snapshots, clones and volumes from snapshots are thin snapshots (instant, independent);
 *     nothing is cleared, since unprovisioned thin blocks read as zeros.
 *   - `auto`: thin when the pool exists or the VG holds no LV yet, thick otherwise (Cinder's rule).
 * What a given operation does follows the LV it works on (a thick LV stays thick in a thin
 * backend), so a backend whose type changed keeps serving its older volumes.
 *
 * Ownership. Every LV the driver makes carries the tag `cinderblock`; only those count as its
 * volumes and snapshots when a restarting manager looks for data the database does not know, so
 * a VG shared with anything else (a Cinder being migrated from, an operator's own LVs) is never
 * even reported. Such orphans of its own are kept (the database may be the wrong one) and offered
 * for manage; only unfinished copies (below) are removed.
 *
 * Idempotency after a crash. Thin operations are single LVM commands (done or not done). Thick
 * copies are not: the target LV is created with the tag `cinderblock-incomplete`, removed only
 * when the copy has finished, so a re-run finds an incomplete LV and copies again instead of
 * keeping half the data. Temporary clone snapshots (`clone-snap-<id>`) left by a crash are
 * removed by `setup()`.
 */
import { promises as fsp } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { Executor } from "../../exec/executor";
import type {
  BackendStats,
  DataSource,
  ManageableDriver,
  ManageableSnapshot,
  ManageableSnapshotDriver,
  ManageableVolume,
  ManageRef,
  SnapshotRef,
  VolumeDriver,
  VolumeRef,
} from "../interface";
import { LvmSnapshotManage } from "./snapshot-manage";
import { InvalidReferenceError } from "../manage";
import { INCOMPLETE_TAG, lvNameProblem, manageableLvs } from "./manage";
import { silentLog, type Log } from "../../log";
import { GIB, Lvm, isBusy, isValidName, mapperPath, REMOVE_CONFIG_RETRY, type LvInfo } from "./lvm";

export type LvmType = "default" | "thin" | "auto";

export interface LvmDriverOptions {
  backendName: string;
  executor: Executor;
  /** Cinder's `volume_group`; default `cinder-volumes`. */
  volumeGroup?: string;
  /** Cinder's `lvm_type`; default `auto`. */
  lvmType?: LvmType;
  /** The thin pool's LV name; default `<vg>-pool`. */
  thinPoolName?: string;
  /** Cinder's `volume_clear`: `zero` (default) or `none`. */
  volumeClear?: "zero" | "none";
  /** Cinder's `volume_clear_size`: MiB cleared at the start of the LV; 0 (default) = all of it. */
  volumeClearSize?: number;
  /** Cinder's `volume_clear_ionice`, e.g. `-c3`: the clear runs under `ionice` with these arguments. */
  volumeClearIonice?: string;
  /** Cinder's `max_over_subscription_ratio`; default 20. */
  maxOverSubscriptionRatio?: number;
  /** Cinder's `reserved_percentage`; default 0. */
  reservedPercentage?: number;
  capabilities?: Record<string, string | number | boolean>;
  /** Folder of an lvm.conf (LVM_SYSTEM_DIR), Cinder's `lvm_conf_file`. */
  lvmConfDir?: string;
  /** A copy or clear of one volume (dd); default 6 h. */
  copyTimeoutMs?: number;
  log?: Log;
}

const OWNER_TAG = "cinderblock";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const VOLUME_RE = new RegExp(`^volume-(${UUID})$`);
const SNAPSHOT_RE = new RegExp(`^_snapshot-(${UUID})$`);
const CLONE_SNAP_RE = new RegExp(`^clone-snap-(${UUID})$`);
const MIB = 1024 ** 2;


export const volumeLv = (id: string): string => `volume-${id}`;
export const snapshotLv = (id: string): string => `_snapshot-${id}`;
const cloneSnapLv = (id: string): string => `clone-snap-${id}`;

const isThin = (lv: LvInfo): boolean => lv.attr[0] === "V";
const hasSnapshots = (lv: LvInfo): boolean => lv.attr[0] === "o" || lv.attr[0] === "O";
const isThickSnapshot = (lv: LvInfo): boolean => lv.attr[0] === "s" || lv.attr[0] === "S";

function floor2(gb: number): number {
  return Math.floor(gb * 100) / 100;
}

/** An operation the volume cannot take now (Cinder's VolumeIsBusy). */
export class VolumeBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VolumeBusyError";
  }
}

export class LvmDriver implements VolumeDriver, ManageableDriver, ManageableSnapshotDriver {
  readonly name = "lvm";
  private readonly lvm: Lvm;
  private readonly vg: string;
  private readonly pool: string;
  private readonly log: Log;
  private thin = false;
  /** Managing existing snapshots (./snapshot-manage.ts). */
  private readonly snapshots: LvmSnapshotManage;

  constructor(private readonly opts: LvmDriverOptions) {
    this.vg = opts.volumeGroup ?? "cinder-volumes";
    this.pool = opts.thinPoolName ?? `${this.vg}-pool`;
    for (const [what, name] of [
      ["volume group", this.vg],
      ["thin pool", this.pool],
    ]) {
      if (!isValidName(name)) throw new Error(`LVM ${what} name '${name}' is not a valid LVM name`);
    }
    const clear = opts.volumeClearSize ?? 0;
    if (!Number.isInteger(clear) || clear < 0 || clear > 1024) {
      throw new Error("Driver option 'volumeClearSize' must be a whole number of MiB from 0 (all) to 1024");
    }
    this.lvm = new Lvm({ executor: opts.executor, systemDir: opts.lvmConfDir });
    this.log = opts.log ?? silentLog;
    this.snapshots = new LvmSnapshotManage(this.lvm, this.vg, OWNER_TAG, this.log);
  }

  /** Whether new volumes are thin (known after setup). */
  get thinProvisioned(): boolean {
    return this.thin;
  }

  async setup(): Promise<void> {
    const vg = await this.lvm.vg(this.vg);
    if (!vg) throw new Error(`LVM volume group '${this.vg}' does not exist (create it with vgcreate, or set volumeGroup)`);
    const type = this.opts.lvmType ?? "auto";
    const lvs = await this.lvm.lvs(this.vg);
    const pool = lvs.find((lv) => lv.name === this.pool);
    this.thin = type === "thin" || (type === "auto" && (pool !== undefined || lvs.length === 0));
    if (this.thin && !pool) {
      const extents = Math.floor((vg.freeBytes / vg.extentSizeBytes) * 0.95);
      if (extents < 1) throw new Error(`LVM volume group '${this.vg}' has no free space for the thin pool '${this.pool}'`);
      await this.lvm.createPool(this.vg, this.pool, extents);
      this.log.info({ vg: this.vg, pool: this.pool, extents }, "created the thin pool");
    } else if (pool && pool.attr[0] !== "t") {
      throw new Error(`LVM volume '${this.vg}/${this.pool}' exists but is not a thin pool`);
    }
    for (const lv of lvs) {
      if (CLONE_SNAP_RE.test(lv.name) && lv.tags.includes(OWNER_TAG)) {
        this.log.warn({ lv: lv.name }, "removing a temporary clone snapshot left by an interrupted clone");
        await this.removeLv(lv);
      }
    }
  }

  async createVolume(volume: VolumeRef): Promise<void> {
    const name = volumeLv(volume.id);
    if (await this.lvm.lv(this.vg, name)) {
      this.log.debug({ volumeId: volume.id }, "volume LV already exists");
      return;
    }
    if (this.thin) await this.lvm.createThin(this.vg, this.pool, name, volume.size, [OWNER_TAG]);
    else await this.lvm.createThick(this.vg, name, volume.size, [OWNER_TAG]);
    this.log.info({ volumeId: volume.id, size: volume.size, thin: this.thin }, "created volume LV");
  }

  async createVolumeFromSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void> {
    const snap = await this.lvm.lv(this.vg, snapshotLv(snapshot.id));
    await this.createFromSource(volume, snap, `snapshot ${snapshot.id}`);
  }

  async createClonedVolume(volume: VolumeRef, source: VolumeRef): Promise<void> {
    const src = await this.lvm.lv(this.vg, volumeLv(source.id));
    if (src && !isThin(src)) {
      // A thick clone copies a point-in-time view of the source, not a device that changes under dd.
      const existing = await this.lvm.lv(this.vg, volumeLv(volume.id));
      if (existing && !existing.tags.includes(INCOMPLETE_TAG)) return this.growTo(existing, volume.size);
      const temp = cloneSnapLv(volume.id);
      if (!(await this.lvm.lv(this.vg, temp))) await this.lvm.createSnapshot(this.vg, temp, src.name, src.sizeBytes, [OWNER_TAG]);
      const snap = await this.lvm.lv(this.vg, temp);
      try {
        await this.createFromSource(volume, snap, `volume ${source.id}`);
      } finally {
        if (snap) await this.removeLv(snap);
      }
      return;
    }
    await this.createFromSource(volume, src, `volume ${source.id}`);
  }

  /** A new volume holding `src`'s data: a thin snapshot of a thin source, a copy of a thick one. */
  private async createFromSource(volume: VolumeRef, src: LvInfo | null, label: string): Promise<void> {
    const name = volumeLv(volume.id);
    const existing = await this.lvm.lv(this.vg, name);
    if (existing && !existing.tags.includes(INCOMPLETE_TAG)) return this.growTo(existing, volume.size);
    if (!src) throw new Error(`the data of ${label} is not on LVM volume group '${this.vg}'`);
    if (src.sizeBytes > volume.size * GIB) {
      throw new Error(`${label} holds ${src.sizeBytes} bytes, more than the ${volume.size} GiB volume`);
    }
    if (isThin(src)) {
      await this.lvm.createSnapshot(this.vg, name, src.name, undefined, [OWNER_TAG]);
      await this.lvm.activate(this.vg, name, "clear");
      await this.growTo(await this.mustLv(name), volume.size);
      this.log.info({ volumeId: volume.id, source: label }, "created volume as a thin snapshot");
      return;
    }
    if (!existing) {
      // A thick source in a thin backend (a volume from before the backend became thin) gets a thin copy.
      if (this.thin) await this.lvm.createThin(this.vg, this.pool, name, volume.size, [OWNER_TAG, INCOMPLETE_TAG]);
      else await this.lvm.createThick(this.vg, name, volume.size, [OWNER_TAG, INCOMPLETE_TAG]);
    }
    await this.lvm.activate(this.vg, src.name, "ignore");
    await this.copy(mapperPath(this.vg, src.name), mapperPath(this.vg, name), src.sizeBytes);
    await this.lvm.deleteTag(this.vg, name, INCOMPLETE_TAG);
    this.log.info({ volumeId: volume.id, source: label, bytes: src.sizeBytes }, "created volume as a copy");
  }

  async deleteVolume(volume: VolumeRef): Promise<void> {
    const lv = await this.lvm.lv(this.vg, volumeLv(volume.id));
    if (!lv) return;
    // LVM would drop a thick origin's snapshots with it (lvremove -f); Cinder refuses (VolumeIsBusy).
    if (hasSnapshots(lv)) throw new VolumeBusyError(`volume ${volume.id} still has snapshots on LVM`);
    if (!isThin(lv) && this.opts.volumeClear !== "none") {
      await this.lvm.activate(this.vg, lv.name, "ignore");
      await this.clear(mapperPath(this.vg, lv.name), lv.sizeBytes);
    }
    await this.removeLv(lv);
    this.log.info({ volumeId: volume.id }, "deleted volume LV");
  }

  async extendVolume(volume: VolumeRef, newSize: number): Promise<void> {
    const lv = await this.mustLv(volumeLv(volume.id));
    if (lv.sizeBytes >= newSize * GIB) return;
    if (hasSnapshots(lv)) {
      // "Snapshot origin volumes can be resized only while inactive" (thick origins with snapshots).
      await this.lvm.deactivate(this.vg, lv.name);
      try {
        await this.lvm.extend(this.vg, lv.name, newSize);
      } finally {
        await this.lvm.activate(this.vg, lv.name, "ignore");
      }
    } else {
      await this.lvm.extend(this.vg, lv.name, newSize);
    }
    this.log.info({ volumeId: volume.id, newSize }, "extended volume LV");
  }

  async createSnapshot(snapshot: SnapshotRef, volume: VolumeRef): Promise<void> {
    const name = snapshotLv(snapshot.id);
    if (await this.lvm.lv(this.vg, name)) return;
    const origin = await this.mustLv(volumeLv(volume.id));
    await this.lvm.createSnapshot(this.vg, name, origin.name, isThin(origin) ? undefined : origin.sizeBytes, [OWNER_TAG]);
    this.log.info({ snapshotId: snapshot.id, volumeId: volume.id, thin: isThin(origin) }, "created snapshot LV");
  }

  async deleteSnapshot(snapshot: SnapshotRef): Promise<void> {
    const lv = await this.lvm.lv(this.vg, snapshotLv(snapshot.id));
    if (!lv) return;
    await this.removeLv(lv);
    this.log.info({ snapshotId: snapshot.id }, "deleted snapshot LV");
  }

  /**
   * Thick: merge the snapshot into the volume (`lvconvert --merge`), reactivate so the merge
   * completes, then take the snapshot again (the merge consumed it), as Cinder does. Thin: Cinder
   * raises NotImplementedError and the manager falls back to copying the snapshot over the volume;
   * that copy is what this does, keeping the snapshot.
   */
  async revertToSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void> {
    const vol = await this.mustLv(volumeLv(volume.id));
    const snapName = snapshotLv(snapshot.id);
    const snap = await this.lvm.lv(this.vg, snapName);
    if (isThin(vol)) {
      if (!snap) throw new Error(`the data of snapshot ${snapshot.id} is not on LVM volume group '${this.vg}'`);
      await this.lvm.activate(this.vg, snapName, "ignore");
      await this.copy(mapperPath(this.vg, snapName), mapperPath(this.vg, vol.name), snap.sizeBytes);
    } else {
      // After a crash between the merge and the new snapshot, the snapshot LV is gone but the merge
      // is done (or pending, attr 'O'): finish it and take the snapshot again.
      if (snap) await this.lvm.merge(this.vg, snapName);
      await this.lvm.deactivate(this.vg, vol.name);
      await this.lvm.activate(this.vg, vol.name, "ignore");
      await this.lvm.createSnapshot(this.vg, snapName, vol.name, vol.sizeBytes, [OWNER_TAG]);
    }
    this.log.info({ volumeId: volume.id, snapshotId: snapshot.id }, "reverted volume to snapshot");
  }

  localPath(volume: VolumeRef): string {
    return mapperPath(this.vg, volumeLv(volume.id));
  }

  async openData(source: DataSource, mode: "read" | "write"): Promise<FileHandle> {
    if ("volume" in source) return fsp.open(this.localPath(source.volume), mode === "write" ? "r+" : "r");
    if (mode === "write") throw new Error(`snapshot ${source.snapshot.id} cannot be written`);
    // A thin snapshot is made with activation skipped; it is activated to be read.
    const name = snapshotLv(source.snapshot.id);
    await this.lvm.activate(this.vg, name, "ignore");
    return fsp.open(mapperPath(this.vg, name), "r");
  }

  /**
   * Cinder's figures (brick lvm `update_volume_group_info`, lvm.py `_update_volume_stats`): thin
   * reports the pool (free = size × (1 − data%)), provisioned = the sizes of every other LV;
   * thick reports the VG, provisioned = what is allocated.
   */
  async getStats(): Promise<BackendStats> {
    const [vg, lvs] = await Promise.all([this.lvm.vg(this.vg), this.lvm.lvs(this.vg)]);
    if (!vg) throw new Error(`LVM volume group '${this.vg}' is gone`);
    let total: number;
    let free: number;
    let provisioned: number;
    const pool = lvs.find((lv) => lv.name === this.pool);
    if (this.thin && pool) {
      total = pool.sizeBytes;
      free = pool.sizeBytes * (1 - (pool.dataPercent ?? 0) / 100);
      provisioned = lvs.filter((lv) => lv !== pool).reduce((sum, lv) => sum + lv.sizeBytes, 0);
    } else {
      total = vg.sizeBytes;
      free = vg.freeBytes;
      provisioned = vg.sizeBytes - vg.freeBytes;
    }
    return {
      volumeBackendName: this.opts.backendName,
      vendorName: "Open Source",
      driverVersion: "3.0.0",
      storageProtocol: "iSCSI",
      pools: [
        {
          poolName: this.opts.backendName,
          totalCapacityGb: floor2(total / GIB),
          freeCapacityGb: floor2(free / GIB),
          provisionedCapacityGb: floor2(provisioned / GIB),
          thinProvisioningSupport: this.thin,
          thickProvisioningSupport: !this.thin,
          reservedPercentage: this.opts.reservedPercentage ?? 0,
          maxOverSubscriptionRatio: this.opts.maxOverSubscriptionRatio ?? 20,
          capabilities: {
            total_volumes: lvs.filter((lv) => VOLUME_RE.test(lv.name)).length,
            location_info: `LVMVolumeDriver:${this.opts.backendName}:${this.vg}:${this.thin ? "thin" : "default"}:0`,
            multiattach: true,
            ...this.opts.capabilities,
          },
        },
      ],
    };
  }

  async listResources(): Promise<{ volumes: string[]; snapshots: string[] }> {
    const volumes: string[] = [];
    const snapshots: string[] = [];
    for (const lv of await this.lvm.lvs(this.vg)) {
      if (!lv.tags.includes(OWNER_TAG)) continue;
      const v = VOLUME_RE.exec(lv.name);
      if (v) volumes.push(v[1]);
      const s = SNAPSHOT_RE.exec(lv.name);
      if (s) snapshots.push(s[1]);
    }
    return { volumes: volumes.sort(), snapshots: snapshots.sort() };
  }

  /** Volume ids whose LV is one of the driver's copies that never finished (tagged `cinderblock-incomplete`). */
  async listIncomplete(): Promise<string[]> {
    const ids: string[] = [];
    for (const lv of await this.lvm.lvs(this.vg)) {
      const v = VOLUME_RE.exec(lv.name);
      if (v && lv.tags.includes(OWNER_TAG) && lv.tags.includes(INCOMPLETE_TAG)) ids.push(v[1]);
    }
    return ids.sort();
  }

  /**
   * Manage existing (cinder/volume/drivers/lvm.py manage_existing): `lvrename` the LV to
   * `volume-<id>`, then tag it as ours. A re-run finds the LV renamed and only makes sure of the tag.
   * A thin snapshot (an orphan `_snapshot-<id>` of the driver's own, which the API lets through only
   * without a snapshot row) also loses its activation-skip flag, as volumes made from snapshots do.
   */
  async manageExisting(volume: VolumeRef, ref: ManageRef): Promise<void> {
    const name = volumeLv(volume.id);
    if (ref.sourceName !== name && (await this.sourceLv(ref))) await this.lvm.rename(this.vg, ref.sourceName, name);
    const lv = await this.lvm.lv(this.vg, name);
    if (!lv) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified logical volume does not exist.");
    if (!lv.tags.includes(OWNER_TAG)) await this.lvm.addTag(this.vg, name, OWNER_TAG);
    if (lv.attr[9] === "k") await this.lvm.activate(this.vg, name, "clear");
    await this.growTo(lv, volume.size);
    this.log.info({ volumeId: volume.id, source: ref.sourceName }, "managed existing LV");
  }

  /**
   * Unmanage: the LV keeps its name and data and loses the owner tag, so a restart no longer
   * counts it as the driver's (it is not an orphan to purge) and manage may adopt it again
   * (Cinder's LVM driver does nothing here: it has no tag to drop).
   */
  async unmanage(volume: VolumeRef): Promise<void> {
    const name = volumeLv(volume.id);
    const lv = await this.lvm.lv(this.vg, name);
    if (lv?.tags.includes(OWNER_TAG)) await this.lvm.deleteTag(this.vg, name, OWNER_TAG);
    this.log.info({ volumeId: volume.id, lv: name }, "unmanaged LV");
  }

  async manageExistingGetSize(ref: ManageRef): Promise<number> {
    const lv = await this.sourceLv(ref);
    if (!lv) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified logical volume does not exist.");
    return Math.ceil(lv.sizeBytes / GIB);
  }

  async getManageableVolumes(knownIds: ReadonlySet<string>, knownSnapshotIds?: ReadonlySet<string>): Promise<ManageableVolume[]> {
    return manageableLvs(await this.lvm.lvs(this.vg), OWNER_TAG, knownIds, knownSnapshotIds).filter((m) => m.sourceName !== this.pool);
  }

  manageExistingSnapshot(snapshot: SnapshotRef, ref: ManageRef): Promise<void> {
    return this.snapshots.manageExistingSnapshot(snapshot, ref);
  }

  manageExistingSnapshotGetSize(snapshot: SnapshotRef, ref: ManageRef): Promise<number> {
    return this.snapshots.manageExistingSnapshotGetSize(snapshot, ref);
  }

  unmanageSnapshot(snapshot: SnapshotRef): Promise<void> {
    return this.snapshots.unmanageSnapshot(snapshot);
  }

  getManageableSnapshots(known: ReadonlyMap<string, string>): Promise<ManageableSnapshot[]> {
    return this.snapshots.getManageableSnapshots(known);
  }

  /**
   * The LV a reference names, or null when there is none. A name LVM would not accept, the thin
   * pool, a thick snapshot (its data is only a difference to its origin) and an unfinished copy of
   * the driver's are refused with the reason.
   */
  private async sourceLv(ref: ManageRef): Promise<LvInfo | null> {
    const problem = lvNameProblem(ref.sourceName);
    if (problem) throw new InvalidReferenceError(`'${ref.sourceName}'`, problem);
    if (ref.sourceName === this.pool) throw new InvalidReferenceError(`'${ref.sourceName}'`, "It is the backend's thin pool, which holds the volumes.");
    const lv = await this.lvm.lv(this.vg, ref.sourceName);
    if (!lv) return null;
    if (isThickSnapshot(lv)) throw new InvalidReferenceError(`'${ref.sourceName}'`, "It is a thick snapshot, not a volume.");
    if (lv.attr[0] === "t") throw new InvalidReferenceError(`'${ref.sourceName}'`, "It is a thin pool, not a volume.");
    if (lv.tags.includes(OWNER_TAG) && lv.tags.includes(INCOMPLETE_TAG)) {
      throw new InvalidReferenceError(`'${ref.sourceName}'`, "It is an unfinished copy; its data is incomplete.");
    }
    return lv;
  }

  private async mustLv(name: string): Promise<LvInfo> {
    const lv = await this.lvm.lv(this.vg, name);
    if (!lv) throw new Error(`LVM volume '${this.vg}/${name}' does not exist`);
    return lv;
  }

  private async growTo(lv: LvInfo, sizeGib: number): Promise<void> {
    if (lv.sizeBytes < sizeGib * GIB) await this.lvm.extend(this.vg, lv.name, sizeGib);
  }

  /**
   * Remove an LV: clear a thick snapshot's COW area first (it holds the origin's old blocks), then
   * `lvremove` with Cinder's retries: a device just closed can still be held for a moment, and
   * the second form skips suspended devices (LP#1270192).
   */
  private async removeLv(lv: LvInfo): Promise<void> {
    if (isThickSnapshot(lv)) await this.clear(`${mapperPath(this.vg, lv.name)}-cow`, lv.sizeBytes);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.lvm.remove(this.vg, lv.name, attempt === 1 ? undefined : REMOVE_CONFIG_RETRY);
        return;
      } catch (err) {
        if (!(await this.lvm.lv(this.vg, lv.name))) return;
        if (attempt === 3) {
          if (isBusy(err)) throw new VolumeBusyError(`LVM volume '${this.vg}/${lv.name}' is in use and cannot be removed`);
          throw err;
        }
        this.log.warn({ lv: lv.name, attempt, err: (err as Error).message }, "lvremove failed; retrying");
        await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  /** Cinder's `volume_clear`: overwrite with zeros (the first `volumeClearSize` MiB, or all). */
  private async clear(device: string, sizeBytes: number): Promise<void> {
    if ((this.opts.volumeClear ?? "zero") === "none") return;
    const limit = (this.opts.volumeClearSize ?? 0) * MIB;
    const count = limit > 0 ? Math.min(limit, sizeBytes) : sizeBytes;
    const dd = ["if=/dev/zero", `of=${device}`, `count=${count}`, "bs=1M", "iflag=count_bytes", "oflag=direct"];
    const ionice = this.opts.volumeClearIonice?.split(/\s+/).filter(Boolean);
    const timeoutMs = this.opts.copyTimeoutMs ?? 6 * 3600_000;
    if (ionice?.length) await this.lvm.run("ionice", [...ionice, "dd", ...dd], { timeoutMs });
    else await this.lvm.run("dd", dd, { timeoutMs });
    this.log.info({ device, bytes: count }, "cleared");
  }

  /** Copy `bytes` from one device to another with direct I/O (cf. volume_utils.copy_volume). */
  private async copy(src: string, dst: string, bytes: number): Promise<void> {
    await this.lvm.run("dd", [`if=${src}`, `of=${dst}`, `count=${bytes}`, "bs=1M", "iflag=count_bytes,direct", "oflag=direct"], {
      timeoutMs: this.opts.copyTimeoutMs ?? 6 * 3600_000,
    });
  }
}
