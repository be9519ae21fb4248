/** `cinder:index:VolumeType` — everything in place; extraSpecs per key. */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

export interface VolumeTypeArgs {
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  isPublic?: pulumi.Input<boolean>;
  extraSpecs?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export interface VolumeTypeState extends VolumeTypeArgs {
  qosSpecsId?: pulumi.Input<string>;
}

const SPEC = { inputs: ["name", "description", "isPublic", "extraSpecs"], outputs: ["qosSpecsId"], required: [] } as const;

export class VolumeType extends pulumi.CustomResource {
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: VolumeTypeState, opts?: pulumi.CustomResourceOptions): VolumeType {
    return new VolumeType(name, state, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = "cinder:index:VolumeType";

  public static override isInstance(obj: unknown): obj is VolumeType {
    return !!obj && (obj as Record<string, unknown>)["__pulumiType"] === VolumeType.__pulumiType;
  }

  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly isPublic: pulumi.Output<boolean>;
  declare readonly extraSpecs: pulumi.Output<{ [key: string]: string }>;
  declare readonly qosSpecsId: pulumi.Output<string | undefined>;

  constructor(name: string, args?: VolumeTypeArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: VolumeTypeArgs | VolumeTypeState, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const inputs = utilities.resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, SPEC);
    super(VolumeType.__pulumiType, name, inputs, pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts));
  }
}
