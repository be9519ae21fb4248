/**
 * The HTTP layer: one axios instance, one `send()` that retries what ./retry.ts allows, maps error
 * responses to ./errors.ts classes and reports every attempt to the logging hook. The axios
 * `adapter` is injectable, so tests can answer requests in-process.
 */
import https from "node:https";
import axios, { type AxiosAdapter, type AxiosInstance, type AxiosResponse } from "axios";
import { CinderApiError, ConnectionError, UnexpectedStatus, errorFromResponse, requestIdOf } from "./errors";
import { DEFAULT_RETRY, isIdempotent, retryDelay, sleep, type RetryOptions } from "./retry";

/** One attempt of one request, as the logging hook sees it. */
export interface RequestLog {
  method: string;
  url: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Response status; absent when no response came. */
  status?: number;
  /** `x-openstack-request-id` of the response. */
  requestId?: string;
  /** The microversion sent, if any. */
  microversion?: string;
  durationMs: number;
  /** The failure of this attempt, if it failed. */
  error?: Error;
  /** Set when the attempt failed and is retried after this many milliseconds. */
  retryInMs?: number;
}

export interface TlsOptions {
  /** CA bundle (PEM) to trust, e.g. the contents of `OS_CACERT`. */
  ca?: string | Buffer;
  /** Client certificate and key (PEM). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Skip server certificate verification (`OS_INSECURE`, clouds.yaml `verify: false`). */
  insecure?: boolean;
}

export interface TransportOptions {
  /** Transport injection: an axios adapter that answers requests (tests, custom stacks). */
  adapter?: AxiosAdapter;
  /** Timeout of each attempt in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Retry policy; `false` disables retries. */
  retry?: RetryOptions | false;
  /** Called after every attempt with its timing, status and request id. */
  log?: (event: RequestLog) => void;
  tls?: TlsOptions;
  userAgent?: string;
}

export interface SendInit {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Statuses that are success; any other status is an error. */
  ok: readonly number[];
  idempotent?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SendResult {
  status: number;
  data: unknown;
  headers: Record<string, string>;
  requestId?: string;
}

export const USER_AGENT = "cinderblock-sdk/0.1";

export class Transport {
  private readonly http: AxiosInstance;
  private readonly retry: Required<RetryOptions>;

  constructor(private readonly opts: TransportOptions = {}) {
    const tls = opts.tls;
    this.http = axios.create({
      adapter: opts.adapter,
      httpsAgent:
        tls && (tls.ca || tls.cert || tls.insecure)
          ? new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure })
          : undefined,
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(d: unknown) => d],
      transitional: { clarifyTimeoutError: true },
      maxRedirects: 0,
    });
    this.retry = opts.retry === false ? { ...DEFAULT_RETRY, maxRetries: 0 } : { ...DEFAULT_RETRY, ...opts.retry };
  }

  /** Send with retries; resolves on an `ok` status, throws a CinderError otherwise. */
  async send(init: SendInit): Promise<SendResult> {
    const retriable = isIdempotent(init.method, init.idempotent || this.retry.nonIdempotent);
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let result: SendResult | undefined;
      let error: Error | undefined;
      try {
        result = await this.once(init);
      } catch (e) {
        if (init.signal?.aborted) throw init.signal.reason;
        error = e as Error;
      }
      const delay = error && retriable ? retryDelay(error, attempt, this.retry) : undefined;
      this.report({
        method: init.method.toUpperCase(),
        url: init.url,
        attempt,
        status: result?.status ?? (error instanceof CinderApiError ? error.status : undefined),
        requestId: result?.requestId ?? (error instanceof CinderApiError ? error.requestId : undefined),
        microversion: init.headers?.["OpenStack-API-Version"]?.replace(/^volume /, ""),
        durationMs: Date.now() - started,
        error,
        retryInMs: delay,
      });
      if (result) return result;
      if (delay === undefined) throw error;
      await sleep(delay, init.signal);
    }
  }

  /** Hand an attempt to the logging hook; a throwing hook must not fail the request. */
  private report(event: RequestLog): void {
    try {
      this.opts.log?.(event);
    } catch {
      // ignored: logging is best effort
    }
  }

  /** One attempt. */
  private async once(init: SendInit): Promise<SendResult> {
    const method = init.method.toUpperCase();
    const headers: Record<string, string | false> = {
      Accept: "application/json",
      "User-Agent": this.opts.userAgent ?? USER_AGENT,
      // Without a body, no Content-Type (axios would otherwise send a form type on PUT).
      "Content-Type": false,
      ...init.headers,
    };
    let data: string | undefined;
    if (init.body !== undefined) {
      data = JSON.stringify(init.body);
      headers["Content-Type"] = "application/json";
    }
    let res: AxiosResponse<string>;
    try {
      res = await this.http.request<string>({
        method,
        url: init.url,
        headers,
        data,
        timeout: init.timeoutMs ?? this.opts.timeoutMs ?? 60_000,
        signal: init.signal,
      });
    } catch (e) {
      if (init.signal?.aborted) throw init.signal.reason;
      throw connectionError(e, method, init.url);
    }
    const resHeaders = plainHeaders(res.headers);
    const body = parseBody(res.data);
    if (res.status >= 400) {
      throw errorFromResponse({ status: res.status, body, headers: resHeaders, method, url: init.url });
    }
    if (!init.ok.includes(res.status)) {
      throw new UnexpectedStatus({
        status: res.status,
        fault: "unexpectedStatus",
        message: `expected ${init.ok.join(" or ")}, got ${res.status}`,
        requestId: requestIdOf(resHeaders),
        method,
        url: init.url,
        body,
      });
    }
    return { status: res.status, data: body, headers: resHeaders, requestId: requestIdOf(resHeaders) };
  }
}

function connectionError(e: unknown, method: string, url: string): ConnectionError {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  const timedOut = code === "ETIMEDOUT" || code === "ECONNABORTED";
  const what = timedOut ? "timed out" : `failed: ${err.message ?? String(e)}`;
  return new ConnectionError(`${method} ${url} ${what}`, method, url, code, timedOut, { cause: e });
}

function plainHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const src = h && typeof (h as { toJSON?: unknown }).toJSON === "function" ? (h as { toJSON(): object }).toJSON() : h;
  for (const [k, v] of Object.entries((src ?? {}) as Record<string, unknown>)) {
    if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

function parseBody(text: unknown): unknown {
  if (typeof text !== "string") return text;
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
