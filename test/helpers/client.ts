/**
 * The test client: real HTTP to a running server, every response checked against the spec
 * (./contract.ts). Tests speak Cinder's wire format through it, as any client would.
 */
import { checkContract } from "./contract";

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** A raw body (sent as is, with the given content type). */
  raw?: string | Buffer;
  contentType?: string;
  /** Microversion, e.g. "3.71" or "latest"; default "3.71"; null sends no header. */
  version?: string | null;
  headers?: Record<string, string>;
  /** Skip the contract check (only for probing behaviour outside the spec, e.g. garbage URLs). */
  noContract?: boolean;
}

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class Client {
  constructor(
    readonly base: string,
    /** The default token, `user:project` in noauth mode. */
    readonly token: string | null = "alice:p1",
  ) {}

  as(token: string | null): Client {
    return new Client(this.base, token);
  }

  async call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? this.token : opts.token;
    if (token) headers["X-Auth-Token"] = token;
    const version = opts.version === undefined ? "3.71" : opts.version;
    if (version !== null) headers["OpenStack-API-Version"] = `volume ${version}`;
    let payload: string | Buffer | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers["Content-Type"] = opts.contentType ?? "application/json";
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers["Content-Type"] = opts.contentType ?? "application/json";
    }
    const res = await fetch(this.base + path, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } else {
      body = undefined;
    }
    if (!opts.noContract) checkContract(method, new URL(this.base + path).pathname, res.status, body);
    return { status: res.status, headers: res.headers, body: body as T };
  }

  get<T = any>(path: string, opts?: CallOptions) {
    return this.call<T>("GET", path, opts);
  }
  post<T = any>(path: string, body?: unknown, opts?: CallOptions) {
    return this.call<T>("POST", path, { ...opts, body });
  }
  put<T = any>(path: string, body?: unknown, opts?: CallOptions) {
    return this.call<T>("PUT", path, { ...opts, body });
  }
  delete<T = any>(path: string, opts?: CallOptions) {
    return this.call<T>("DELETE", path, opts);
  }
}
