/** `cinder:index:GroupType` — a generic volume group type (3.11): everything in place; groupSpecs per key. */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

export interface GroupTypeArgs {
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  isPublic?: pulumi.Input<boolean>;
  groupSpecs?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export type GroupTypeState = GroupTypeArgs;

const SPEC = { inputs: ["name", "description", "isPublic", "groupSpecs"], outputs: [], required: [] } as const;

export class GroupType extends pulumi.CustomResource {
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: GroupTypeState, opts?: pulumi.CustomResourceOptions): GroupType {
    return new GroupType(name, state, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = "cinder:index:GroupType";

  public static override isInstance(obj: unknown): obj is GroupType {
    return !!obj && (obj as Record<string, unknown>)["__pulumiType"] === GroupType.__pulumiType;
  }

  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly isPublic: pulumi.Output<boolean>;
  declare readonly groupSpecs: pulumi.Output<{ [key: string]: string }>;

  constructor(name: string, args?: GroupTypeArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: GroupTypeArgs | GroupTypeState, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const inputs = utilities.resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, SPEC);
    super(GroupType.__pulumiType, name, inputs, pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts));
  }
}
