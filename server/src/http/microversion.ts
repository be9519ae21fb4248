/**
 * The microversion a request asks for, read from its headers (the versions themselves are the
 * contract's, contract/microversion.ts).
 */
import { badRequest, notAcceptable } from "../contract/errors";
import { MAX, MAX_VERSION, MIN, MIN_VERSION, parseVersion, type Version } from "../contract/microversion";

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
