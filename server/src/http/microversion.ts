/**
 * Microversions (cinder/api/openstack/api_version_request.py, cinder/api/microversions.py).
 * A version is kept as a number major*1000+minor so comparisons are plain integer ones.
 */
import { MAX_VERSION, MICROVERSIONS, MIN_VERSION } from "@cinderblock/openapi";
import { badRequest, notAcceptable } from "./errors";

export type Version = number;

export { MAX_VERSION, MIN_VERSION };

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

/** Named microversions the code branches on (the spec's, from @cinderblock/openapi), as Versions. */
export const MV = Object.fromEntries(Object.entries(MICROVERSIONS).map(([k, v]) => [k, parseVersion(v)])) as {
  readonly [K in keyof typeof MICROVERSIONS]: Version;
};

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
