/**
 * Microversions (cinder/api/openstack/api_version_request.py, cinder/api/microversions.py).
 * A version is kept as a number major*1000+minor so comparisons are plain integer ones.
 */
import { badRequest, notAcceptable } from "./errors";

export type Version = number;

export const MIN_VERSION = "3.0";
export const MAX_VERSION = "3.71";

export function parseVersion(s: string): Version {
  const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(s);
  if (!m) throw badRequest(`API Version String ${s} is of invalid format. Must be of format MajorNum.MinorNum.`);
  return Number(m[1]) * 1000 + Number(m[2]);
}

export function formatVersion(v: Version): string {
  return `${Math.floor(v / 1000)}.${v % 1000}`;
}

const MIN = parseVersion(MIN_VERSION);
const MAX = parseVersion(MAX_VERSION);

/** Named microversions the code branches on (cinder/api/microversions.py). */
export const MV = {
  BASE: parseVersion("3.0"),
  CLUSTER_SUPPORT: parseVersion("3.7"),
  MANAGE_EXISTING_LIST: parseVersion("3.8"),
  VOLUME_SUMMARY: parseVersion("3.12"),
  GROUP_VOLUME: parseVersion("3.13"),
  GROUP_SNAPSHOTS: parseVersion("3.14"),
  VOLUME_MIGRATE_CLUSTER: parseVersion("3.16"),
  MANAGE_EXISTING_CLUSTER: parseVersion("3.17"),
  VOLUME_DELETE_FORCE: parseVersion("3.23"),
  VOLUME_DETAIL_PROVIDER_ID: parseVersion("3.21"),
  SNAPSHOT_SORT_NAME: parseVersion("3.30"),
  RESOURCE_FILTER: parseVersion("3.31"),
  LIKE_FILTER: parseVersion("3.34"),
  VOLUME_SUMMARY_METADATA: parseVersion("3.36"),
  LIMITS_ADMIN_FILTER: parseVersion("3.39"),
  VOLUME_REVERT: parseVersion("3.40"),
  SNAPSHOT_LIST_USER_ID: parseVersion("3.41"),
  VOLUME_EXTEND_INUSE: parseVersion("3.42"),
  SUPPORT_COUNT_INFO: parseVersion("3.45"),
  VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS: parseVersion("3.48"),
  SERVICE_BACKEND_STATE: parseVersion("3.49"),
  SUPPORT_VOLUME_TYPE_FILTER: parseVersion("3.52"),
  SUPPORT_VOLUME_SCHEMA_CHANGES: parseVersion("3.53"),
  VOLUME_TIME_COMPARISON_FILTER: parseVersion("3.60"),
  VOLUME_CLUSTER_NAME: parseVersion("3.61"),
  VOLUME_TYPE_ID_IN_VOLUME_DETAIL: parseVersion("3.63"),
  ENCRYPTION_KEY_ID_IN_DETAILS: parseVersion("3.64"),
  USE_QUOTA: parseVersion("3.65"),
  SNAPSHOT_IN_USE: parseVersion("3.66"),
  SHARED_TARGETS_TRISTATE: parseVersion("3.69"),
} as const;

/**
 * The version a request asks for: `OpenStack-API-Version: volume 3.x` (or the older
 * `X-OpenStack-Volume-API-Version: 3.x`), `latest`, or 3.0 when absent. Out of range: 406.
 */
export function requestedVersion(headers: Record<string, string | string[] | undefined>): Version {
  const raw = headers["openstack-api-version"];
  const legacy = headers["x-openstack-volume-api-version"];
  let value: string | undefined;
  if (raw !== undefined) {
    const text = Array.isArray(raw) ? raw.join(",") : raw;
    const entry = text
      .split(",")
      .map((e) => e.trim())
      .find((e) => e.toLowerCase().startsWith("volume "));
    if (!entry) {
      if (legacy === undefined) {
        throw badRequest(`OpenStack-API-Version has no 'volume' entry: send 'volume ${MAX_VERSION}' or 'volume latest'.`);
      }
    } else {
      value = entry.slice("volume ".length).trim();
    }
  }
  if (value === undefined && legacy !== undefined) value = (Array.isArray(legacy) ? legacy[0] : legacy).trim();
  if (value === undefined || value === "") return MIN;
  if (value.toLowerCase() === "latest") return MAX;
  const v = parseVersion(value);
  if (v < MIN || v > MAX) {
    throw notAcceptable(
      `Version ${value} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`,
    );
  }
  return v;
}
