/**
 * The contract every volume driver implements (cf. cinder/interface/volume_driver.py).
 *
 * A driver owns the bytes of volumes and snapshots on one backend. It is called by the volume
 * manager of its backend only, one operation per resource at a time (the manager holds a
 * per-resource lock), and every method must be idempotent: after a crash the manager calls the
 * same method again for the same resource, so "already exists" and "already gone" are successes.
 *
 * Sizes are in GiB, as in the API.
 */

import type { FileHandle } from "node:fs/promises";
import type { ConnectionInfo } from "../contract/connector";

export interface VolumeRef {
  id: string;
  size: number;
}

export interface SnapshotRef {
  id: string;
  volumeId: string;
  /** The size of the volume when the snapshot was taken. */
  volumeSize: number;
}

/** A backend's capacity as the scheduler sees it (cf. Cinder's get_volume_stats / pool report). */
export interface PoolStats {
  poolName: string;
  totalCapacityGb: number;
  freeCapacityGb: number;
  /** What the backend has promised: the sum of its volumes' sizes. */
  provisionedCapacityGb: number;
  thinProvisioningSupport: boolean;
  thickProvisioningSupport: boolean;
  reservedPercentage: number;
  maxOverSubscriptionRatio: number;
  /** Extra capabilities matched against volume type extra specs. */
  capabilities: Record<string, string | number | boolean>;
}

export interface BackendStats {
  volumeBackendName: string;
  vendorName: string;
  driverVersion: string;
  storageProtocol: string;
  pools: PoolStats[];
}

/** A driver's reference to a storage object it may adopt (Cinder's `{"source-name": ...}`). */
export interface ManageRef {
  sourceName: string;
}

/** One storage object a driver could adopt (cf. cinder/volume/driver.py get_manageable_volumes). */
export interface ManageableVolume {
  sourceName: string;
  /** GiB, rounded up. */
  sizeGb: number;
  safe: boolean;
  reasonNotSafe: string | null;
  /** The volume already holding the object, when `reasonNotSafe` is "already managed". */
  cinderId: string | null;
  extraInfo: Record<string, unknown> | null;
}

/** The data a backup reads or a restore writes: a volume's, or a snapshot's (read only). */
export type DataSource = { volume: VolumeRef } | { snapshot: SnapshotRef };

export interface VolumeDriver {
  /** The driver's registry name (`file`, `lvm`). */
  readonly name: string;

  /**
   * Cinder's SUPPORTS_ACTIVE_ACTIVE: several hosts may serve the backend at once (a cluster), its
   * storage being shared (the file driver's directory on a shared file system). LVM may not.
   */
  readonly supportsActiveActive?: boolean;

  /** Prepare the backend (create folders, check tools). Called once before any other method. */
  setup(): Promise<void>;

  /** Create an empty volume of `volume.size` GiB. */
  createVolume(volume: VolumeRef): Promise<void>;

  /**
   * Create `volume` holding exactly the data of `snapshot`, grown to `volume.size` when larger.
   * @throws when the snapshot's data does not exist on this backend.
   */
  createVolumeFromSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void>;

  /** Create `volume` as a copy of `source` (its data now), grown to `volume.size` when larger. */
  createClonedVolume(volume: VolumeRef, source: VolumeRef): Promise<void>;

  /**
   * Stop managing the volume, keeping its storage object where `manageExisting` can adopt it
   * again (cf. Cinder's `unmanage`). Optional: a driver with nothing to forget has none, and its
   * object stays under the volume's name. Idempotent.
   */
  unmanage?(volume: VolumeRef): Promise<void>;

  /** Delete the volume's data. Deleting a volume that does not exist succeeds. */
  deleteVolume(volume: VolumeRef): Promise<void>;

  /** Grow the volume to `newSize` GiB, keeping its data. */
  extendVolume(volume: VolumeRef, newSize: number): Promise<void>;

  /** Take a point-in-time copy of `volume` as `snapshot`. */
  createSnapshot(snapshot: SnapshotRef, volume: VolumeRef): Promise<void>;

  /** Delete the snapshot's data. Deleting a snapshot that does not exist succeeds. */
  deleteSnapshot(snapshot: SnapshotRef): Promise<void>;

  /** Put the snapshot's data back into the volume (revert, 3.40). Sizes are equal. */
  revertToSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void>;

  /**
   * Where the volume's bytes are on this host (a file or a block device), for an export target to
   * serve (cf. Cinder's `local_path`). Pure: it does not check that the volume exists.
   */
  localPath(volume: VolumeRef): string;

  /**
   * Opens the bytes of a volume (to read for a backup, or to write for a restore) or of a
   * snapshot (to read), on this host (cf. Cinder's get_backup_device and the brick connector
   * the backup manager attaches it with). The caller closes the handle.
   * @throws when the data does not exist on this backend.
   */
  openData(source: DataSource, mode: "read" | "write"): Promise<FileHandle>;

  /** Capacity and capabilities, for the scheduler and get_pools. */
  getStats(): Promise<BackendStats>;

  /**
   * Ids of every volume and snapshot the backend holds as its own (none when the backend's folder
   * or group is missing), so that a restarting manager can find what the database does not know.
   * That data is never deleted on start: the database may be an old backup, empty, or the wrong
   * one. It is reported, listed as manageable, and removed only by an admin (`admin orphans purge`).
   */
  listResources(): Promise<{ volumes: string[]; snapshots: string[] }>;

  /**
   * Ids of the volumes whose data the driver marked, when it began, as its own unfinished work (a
   * copy still under way). Of all backend data without a row, only these are deleted on start:
   * they hold no complete volume. Work the driver keeps outside the volumes' names (temporary
   * files) is its own to clean in `setup()`.
   */
  listIncomplete(): Promise<string[]>;
}

/**
 * What a driver implements to manage existing objects (cf. cinder/interface/volume_manageable_driver.py
 * ManageableVD): optional, as in Cinder; `canManage` tells whether a driver has it.
 */
export interface ManageableDriver {
  /**
   * Adopt the storage object `ref` names as `volume`'s (cf. Cinder's manage_existing): rename it
   * to the volume's name and claim it, then make it `volume.size` GiB when smaller. Idempotent: an
   * object already adopted by this volume (the source gone, the volume there) is a success.
   * @throws InvalidReferenceError when `ref` names nothing adoptable.
   */
  manageExisting(volume: VolumeRef, ref: ManageRef): Promise<void>;

  /**
   * The size of the object `ref` names, in GiB rounded up (Cinder's `manage_existing_get_size`).
   * @throws InvalidReferenceError when `ref` names nothing.
   */
  manageExistingGetSize(ref: ManageRef): Promise<number>;

  /**
   * The objects of the backend that could be adopted, unsorted; those named after a volume in
   * `knownIds` are listed as not safe ("already managed"). When `knownSnapshotIds` is given, the
   * driver's own snapshot data that can stand as a volume and whose id is not in it (no row: an
   * orphan) is listed too, as safe; without it no snapshot data is listed.
   */
  getManageableVolumes(knownIds: ReadonlySet<string>, knownSnapshotIds?: ReadonlySet<string>): Promise<ManageableVolume[]>;
}

export function canManage(d: VolumeDriver): d is VolumeDriver & ManageableDriver {
  const m = d as Partial<ManageableDriver>;
  return typeof m.manageExisting === "function" && typeof m.manageExistingGetSize === "function" && typeof m.getManageableVolumes === "function";
}

/** One snapshot object a driver could adopt (cf. cinder/volume/driver.py get_manageable_snapshots). */
export interface ManageableSnapshot extends ManageableVolume {
  /** The driver's reference to the volume the object is a snapshot of (Cinder's `source_reference`). */
  sourceReference: Record<string, unknown>;
}

/**
 * What a driver implements to manage existing snapshots (cf. cinder/interface/volume_snapshotmanagement_driver.py
 * VolumeSnapshotManagementDriver): optional, as in Cinder; `canManageSnapshots` tells whether a
 * driver has it. A driver without it leaves a snapshot it is asked to manage in `error`, lists no
 * manageable snapshots, and unmanages by doing nothing (Cinder's default `unmanage_snapshot`).
 */
export interface ManageableSnapshotDriver {
  /**
   * Adopt the object `ref` names as `snapshot`'s, after checking it is a snapshot of
   * `snapshot.volumeId` (cf. Cinder's manage_existing_snapshot), made `snapshot.volumeSize` GiB
   * when smaller. Idempotent: an object already adopted by this snapshot is a success.
   * @throws InvalidReferenceError when `ref` names nothing adoptable for that volume.
   */
  manageExistingSnapshot(snapshot: SnapshotRef, ref: ManageRef): Promise<void>;

  /**
   * The size of the object `ref` names, in GiB rounded up (manage_existing_snapshot_get_size).
   * @throws InvalidReferenceError when `ref` names no snapshot of `snapshot.volumeId`.
   */
  manageExistingSnapshotGetSize(snapshot: SnapshotRef, ref: ManageRef): Promise<number>;

  /** Stop managing the snapshot, keeping its data where nothing takes it for the driver's own. Idempotent. */
  unmanageSnapshot(snapshot: SnapshotRef): Promise<void>;

  /**
   * The snapshot objects of the backend that could be adopted, unsorted; the driver's own
   * snapshots whose id is a key of `known` (its value the snapshot's volume id) are listed as not
   * safe ("already managed").
   */
  getManageableSnapshots(known: ReadonlyMap<string, string>): Promise<ManageableSnapshot[]>;
}

export function canManageSnapshots(d: VolumeDriver): d is VolumeDriver & ManageableSnapshotDriver {
  const m = d as Partial<ManageableSnapshotDriver>;
  return (
    typeof m.manageExistingSnapshot === "function" &&
    typeof m.manageExistingSnapshotGetSize === "function" &&
    typeof m.unmanageSnapshot === "function" &&
    typeof m.getManageableSnapshots === "function"
  );
}

/**
 * A driver whose volumes hosts reach straight from the storage (Ceph RBD: the connection info
 * names the image and the monitors), so no export target is composed with it (cf. Cinder's
 * RBDDriver, which has no target). The manager asks the driver for the connection info instead of
 * exporting through a target, and a backend of such a driver builds no target helper.
 */
export interface ConnectingDriver {
  /** The connection info for `volume` (its storage name in `volume.id`); `volumeId` is the volume's API id. */
  initializeConnection(volume: VolumeRef, volumeId: string): Promise<ConnectionInfo>;
}

export function connectsItself(d: VolumeDriver): d is VolumeDriver & ConnectingDriver {
  return typeof (d as Partial<ConnectingDriver>).initializeConnection === "function";
}
