/**
 * Microversions (cinder/api/openstack/api_version_request.py, cinder/api/microversions.py), part of
 * the contract: the named versions the code branches on come from the spec (@cinderblock/openapi).
 * A version is kept as a number major*1000+minor so comparisons are plain integer ones.
 */
import { MAX_VERSION, MICROVERSIONS, MIN_VERSION } from "@cinderblock/openapi";
import { badRequest } from "./errors";

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

export const MIN = parseVersion(MIN_VERSION);
export const MAX = parseVersion(MAX_VERSION);

/** Named microversions the code branches on (the spec's, from @cinderblock/openapi), as Versions. */
export const MV = Object.fromEntries(Object.entries(MICROVERSIONS).map(([k, v]) => [k, parseVersion(v)])) as {
  readonly [K in keyof typeof MICROVERSIONS]: Version;
};

