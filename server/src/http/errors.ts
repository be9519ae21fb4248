/**
 * Cinder's fault envelope `{"<faultName>": {"code": N, "message": "..."}}` (cinder/api/openstack/wsgi.py
 * Fault, cinder/api/middleware/fault.py): how the transport renders the contract's errors.
 */
import type { CinderError } from "../contract/errors";

const FAULT_NAMES: Record<number, string> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "itemNotFound",
  405: "badMethod",
  409: "conflictingRequest",
  413: "overLimit",
  415: "badMediaType",
  501: "notImplemented",
  503: "serviceUnavailable",
};

/** Keystone's API and the Image and Compute stubs: Keystone's fault body `{"error": {...}}`, no microversions. */
export const KEYSTONE_STYLE = /^\/(identity|image|compute)(\/|\?|$)/;

/** Cinder names every other status (406, 412, 500, ...) computeFault. */
export function faultName(status: number): string {
  return FAULT_NAMES[status] ?? "computeFault";
}

export interface FaultBody {
  [faultName: string]: { code: number; message: string; retryAfter?: string };
}

/** The error as Cinder's fault body; a 413 carries its Retry-After inside too. */
export function faultBody(e: CinderError): FaultBody {
  const inner: { code: number; message: string; retryAfter?: string } = { code: e.status, message: e.message };
  if (e.status === 413 && e.headers["Retry-After"] !== undefined) inner.retryAfter = e.headers["Retry-After"];
  return { [faultName(e.status)]: inner };
}
