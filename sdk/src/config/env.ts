/**
 * The OS_* environment, as the `openstack` CLI reads it (osc-lib / keystoneauth option names:
 * `OS_<OPTION>` for each plugin option), into a clouds.yaml-shaped RawCloud.
 */
import { AUTH_KEYS, type RawAuth, type RawCloud } from "./raw";

type Env = Record<string, string | undefined>;

/** Legacy names still found in openrc files. */
const AUTH_ALIASES: Record<string, keyof RawAuth> = {
  OS_TENANT_NAME: "project_name",
  OS_TENANT_ID: "project_id",
  OS_DEFAULT_DOMAIN: "default_domain_id",
  // cinderclient's noauth plugin (cinderclient/contrib/noauth.py) names the endpoint this way.
  CINDER_ENDPOINT: "endpoint",
};

const TOP_LEVEL: Record<string, keyof RawCloud> = {
  OS_AUTH_TYPE: "auth_type",
  OS_REGION_NAME: "region_name",
  OS_INTERFACE: "interface",
  OS_ENDPOINT_TYPE: "interface",
  OS_VOLUME_API_VERSION: "volume_api_version",
  OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE: "block_storage_endpoint_override",
  OS_VOLUMEV3_ENDPOINT_OVERRIDE: "volumev3_endpoint_override",
  OS_CACERT: "cacert",
  OS_CERT: "cert",
  OS_KEY: "key",
};

const set = (v: string | undefined): v is string => v !== undefined && v !== "";

/** Read OS_* variables; unset and empty ones are left out, so they do not override clouds.yaml. */
export function fromEnv(env: Env): RawCloud {
  const auth: RawAuth = {};
  for (const [name, key] of Object.entries(AUTH_ALIASES)) if (set(env[name])) auth[key] = env[name];
  for (const key of AUTH_KEYS) {
    const v = env[`OS_${key.toUpperCase()}`];
    if (set(v)) auth[key] = v;
  }
  const raw: RawCloud = { auth };
  // OS_ENDPOINT_TYPE is the older spelling; OS_INTERFACE wins when both are set.
  for (const [name, key] of Object.entries(TOP_LEVEL)) {
    if (set(env[name]) && raw[key] === undefined) raw[key] = env[name];
  }
  if (set(env.OS_INSECURE) && /^(1|true|yes|on)$/i.test(env.OS_INSECURE)) raw.verify = false;
  return raw;
}
