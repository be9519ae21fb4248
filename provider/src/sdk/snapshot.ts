/** `cinder:index:Snapshot` — name, description and metadata change in place; volumeId and force replace. */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

export interface SnapshotArgs {
  volumeId: pulumi.Input<string>;
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  metadata?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  force?: pulumi.Input<boolean>;
}

export interface SnapshotState extends Partial<SnapshotArgs> {
  size?: pulumi.Input<number>;
  status?: pulumi.Input<string>;
  allMetadata?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  createdAt?: pulumi.Input<string>;
  updatedAt?: pulumi.Input<string>;
}

const SPEC = {
  inputs: ["volumeId", "name", "description", "metadata", "force"],
  outputs: ["size", "status", "allMetadata", "createdAt", "updatedAt"],
  required: ["volumeId"],
} as const;

export class Snapshot extends pulumi.CustomResource {
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SnapshotState, opts?: pulumi.CustomResourceOptions): Snapshot {
    return new Snapshot(name, state as SnapshotArgs, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = "cinder:index:Snapshot";

  public static override isInstance(obj: unknown): obj is Snapshot {
    return !!obj && (obj as Record<string, unknown>)["__pulumiType"] === Snapshot.__pulumiType;
  }

  declare readonly volumeId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly metadata: pulumi.Output<{ [key: string]: string } | undefined>;
  declare readonly force: pulumi.Output<boolean | undefined>;
  declare readonly size: pulumi.Output<number>;
  declare readonly status: pulumi.Output<string>;
  declare readonly allMetadata: pulumi.Output<{ [key: string]: string }>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string | undefined>;

  constructor(name: string, args: SnapshotArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: SnapshotArgs | SnapshotState, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const inputs = utilities.resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, SPEC);
    super(Snapshot.__pulumiType, name, inputs, pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts));
  }
}
