/**
 * The admin resources: `cinder:index:VolumeTypeAccess` (id `typeId/projectId`),
 * `cinder:index:VolumeTypeEncryption` (id = volume type id), `cinder:index:QosSpec`,
 * `cinder:index:QosAssociation` (id `qosId/typeId`) and `cinder:index:QuotaSet` (id = project id;
 * deleting it resets the project to the default quotas).
 */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

type StrMap = pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
type Raw = Record<string, unknown> | undefined;
const opts0 = (o?: pulumi.CustomResourceOptions) => pulumi.mergeOptions(utilities.resourceOptsDefaults(), o ?? {});
const is = (obj: unknown, t: string) => !!obj && (obj as Record<string, unknown>)["__pulumiType"] === t;

export interface VolumeTypeAccessArgs {
  volumeTypeId: pulumi.Input<string>;
  projectId: pulumi.Input<string>;
}

export class VolumeTypeAccess extends pulumi.CustomResource {
  /** @internal */
  public static readonly __pulumiType = "cinder:index:VolumeTypeAccess";
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<VolumeTypeAccessArgs>, opts?: pulumi.CustomResourceOptions): VolumeTypeAccess {
    return new VolumeTypeAccess(name, state as VolumeTypeAccessArgs, { ...opts, id });
  }
  public static override isInstance(obj: unknown): obj is VolumeTypeAccess {
    return is(obj, VolumeTypeAccess.__pulumiType);
  }
  declare readonly volumeTypeId: pulumi.Output<string>;
  declare readonly projectId: pulumi.Output<string>;
  constructor(name: string, args: VolumeTypeAccessArgs, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const spec = { inputs: ["volumeTypeId", "projectId"], outputs: [], required: ["volumeTypeId", "projectId"] };
    super(VolumeTypeAccess.__pulumiType, name, utilities.resourceInputs(args as unknown as Raw, opts, spec), opts0(opts));
  }
}

export interface VolumeTypeEncryptionArgs {
  volumeTypeId: pulumi.Input<string>;
  provider: pulumi.Input<string>;
  controlLocation: pulumi.Input<"front-end" | "back-end">;
  cipher?: pulumi.Input<string>;
  keySize?: pulumi.Input<number>;
}

/** Encryption of a volume type (id: the volume type id); its volumes get keys from the key manager. */
export class VolumeTypeEncryption extends pulumi.CustomResource {
  /** @internal */
  public static readonly __pulumiType = "cinder:index:VolumeTypeEncryption";
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<VolumeTypeEncryptionArgs>, opts?: pulumi.CustomResourceOptions): VolumeTypeEncryption {
    return new VolumeTypeEncryption(name, state as VolumeTypeEncryptionArgs, { ...opts, id });
  }
  public static override isInstance(obj: unknown): obj is VolumeTypeEncryption {
    return is(obj, VolumeTypeEncryption.__pulumiType);
  }
  declare readonly volumeTypeId: pulumi.Output<string>;
  declare readonly provider: pulumi.Output<string>;
  declare readonly controlLocation: pulumi.Output<string>;
  declare readonly cipher: pulumi.Output<string | undefined>;
  declare readonly keySize: pulumi.Output<number | undefined>;
  declare readonly encryptionId: pulumi.Output<string>;
  constructor(name: string, args: VolumeTypeEncryptionArgs, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const spec = {
      inputs: ["volumeTypeId", "provider", "controlLocation", "cipher", "keySize"],
      outputs: ["encryptionId"],
      required: ["volumeTypeId", "provider", "controlLocation"],
    };
    super(VolumeTypeEncryption.__pulumiType, name, utilities.resourceInputs(args as unknown as Raw, opts, spec), opts0(opts));
  }
}

export interface QosSpecArgs {
  name?: pulumi.Input<string>;
  consumer?: pulumi.Input<"front-end" | "back-end" | "both">;
  specs?: StrMap;
}

export class QosSpec extends pulumi.CustomResource {
  /** @internal */
  public static readonly __pulumiType = "cinder:index:QosSpec";
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: QosSpecArgs, opts?: pulumi.CustomResourceOptions): QosSpec {
    return new QosSpec(name, state, { ...opts, id });
  }
  public static override isInstance(obj: unknown): obj is QosSpec {
    return is(obj, QosSpec.__pulumiType);
  }
  declare readonly name: pulumi.Output<string>;
  declare readonly consumer: pulumi.Output<string>;
  declare readonly specs: pulumi.Output<{ [key: string]: string }>;
  constructor(name: string, args?: QosSpecArgs, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const spec = { inputs: ["name", "consumer", "specs"], outputs: [], required: [] };
    super(QosSpec.__pulumiType, name, utilities.resourceInputs(args as Raw, opts, spec), opts0(opts));
  }
}

export interface QosAssociationArgs {
  qosSpecId: pulumi.Input<string>;
  volumeTypeId: pulumi.Input<string>;
}

export class QosAssociation extends pulumi.CustomResource {
  /** @internal */
  public static readonly __pulumiType = "cinder:index:QosAssociation";
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<QosAssociationArgs>, opts?: pulumi.CustomResourceOptions): QosAssociation {
    return new QosAssociation(name, state as QosAssociationArgs, { ...opts, id });
  }
  public static override isInstance(obj: unknown): obj is QosAssociation {
    return is(obj, QosAssociation.__pulumiType);
  }
  declare readonly qosSpecId: pulumi.Output<string>;
  declare readonly volumeTypeId: pulumi.Output<string>;
  constructor(name: string, args: QosAssociationArgs, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const spec = { inputs: ["qosSpecId", "volumeTypeId"], outputs: [], required: ["qosSpecId", "volumeTypeId"] };
    super(QosAssociation.__pulumiType, name, utilities.resourceInputs(args as unknown as Raw, opts, spec), opts0(opts));
  }
}

export interface QuotaSetArgs {
  projectId: pulumi.Input<string>;
  volumes?: pulumi.Input<number>;
  snapshots?: pulumi.Input<number>;
  gigabytes?: pulumi.Input<number>;
  backups?: pulumi.Input<number>;
  backupGigabytes?: pulumi.Input<number>;
  perVolumeGigabytes?: pulumi.Input<number>;
  groups?: pulumi.Input<number>;
  /** Per-type limits, e.g. `{ volumes_gold: "5" }`. */
  volumeTypeQuotas?: StrMap;
}

export class QuotaSet extends pulumi.CustomResource {
  /** @internal */
  public static readonly __pulumiType = "cinder:index:QuotaSet";
  public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: Partial<QuotaSetArgs>, opts?: pulumi.CustomResourceOptions): QuotaSet {
    return new QuotaSet(name, state as QuotaSetArgs, { ...opts, id });
  }
  public static override isInstance(obj: unknown): obj is QuotaSet {
    return is(obj, QuotaSet.__pulumiType);
  }
  declare readonly projectId: pulumi.Output<string>;
  declare readonly volumes: pulumi.Output<number>;
  declare readonly snapshots: pulumi.Output<number>;
  declare readonly gigabytes: pulumi.Output<number>;
  declare readonly backups: pulumi.Output<number>;
  declare readonly backupGigabytes: pulumi.Output<number>;
  declare readonly perVolumeGigabytes: pulumi.Output<number>;
  declare readonly groups: pulumi.Output<number>;
  declare readonly volumeTypeQuotas: pulumi.Output<{ [key: string]: string } | undefined>;
  constructor(name: string, args: QuotaSetArgs, opts?: pulumi.CustomResourceOptions) {
    opts = opts || {};
    const inputs = ["projectId", "volumes", "snapshots", "gigabytes", "backups", "backupGigabytes", "perVolumeGigabytes", "groups", "volumeTypeQuotas"];
    super(QuotaSet.__pulumiType, name, utilities.resourceInputs(args as unknown as Raw, opts, { inputs, outputs: [], required: ["projectId"] }), opts0(opts));
  }
}
