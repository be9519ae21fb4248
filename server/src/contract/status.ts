/**
 * Statuses and the volume state machine (cinder/objects/fields.py, cinder/volume/api.py), part of
 * the contract: the database columns are typed with these unions, so a status the machine does not
 * know is a compile error, and the API's pre-conditions, the managers' compare-and-set
 * expectations and the restart reconciliation read one transition table.
 */

export const VOLUME_STATUSES = [
  "creating",
  "available",
  "deleting",
  "error",
  "error_deleting",
  "error_managing",
  "managing",
  "attaching",
  "in-use",
  "detaching",
  "maintenance",
  "restoring-backup",
  "error_restoring",
  "reserved",
  "awaiting-transfer",
  "backing-up",
  "error_backing-up",
  "error_extending",
  "downloading",
  "uploading",
  "retyping",
  "extending",
  "reverting",
  // Not in Cinder's VolumeStatus enum, but the strings its volume API and manager write for
  // os-unmanage (cinder/volume/api.py delete and cinder/volume/manager.py delete_volume with
  // unmanage_only).
  "unmanaging",
  "error_unmanaging",
] as const;
export type VolumeStatus = (typeof VOLUME_STATUSES)[number];

/** A volume's attach_status and an attachment's (VolumeAttachStatus). */
export const ATTACH_STATUSES = ["attached", "attaching", "detached", "reserved", "error_attaching", "error_detaching", "deleted"] as const;
export type AttachStatus = (typeof ATTACH_STATUSES)[number];

export const SNAPSHOT_STATUSES = [
  "error",
  "available",
  "creating",
  "deleting",
  "deleted",
  "updating",
  "error_deleting",
  "unmanaging",
  "backing-up",
  "restoring",
] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

export const isVolumeStatus = (s: string): s is VolumeStatus => (VOLUME_STATUSES as readonly string[]).includes(s);
export const isSnapshotStatus = (s: string): s is SnapshotStatus => (SNAPSHOT_STATUSES as readonly string[]).includes(s);
export const isAttachStatus = (s: string): s is AttachStatus => (ATTACH_STATUSES as readonly string[]).includes(s);

/**
 * A volume operation the manager carries out: the statuses the API accepts it from, the status
 * that marks it under way (what a restart finds and resumes), and where it ends. `back` is the
 * status it was started from (kept in previous_status), for the operations that return there.
 */
export interface Transition {
  from: readonly VolumeStatus[];
  during: VolumeStatus;
  /** `gone`: the row is removed. */
  done: VolumeStatus | "back" | "gone";
  failed: VolumeStatus | "back";
}

export const VOLUME_TRANSITIONS = {
  create: { from: [], during: "creating", done: "available", failed: "error" },
  /** Without force; a forced delete takes any status but the transitional ones it would race. */
  delete: { from: ["available", "error", "error_restoring", "error_extending", "error_managing"], during: "deleting", done: "gone", failed: "error_deleting" },
  /** In-use from 3.42; a refused placement goes back, a driver failure is error_extending. */
  extend: { from: ["available", "in-use"], during: "extending", done: "back", failed: "error_extending" },
  /** A failed revert leaves the volume in error (cinder/volume/manager.py revert_to_snapshot). */
  revert: { from: ["available"], during: "reverting", done: "available", failed: "error" },
  /** A refused or failed retype goes back to where it was. */
  retype: { from: ["available", "in-use"], during: "retyping", done: "back", failed: "back" },
  /** Upload to image (cinder/volume/manager.py copy_volume_to_image): back to where it was, either way. */
  upload: { from: ["available", "in-use"], during: "uploading", done: "back", failed: "back" },
  manage: { from: [], during: "managing", done: "available", failed: "error_managing" },
  /** os-unmanage: a delete that keeps the data, from the statuses a delete is. */
  unmanage: { from: ["available", "error", "error_restoring", "error_extending", "error_managing"], during: "unmanaging", done: "gone", failed: "error_unmanaging" },
} as const satisfies Record<string, Transition>;
export type VolumeOperation = keyof typeof VOLUME_TRANSITIONS;

/** Statuses in which a manager operation is under way; a restart reconciles them. */
export const VOLUME_TRANSITIONAL: readonly VolumeStatus[] = Object.values(VOLUME_TRANSITIONS).map((t) => t.during);

/** Where an operation ends, given the status it started from (previous_status). */
export function endOf(op: Exclude<VolumeOperation, "delete" | "unmanage">, outcome: "done" | "failed", previous: string | null): VolumeStatus {
  const t: Transition = VOLUME_TRANSITIONS[op];
  const to = t[outcome];
  if (to === "gone") throw new Error(`${op} removes the volume`);
  if (to !== "back") return to;
  return previous === "in-use" ? "in-use" : "available";
}

/** Statuses a volume may be deleted from without force (cinder/volume/api.py delete). */
export const VOLUME_DELETABLE: readonly VolumeStatus[] = VOLUME_TRANSITIONS.delete.from;

/** Snapshot statuses that let a cascade delete go ahead (volume_has_undeletable_snapshots_filter). */
export const SNAPSHOT_CASCADE_DELETABLE: readonly SnapshotStatus[] = ["available", "error", "deleting"];

/** Snapshot statuses a snapshot may be deleted from without force. */
export const SNAPSHOT_DELETABLE: readonly SnapshotStatus[] = ["available", "error"];

export const SNAPSHOT_TRANSITIONAL: readonly SnapshotStatus[] = ["creating", "deleting", "restoring", "unmanaging"];
