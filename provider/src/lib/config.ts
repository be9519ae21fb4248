/**
 * Provider configuration: the keys, their OS_* fallbacks, the completeness check and the mapping
 * to the SDK's `connect()` options. Values come from Configure's `args` (stack config `cinder:*`
 * for the default provider, or `new cinder.Provider(...)` inputs), then the plugin's environment.
 */
import type { AuthOptions, ConnectOptions } from "@cinderblock/sdk";
import { isUnknown, type Props } from "./wire";

export interface ConfigKey {
  env: string[];
  /** `map`: string values keyed by name (an object in `args`, JSON in stack config `variables`). */
  type: "string" | "boolean" | "map";
  secret?: boolean;
  description: string;
}

/** Every configuration key, with the environment variables it falls back to (first set wins). */
export const CONFIG_KEYS = {
  cloud: {
    env: ["OS_CLOUD"],
    type: "string",
    description:
      "A cloud of clouds.yaml (found as the openstack CLI finds it: OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack, /etc/openstack), with secure.yaml and the OS_* environment layered on top; keys set here win.",
  },
  authUrl: { env: ["OS_AUTH_URL"], type: "string", description: "Keystone v3 URL, e.g. `https://keystone:5000/v3`." },
  username: { env: ["OS_USERNAME"], type: "string", description: "User name (password authentication, or an application credential by name)." },
  userId: { env: ["OS_USER_ID"], type: "string", description: "User id (instead of `username`)." },
  password: { env: ["OS_PASSWORD"], type: "string", secret: true, description: "Password for password authentication." },
  projectName: { env: ["OS_PROJECT_NAME", "OS_TENANT_NAME"], type: "string", description: "Project (scope) by name." },
  projectId: { env: ["OS_PROJECT_ID", "OS_TENANT_ID"], type: "string", description: "Project (scope) by id." },
  userDomainName: { env: ["OS_USER_DOMAIN_NAME"], type: "string", description: "The user's domain by name (default `Default`)." },
  userDomainId: { env: ["OS_USER_DOMAIN_ID"], type: "string", description: "The user's domain by id (instead of `userDomainName`)." },
  projectDomainName: { env: ["OS_PROJECT_DOMAIN_NAME"], type: "string", description: "The project's domain by name (default `Default`)." },
  projectDomainId: { env: ["OS_PROJECT_DOMAIN_ID"], type: "string", description: "The project's domain by id (instead of `projectDomainName`)." },
  systemScope: {
    env: ["OS_SYSTEM_SCOPE"],
    type: "string",
    description: "`all` (or `true`): a system-scoped token instead of a project-scoped one (Keystone `{\"system\": {\"all\": true}}`); not with a project.",
  },
  token: { env: ["OS_TOKEN"], type: "string", secret: true, description: "An existing token (with `authUrl`: exchanged; without: sent to `endpoint` as is)." },
  applicationCredentialId: { env: ["OS_APPLICATION_CREDENTIAL_ID"], type: "string", description: "Application credential id." },
  applicationCredentialName: {
    env: ["OS_APPLICATION_CREDENTIAL_NAME"],
    type: "string",
    description: "Application credential by name (instead of its id); needs its user: `userId`, or `username` with `userDomainName`/`userDomainId`.",
  },
  applicationCredentialSecret: {
    env: ["OS_APPLICATION_CREDENTIAL_SECRET"],
    type: "string",
    secret: true,
    description: "Application credential secret.",
  },
  endpoint: {
    env: ["OS_VOLUME_ENDPOINT", "CINDER_ENDPOINT"],
    type: "string",
    description: "Volume endpoint, skipping the catalog (e.g. for noauth): `http://host:8776` or `http://host:8776/v3/<project>`.",
  },
  endpointOverrides: {
    env: [],
    type: "map",
    description:
      "Endpoints replacing the catalog's, keyed by service type, as @pulumi/openstack's: `volumev3` or `block-storage` (the first set wins; `endpoint` wins over both), and `image` for the Image service (Glance v2) that `Image` resources use. Authentication still goes to Keystone.",
  },
  region: { env: ["OS_REGION_NAME"], type: "string", description: "Catalog region." },
  insecure: { env: ["OS_INSECURE"], type: "boolean", description: "Skip TLS certificate verification." },
  cacert: { env: ["OS_CACERT"], type: "string", description: "CA bundle (PEM contents, or a path to a PEM file)." },
  cert: { env: ["OS_CERT"], type: "string", description: "Client certificate for TLS (PEM contents, or a path)." },
  key: { env: ["OS_KEY"], type: "string", secret: true, description: "Client certificate key for TLS (PEM contents, or a path)." },
  microversion: { env: ["OS_VOLUME_API_VERSION"], type: "string", description: "Pin a Cinder microversion (`3.x`) instead of negotiating." },
} as const satisfies Record<string, ConfigKey>;

export type ConfigName = keyof typeof CONFIG_KEYS;
type ConfigValue<T> = T extends "boolean" ? boolean : T extends "map" ? Record<string, string> : string;
export type ProviderConfig = { [K in ConfigName]?: ConfigValue<(typeof CONFIG_KEYS)[K]["type"]> };

export const SECRET_CONFIG_KEYS = Object.entries(CONFIG_KEYS as Record<string, ConfigKey>)
  .filter(([, k]) => k.secret)
  .map(([n]) => n);

const truthy = (s: string) => /^(1|true|yes|on)$/i.test(s);

/** A map value: an object (Configure `args`) or its JSON (stack config `variables`); undefined when neither. */
function stringMap(v: unknown): Record<string, string> | undefined {
  let o = v;
  if (typeof v === "string") {
    try {
      o = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) if (x !== undefined && x !== null && x !== "" && !isUnknown(x)) out[k] = String(x);
  return out;
}

/** Given values (unknowns kept out), then the environment for whatever is unset. */
export function resolveProviderConfig(given: Props, env: Record<string, string | undefined> = process.env): ProviderConfig {
  const out: Record<string, string | boolean | Record<string, string>> = {};
  for (const [name, key] of Object.entries(CONFIG_KEYS as Record<string, ConfigKey>)) {
    let v: unknown = given[name];
    if (v === undefined || v === null || v === "" || isUnknown(v)) v = key.env.map((e) => env[e]).find((x) => x !== undefined && x !== "");
    if (v === undefined) continue;
    if (key.type === "boolean") out[name] = typeof v === "boolean" ? v : truthy(String(v));
    else if (key.type === "map") {
      const m = stringMap(v);
      if (m) out[name] = m;
    } else out[name] = String(v);
  }
  return out as ProviderConfig;
}

export interface ConfigFailure {
  property: string;
  reason: string;
}

/** Given values of a shape no key can take (a map key that is neither an object nor its JSON). */
export function checkGivenShapes(given: Props): ConfigFailure[] {
  return Object.entries(CONFIG_KEYS as Record<string, ConfigKey>)
    .filter(([name, key]) => key.type === "map" && given[name] !== undefined && given[name] !== null && given[name] !== "" && !isUnknown(given[name]) && !stringMap(given[name]))
    .map(([name]) => ({ property: name, reason: `${name} must be a map of service type to URL, e.g. {"volumev3": "https://cinder:8776/v3/<project>"}` }));
}

const where = (k: ConfigName) => `set cinder:${k} or ${CONFIG_KEYS[k].env[0]}`;

/** What is missing or wrong; empty when the configuration can connect. Unknown keys are skipped. */
export function checkProviderConfig(cfg: ProviderConfig, unknown: Set<string> = new Set()): ConfigFailure[] {
  const f: ConfigFailure[] = [];
  const need = (k: ConfigName, why: string) => {
    if (cfg[k] === undefined && !unknown.has(k)) f.push({ property: k, reason: `${k} is required ${why} (${where(k)})` });
  };
  if (cfg.microversion !== undefined && !/^3\.\d+$/.test(cfg.microversion)) {
    f.push({ property: "microversion", reason: `microversion must look like "3.42", got "${cfg.microversion}"` });
  }
  const has = (k: ConfigName) => cfg[k] !== undefined || unknown.has(k);
  const system = systemScope(cfg.systemScope);
  if (system === null) f.push({ property: "systemScope", reason: `systemScope must be "all" (or true/false), got "${cfg.systemScope}"` });
  if (system && (has("projectName") || has("projectId"))) {
    f.push({ property: "systemScope", reason: `a token is scoped to a project or to the system, not both: unset projectName/projectId or systemScope (${where("systemScope")})` });
  }
  if (has("cert") !== has("key")) f.push({ property: has("cert") ? "key" : "cert", reason: `cert and key go together (${where("cert")} and ${where("key")})` });
  // A clouds.yaml cloud brings its own credentials; the SDK reports what it lacks at Configure.
  const explicit = ["applicationCredentialId", "applicationCredentialName", "applicationCredentialSecret", "password", "username", "token"].some((k) => has(k as ConfigName));
  if (has("cloud") && !explicit) return f;
  if (has("applicationCredentialId") || has("applicationCredentialName") || has("applicationCredentialSecret")) {
    need("authUrl", "for application-credential authentication");
    if (!has("applicationCredentialId") && !has("applicationCredentialName")) {
      f.push({ property: "applicationCredentialId", reason: `applicationCredentialId or applicationCredentialName is required with applicationCredentialSecret (${where("applicationCredentialId")})` });
    }
    need("applicationCredentialSecret", "with an application credential");
    if (!has("applicationCredentialId") && has("applicationCredentialName") && !has("userId") && !has("username")) {
      f.push({ property: "username", reason: `an application credential by name needs its user: userId, or username (with userDomainName) (${where("userId")} or ${where("username")})` });
    }
    if (system) f.push({ property: "systemScope", reason: "an application credential carries its own project scope; unset systemScope" });
  } else if (has("password") || has("username") || has("userId")) {
    need("authUrl", "for password authentication");
    if (!has("username") && !has("userId")) need("username", "for password authentication");
    need("password", "for password authentication");
    if (!has("projectName") && !has("projectId") && !system) {
      f.push({ property: "projectName", reason: `projectName or projectId (or systemScope) is required to scope the token (${where("projectName")})` });
    }
  } else if (has("token")) {
    if (!has("authUrl") && !has("endpoint")) {
      f.push({ property: "endpoint", reason: `a token needs authUrl (Keystone) or endpoint (sent as is) (${where("authUrl")} or ${where("endpoint")})` });
    }
    if (!has("authUrl") && has("endpoint") && !has("projectId") && !/\/v3\/[^/]+/.test(String(cfg.endpoint ?? ""))) {
      f.push({ property: "projectId", reason: `projectId is required when the endpoint has no /v3/<project> part (${where("projectId")})` });
    }
  } else {
    f.push({
      property: "password",
      reason:
        "no credentials: set password (with username, authUrl and a project), token, or applicationCredentialId and applicationCredentialSecret " +
        "(stack config cinder:* or OS_PASSWORD / OS_TOKEN / OS_APPLICATION_CREDENTIAL_ID)",
    });
  }
  return f;
}

const pem = (v: string | undefined, readFile: (p: string) => string) => (v === undefined ? undefined : v.includes("-----BEGIN") ? v : readFile(v));

/**
 * SDK connect options for a complete configuration (call checkProviderConfig first). With `cloud`
 * the SDK reads clouds.yaml + secure.yaml and the OS_* environment (`env`), and the keys set here
 * override them; credentials given here replace the cloud's.
 */
export function connectOptions(cfg: ProviderConfig, readFile: (p: string) => string, env: Record<string, string | undefined> = {}): ConnectOptions {
  const tls = {
    ...(cfg.insecure !== undefined ? { insecure: cfg.insecure } : {}),
    ...(cfg.cacert !== undefined ? { ca: pem(cfg.cacert, readFile) } : {}),
    ...(cfg.cert !== undefined ? { cert: pem(cfg.cert, readFile), key: pem(cfg.key, readFile) } : {}),
  };
  const common = {
    endpoint: cfg.endpoint,
    endpointOverrides: cfg.endpointOverrides,
    region: cfg.region,
    microversion: cfg.microversion,
    tls: Object.keys(tls).length ? tls : undefined,
    userAgent: "pulumi-resource-cinder/0.1.0",
  };
  if (cfg.cloud !== undefined) {
    const explicit = cfg.applicationCredentialId !== undefined || cfg.applicationCredentialName !== undefined || cfg.password !== undefined || cfg.token !== undefined;
    return { cloud: cfg.cloud, env, ...(explicit ? { auth: credentials(cfg) } : {}), ...common };
  }
  return { env: {}, auth: credentials(cfg), ...common };
}

/** "all"/true → "all"; unset/false → undefined; anything else → null (a failure). */
export function systemScope(v: string | undefined): "all" | undefined | null {
  if (v === undefined || /^(false|0|no|off)$/i.test(v)) return undefined;
  return /^(all|true|1|yes|on)$/i.test(v) ? "all" : null;
}

function credentials(cfg: ProviderConfig): AuthOptions {
  const system = systemScope(cfg.systemScope) ?? undefined;
  const projectDomain = cfg.projectDomainId ? { projectDomainId: cfg.projectDomainId } : { projectDomainName: cfg.projectDomainName ?? (cfg.projectName ? "Default" : undefined) };
  const scope = system ? { systemScope: system } : { projectId: cfg.projectId, projectName: cfg.projectName, ...projectDomain };
  const user = {
    userId: cfg.userId,
    username: cfg.userId ? undefined : cfg.username,
    ...(cfg.userDomainId ? { userDomainId: cfg.userDomainId } : { userDomainName: cfg.userDomainName ?? "Default" }),
  };
  let auth: AuthOptions;
  if (cfg.applicationCredentialId) {
    auth = { type: "application_credential", authUrl: cfg.authUrl!, applicationCredentialId: cfg.applicationCredentialId, applicationCredentialSecret: cfg.applicationCredentialSecret! };
  } else if (cfg.applicationCredentialName) {
    auth = {
      type: "application_credential",
      authUrl: cfg.authUrl!,
      applicationCredentialName: cfg.applicationCredentialName,
      applicationCredentialSecret: cfg.applicationCredentialSecret!,
      ...user,
    };
  } else if (cfg.password !== undefined) {
    auth = { type: "password", authUrl: cfg.authUrl!, password: cfg.password, ...user, ...scope };
  } else {
    auth = { type: "token", token: cfg.token!, authUrl: cfg.authUrl, ...scope };
  }
  return auth;
}
