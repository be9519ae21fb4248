/** What `connect()` takes. */
import type { AxiosAdapter } from "axios";
import type { RetryOptions } from "../retry";
import type { RequestLog, TlsOptions } from "../transport";

/**
 * The token's scope: a project, by id or by name plus domain (id or name; default domain id
 * `default`), or the system (`systemScope: "all"`, keystoneauth's `system_scope`), not both.
 */
export interface ProjectScope {
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  /** `"all"`: a system-scoped token (`{"system": {"all": true}}`); it has no project. */
  systemScope?: string;
}

/** The user, by id or by name plus domain (id or name; default domain id `default`). */
export interface UserRef {
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
}

/** Keystone v3 password authentication (`auth_type: password` / `v3password`). */
export interface PasswordAuth extends ProjectScope, UserRef {
  type: "password";
  /** Keystone, e.g. `https://keystone:5000/v3` (`/v3` is added when missing). */
  authUrl: string;
  password: string;
}

/**
 * An existing token. With `authUrl` it is exchanged for a (project-scoped) token with a catalog
 * (`v3token`); without, it is sent as is to an explicit `endpoint` (`admin_token` style).
 */
export interface TokenAuth extends ProjectScope {
  type: "token";
  token: string;
  authUrl?: string;
}

/** Keystone application credential (`v3applicationcredential`): by id, or by name plus the user. */
export interface ApplicationCredentialAuth extends UserRef {
  type: "application_credential";
  authUrl: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret: string;
}

/**
 * No identity service: Cinder's noauth (and Cinderblock's) take `X-Auth-Token: <user>:<project>`
 * (cinder/api/middleware/auth.py `NoAuthMiddleware`). Needs an explicit `endpoint`.
 */
export interface NoAuth {
  type: "noauth";
  userId: string;
  projectId: string;
}

export type AuthOptions = PasswordAuth | TokenAuth | ApplicationCredentialAuth | NoAuth;

/** The catalog interface to use. */
export type EndpointInterface = "public" | "internal" | "admin";

export interface ConnectOptions {
  /**
   * A cloud of clouds.yaml (default: `OS_CLOUD`). Settings are layered: clouds.yaml, then the OS_*
   * environment, then the options given here, as the `openstack` CLI does.
   */
  cloud?: string;
  /** A clouds.yaml path (default: `OS_CLIENT_CONFIG_FILE`, then the standard search path). */
  cloudsFile?: string;
  /** Where OS_* variables come from (default `process.env`); `{}` ignores the environment. */
  env?: Record<string, string | undefined>;
  /** Credentials; when given they replace any from clouds.yaml or the environment. */
  auth?: AuthOptions;
  /**
   * The volume endpoint, skipping the catalog: a catalog-style URL (`http://host:8776/v3/<project>`)
   * or the service root (`http://host:8776`, to which `/v3/<project>` is added).
   */
  endpoint?: string;
  /** Catalog region (default: the first with the service). */
  region?: string;
  /** Catalog interface (default `public`). */
  interface?: EndpointInterface;
  /** Catalog service types to look for, in order (default `block-storage`, `volumev3`). */
  serviceType?: string | string[];
  /**
   * Endpoints that replace the catalog's, keyed by service type (`volumev3`, `block-storage`), as
   * @pulumi/openstack's `endpointOverrides`; the first of the service types above that has one is
   * used (the credentials still go to Keystone). `endpoint` wins over these.
   */
  endpointOverrides?: Record<string, string>;
  /** Pin a microversion (`"3.60"`) instead of negotiating the highest common one. */
  microversion?: string;
  /** Timeout of each HTTP attempt in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Retry policy for transient failures; `false` disables retries. */
  retry?: RetryOptions | false;
  /** Logging hook, called after every HTTP attempt with method, URL, status, request id and timing. */
  log?: (event: RequestLog) => void;
  /** TLS: CA bundle, client certificate, or `insecure`. */
  tls?: TlsOptions;
  /** Transport injection: an axios adapter. */
  adapter?: AxiosAdapter;
  userAgent?: string;
}
