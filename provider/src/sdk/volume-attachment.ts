/** `cinder:index:VolumeAttachment` — an attachment through the attachments API; every input replaces; `connectionInfo` is a secret. */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

export interface VolumeAttachmentArgs {
  volumeId: pulumi.Input<string>;
  /** The server (instance uuid), if any. */
  instanceId?: pulumi.Input<string>;
  /** The host's connector as os-brick describes it; without one the volume is only reserved. */
  connector?: pulumi.Input<{ [key: string]: any }>;
  mode?: pulumi.Input<"rw" | "ro">;
  /** os-complete once connected (default true with a connector). */
  complete?: pulumi.Input<boolean>;
}

export interface VolumeAttachmentState extends Partial<VolumeAttachmentArgs> {
  status?: pulumi.Input<string>;
  attachMode?: pulumi.Input<string>;
  attachedAt?: pulumi.Input<string>;
  connectionInfo?: pulumi.Input<{ [key: string]: any }>;
}

const SPEC = {
  inputs: ["volumeId", "instanceId", "connector", "mode", "complete"],
  outputs: ["status", "attachMode", "attachedAt", "connectionInfo"],
  required: ["volumeId"],
} as const;

export class VolumeAttachment extends pulumi.CustomResource {
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: VolumeAttachmentState, opts?: pulumi.CustomResourceOptions): VolumeAttachment {
    return new VolumeAttachment(name, state as VolumeAttachmentArgs, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = "cinder:index:VolumeAttachment";

  public static override isInstance(obj: unknown): obj is VolumeAttachment {
    return !!obj && (obj as Record<string, unknown>)["__pulumiType"] === VolumeAttachment.__pulumiType;
  }

  declare readonly volumeId: pulumi.Output<string>;
  declare readonly instanceId: pulumi.Output<string | undefined>;
  declare readonly connector: pulumi.Output<{ [key: string]: any } | undefined>;
  declare readonly mode: pulumi.Output<string | undefined>;
  declare readonly complete: pulumi.Output<boolean | undefined>;
  declare readonly status: pulumi.Output<string>;
  declare readonly attachMode: pulumi.Output<string | undefined>;
  declare readonly attachedAt: pulumi.Output<string | undefined>;
  /** Secret: the target and CHAP credentials. */
  declare readonly connectionInfo: pulumi.Output<{ [key: string]: any }>;

  constructor(name: string, args: VolumeAttachmentArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: VolumeAttachmentArgs | VolumeAttachmentState, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const inputs = utilities.resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, SPEC);
    const secrets: pulumi.CustomResourceOptions = { additionalSecretOutputs: ["connectionInfo"] };
    super(VolumeAttachment.__pulumiType, name, inputs, pulumi.mergeOptions(pulumi.mergeOptions(utilities.resourceOptsDefaults(), secrets), opts));
  }
}
