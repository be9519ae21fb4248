/**
 * cinder:index:Volume — a Cinder volume (api-ref "Volumes (volumes)"). In place: name,
 * description, metadata (the keys the program manages), size (grow via os-extend; online for in-use
 * volumes from 3.42), volumeType (os-retype with migrationPolicy), bootable, readonly. Replaced:
 * availabilityZone, snapshotId, sourceVolumeId, backupId, imageId, schedulerHints. The lifecycle
 * calls live in ./volume-ops.ts.
 */
import { autoname, checkInputs, previewOuts } from "../lib/check";
import { diffInputs, type Rule } from "../lib/diff";
import type { Props } from "../lib/wire";
import type { PropSpec, ResourceDef } from "./types";
import { createVolume, deleteVolume, readVolume, updateVolume } from "./volume-ops";

const ATTACHMENT = {
  type: "object",
  properties: {
    attachmentId: { type: "string" },
    serverId: { type: "string" },
    hostName: { type: "string" },
    device: { type: "string" },
    attachedAt: { type: "string" },
  },
};

export const volumeProperties: Record<string, PropSpec> = {
  size: { type: "integer", input: true, required: true, description: "Size in GiB: a whole number ≥ 1. Grows in place (os-extend); shrinking is rejected." },
  name: { type: "string", always: true, input: true, description: "Name (default: the logical name plus a random suffix)." },
  description: { type: "string", input: true, description: "Description." },
  metadata: { type: "stringMap", input: true, description: "Metadata keys the program manages; keys set by others are left alone (see `allMetadata`)." },
  volumeType: { type: "string", always: true, input: true, description: "Volume type name or id. A change retypes in place (os-retype, see `migrationPolicy`)." },
  migrationPolicy: { type: "string", input: true, enum: ["never", "on-demand"], description: "Retype migration policy (default `never`)." },
  availabilityZone: { type: "string", always: true, input: true, replaceOnChanges: true, description: "Availability zone (the server's choice when unset). Changing it replaces the volume." },
  snapshotId: { type: "string", input: true, replaceOnChanges: true, description: "Create from this snapshot (replaces on change)." },
  sourceVolumeId: { type: "string", input: true, replaceOnChanges: true, description: "Clone this volume (replaces on change)." },
  backupId: { type: "string", input: true, replaceOnChanges: true, description: "Restore from this backup (microversion 3.47; replaces on change)." },
  imageId: { type: "string", input: true, replaceOnChanges: true, description: "Create from this image (replaces on change)." },
  schedulerHints: { type: "stringMap", input: true, replaceOnChanges: true, description: "Scheduler hints (OS-SCH-HNT:scheduler_hints; replaces on change)." },
  bootable: { type: "boolean", always: true, input: true, description: "The bootable flag (os-set_bootable)." },
  readonly: { type: "boolean", input: true, description: "The read-only flag (os-update_readonly_flag)." },
  cascade: { type: "boolean", input: true, description: "Delete option: also delete the volume's snapshots." },
  detachOnDelete: {
    type: "boolean",
    input: true,
    description:
      "Delete option (default true, as @pulumi/openstack): end the volume's attachments before deleting it. When false, deleting an attached volume fails at once, naming its attachments.",
  },
  status: { type: "string", description: "Status reported by the server (`available`, `in-use`, …)." },
  attachments: { type: "array", items: ATTACHMENT, description: "Attachments reported by the server." },
  allMetadata: { type: "stringMap", description: "All metadata the server reports, including keys the program does not manage." },
  volumeImageMetadata: {
    type: "stringMap",
    always: false,
    description: "The image metadata of a volume made from an image (volume_image_metadata: image_id, image_name, checksum, disk_format, the image's properties, …).",
  },
  encrypted: { type: "boolean", description: "Whether the volume is encrypted." },
  multiattach: { type: "boolean", description: "Whether the volume can be attached more than once." },
  userId: { type: "string", description: "The user that created the volume." },
  replicationStatus: { type: "string", always: false, description: "Replication status." },
  migrationStatus: { type: "string", always: false, description: "Migration status." },
  createdAt: { type: "string", description: "Creation time (ISO 8601)." },
  updatedAt: { type: "string", always: false, description: "Last update time (ISO 8601)." },
};

const SOURCES = ["snapshotId", "sourceVolumeId", "backupId", "imageId"] as const;

const RULES: Record<string, Rule> = {
  size: "update",
  name: "update",
  description: "update",
  metadata: "perKey",
  volumeType: "computed",
  migrationPolicy: "none",
  availabilityZone: "replaceComputed",
  snapshotId: "replace",
  sourceVolumeId: "replace",
  backupId: "replace",
  imageId: "replace",
  schedulerHints: "replace",
  bootable: "computed",
  readonly: "computed",
  cascade: "none",
  detachOnDelete: "none",
};

/** Size rules: a whole number ≥ 1 that never shrinks (olds are the previous inputs). */
export function checkVolume(news: Props, olds: Props, input: { name: string; randomSeed?: Uint8Array }) {
  const { inputs, failures } = checkInputs(volumeProperties, news);
  const size = inputs.size;
  if (typeof size === "number" && (!Number.isInteger(size) || size < 1)) {
    failures.push({ property: "size", reason: `size must be a whole number of GiB ≥ 1, got ${size}` });
  }
  const old = olds.size;
  if (typeof size === "number" && typeof old === "number" && size < old) {
    failures.push({
      property: "size",
      reason: `size cannot shrink from ${old} to ${size} GiB: Cinder volumes only grow. Keep ${old}, or replace the volume explicitly (e.g. a new logical name).`,
    });
  }
  const sources = SOURCES.filter((k) => inputs[k] !== undefined);
  if (sources.length > 1) failures.push({ property: sources[1], reason: `only one of ${SOURCES.join(", ")} may be set, got ${sources.join(" and ")}` });
  autoname(inputs, olds, input);
  return { inputs, failures };
}

export function diffVolume(olds: Props, news: Props, oldInputs: Props) {
  const base = Object.keys(oldInputs).length ? oldInputs : olds;
  // A shrink that slipped past Check (e.g. state changed by a refresh) stays an update, which refuses it.
  return diffInputs(base, news, RULES);
}

export const volume: ResourceDef = {
  token: "cinder:index:Volume",
  description: "A Cinder block-storage volume.",
  properties: volumeProperties,
  importId: "the volume id",
  defaultTimeoutSec: 600,
  check: checkVolume,
  diff: diffVolume,
  preview: (inputs, olds) => previewOuts(volumeProperties, inputs, olds),
  create: createVolume,
  read: readVolume,
  update: updateVolume,
  delete: deleteVolume,
};
