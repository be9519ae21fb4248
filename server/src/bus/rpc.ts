/**
 * Typed messages on the bus, one small method each (cf. cinder/scheduler/rpcapi.py and
 * cinder/volume/rpcapi.py). Payloads carry ids only.
 *
 * Version history: 1.0 — createVolume; deleteVolume, extendVolume, createSnapshot, deleteSnapshot,
 * revertToSnapshot.
 * 1.1 — calls initializeConnection, terminateConnection, attachVolume, detachVolume (the legacy
 * attach flow; cinder/volume/rpcapi.py 3.x attach_volume, detach_volume, initialize_connection,
 * terminate_connection).
 * 1.2 — manageExisting (cast), getManageableVolumes (call) (cinder/volume/rpcapi.py
 * manage_existing, get_manageable_volumes).
 * 1.3 — scheduler extendVolume (cast): an accepted extend goes through the scheduler's filters on
 * the volume's own backend before the volume manager grows it (cinder/scheduler/rpcapi.py
 * extend_volume, since Pike).
 */
import type { Bus } from "./bus";
import type { AttachmentRow } from "../db/schema";
import type { ConnectionInfo, Connector } from "../targets/interface";
import type { ManageableVolume } from "../drivers/interface";
import type { PoolState } from "../scheduler/types";

export const SCHEDULER_TOPIC = "scheduler";

/** `host@backend#pool` -> `host@backend`: managers serve a backend, pools live inside it. */
export function backendOf(host: string): string {
  const i = host.indexOf("#");
  return i >= 0 ? host.slice(0, i) : host;
}

export function volumeTopic(host: string): string {
  return `volume.${backendOf(host)}`;
}

export interface VolumeMsg {
  volumeId: string;
}
export interface SnapshotMsg {
  snapshotId: string;
}
export interface RevertMsg {
  volumeId: string;
  snapshotId: string;
}

export interface ConnectionMsg {
  volumeId: string;
  connector: Connector;
}
export interface AttachMsg {
  volumeId: string;
  instanceUuid: string | null;
  hostName: string | null;
  mountpoint: string;
  mode: "rw" | "ro";
}
export interface DetachMsg {
  volumeId: string;
  attachmentId: string | null;
}

export class SchedulerRpc {
  constructor(private readonly bus: Bus) {}

  createVolume(volumeId: string): void {
    this.bus.cast(SCHEDULER_TOPIC, "createVolume", { volumeId } satisfies VolumeMsg);
  }

  /** The new size is in the volume's task (`{"op":"extend","new_size":N}`). */
  extendVolume(volumeId: string): void {
    this.bus.cast(SCHEDULER_TOPIC, "extendVolume", { volumeId } satisfies VolumeMsg);
  }

  /** Every pool the volume services reported, as the scheduler sees them (get_pools). */
  getPools(): Promise<PoolState[]> {
    return this.bus.call<PoolState[]>(SCHEDULER_TOPIC, "getPools", {});
  }
}

export class VolumeRpc {
  constructor(private readonly bus: Bus) {}

  createVolume(host: string, volumeId: string): void {
    this.bus.cast(volumeTopic(host), "createVolume", { volumeId } satisfies VolumeMsg);
  }

  deleteVolume(host: string, volumeId: string): void {
    this.bus.cast(volumeTopic(host), "deleteVolume", { volumeId } satisfies VolumeMsg);
  }

  extendVolume(host: string, volumeId: string): void {
    this.bus.cast(volumeTopic(host), "extendVolume", { volumeId } satisfies VolumeMsg);
  }

  createSnapshot(host: string, snapshotId: string): void {
    this.bus.cast(volumeTopic(host), "createSnapshot", { snapshotId } satisfies SnapshotMsg);
  }

  deleteSnapshot(host: string, snapshotId: string): void {
    this.bus.cast(volumeTopic(host), "deleteSnapshot", { snapshotId } satisfies SnapshotMsg);
  }

  retypeVolume(host: string, volumeId: string): void {
    this.bus.cast(volumeTopic(host), "retypeVolume", { volumeId } satisfies VolumeMsg);
  }

  revertToSnapshot(host: string, volumeId: string, snapshotId: string): void {
    this.bus.cast(volumeTopic(host), "revertToSnapshot", { volumeId, snapshotId } satisfies RevertMsg);
  }

  manageExisting(host: string, volumeId: string): void {
    this.bus.cast(volumeTopic(host), "manageExisting", { volumeId } satisfies VolumeMsg);
  }

  getManageableVolumes(host: string): Promise<ManageableVolume[]> {
    return this.bus.call(volumeTopic(host), "getManageableVolumes", {});
  }

  initializeConnection(host: string, volumeId: string, connector: Connector): Promise<ConnectionInfo> {
    return this.bus.call(volumeTopic(host), "initializeConnection", { volumeId, connector } satisfies ConnectionMsg);
  }

  terminateConnection(host: string, volumeId: string, connector: Connector): Promise<void> {
    return this.bus.call(volumeTopic(host), "terminateConnection", { volumeId, connector } satisfies ConnectionMsg);
  }

  attachVolume(host: string, msg: AttachMsg): Promise<AttachmentRow> {
    return this.bus.call(volumeTopic(host), "attachVolume", msg);
  }

  detachVolume(host: string, volumeId: string, attachmentId: string | null): Promise<void> {
    return this.bus.call(volumeTopic(host), "detachVolume", { volumeId, attachmentId } satisfies DetachMsg);
  }
}
