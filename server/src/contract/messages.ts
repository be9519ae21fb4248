/**
 * User messages' fields (cinder/message/message_field.py): the resource, the action that was
 * taking place and the detail of what went wrong, each an id with Cinder's English text. A
 * message names them by id; its event id and its user message are derived from them, never from
 * the error itself (whose text could expose the backend's internals).
 */
import { randomUUID } from "node:crypto";

/** message_field.Resource. */
export const MessageResource = {
  VOLUME: "VOLUME",
  VOLUME_SNAPSHOT: "VOLUME_SNAPSHOT",
  VOLUME_BACKUP: "VOLUME_BACKUP",
} as const;
export type MessageResource = (typeof MessageResource)[keyof typeof MessageResource];

/** An action or a detail: its id and its text. */
export type MessageField = readonly [id: string, text: string];

/** message_field.Action. */
export const Action = {
  SCHEDULE_ALLOCATE_VOLUME: ["001", "schedule allocate volume"],
  ATTACH_VOLUME: ["002", "attach volume"],
  COPY_VOLUME_TO_IMAGE: ["003", "copy volume to image"],
  UPDATE_ATTACHMENT: ["004", "update attachment"],
  COPY_IMAGE_TO_VOLUME: ["005", "copy image to volume"],
  UNMANAGE_VOLUME: ["006", "unmanage volume"],
  EXTEND_VOLUME: ["007", "extend volume"],
  CREATE_VOLUME_FROM_BACKEND: ["008", "create volume from backend storage"],
  SNAPSHOT_CREATE: ["009", "create snapshot"],
  SNAPSHOT_DELETE: ["010", "delete snapshot"],
  SNAPSHOT_UPDATE: ["011", "update snapshot"],
  SNAPSHOT_METADATA_UPDATE: ["012", "update snapshot metadata"],
  BACKUP_CREATE: ["013", "create backup"],
  BACKUP_DELETE: ["014", "delete backup"],
  BACKUP_RESTORE: ["015", "restore backup"],
  REIMAGE_VOLUME: ["016", "reimage volume"],
} as const satisfies Record<string, MessageField>;

/** message_field.Detail. */
export const Detail = {
  UNKNOWN_ERROR: ["001", "An unknown error occurred."],
  DRIVER_NOT_INITIALIZED: ["002", "Driver is not initialized at present."],
  NO_BACKEND_AVAILABLE: ["003", "Could not find any available weighted backend."],
  FAILED_TO_UPLOAD_VOLUME: ["004", "Failed to upload volume to image at backend."],
  VOLUME_ATTACH_MODE_INVALID: ["005", "Volume's attach mode is invalid."],
  QUOTA_EXCEED: ["006", "Not enough quota resource for operation."],
  NOT_ENOUGH_SPACE_FOR_IMAGE: ["007", "Image used for creating volume exceeds available space."],
  UNMANAGE_ENC_NOT_SUPPORTED: ["008", "Unmanaging encrypted volumes is not supported."],
  NOTIFY_COMPUTE_SERVICE_FAILED: ["009", "Compute service failed to extend volume."],
  DRIVER_FAILED_EXTEND: ["010", "Volume Driver failed to extend volume."],
  SIGNATURE_VERIFICATION_FAILED: ["011", "Image signature verification failed."],
  DRIVER_FAILED_CREATE: ["012", "Driver failed to create the volume."],
  SNAPSHOT_CREATE_ERROR: ["013", "Snapshot failed to create."],
  SNAPSHOT_UPDATE_METADATA_FAILED: ["014", "Volume snapshot update metadata failed."],
  SNAPSHOT_IS_BUSY: ["015", "Snapshot is busy."],
  SNAPSHOT_DELETE_ERROR: ["016", "Snapshot failed to delete."],
  BACKUP_INVALID_STATE: ["017", "Backup status is invalid."],
  BACKUP_SERVICE_DOWN: ["018", "Backup service is down."],
  BACKUP_CREATE_DEVICE_ERROR: ["019", "Failed to get backup device from the volume service."],
  BACKUP_CREATE_DRIVER_ERROR: ["020", "Backup driver failed to create backup."],
  ATTACH_ERROR: ["021", "Failed to attach volume."],
  DETACH_ERROR: ["022", "Failed to detach volume."],
  BACKUP_CREATE_CLEANUP_ERROR: ["023", "Cleanup of temporary volume/snapshot failed."],
  BACKUP_SCHEDULE_ERROR: ["024", "Backup failed to schedule. Service not found for creating backup."],
  BACKUP_DELETE_DRIVER_ERROR: ["025", "Backup driver failed to delete backup."],
  BACKUP_RESTORE_ERROR: ["026", "Backup driver failed to restore backup."],
  VOLUME_INVALID_STATE: ["027", "Volume status is invalid."],
  REIMAGE_VOLUME_FAILED: ["028", "Compute service failed to reimage volume."],
  IMAGE_FORMAT_UNACCEPTABLE: [
    "029",
    "The image disk format must be the same as the volume format for the volume type you are requesting.",
  ],
} as const satisfies Record<string, MessageField>;

/**
 * message_field.EXCEPTION_DETAIL_MAPPINGS: an error of one of these kinds (by Cinder's exception
 * class name) is reported with its own detail, whatever detail the caller named.
 */
const EXCEPTION_DETAILS: ReadonlyArray<readonly [MessageField, readonly string[]]> = [
  [Detail.DRIVER_NOT_INITIALIZED, ["DriverNotInitialized"]],
  [Detail.NO_BACKEND_AVAILABLE, ["NoValidBackend"]],
  [Detail.VOLUME_ATTACH_MODE_INVALID, ["InvalidVolumeAttachMode"]],
  [Detail.QUOTA_EXCEED, ["ImageLimitExceeded", "BackupLimitExceeded", "SnapshotLimitExceeded"]],
  [Detail.NOT_ENOUGH_SPACE_FOR_IMAGE, ["ImageTooBig"]],
  [Detail.SNAPSHOT_IS_BUSY, ["SnapshotIsBusy"]],
];

/**
 * message_field.translate_detail_id: the detail of a mapped error kind, else the detail named,
 * else UNKNOWN_ERROR.
 */
export function detailIdOf(errorKind: string | undefined, detail: MessageField | undefined): string {
  const mapped = errorKind ? EXCEPTION_DETAILS.find(([, kinds]) => kinds.includes(errorKind)) : undefined;
  return (mapped?.[0] ?? detail ?? Detail.UNKNOWN_ERROR)[0];
}

/** cinder/message/api.py create: `VOLUME_<resource>_<action id>_<detail id>`. */
export function eventIdOf(resource: string, actionId: string, detailId: string): string {
  return `VOLUME_${resource}_${actionId}_${detailId}`;
}

/**
 * cinder/api/v3/messages.py _build_user_message: "<action text>:<detail text>", an unknown action
 * "unknown action", an unknown detail UNKNOWN_ERROR's text.
 */
export function userMessageOf(actionId: string | null, detailId: string | null): string {
  const action = Object.values(Action).find(([id]) => id === actionId)?.[1] ?? "unknown action";
  const detail = Object.values(Detail).find(([id]) => id === detailId)?.[1] ?? Detail.UNKNOWN_ERROR[1];
  return `${action}:${detail}`;
}

/** What a failure point records (cinder/message/api.py create's arguments). */
export interface MessageInput {
  /** The project of the resource the message is about. */
  projectId: string;
  /** The API request whose operation failed. */
  requestId: string;
  action: MessageField;
  resourceType?: MessageResource;
  resourceUuid?: string;
  /** The kind of error (Cinder's exception class name), when one maps to its own detail. */
  errorKind?: string;
  detail?: MessageField;
}

/** Cinder's message_ttl default: 30 days. */
export const MESSAGE_TTL_SECONDS = 2_592_000;
/** Cinder's message_reap_interval default: a day. */
export const MESSAGE_REAP_INTERVAL_SECONDS = 86_400;

/** A request id for work no API request is known for (a restart resuming it): oslo's `req-<uuid>`. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}
