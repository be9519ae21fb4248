/**
 * Cinder's fault envelope `{"<faultName>": {"code": N, "message": "..."}}` (cinder/api/openstack/wsgi.py
 * Fault, cinder/api/middleware/fault.py): how the transport renders the contract's errors.
 */
import { HTTP_TITLES, type CinderError } from "../contract/errors";

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

/** The built-in Image API: Glance's (webob's) faults. */
export const GLANCE_STYLE = /^\/image\/v2(\/|\?|$)/;

/**
 * A Glance fault as webob renders it: JSON `{"code": "404 Not Found", "title", "message"}` for a
 * client that accepts JSON, else webob's plain-text page.
 */
export function glanceFault(e: CinderError, accept: string | undefined): { contentType: string; body: string } {
  const title = HTTP_TITLES[e.status] ?? "Error";
  if (accept && /json/.test(accept)) {
    return { contentType: "application/json", body: JSON.stringify({ code: `${e.status} ${title}`, title, message: e.message }) };
  }
  return { contentType: "text/plain; charset=UTF-8", body: `${e.status} ${title}\n\n${e.message}\n\n   ` };
}

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
