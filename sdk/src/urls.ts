/**
 * From spec paths to URLs.
 *
 * The spec writes Cinder paths as `/v3/{project_id}/volumes/...`, and a catalog's volume endpoint
 * is `<scheme>://<host>[:port][/prefix]/v3[/<project_id>]` (devstack: `http://host/volume/v3/<id>`;
 * recent clouds register it without the project). The SDK takes that endpoint URL as the base of
 * everything after `/v3/{project_id}`: `GET /v3/{project_id}/volumes/{volume_id}` goes to
 * `<endpoint>/volumes/<id>`. So the project in the URL is the catalog's (or the endpoint's), the
 * prefix of a proxied deployment is kept, and a project-less endpoint gets the project-less
 * twins of the paths, which Cinder serves too.
 *
 * Keystone paths `/identity/v3/...` go to the auth URL (which ends in `/v3`) the same way.
 */
import { ConfigError } from "./errors";

const VOLUME_PREFIX = "/v3/{project_id}";
const IDENTITY_PREFIX = "/identity/v3";

/** Which base a spec path is relative to, and the rest of it. */
export function splitSpecPath(path: string): { service: "volume" | "identity"; rest: string } {
  if (path.startsWith(VOLUME_PREFIX + "/")) return { service: "volume", rest: path.slice(VOLUME_PREFIX.length) };
  if (path.startsWith(IDENTITY_PREFIX)) return { service: "identity", rest: path.slice(IDENTITY_PREFIX.length) };
  throw new ConfigError(`'${path}' is not a project-scoped Cinder path or an identity path of the spec`);
}

/** Fill `{name}` placeholders with URL-encoded values. */
export function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null || v === "") throw new ConfigError(`path parameter '${name}' is missing`);
    return encodeURIComponent(String(v));
  });
}

/**
 * A volume endpoint as the SDK uses it: no trailing slash, catalog templates (`$(project_id)s`,
 * `%(tenant_id)s`) filled in, and `/v3[/<project>]` appended when the URL is a bare service root
 * (`http://host:8776`), so `endpoint: "http://host:8776"` works with noauth.
 */
export function normaliseVolumeEndpoint(url: string, projectId?: string): string {
  let u = url.trim().replace(/\/+$/, "");
  u = u.replace(/\$\((project_id|tenant_id)\)s|%\((project_id|tenant_id)\)s/g, () => {
    if (!projectId) throw new ConfigError(`the endpoint '${url}' needs a project id to fill in`);
    return projectId;
  });
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw new ConfigError(`'${url}' is not a URL`);
  }
  const segments = parsed.pathname.split("/").filter(Boolean);
  if (segments.includes("v3")) return u;
  if (segments.some((s) => /^v[12](\.\d+)?$/.test(s))) {
    throw new ConfigError(`'${url}' is a Cinder v1/v2 endpoint; this SDK speaks v3`);
  }
  return u + "/v3" + (projectId ? `/${encodeURIComponent(projectId)}` : "");
}

/** The service root of a volume endpoint, where the version document is: the part before `/v3`. */
export function serviceRoot(endpoint: string): string {
  const parsed = new URL(endpoint);
  const segments = parsed.pathname.split("/");
  const i = segments.lastIndexOf("v3");
  parsed.pathname = (i >= 0 ? segments.slice(0, i) : segments).join("/") + "/";
  return parsed.toString();
}

/** The v3 root of a volume endpoint (`.../v3/`), where the v3 version document is. */
export function versionRoot(endpoint: string): string {
  const parsed = new URL(endpoint);
  const segments = parsed.pathname.split("/");
  const i = segments.lastIndexOf("v3");
  parsed.pathname = (i >= 0 ? segments.slice(0, i + 1) : [...segments, "v3"]).join("/") + "/";
  return parsed.toString();
}

/** A Keystone URL ending in `/v3` (`http://host:5000` → `http://host:5000/v3`). */
export function normaliseAuthUrl(url: string): string {
  const u = url.trim().replace(/\/+$/, "");
  if (/\/v3$/.test(u)) return u;
  if (/\/v2\.0$/.test(u)) throw new ConfigError(`'${url}' is Keystone v2.0; this SDK speaks Keystone v3`);
  return u + "/v3";
}

/** Serialise a query: strings as they are, numbers and booleans stringified, objects as JSON. */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return "";
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    q.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}
