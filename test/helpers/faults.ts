/** Assertions on Cinder fault bodies: `{"<faultName>": {"code": N, "message": "..."}}`. */
import assert from "node:assert/strict";
import type { Response } from "./client";

/** The fault names Cinder gives each status (cinder/api/openstack/wsgi.py Fault._fault_names). */
export const FAULT_NAMES: Record<number, string> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "itemNotFound",
  405: "badMethod",
  406: "computeFault",
  409: "conflictingRequest",
  413: "overLimit",
  415: "badMediaType",
  500: "computeFault",
  503: "serviceUnavailable",
};

/** Assert the response is the given fault; a string message must match exactly, a RegExp must match. */
export function assertFault(r: Response, status: number, message?: string | RegExp): string {
  const where = `answer ${r.status} ${JSON.stringify(r.body)?.slice(0, 400)}`;
  assert.equal(r.status, status, where);
  const name = FAULT_NAMES[status];
  assert.ok(r.body && typeof r.body === "object", `a fault body, got ${where}`);
  assert.deepEqual(Object.keys(r.body), [name], where);
  const inner = r.body[name];
  assert.equal(inner.code, status, where);
  assert.equal(typeof inner.message, "string", where);
  assert.ok(inner.message.length > 0, where);
  if (typeof message === "string") assert.equal(inner.message, message);
  else if (message) assert.match(inner.message, message);
  return inner.message;
}
