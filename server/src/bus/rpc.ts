/**
 * The senders of the bus protocol (./protocol.ts), one small method per message, and Cinder's
 * topic names: the scheduler listens on `cinder-scheduler`, each volume manager on
 * `cinder-volume.<host>@<backend>`.
 */
import type { Bus } from "./bus";
import type { AttachmentRow } from "../db/schema";
import type { ConnectionInfo, Connector } from "../contract/connector";
import type { ManageableSnapshot, ManageableVolume } from "../drivers/interface";
import type { BackendCapabilities } from "../contract/capabilities";
import type { BackendReport } from "../scheduler/scheduler";
import type { PoolState } from "../scheduler/types";
import { type AttachMsg, type MigrateToMsg, type SchedulerProtocol, Sender, type VolumeFanoutProtocol, type VolumeProtocol } from "./protocol";

export const SCHEDULER_TOPIC = "cinder-scheduler";
/** The topic every volume service consumes, for what goes to all of them (VolumeFanoutProtocol). */
export const VOLUME_FANOUT_TOPIC = "cinder-volume";

/** `host@backend#pool` -> `host@backend`: managers serve a backend, pools live inside it. */
export function backendOf(host: string): string {
  const i = host.indexOf("#");
  return i >= 0 ? host.slice(0, i) : host;
}

/**
 * Where a volume's work goes (Cinder's service_topic_queue): its cluster's queue when its backend
 * is clustered (any service of the cluster takes it), else its host's.
 */
export function queueOf(v: { host: string | null; cluster_name: string | null }): string {
  const q = v.cluster_name ?? v.host;
  if (!q) throw new Error("the volume is not placed on a backend yet");
  return q;
}

/** The queue of a `host@backend[#pool]` or a `cluster@backend[#pool]`. */
export function volumeTopic(host: string): string {
  return `cinder-volume.${backendOf(host)}`;
}

/** A payload with the request's id when there is one (protocol 1.8; none: the key is left out). */
function traced<P extends object>(payload: P, requestId: string | undefined): P & { requestId?: string } {
  return requestId === undefined ? payload : { ...payload, requestId };
}

export class SchedulerRpc {
  private readonly send: Sender<SchedulerProtocol>;

  constructor(bus: Bus) {
    this.send = new Sender(bus);
  }

  createVolume(volumeId: string, requestId?: string): void {
    this.send.cast(SCHEDULER_TOPIC, "createVolume", traced({ volumeId }, requestId));
  }

  /** The new size is in the volume's task (`{"op":"extend","new_size":N}`). */
  extendVolume(volumeId: string, requestId?: string): void {
    this.send.cast(SCHEDULER_TOPIC, "extendVolume", traced({ volumeId }, requestId));
  }

  /** The new type and migration policy are in the volume's task. */
  retypeVolume(volumeId: string, requestId?: string): void {
    this.send.cast(SCHEDULER_TOPIC, "retypeVolume", traced({ volumeId }, requestId));
  }

  createGroup(groupId: string): void {
    this.send.cast(SCHEDULER_TOPIC, "createGroup", { groupId });
  }

  /** A migration to check: the destination must pass the filters for the volume. */
  migrateVolume(volumeId: string, host: string, forceHostCopy: boolean, requestId?: string): void {
    this.send.cast(SCHEDULER_TOPIC, "migrateVolume", traced({ volumeId, host, forceHostCopy }, requestId));
  }

  /** A capability report, to every scheduler. */
  updateBackend(report: BackendReport): void {
    this.send.fanout(SCHEDULER_TOPIC, "updateBackend", report);
  }

  /** Every pool the volume services reported, as the scheduler sees them (get_pools). */
  getPools(): Promise<PoolState[]> {
    return this.send.call(SCHEDULER_TOPIC, "getPools", {});
  }
}

export class VolumeRpc {
  private readonly send: Sender<VolumeProtocol>;
  private readonly all: Sender<VolumeFanoutProtocol>;

  constructor(bus: Bus) {
    this.send = new Sender(bus);
    this.all = new Sender(bus);
  }

  /** Every volume service: report your pools to the schedulers now. */
  publishServiceCapabilities(): void {
    this.all.fanout(VOLUME_FANOUT_TOPIC, "publishServiceCapabilities", {});
  }

  createVolume(host: string, volumeId: string, requestId?: string): void {
    this.send.cast(volumeTopic(host), "createVolume", traced({ volumeId }, requestId));
  }

  deleteVolume(host: string, volumeId: string): void {
    this.send.cast(volumeTopic(host), "deleteVolume", { volumeId });
  }

  unmanageVolume(host: string, volumeId: string): void {
    this.send.cast(volumeTopic(host), "unmanageVolume", { volumeId });
  }

  extendVolume(host: string, volumeId: string, requestId?: string): void {
    this.send.cast(volumeTopic(host), "extendVolume", traced({ volumeId }, requestId));
  }

  createSnapshot(host: string, snapshotId: string, requestId?: string): void {
    this.send.cast(volumeTopic(host), "createSnapshot", traced({ snapshotId }, requestId));
  }

  deleteSnapshot(host: string, snapshotId: string, requestId?: string): void {
    this.send.cast(volumeTopic(host), "deleteSnapshot", traced({ snapshotId }, requestId));
  }

  createBackup(host: string, backupId: string, requestId?: string): void {
    this.send.cast(volumeTopic(host), "createBackup", traced({ backupId }, requestId));
  }

  restoreBackup(host: string, backupId: string, requestId?: string): void {
    this.send.cast(volumeTopic(host), "restoreBackup", traced({ backupId }, requestId));
  }

  deleteBackup(host: string, backupId: string, requestId?: string): void {
    this.send.cast(volumeTopic(host), "deleteBackup", traced({ backupId }, requestId));
  }

  retypeVolume(host: string, volumeId: string): void {
    this.send.cast(volumeTopic(host), "retypeVolume", { volumeId });
  }

  /** To the source volume's queue: copy it to `msg.host` and complete the migration. */
  migrateVolume(queue: string, msg: MigrateToMsg): void {
    this.send.cast(volumeTopic(queue), "migrateVolume", msg);
  }

  migrateVolumeCompletion(queue: string, volumeId: string, newVolumeId: string, error: boolean): Promise<string> {
    return this.send.call(volumeTopic(queue), "migrateVolumeCompletion", { volumeId, newVolumeId, error });
  }

  copyVolumeToImage(queue: string, volumeId: string, requestId?: string): void {
    this.send.cast(volumeTopic(queue), "copyVolumeToImage", { volumeId, requestId });
  }

  revertToSnapshot(host: string, volumeId: string, snapshotId: string): void {
    this.send.cast(volumeTopic(host), "revertToSnapshot", { volumeId, snapshotId });
  }

  manageExisting(host: string, volumeId: string): void {
    this.send.cast(volumeTopic(host), "manageExisting", { volumeId });
  }

  getManageableVolumes(host: string): Promise<ManageableVolume[]> {
    return this.send.call(volumeTopic(host), "getManageableVolumes", {});
  }

  manageExistingSnapshot(host: string, snapshotId: string): void {
    this.send.cast(volumeTopic(host), "manageExistingSnapshot", { snapshotId });
  }

  unmanageSnapshot(host: string, snapshotId: string): void {
    this.send.cast(volumeTopic(host), "unmanageSnapshot", { snapshotId });
  }

  getManageableSnapshots(host: string): Promise<ManageableSnapshot[]> {
    return this.send.call(volumeTopic(host), "getManageableSnapshots", {});
  }

  createGroup(host: string, groupId: string): void {
    this.send.cast(volumeTopic(host), "createGroup", { groupId });
  }

  updateGroup(host: string, groupId: string, addVolumes: string[], removeVolumes: string[]): void {
    this.send.cast(volumeTopic(host), "updateGroup", { groupId, addVolumes, removeVolumes });
  }

  deleteGroup(host: string, groupId: string): void {
    this.send.cast(volumeTopic(host), "deleteGroup", { groupId });
  }

  createGroupSnapshot(host: string, groupSnapshotId: string): void {
    this.send.cast(volumeTopic(host), "createGroupSnapshot", { groupSnapshotId });
  }

  deleteGroupSnapshot(host: string, groupSnapshotId: string): void {
    this.send.cast(volumeTopic(host), "deleteGroupSnapshot", { groupSnapshotId });
  }

  getCapabilities(host: string): Promise<BackendCapabilities> {
    return this.send.call(volumeTopic(host), "getCapabilities", {});
  }

  initializeConnection(host: string, volumeId: string, connector: Connector): Promise<ConnectionInfo> {
    return this.send.call(volumeTopic(host), "initializeConnection", { volumeId, connector });
  }

  terminateConnection(host: string, volumeId: string, connector: Connector): Promise<void> {
    return this.send.call(volumeTopic(host), "terminateConnection", { volumeId, connector });
  }

  attachVolume(host: string, msg: AttachMsg): Promise<AttachmentRow> {
    return this.send.call(volumeTopic(host), "attachVolume", msg);
  }

  detachVolume(host: string, volumeId: string, attachmentId: string | null): Promise<void> {
    return this.send.call(volumeTopic(host), "detachVolume", { volumeId, attachmentId });
  }
}
