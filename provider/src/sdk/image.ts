/**
 * `cinder:index:Image` — an image of the Image service (Glance v2), its data uploaded from a local
 * file. name, visibility, minDisk, minRam, protected, tags and properties change in place;
 * diskFormat, containerFormat and source (its path or its content) replace.
 */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

export interface ImageArgs {
  name?: pulumi.Input<string>;
  diskFormat: pulumi.Input<"raw" | "qcow2" | "vmdk" | "vdi" | "vhd" | "vhdx" | "iso" | "ami" | "ari" | "aki" | "ploop">;
  /** Default `bare`. */
  containerFormat?: pulumi.Input<"bare" | "ovf" | "ova" | "ami" | "ari" | "aki" | "docker" | "compressed">;
  /** Path of a local file with the image's data; a new path or new content replaces the image. */
  source?: pulumi.Input<string>;
  visibility?: pulumi.Input<"public" | "private" | "shared" | "community">;
  minDisk?: pulumi.Input<number>;
  minRam?: pulumi.Input<number>;
  /** Deleting a protected image fails until this is set false. */
  protected?: pulumi.Input<boolean>;
  tags?: pulumi.Input<pulumi.Input<string>[]>;
  /** The properties the program manages; other properties on the image are left alone. */
  properties?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export interface ImageState extends Partial<ImageArgs> {
  sourceHash?: pulumi.Input<string>;
  status?: pulumi.Input<string>;
  size?: pulumi.Input<number>;
  virtualSize?: pulumi.Input<number>;
  checksum?: pulumi.Input<string>;
  osHashAlgo?: pulumi.Input<string>;
  osHashValue?: pulumi.Input<string>;
  owner?: pulumi.Input<string>;
  allProperties?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  createdAt?: pulumi.Input<string>;
  updatedAt?: pulumi.Input<string>;
}

const SPEC = {
  inputs: ["name", "diskFormat", "containerFormat", "source", "visibility", "minDisk", "minRam", "protected", "tags", "properties"],
  outputs: ["sourceHash", "status", "size", "virtualSize", "checksum", "osHashAlgo", "osHashValue", "owner", "allProperties", "createdAt", "updatedAt"],
  required: ["diskFormat"],
} as const;

export class Image extends pulumi.CustomResource {
  /** Look up an existing image by id (import: `pulumi import cinder:index:Image <name> <id>`). */
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ImageState, opts?: pulumi.CustomResourceOptions): Image {
    return new Image(name, state as ImageArgs, { ...opts, id });
  }

  /** @internal */
  public static readonly __pulumiType = "cinder:index:Image";

  public static override isInstance(obj: unknown): obj is Image {
    return !!obj && (obj as Record<string, unknown>)["__pulumiType"] === Image.__pulumiType;
  }

  declare readonly name: pulumi.Output<string>;
  declare readonly diskFormat: pulumi.Output<string>;
  declare readonly containerFormat: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string | undefined>;
  declare readonly visibility: pulumi.Output<string>;
  declare readonly minDisk: pulumi.Output<number>;
  declare readonly minRam: pulumi.Output<number>;
  declare readonly protected: pulumi.Output<boolean>;
  declare readonly tags: pulumi.Output<string[]>;
  declare readonly properties: pulumi.Output<{ [key: string]: string } | undefined>;
  declare readonly sourceHash: pulumi.Output<string | undefined>;
  declare readonly status: pulumi.Output<string>;
  declare readonly size: pulumi.Output<number | undefined>;
  declare readonly virtualSize: pulumi.Output<number | undefined>;
  declare readonly checksum: pulumi.Output<string | undefined>;
  declare readonly osHashAlgo: pulumi.Output<string | undefined>;
  declare readonly osHashValue: pulumi.Output<string | undefined>;
  declare readonly owner: pulumi.Output<string | undefined>;
  declare readonly allProperties: pulumi.Output<{ [key: string]: string }>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: ImageArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: ImageArgs | ImageState, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const inputs = utilities.resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, SPEC);
    super(Image.__pulumiType, name, inputs, pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts));
  }
}
