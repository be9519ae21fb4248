/** `cinder:index:Volume` — see provider/src/resources/volume.ts for what changes in place and what replaces. */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

export interface VolumeAttachmentInfo {
  attachmentId: string;
  serverId?: string;
  hostName?: string;
  device?: string;
  attachedAt?: string;
}

export interface VolumeArgs {
  /** GiB, a whole number ≥ 1; grows in place, never shrinks. */
  size: pulumi.Input<number>;
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** The keys the program manages; other keys on the volume are left alone. */
  metadata?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  volumeType?: pulumi.Input<string>;
  migrationPolicy?: pulumi.Input<"never" | "on-demand">;
  availabilityZone?: pulumi.Input<string>;
  snapshotId?: pulumi.Input<string>;
  sourceVolumeId?: pulumi.Input<string>;
  backupId?: pulumi.Input<string>;
  imageId?: pulumi.Input<string>;
  schedulerHints?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  bootable?: pulumi.Input<boolean>;
  readonly?: pulumi.Input<boolean>;
  /** Delete the volume's snapshots with it. */
  cascade?: pulumi.Input<boolean>;
  /** End the volume's attachments before deleting it (default true); false: deleting an attached volume fails at once. */
  detachOnDelete?: pulumi.Input<boolean>;
}

export interface VolumeState extends Partial<VolumeArgs> {
  status?: pulumi.Input<string>;
  attachments?: pulumi.Input<pulumi.Input<VolumeAttachmentInfo>[]>;
  allMetadata?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  volumeImageMetadata?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  encrypted?: pulumi.Input<boolean>;
  multiattach?: pulumi.Input<boolean>;
  userId?: pulumi.Input<string>;
  replicationStatus?: pulumi.Input<string>;
  migrationStatus?: pulumi.Input<string>;
  createdAt?: pulumi.Input<string>;
  updatedAt?: pulumi.Input<string>;
}

const SPEC = {
  inputs: ["size", "name", "description", "metadata", "volumeType", "migrationPolicy", "availabilityZone", "snapshotId", "sourceVolumeId", "backupId", "imageId", "schedulerHints", "bootable", "readonly", "cascade", "detachOnDelete"],
  outputs: ["status", "attachments", "allMetadata", "volumeImageMetadata", "encrypted", "multiattach", "userId", "replicationStatus", "migrationStatus", "createdAt", "updatedAt"],
  required: ["size"],
} as const;

export class Volume extends pulumi.CustomResource {
  /** Look up an existing volume by id (import: `pulumi import cinder:index:Volume <name> <id>`). */
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: VolumeState, opts?: pulumi.CustomResourceOptions): Volume {
    return new Volume(name, state as VolumeArgs, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = "cinder:index:Volume";

  public static override isInstance(obj: unknown): obj is Volume {
    return !!obj && (obj as Record<string, unknown>)["__pulumiType"] === Volume.__pulumiType;
  }

  declare readonly size: pulumi.Output<number>;
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly metadata: pulumi.Output<{ [key: string]: string } | undefined>;
  declare readonly volumeType: pulumi.Output<string>;
  declare readonly migrationPolicy: pulumi.Output<string | undefined>;
  declare readonly availabilityZone: pulumi.Output<string>;
  declare readonly snapshotId: pulumi.Output<string | undefined>;
  declare readonly sourceVolumeId: pulumi.Output<string | undefined>;
  declare readonly backupId: pulumi.Output<string | undefined>;
  declare readonly imageId: pulumi.Output<string | undefined>;
  declare readonly schedulerHints: pulumi.Output<{ [key: string]: string } | undefined>;
  declare readonly bootable: pulumi.Output<boolean>;
  declare readonly readonly: pulumi.Output<boolean | undefined>;
  declare readonly cascade: pulumi.Output<boolean | undefined>;
  declare readonly detachOnDelete: pulumi.Output<boolean | undefined>;
  declare readonly status: pulumi.Output<string>;
  declare readonly attachments: pulumi.Output<VolumeAttachmentInfo[]>;
  declare readonly allMetadata: pulumi.Output<{ [key: string]: string }>;
  /** The image metadata of a volume made from an image (image_id, image_name, checksum, …). */
  declare readonly volumeImageMetadata: pulumi.Output<{ [key: string]: string } | undefined>;
  declare readonly encrypted: pulumi.Output<boolean>;
  declare readonly multiattach: pulumi.Output<boolean>;
  declare readonly userId: pulumi.Output<string>;
  declare readonly replicationStatus: pulumi.Output<string | undefined>;
  declare readonly migrationStatus: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: VolumeArgs | VolumeState, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const inputs = utilities.resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, SPEC);
    super(Volume.__pulumiType, name, inputs, pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts));
  }
}
