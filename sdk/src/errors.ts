/**
 * One error model: every failure the SDK reports is thrown, and is a `CinderError`.
 *
 *   CinderError
 *   ├─ CinderApiError            the server answered with an error status
 *   │  ├─ BadRequest (400)  Unauthorized (401)  Forbidden (403)  NotFound (404)
 *   │  ├─ Conflict (409)    OverLimit (413/429, with retryAfterSeconds)
 *   │  ├─ ServerError (5xx)
 *   │  └─ UnexpectedStatus  a success status the spec does not declare for the call
 *   ├─ ConnectionError           no answer: refused, reset, DNS, per-request timeout
 *   ├─ MicroversionError         the call needs a newer microversion than the client speaks
 *   ├─ ConfigError               options, OS_* variables, clouds.yaml or the catalog do not add up
 *   ├─ ResourceStatusError       a waiter saw the resource go to an error status
 *   └─ WaitTimeoutError          a waiter's deadline passed
 *
 * Fault bodies are Cinder's `{"<faultName>": {"code", "message"}}` (cinder/api/openstack/wsgi.py
 * `Fault`) or Keystone's `{"error": {"code", "message", "title"}}`.
 */

/** Base class of everything the SDK throws. */
export class CinderError extends Error {
  override name = "CinderError";
}

export interface ApiErrorInit {
  status: number;
  fault: string;
  message: string;
  requestId?: string;
  method: string;
  url: string;
  /** The raw response body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The server answered with an error status. `message` is the server's own message. */
export class CinderApiError extends CinderError {
  override name = "CinderApiError";
  /** HTTP status. */
  readonly status: number;
  /** The fault name of the body (`itemNotFound`, `badRequest`, …; Keystone: its title). */
  readonly fault: string;
  /** `x-openstack-request-id` of the failed response. */
  readonly requestId?: string;
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.fault = init.fault;
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
  }

  /** One line for logs: status, fault, message, request and request id. */
  describe(): string {
    const id = this.requestId ? ` [${this.requestId}]` : "";
    return `${this.status} ${this.fault}: ${this.message} (${this.method} ${this.url})${id}`;
  }
}

export class BadRequest extends CinderApiError {
  override name = "BadRequest";
}
export class Unauthorized extends CinderApiError {
  override name = "Unauthorized";
}
export class Forbidden extends CinderApiError {
  override name = "Forbidden";
}
export class NotFound extends CinderApiError {
  override name = "NotFound";
}
export class Conflict extends CinderApiError {
  override name = "Conflict";
}
export class ServerError extends CinderApiError {
  override name = "ServerError";
}
export class UnexpectedStatus extends CinderApiError {
  override name = "UnexpectedStatus";
}

/** 413 (Cinder's overLimit) or 429. Quota faults carry `Retry-After: 0`; rate limits a delay. */
export class OverLimit extends CinderApiError {
  override name = "OverLimit";
  /** Seconds from `Retry-After` (header or the fault's `retryAfter`), when given. */
  readonly retryAfterSeconds?: number;
  constructor(init: ApiErrorInit & { retryAfterSeconds?: number }) {
    super(init);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** No HTTP answer: connection refused or reset, name resolution, or the per-request timeout. */
export class ConnectionError extends CinderError {
  override name = "ConnectionError";
  constructor(
    message: string,
    readonly method: string,
    readonly url: string,
    /** The system or axios error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, …). */
    readonly code: string | undefined,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A call that needs a newer microversion than the client negotiated (or was pinned to). */
export class MicroversionError extends CinderError {
  override name = "MicroversionError";
  constructor(
    readonly operation: string,
    readonly required: string,
    readonly available: string,
    reason: string,
  ) {
    super(`${operation} needs microversion ${required}, but ${reason}`);
  }
}

/** Connection settings that do not add up (missing credentials, unknown cloud, no endpoint). */
export class ConfigError extends CinderError {
  override name = "ConfigError";
}

/** A waiter saw the resource reach an error status (or a status it can no longer leave). */
export class ResourceStatusError extends CinderError {
  override name = "ResourceStatusError";
  constructor(
    readonly resource: string,
    readonly id: string,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

/** A waiter's deadline passed. `last` is the last state seen, if any. */
export class WaitTimeoutError extends CinderError {
  override name = "WaitTimeoutError";
  constructor(
    message: string,
    readonly last?: unknown,
  ) {
    super(message);
  }
}

const BY_STATUS: Record<number, new (init: ApiErrorInit) => CinderApiError> = {
  400: BadRequest,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  409: Conflict,
};

/** Read `{fault, message, retryAfter}` out of a Cinder or Keystone fault body (or plain text). */
export function parseFault(status: number, body: unknown): { fault: string; message: string; retryAfter?: string } {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const entries = Object.entries(body as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, inner] = entries[0];
      if (inner && typeof inner === "object" && typeof (inner as { message?: unknown }).message === "string") {
        const i = inner as { message: string; title?: string; retryAfter?: unknown };
        // Keystone: {"error": {"code", "message", "title"}} — the title is the fault's name.
        const fault = key === "error" && typeof i.title === "string" ? i.title : key;
        const retryAfter = i.retryAfter === undefined ? undefined : String(i.retryAfter);
        return { fault, message: i.message, retryAfter };
      }
    }
  }
  const text = typeof body === "string" ? body.trim() : "";
  return { fault: `http${status}`, message: text.slice(0, 500) || `HTTP ${status}` };
}

/** Seconds in a `Retry-After` value (delta-seconds or an HTTP date); undefined when unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** The error for an error response. */
export function errorFromResponse(r: {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  method: string;
  url: string;
}): CinderApiError {
  const f = parseFault(r.status, r.body);
  const init: ApiErrorInit = {
    status: r.status,
    fault: f.fault,
    message: f.message,
    requestId: requestIdOf(r.headers),
    method: r.method.toUpperCase(),
    url: r.url,
    body: r.body,
    headers: r.headers,
  };
  if (r.status === 413 || r.status === 429) {
    return new OverLimit({ ...init, retryAfterSeconds: parseRetryAfter(r.headers["retry-after"] ?? f.retryAfter) });
  }
  if (r.status >= 500) return new ServerError(init);
  const Cls = BY_STATUS[r.status] ?? CinderApiError;
  return new Cls(init);
}

export function requestIdOf(headers: Record<string, string>): string | undefined {
  return headers["x-openstack-request-id"] ?? headers["x-compute-request-id"];
}

const is =
  <T extends CinderApiError>(Cls: abstract new (...a: never[]) => T) =>
  (e: unknown): e is T =>
    e instanceof Cls;

/** Type guards, for `catch (e) { if (isNotFound(e)) … }`. */
export const isApiError = is(CinderApiError);
export const isBadRequest = is(BadRequest);
export const isUnauthorized = is(Unauthorized);
export const isForbidden = is(Forbidden);
export const isNotFound = is(NotFound);
export const isConflict = is(Conflict);
export const isOverLimit = is(OverLimit);
export const isServerError = is(ServerError);
