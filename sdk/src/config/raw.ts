/**
 * A cloud's settings in the shape clouds.yaml uses (openstacksdk `config/loader.py`, the format
 * `openstack` reads): `auth_type`, an `auth` map of snake_case keys, and top-level options. Both
 * the OS_* environment and clouds.yaml are read into this shape, layered, and only then turned into
 * typed options (./resolve.ts).
 */
export interface RawCloud {
  auth_type?: string;
  auth?: RawAuth;
  region_name?: string;
  interface?: string;
  /** `3` (negotiate) or `3.x` (pin). */
  volume_api_version?: string;
  block_storage_endpoint_override?: string;
  volumev3_endpoint_override?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  /** `false` skips TLS verification. */
  verify?: boolean;
  [key: string]: unknown;
}

/** The `auth` section (keystoneauth plugin options, snake_case). */
export type RawAuth = Partial<Record<RawAuthKey, string>>;

export const AUTH_KEYS = [
  "auth_url",
  "username",
  "user_id",
  "password",
  "user_domain_name",
  "user_domain_id",
  "project_name",
  "project_id",
  "project_domain_name",
  "project_domain_id",
  "domain_name",
  "domain_id",
  "default_domain_id",
  "default_domain_name",
  "token",
  "application_credential_id",
  "application_credential_name",
  "application_credential_secret",
  "endpoint",
  /** keystoneauth's `system_scope` (OS_SYSTEM_SCOPE): `all` scopes the token to the system. */
  "system_scope",
] as const;
export type RawAuthKey = (typeof AUTH_KEYS)[number];

/** `over` on top of `base`: top-level keys and `auth` keys that are set in `over` win. */
export function layer(base: RawCloud, over: RawCloud): RawCloud {
  const out: RawCloud = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined && k !== "auth") out[k] = v;
  const auth = { ...(base.auth ?? {}) };
  for (const [k, v] of Object.entries(over.auth ?? {})) if (v !== undefined && v !== "") auth[k as RawAuthKey] = v;
  out.auth = auth;
  return out;
}
