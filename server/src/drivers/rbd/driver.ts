/**
 * The Ceph RBD driver: every volume is an RBD image `volume-<id>` in one pool and every snapshot an
 * RBD snapshot `snapshot-<id>` of its volume's image, after Cinder's RBDDriver
 * (cinder/volume/drivers/rbd.py). Volumes from snapshots and clones of volumes are copy-on-write
 * clones, flattened at the maximum clone depth (./clone.ts). Hosts reach the data directly from the
 * cluster with the connection info (`driver_volume_type: "rbd"`), so no export target is involved,
 * and every host of a cluster can serve the backend (active-active).
 *
 * It talks to Ceph through the `rbd`, `ceph` and `qemu-img` command lines, through the executor
 * (./rbd.ts says why: there is no maintained librbd binding for Node).
 *
 * Idempotency: creates find an existing image of the right name and keep it (grown when needed);
 * deletes of missing images and snapshots succeed; a clone re-run after a crash finds its image.
 */
import { promises as fsp } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Executor } from "../../exec/executor";
import { silentLog, type Log } from "../../log";
import type { ConnectionInfo } from "../../contract/connector";
import type { BackendStats, DataSource, ManageableDriver, ManageableVolume, ManageRef, SnapshotRef, VolumeDriver, VolumeRef } from "../interface";
import { ensurePrivateDir } from "../../lib/private-file";
import { SnapshotBusyError } from "../errors";
import { CLONE_SNAP_SUFFIX, cloneFromSnap, removeImage } from "./clone";
import { EBUSY, EEXIST, exitCode, GIB, Rbd, type CephClient } from "./rbd";
import { RbdManage } from "./manage";

export interface RbdDriverOptions {
  backendName: string;
  executor: Executor;
  /** Cinder's `rbd_pool`; default "rbd". */
  pool: string;
  client: Omit<CephClient, "timeoutMs">;
  /** Cinder's `rbd_flatten_volume_from_snapshot`; default false. */
  flattenVolumeFromSnapshot: boolean;
  /** Cinder's `rbd_max_clone_depth`; default 5, 0 = every clone is flattened. */
  maxCloneDepth: number;
  /** Cinder's `rbd_store_chunk_size` in MiB (the object size of new images); default 4. */
  storeChunkSize: number;
  /** Cinder's `report_discard_supported`. */
  reportDiscardSupported: boolean;
  /** Cinder's `rbd_secret_uuid`: the libvirt secret holding the user's key on the hosts. */
  secretUuid?: string;
  /** Where exports for backups and restores are staged. */
  tmpDir: string;
  reservedPercentage?: number;
  maxOverSubscriptionRatio?: number;
  capabilities?: Record<string, string | number | boolean>;
  /** Bound on one rbd command (a flatten or an export of a big image); default 6 hours. */
  copyTimeoutMs?: number;
  log?: Log;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_COPY_TIMEOUT_MS = 6 * 60 * 60 * 1000;

export const volumeName = (id: string): string => `volume-${id}`;
export const snapName = (id: string): string => `snapshot-${id}`;

function assertId(id: string, what: string): void {
  if (!UUID_RE.test(id)) throw new Error(`invalid ${what} id '${id}'`);
}

const floor2 = (n: number): number => Math.floor(n * 100) / 100;

export class RbdDriver implements VolumeDriver, ManageableDriver {
  readonly name = "rbd";
  /** Cinder's RBDDriver has SUPPORTS_ACTIVE_ACTIVE: the pool is reachable from every host. */
  readonly supportsActiveActive = true;
  readonly rbd: Rbd;
  private readonly log: Log;
  private readonly manage: RbdManage;

  constructor(private readonly opts: RbdDriverOptions) {
    this.log = opts.log ?? silentLog;
    this.rbd = new Rbd(opts.executor, { ...opts.client, timeoutMs: opts.copyTimeoutMs ?? DEFAULT_COPY_TIMEOUT_MS }, opts.pool);
    this.manage = new RbdManage(this.rbd, this.log);
  }

  /** The pool must be reachable with the configured user (Cinder's check_for_setup_error). */
  async setup(): Promise<void> {
    await ensurePrivateDir(this.opts.tmpDir, this.log);
    for (const name of await fsp.readdir(this.opts.tmpDir)) await fsp.rm(path.join(this.opts.tmpDir, name), { force: true });
    try {
      await this.rbd.list();
    } catch (err) {
      throw new Error(`rbd backend ${this.opts.backendName}: pool ${this.opts.pool} is not reachable as client.${this.opts.client.user}: ${(err as Error).message}`);
    }
  }

  /** Not a local path: the `rbd:` name qemu uses, for logs and the admin's orphan list. */
  localPath(volume: VolumeRef): string {
    return `rbd:${this.rbd.spec(volumeName(volume.id))}`;
  }

  async createVolume(volume: VolumeRef): Promise<void> {
    assertId(volume.id, "volume");
    const image = volumeName(volume.id);
    try {
      await this.rbd.create(image, volume.size * GIB, this.opts.storeChunkSize);
    } catch (err) {
      if (exitCode(err) !== EEXIST) throw err;
      const info = await this.rbd.info(image);
      if (info && info.sizeBytes !== volume.size * GIB) throw new Error(`${image} already exists with ${info.sizeBytes} bytes, expected ${volume.size * GIB}`);
    }
    this.log.info({ volumeId: volume.id, size: volume.size }, "created rbd image");
  }

  async createVolumeFromSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void> {
    assertId(volume.id, "volume");
    assertId(snapshot.id, "snapshot");
    const image = volumeName(volume.id);
    if (!(await this.rbd.info(image))) {
      await cloneFromSnap(this.rbd, volumeName(snapshot.volumeId), snapName(snapshot.id), image, {
        maxCloneDepth: this.opts.maxCloneDepth,
        flatten: this.opts.flattenVolumeFromSnapshot,
        temporarySnap: false,
        log: this.log,
      });
    }
    await this.rbd.growTo(image, volume.size * GIB);
    this.log.info({ volumeId: volume.id, snapshotId: snapshot.id }, "created rbd clone of snapshot");
  }

  async createClonedVolume(volume: VolumeRef, source: VolumeRef): Promise<void> {
    assertId(volume.id, "volume");
    assertId(source.id, "source volume");
    const image = volumeName(volume.id);
    if (!(await this.rbd.info(image))) {
      const src = volumeName(source.id);
      const snap = image + CLONE_SNAP_SUFFIX;
      await this.rbd.snapCreate(src, snap);
      try {
        await cloneFromSnap(this.rbd, src, snap, image, { maxCloneDepth: this.opts.maxCloneDepth, flatten: this.opts.maxCloneDepth <= 0, temporarySnap: true, log: this.log });
      } catch (err) {
        if (!(await this.rbd.info(image))) await this.rbd.snapRemove(src, snap).catch((e: unknown) => this.log.warn({ err: e }, "removing the clone snapshot failed"));
        throw err;
      }
    }
    await this.rbd.growTo(image, volume.size * GIB);
    this.log.info({ volumeId: volume.id, sourceId: source.id }, "created rbd clone of volume");
  }

  async deleteVolume(volume: VolumeRef): Promise<void> {
    assertId(volume.id, "volume");
    await removeImage(this.rbd, volumeName(volume.id), this.log);
  }

  async extendVolume(volume: VolumeRef, newSize: number): Promise<void> {
    assertId(volume.id, "volume");
    await this.rbd.growTo(volumeName(volume.id), newSize * GIB);
    this.log.info({ volumeId: volume.id, newSize }, "extended rbd image");
  }

  async createSnapshot(snapshot: SnapshotRef, volume: VolumeRef): Promise<void> {
    assertId(snapshot.id, "snapshot");
    assertId(volume.id, "volume");
    await this.rbd.snapCreate(volumeName(volume.id), snapName(snapshot.id));
    this.log.info({ snapshotId: snapshot.id, volumeId: volume.id }, "created rbd snapshot");
  }

  /** @throws while volumes cloned from the snapshot depend on it (Cinder's SnapshotIsBusy). */
  async deleteSnapshot(snapshot: SnapshotRef): Promise<void> {
    assertId(snapshot.id, "snapshot");
    try {
      await this.rbd.snapRemove(volumeName(snapshot.volumeId), snapName(snapshot.id));
    } catch (err) {
      if (exitCode(err) === EBUSY) throw new SnapshotBusyError(snapshot.id, "volumes cloned from it depend on it (not flattened)");
      throw err;
    }
    this.log.info({ snapshotId: snapshot.id }, "deleted rbd snapshot");
  }

  /** `rbd snap rollback`, then the image grown back to the volume's size when the snapshot was smaller (Cinder's revert_to_snapshot). */
  async revertToSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void> {
    assertId(volume.id, "volume");
    assertId(snapshot.id, "snapshot");
    const image = volumeName(volume.id);
    await this.rbd.snapRollback(image, snapName(snapshot.id));
    await this.rbd.growTo(image, volume.size * GIB);
    this.log.info({ volumeId: volume.id, snapshotId: snapshot.id }, "reverted rbd image to snapshot");
  }

  /**
   * The data staged in a private local file: a read gets an `rbd export` of the image or snapshot
   * (unlinked once open), a write a sparse file of the volume's size whose data is written into
   * the image when the handle is closed.
   */
  async openData(source: DataSource, mode: "read" | "write"): Promise<FileHandle> {
    const file = path.join(this.opts.tmpDir, `data-${randomBytes(8).toString("hex")}`);
    if ("snapshot" in source) {
      if (mode === "write") throw new Error(`snapshot ${source.snapshot.id} cannot be written`);
      await this.rbd.exportTo(volumeName(source.snapshot.volumeId), snapName(source.snapshot.id), file);
      return this.openUnlinked(file);
    }
    const image = volumeName(source.volume.id);
    if (mode === "read") {
      await this.rbd.exportTo(image, undefined, file);
      return this.openUnlinked(file);
    }
    const info = await this.rbd.info(image);
    if (!info) throw new Error(`image ${this.rbd.spec(image)} not found`);
    const h = await fsp.open(file, "w+", 0o600);
    await h.truncate(info.sizeBytes);
    const close = h.close.bind(h);
    h.close = async () => {
      try {
        await close();
        await this.rbd.writeFrom(file, image);
      } finally {
        await fsp.rm(file, { force: true });
      }
    };
    return h;
  }

  private async openUnlinked(file: string): Promise<FileHandle> {
    try {
      return await fsp.open(file, "r");
    } finally {
      await fsp.rm(file, { force: true });
    }
  }

  /**
   * Cinder's RBD connection info (`_get_connection_info` / initialize_connection): the monitors
   * from `ceph mon dump`, the user, the libvirt secret, the keyring's content when one is set.
   */
  async initializeConnection(volume: VolumeRef, volumeId: string): Promise<ConnectionInfo> {
    const mons = await this.rbd.monAddrs();
    const data: Record<string, unknown> = {
      name: this.rbd.spec(volumeName(volume.id)),
      hosts: mons.map((m) => m.host),
      ports: mons.map((m) => m.port),
      cluster_name: this.opts.client.clusterName,
      auth_enabled: true,
      auth_username: this.opts.client.user,
      secret_type: "ceph",
      secret_uuid: this.opts.secretUuid ?? null,
      volume_id: volumeId,
      discard: this.opts.reportDiscardSupported,
    };
    if (this.opts.client.keyring) data.keyring = await fsp.readFile(this.opts.client.keyring, "utf8");
    return { driver_volume_type: "rbd", data };
  }

  /**
   * Cinder's `_get_pool_stats`: free is the pool's `max_avail`, total its used bytes plus that;
   * provisioned is the images' sizes (`rbd du`). Without a mgr `ceph df` lists no pool: the
   * capacity is then reported as 0 and the scheduler keeps new volumes away.
   */
  async getStats(): Promise<BackendStats> {
    const [df, provisioned] = await Promise.all([this.rbd.df(), this.rbd.provisionedBytes()]);
    if (!df) this.log.warn({ pool: this.opts.pool }, "ceph df does not list the pool (is a mgr running?)");
    return {
      volumeBackendName: this.opts.backendName,
      vendorName: "Open Source",
      driverVersion: "1.2.0",
      storageProtocol: "ceph",
      pools: [
        {
          poolName: this.opts.backendName,
          totalCapacityGb: df ? floor2((df.bytesUsed + df.maxAvail) / GIB) : 0,
          freeCapacityGb: df ? floor2(df.maxAvail / GIB) : 0,
          provisionedCapacityGb: Math.ceil(provisioned / GIB),
          thinProvisioningSupport: true,
          thickProvisioningSupport: false,
          reservedPercentage: this.opts.reservedPercentage ?? 0,
          maxOverSubscriptionRatio: this.opts.maxOverSubscriptionRatio ?? 20,
          capabilities: { multiattach: false, ...this.opts.capabilities },
        },
      ],
    };
  }

  listResources(): Promise<{ volumes: string[]; snapshots: string[] }> {
    return this.manage.listResources();
  }

  /** Nothing: a clone is one rbd call, so an image under a volume's name is always whole. */
  async listIncomplete(): Promise<string[]> {
    return [];
  }

  manageExisting(volume: VolumeRef, ref: ManageRef): Promise<void> {
    assertId(volume.id, "volume");
    return this.manage.manageExisting(volumeName(volume.id), volume.size * GIB, ref);
  }

  manageExistingGetSize(ref: ManageRef): Promise<number> {
    return this.manage.manageExistingGetSize(ref);
  }

  unmanage(volume: VolumeRef): Promise<void> {
    assertId(volume.id, "volume");
    return this.manage.unmanage(volumeName(volume.id));
  }

  getManageableVolumes(knownIds: ReadonlySet<string>): Promise<ManageableVolume[]> {
    return this.manage.getManageableVolumes(knownIds);
  }
}
