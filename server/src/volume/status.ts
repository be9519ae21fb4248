/** Cinder's status enumerations (cinder/objects/fields.py) and the API's pre-conditions (cinder/volume/api.py). */

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
] as const;

export const ATTACH_STATUSES = ["attached", "attaching", "detached", "reserved", "error_attaching", "error_detaching", "deleted"] as const;

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

/** Statuses a volume may be deleted from without force (cinder/volume/api.py delete). */
export const VOLUME_DELETABLE = ["available", "error", "error_restoring", "error_extending", "error_managing"];

/** Snapshot statuses that let a cascade delete go ahead (volume_has_undeletable_snapshots_filter). */
export const SNAPSHOT_CASCADE_DELETABLE = ["available", "error", "deleting"];

/** Snapshot statuses a snapshot may be deleted from without force. */
export const SNAPSHOT_DELETABLE = ["available", "error"];

/** Statuses in which a manager operation is under way; a restart reconciles them. */
export const VOLUME_TRANSITIONAL = ["creating", "deleting", "extending", "reverting", "retyping", "managing"];
export const SNAPSHOT_TRANSITIONAL = ["creating", "deleting", "restoring"];
