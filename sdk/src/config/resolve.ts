/**
 * Settings in layers — clouds.yaml, the OS_* environment, explicit options — into one resolved
 * configuration. Auth type names are keystoneauth's (`password`, `v3password`, `token`, `v3token`,
 * `v3applicationcredential`, `admin_token`, `token_endpoint`) plus cinderclient's `noauth`.
 */
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors";
import { parseVersion } from "../microversions";
import type { TlsOptions } from "../transport";
import { VOLUME_SERVICE_TYPES } from "../auth/catalog";
import { loadCloud } from "./clouds";
import { fromEnv } from "./env";
import type { AuthOptions, ConnectOptions, EndpointInterface } from "./options";
import { layer, type RawAuth, type RawCloud } from "./raw";

export interface ResolvedConfig {
  auth: AuthOptions;
  endpoint?: string;
  region?: string;
  interface: EndpointInterface;
  microversion?: string;
  tls?: TlsOptions;
}

/** Resolve options, clouds.yaml and environment; throws ConfigError when credentials are missing. */
export function resolveConfig(o: ConnectOptions): ResolvedConfig {
  const env = o.env ?? process.env;
  const cloud = o.cloud ?? env.OS_CLOUD;
  let raw: RawCloud = cloud ? loadCloud({ cloud, file: o.cloudsFile, env }) : {};
  raw = layer(raw, fromEnv(env));
  const auth = o.auth ?? authFromRaw(raw);
  const iface = (o.interface ?? raw.interface ?? "public").replace(/URL$/, "");
  if (!["public", "internal", "admin"].includes(iface)) throw new ConfigError(`interface '${iface}' is not public, internal or admin`);
  const types = o.serviceType === undefined ? VOLUME_SERVICE_TYPES : ([] as string[]).concat(o.serviceType);
  const named = types.map((t) => o.endpointOverrides?.[t]).find((u) => u !== undefined && u !== "");
  const endpoint =
    o.endpoint ??
    named ??
    raw.block_storage_endpoint_override ??
    raw.volumev3_endpoint_override ??
    (auth.type === "noauth" || (auth.type === "token" && !auth.authUrl) ? raw.auth?.endpoint : undefined);
  return {
    auth,
    endpoint,
    region: o.region ?? raw.region_name,
    interface: iface as EndpointInterface,
    microversion: o.microversion ?? pinnedVersion(raw.volume_api_version),
    tls: o.tls ?? tlsFromRaw(raw),
  };
}

/** `3` or `latest` negotiate; `3.x` pins. */
function pinnedVersion(v: string | undefined): string | undefined {
  if (v === undefined || v === "" || v === "3" || v.toLowerCase() === "latest") return undefined;
  parseVersion(v);
  return v;
}

function tlsFromRaw(raw: RawCloud): TlsOptions | undefined {
  const read = (p: string | undefined, what: string) => {
    if (!p) return undefined;
    try {
      return readFileSync(p);
    } catch (e) {
      throw new ConfigError(`cannot read the ${what} ${p}: ${(e as Error).message}`);
    }
  };
  if (!raw.cacert && !raw.cert && raw.verify !== false) return undefined;
  return { ca: read(raw.cacert, "CA bundle"), cert: read(raw.cert, "client certificate"), key: read(raw.key, "client key"), insecure: raw.verify === false };
}

function authType(raw: RawCloud): string {
  const a = raw.auth ?? {};
  const t = raw.auth_type?.toLowerCase();
  if (t) return t;
  if (a.application_credential_secret) return "v3applicationcredential";
  if (a.token && !a.password) return a.auth_url ? "v3token" : "admin_token";
  if (a.auth_url) return "password";
  throw new ConfigError(
    "no credentials: set OS_CLOUD (clouds.yaml), or OS_AUTH_URL with OS_USERNAME/OS_PASSWORD, " +
      "or OS_AUTH_TYPE=noauth with an endpoint — or pass `auth` to connect()",
  );
}

const need = (a: RawAuth, key: keyof RawAuth, what: string): string => {
  const v = a[key];
  if (!v) throw new ConfigError(`${what} needs ${key} (OS_${key.toUpperCase()})`);
  return v;
};

/** Typed auth options from a clouds.yaml-shaped config. */
export function authFromRaw(raw: RawCloud): AuthOptions {
  const a = raw.auth ?? {};
  const type = authType(raw);
  const user = {
    userId: a.user_id,
    username: a.username,
    userDomainId: a.user_domain_id ?? (a.user_domain_name ? undefined : a.default_domain_id),
    userDomainName: a.user_domain_name ?? (a.user_domain_id ? undefined : a.default_domain_name),
  };
  const scope = {
    projectId: a.project_id,
    projectName: a.project_name,
    projectDomainId: a.project_domain_id ?? (a.project_domain_name ? undefined : a.default_domain_id),
    projectDomainName: a.project_domain_name ?? (a.project_domain_id ? undefined : a.default_domain_name),
    ...(a.system_scope ? { systemScope: a.system_scope } : {}),
  };
  switch (type) {
    case "password":
    case "v3password":
      if (!a.username && !a.user_id) throw new ConfigError("password auth needs username or user_id (OS_USERNAME / OS_USER_ID)");
      return { type: "password", authUrl: need(a, "auth_url", "password auth"), password: need(a, "password", "password auth"), ...user, ...scope };
    case "token":
    case "v3token":
      return { type: "token", token: need(a, "token", "token auth"), authUrl: a.auth_url, ...scope };
    case "admin_token":
    case "token_endpoint":
      return { type: "token", token: need(a, "token", "token auth") };
    case "v3applicationcredential":
    case "applicationcredential":
    case "application_credential":
      if (!a.application_credential_id && !a.application_credential_name) {
        throw new ConfigError("application credential auth needs application_credential_id or _name");
      }
      return {
        type: "application_credential",
        authUrl: need(a, "auth_url", "application credential auth"),
        applicationCredentialId: a.application_credential_id,
        applicationCredentialName: a.application_credential_name,
        applicationCredentialSecret: need(a, "application_credential_secret", "application credential auth"),
        ...user,
      };
    case "noauth":
    case "none": {
      const userId = a.user_id ?? a.username;
      const projectId = a.project_id ?? a.project_name;
      if (!userId || !projectId) throw new ConfigError("noauth needs a user (OS_USER_ID or OS_USERNAME) and a project (OS_PROJECT_ID)");
      return { type: "noauth", userId, projectId };
    }
    default:
      throw new ConfigError(`auth type '${type}' is not supported (password, token, v3applicationcredential, noauth)`);
  }
}
