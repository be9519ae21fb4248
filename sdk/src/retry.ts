/**
 * Which failures are retried, and when. Retries are for named, known-transient failures only:
 *
 * - no answer at all: connection refused/reset, DNS hiccups (EAI_AGAIN), the per-request timeout;
 * - 502, 503, 504 from a proxy or a restarting API process;
 * - rate limiting: 413 or 429 with a positive `Retry-After`. Cinder's quota faults are also 413 but
 *   carry `Retry-After: 0` (cinder/exception.py `QuotaError.headers`), and retrying a quota fault
 *   cannot succeed, so a zero or missing Retry-After is not retried.
 *
 * Only idempotent calls are retried (GET, HEAD, PUT, DELETE); a POST is retried only when the
 * caller declares it safe (`idempotent: true`, per call or via the client's `retry` options),
 * because a POST that timed out may have been carried out.
 */
import { CinderApiError, ConnectionError, OverLimit } from "./errors";

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 disables retrying). */
  maxRetries?: number;
  /** First backoff delay (default 250 ms); doubled per retry, with full jitter. */
  baseDelayMs?: number;
  /** Cap of one backoff delay (default 8 s). */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this (default 60 s) is not waited for: the error is thrown. */
  maxRetryAfterMs?: number;
  /** Retry POSTs too, for every call of this client (default false). */
  nonIdempotent?: boolean;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  nonIdempotent: false,
};

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);
const RETRY_STATUSES = new Set([502, 503, 504]);

export function isIdempotent(method: string, declared?: boolean): boolean {
  return declared === true || IDEMPOTENT.has(method.toUpperCase());
}

/**
 * How long to wait before retrying after `error` (attempt 1 = the first retry), or undefined when
 * the error is not retried.
 */
export function retryDelay(error: unknown, attempt: number, opts: Required<RetryOptions>, random = Math.random): number | undefined {
  if (attempt > opts.maxRetries) return undefined;
  if (error instanceof OverLimit) {
    const s = error.retryAfterSeconds;
    if (s === undefined || s <= 0) return undefined;
    const ms = s * 1000;
    return ms > opts.maxRetryAfterMs ? undefined : ms;
  }
  const transient =
    (error instanceof ConnectionError && (error.timedOut || TRANSIENT_CODES.has(error.code ?? ""))) ||
    (error instanceof CinderApiError && RETRY_STATUSES.has(error.status));
  if (!transient) return undefined;
  return backoff(attempt, opts, random);
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoff(attempt: number, opts: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">, random = Math.random): number {
  const base = opts.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const cap = Math.min(opts.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs, base * 2 ** (attempt - 1));
  return Math.round(random() * cap);
}

/** Sleep that an AbortSignal cuts short (rejecting with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
