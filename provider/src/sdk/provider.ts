/** The `cinder` provider resource, for explicit providers: `new cinder.Provider("dev", {...})`. */
import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

export interface ProviderArgs {
  /** A cloud of clouds.yaml (+ secure.yaml and OS_* on top); keys set here win. */
  cloud?: pulumi.Input<string>;
  authUrl?: pulumi.Input<string>;
  username?: pulumi.Input<string>;
  /** The user by id (instead of `username`). */
  userId?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
  projectName?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  userDomainName?: pulumi.Input<string>;
  userDomainId?: pulumi.Input<string>;
  projectDomainName?: pulumi.Input<string>;
  projectDomainId?: pulumi.Input<string>;
  /** `"all"`: a system-scoped token instead of a project-scoped one (not with a project). */
  systemScope?: pulumi.Input<string>;
  token?: pulumi.Input<string>;
  applicationCredentialId?: pulumi.Input<string>;
  /** An application credential by name, with its user (`userId`, or `username` + user domain). */
  applicationCredentialName?: pulumi.Input<string>;
  applicationCredentialSecret?: pulumi.Input<string>;
  /** Skip the catalog (e.g. noauth): `http://host:8776` or `http://host:8776/v3/<project>`. */
  endpoint?: pulumi.Input<string>;
  /** Endpoints replacing the catalog's, keyed by service type: `{ volumev3: "https://..." }`. */
  endpointOverrides?: pulumi.Input<{ [serviceType: string]: pulumi.Input<string> }>;
  region?: pulumi.Input<string>;
  insecure?: pulumi.Input<boolean>;
  cacert?: pulumi.Input<string>;
  /** TLS client certificate and key (PEM contents or paths). */
  cert?: pulumi.Input<string>;
  key?: pulumi.Input<string>;
  microversion?: pulumi.Input<string>;
}

const KEYS = [
  "cloud", "cert", "key", "authUrl", "username", "userId", "password", "projectName", "projectId", "userDomainName", "userDomainId",
  "projectDomainName", "projectDomainId", "systemScope", "token", "applicationCredentialId", "applicationCredentialName",
  "applicationCredentialSecret", "endpoint", "endpointOverrides", "region", "insecure", "cacert", "microversion",
] as const;
const SECRETS = ["password", "token", "applicationCredentialSecret", "key"] as const;

export class Provider extends pulumi.ProviderResource {
  /** @internal */
  public static readonly __pulumiType = "cinder";

  public static override isInstance(obj: unknown): obj is Provider {
    return !!obj && (obj as Record<string, unknown>)["__pulumiType"] === "pulumi:providers:" + Provider.__pulumiType;
  }

  declare readonly authUrl: pulumi.Output<string | undefined>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly region: pulumi.Output<string | undefined>;

  constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {
    const inputs: pulumi.Inputs = {};
    for (const k of KEYS) {
      const v = args?.[k];
      inputs[k] = v !== undefined && (SECRETS as readonly string[]).includes(k) ? pulumi.secret(v) : v;
    }
    const secretOpts = { additionalSecretOutputs: [...SECRETS] };
    super(Provider.__pulumiType, name, inputs, pulumi.mergeOptions(pulumi.mergeOptions(utilities.resourceOptsDefaults(), secretOpts), opts ?? {}));
  }
}
