/**
 * The bus protocol, declared once (cf. cinder/scheduler/rpcapi.py and cinder/volume/rpcapi.py with
 * their version histories): for each service, every method with its payload and its result, and
 * whether it is a cast (fire and forget; the receiver records the outcome in the database) or a
 * call (request and answer), or a fanout (a cast to every consumer of the topic). Senders are typed by these maps (`Sender`); a receiver is an object
 * with one function per method (`Receiver`), which the compiler holds to the map, and `serve`
 * derives the dispatch from it. Payloads carry ids, never rows: the receiver reads the current
 * state, so a message that arrives late or twice changes nothing.
 *
 * Version history:
 * 1.0 — scheduler createVolume; volume createVolume, deleteVolume, extendVolume, createSnapshot,
 *       deleteSnapshot, revertToSnapshot.
 * 1.1 — volume calls initializeConnection, terminateConnection, attachVolume, detachVolume (the
 *       legacy attach flow; cinder/volume/rpcapi.py attach_volume, initialize_connection, ...).
 * 1.2 — volume manageExisting (cast), getManageableVolumes (call).
 * 1.3 — scheduler extendVolume (cast): an accepted extend passes the filters on the volume's own
 *       backend before its manager grows it (cinder/scheduler/rpcapi.py extend_volume).
 * 1.4 — scheduler updateBackend (the managers' capability reports, a fanout to every scheduler)
 *       and getPools (call) declared here; scheduler retypeVolume (cast): the scheduler decides where a retype may happen
 *       (cinder/scheduler/manager.py retype, find_retype_backend) and the volume manager's
 *       retypeVolume only carries it out.
 * 1.5 — volume getCapabilities (call): the backend's capabilities for the capabilities API
 *       (cinder/volume/rpcapi.py get_capabilities).
 * 1.6 — volume manageExistingSnapshot and unmanageSnapshot (casts), getManageableSnapshots (call)
 *       (cinder/volume/rpcapi.py manage_existing_snapshot, delete_snapshot with unmanage_only,
 *       get_manageable_snapshots).
 * 1.7 — volume fanout publishServiceCapabilities (VolumeFanoutProtocol, on `cinder-volume`): a
 *       scheduler that starts asks every volume service to report its pools now rather than at
 *       its next interval (cinder/scheduler/manager.py request_service_capabilities, and the
 *       volume manager's publish_service_capabilities).
 * 1.8 — generic volume groups: scheduler createGroup (cast; cinder/scheduler/rpcapi.py
 *       create_group); volume createGroup, updateGroup, deleteGroup (casts; cinder/volume/rpcapi.py
 *       create_group, create_group_from_src, update_group, delete_group), createGroupSnapshot,
 *       deleteGroupSnapshot (casts; create_group_snapshot, delete_group_snapshot). A group's
 *       volumes and snapshots are made, moved and deleted one by one, as Cinder's generic group
 *       implementation does.
 * 1.9 — an optional `requestId` in the payloads of the casts that may fail for the user
 *       (scheduler createVolume, extendVolume, retypeVolume; volume createVolume, extendVolume,
 *       createSnapshot, deleteSnapshot) and of volume attachVolume: the API request's id, which
 *       Cinder carries in the RPC context, so that a user message written where the operation
 *       fails names the request (cinder/message/api.py create, `context.request_id`). Absent
 *       (a sender of 1.8 or older, a restart re-sending work), the receiver uses a fresh `req-<uuid>`.
 * 1.10 — volume createBackup, restoreBackup, deleteBackup (casts; cinder/backup/rpcapi.py
 *       create_backup, restore_backup, delete_backup): the volume service of the backed-up
 *       volume's backend reads or writes its data through its driver and the backup object store.
 * 1.11 — volume migration: scheduler migrateVolume (cast; cinder/scheduler/rpcapi.py
 *       migrate_volume: the destination must pass the filters); volume migrateVolume (cast;
 *       cinder/volume/rpcapi.py migrate_volume, with the retype's new type when a retype migrates)
 *       and migrateVolumeCompletion (call; migrate_volume_completion, answering the id to keep).
 * 1.12 — volume copyVolumeToImage (cast; cinder/volume/rpcapi.py copy_volume_to_image): the
 *       image to fill and its disk format are in the volume's task.
 * 1.13 — volume unmanageVolume (cast; cinder/volume/rpcapi.py delete_volume with unmanage_only).
 */
import type { AttachmentRow } from "../db/schema";
import type { ConnectionInfo, Connector } from "../contract/connector";
import type { ManageableSnapshot, ManageableVolume } from "../drivers/interface";
import type { BackendCapabilities } from "../contract/capabilities";
import type { BackendReport } from "../scheduler/scheduler";
import type { PoolState } from "../scheduler/types";
import type { Bus } from "./bus";

export const PROTOCOL_VERSION = "1.13";

/** A cast: sent without waiting; answers nothing. */
export interface Cast<P> {
  kind: "cast";
  payload: P;
  result: void;
}

/** A fanout: sent without waiting to every consumer of the topic (every scheduler). */
export interface Fanout<P> {
  kind: "fanout";
  payload: P;
  result: void;
}

/** A call: the sender waits for the result (or the receiver's error). */
export interface Call<P, R> {
  kind: "call";
  payload: P;
  result: R;
}

/** The id (`req-<uuid>`) of the API request an operation is for (1.8). */
export interface Traced {
  requestId?: string;
}
export interface VolumeMsg extends Traced {
  volumeId: string;
}
export interface SnapshotMsg extends Traced {
  snapshotId: string;
}
export interface BackupMsg extends Traced {
  backupId: string;
}
export interface GroupMsg {
  groupId: string;
}
export interface GroupSnapshotMsg {
  groupSnapshotId: string;
}
export interface GroupUpdateMsg {
  groupId: string;
  /** Volumes to bring into the group and to take out of it. */
  addVolumes: string[];
  removeVolumes: string[];
}
export interface RevertMsg {
  volumeId: string;
  snapshotId: string;
}
export interface ConnectionMsg {
  volumeId: string;
  connector: Connector;
}
export interface AttachMsg extends Traced {
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
export type NoPayload = Record<string, never>;
/** A migration the API accepted: the destination (`host@backend[#pool]` or a cluster's) to check. */
export interface MigrateMsg extends Traced {
  volumeId: string;
  host: string;
  forceHostCopy: boolean;
}
/** A migration the scheduler placed: the destination pool, and the new type of a retype that migrates. */
export interface MigrateToMsg extends Traced {
  volumeId: string;
  /** The destination pool (`host@backend#pool`), and its cluster's when the backend is clustered. */
  host: string;
  cluster?: string;
  newTypeId?: string;
}
export interface MigrationCompletionMsg {
  volumeId: string;
  newVolumeId: string;
  error: boolean;
}

/** The scheduler's methods (topic `cinder-scheduler`). */
export interface SchedulerProtocol {
  createVolume: Cast<VolumeMsg>;
  /** The new size is in the volume's task (`{"op":"extend","new_size":N}`). */
  extendVolume: Cast<VolumeMsg>;
  /** The new type and migration policy are in the volume's task. */
  retypeVolume: Cast<VolumeMsg>;
  /** Place a `creating` group on a backend that serves all its volume types. */
  createGroup: Cast<GroupMsg>;
  /** Check that a migration's destination can take the volume (migration_status `starting`). */
  migrateVolume: Cast<MigrateMsg>;
  /** A volume manager's capability report, to every scheduler (update_service_capabilities). */
  updateBackend: Fanout<BackendReport>;
  /** Every pool the volume services reported, as the scheduler sees them (get_pools). */
  getPools: Call<NoPayload, PoolState[]>;
}

/** A volume manager's methods (topic `cinder-volume.<host>@<backend>`). */
export interface VolumeProtocol {
  createVolume: Cast<VolumeMsg>;
  deleteVolume: Cast<VolumeMsg>;
  unmanageVolume: Cast<VolumeMsg>;
  extendVolume: Cast<VolumeMsg>;
  createSnapshot: Cast<SnapshotMsg>;
  deleteSnapshot: Cast<SnapshotMsg>;
  /** Placed by the scheduler: change the type in place. */
  retypeVolume: Cast<VolumeMsg>;
  revertToSnapshot: Cast<RevertMsg>;
  /** Upload the volume's data into the image named in its task, then put the volume back. */
  copyVolumeToImage: Cast<VolumeMsg>;
  /** Copy the volume to the destination the scheduler chose, then complete the migration. */
  migrateVolume: Cast<MigrateToMsg>;
  /** Complete (or, with `error`, undo) a migration into `newVolumeId`; answers the id kept. */
  migrateVolumeCompletion: Call<MigrationCompletionMsg, string>;
  manageExisting: Cast<VolumeMsg>;
  getManageableVolumes: Call<NoPayload, ManageableVolume[]>;
  /** The reference (and, once asked, the size) are in the snapshot's task. */
  manageExistingSnapshot: Cast<SnapshotMsg>;
  unmanageSnapshot: Cast<SnapshotMsg>;
  getManageableSnapshots: Call<NoPayload, ManageableSnapshot[]>;
  /** The backend's capabilities (cinder/volume/rpcapi.py get_capabilities, discover=False). */
  getCapabilities: Call<NoPayload, BackendCapabilities>;
  /** A placed group: make it available (and, for one made from a source, make its volumes). */
  createGroup: Cast<GroupMsg>;
  updateGroup: Cast<GroupUpdateMsg>;
  /** Delete the group's volumes (the API moved them to `deleting`), then the group. */
  deleteGroup: Cast<GroupMsg>;
  /** Make each snapshot of the group snapshot (the API inserted them `creating`). */
  createGroupSnapshot: Cast<GroupSnapshotMsg>;
  /** Delete each snapshot of the group snapshot (the API moved them to `deleting`), then it. */
  deleteGroupSnapshot: Cast<GroupSnapshotMsg>;
  /** Store the `creating` backup's chunks (its volume or snapshot is `backing-up`). */
  createBackup: Cast<BackupMsg>;
  /** Fill the volume named in the `restoring` backup's task from it. */
  restoreBackup: Cast<BackupMsg>;
  /** Remove the `deleting` backup's objects, then its row. */
  deleteBackup: Cast<BackupMsg>;
  initializeConnection: Call<ConnectionMsg, ConnectionInfo>;
  terminateConnection: Call<ConnectionMsg, void>;
  attachVolume: Call<AttachMsg, AttachmentRow>;
  detachVolume: Call<DetachMsg, void>;
}

/**
 * What goes to every volume service at once, on the one topic all of them consume (Cinder's
 * `cinder-volume` fanout); each process answers for all of its backends.
 */
export interface VolumeFanoutProtocol {
  publishServiceCapabilities: Fanout<Record<string, never>>;
}

/** A protocol: every member a cast or a call. */
type Methods<P> = { [K in keyof P]: Cast<unknown> | Fanout<unknown> | Call<unknown, unknown> };
type CastsOf<P extends Methods<P>> = { [K in keyof P]: P[K] extends Cast<unknown> ? K : never }[keyof P] & string;
type FanoutsOf<P extends Methods<P>> = { [K in keyof P]: P[K] extends Fanout<unknown> ? K : never }[keyof P] & string;
type CallsOf<P extends Methods<P>> = { [K in keyof P]: P[K] extends Call<unknown, unknown> ? K : never }[keyof P] & string;

/** One function per method of the protocol, each taking its payload and answering its result. */
export type Receiver<P extends Methods<P>> = {
  [K in keyof P]: (payload: P[K]["payload"]) => Promise<P[K]["result"]>;
};

/** Sends the methods of one protocol, typed by it. */
export class Sender<P extends Methods<P>> {
  constructor(private readonly bus: Bus) {}

  cast<K extends CastsOf<P>>(topic: string, method: K, payload: P[K]["payload"]): void {
    this.bus.cast(topic, method, payload);
  }

  fanout<K extends FanoutsOf<P>>(topic: string, method: K, payload: P[K]["payload"]): void {
    this.bus.fanout(topic, method, payload);
  }

  call<K extends CallsOf<P>>(topic: string, method: K, payload: P[K]["payload"]): Promise<P[K]["result"]> {
    return this.bus.call<P[K]["result"]>(topic, method, payload);
  }
}

/**
 * Consume a topic with a receiver: each message goes to the receiver's function of that name. The
 * payload is the sender's, typed by the same protocol; a method the receiver lacks (a sender of a
 * newer protocol) is refused with an error naming it.
 */
export function serve<P extends Methods<P>>(bus: Bus, topic: string, receiver: Receiver<P>): void {
  const methods = new Map<string, (payload: unknown) => Promise<unknown>>(
    Object.entries(receiver as Record<string, (payload: unknown) => Promise<unknown>>),
  );
  bus.subscribe(topic, async (method, payload) => {
    const fn = methods.get(method);
    if (!fn) throw new Error(`${topic} has no method ${method} (protocol ${PROTOCOL_VERSION})`);
    return fn(payload);
  });
}
