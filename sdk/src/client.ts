/**
 * The client: `connect()` resolves settings, authenticates, finds the endpoint and negotiates the
 * microversion; `request(method, path, init)` is the one typed call every resource module wraps.
 */
import { findEndpoint, VOLUME_SERVICE_TYPES } from "./auth/catalog";
import { identityUrl } from "./auth/keystone";
import { KeystoneSession, StaticSession, type Session } from "./auth/session";
import type { ConnectOptions } from "./config/options";
import { resolveConfig } from "./config/resolve";
import { CinderError, ConfigError, MicroversionError, Unauthorized } from "./errors";
import { MAX_VERSION, negotiate, parseVersion, requiredVersion, serverRange } from "./microversions";
import { resources, type Resources } from "./resources";
import { Transport } from "./transport";
import type { ApiResponse, Method, Op, PathFor, RequestInit, ResponseData, Token } from "./types";
import { fillPath, normaliseVolumeEndpoint, queryString, serviceRoot, splitSpecPath, versionRoot } from "./urls";

interface Core {
  transport: Transport;
  session: Session;
  endpoint: string;
  serverVersions?: { min: string; max: string };
}

// The resource modules (./resources/index.ts) are attached as properties: client.volumes, …
export interface CinderClient extends Resources {}

export class CinderClient {
  /** The volume endpoint every Cinder path is relative to (see ./urls.ts). */
  readonly endpoint: string;
  /** The server's microversion range, when it was discovered (not when pinned). */
  readonly serverVersions?: { min: string; max: string };

  /** @internal Use `connect()`. */
  constructor(
    private readonly core: Core,
    /** The microversion sent with every call. */
    readonly microversion: string,
    /** True when the microversion was pinned rather than negotiated. */
    readonly pinned: boolean,
  ) {
    this.endpoint = core.endpoint;
    this.serverVersions = core.serverVersions;
    for (const [name, make] of Object.entries(resources)) {
      Object.defineProperty(this, name, { value: make(this), enumerable: true });
    }
  }

  /** The project the client acts in (from the token, or noauth's project), when known. */
  get projectId(): string | undefined {
    return this.core.session.projectId;
  }

  /** The current Keystone token body (roles, project, catalog, expiry), for Keystone sessions. */
  get token(): Token | undefined {
    return this.core.session.token;
  }

  /**
   * The token this client sends (renewed first if it is about to expire), e.g. to call another
   * OpenStack service with the same session; undefined when it sends none.
   */
  async authToken(): Promise<string | undefined> {
    return (await this.core.session.authHeaders())["X-Auth-Token"];
  }

  /** True when calls needing `version` can be made at this client's microversion. */
  supports(version: string): boolean {
    return parseVersion(version) <= parseVersion(this.microversion);
  }

  /**
   * A client sharing this one's session that sends `version` instead; it must lie within the
   * server's range when that is known.
   */
  withMicroversion(version: string): CinderClient {
    const v = parseVersion(version);
    const range = this.core.serverVersions;
    if (range && (v > parseVersion(range.max) || v < parseVersion(range.min))) {
      throw new MicroversionError("withMicroversion", version, range.max, `the server supports ${range.min}–${range.max}`);
    }
    return new CinderClient(this.core, version, true);
  }

  /**
   * Call any operation of the spec by method and path, e.g.
   * `client.request("get", "/v3/{project_id}/volumes/{volume_id}", { path: { volume_id }, ok: [200] })`.
   * Resolves with the body of an `ok` status; throws a CinderError otherwise.
   */
  async request<M extends Method, P extends PathFor<M>>(
    method: M,
    path: P,
    init: RequestInit<Op<P, M>, P>,
  ): Promise<ApiResponse<ResponseData<Op<P, M>>>> {
    const { service, rest } = splitSpecPath(path);
    const query = init.query as Record<string, unknown> | undefined;
    const headers: Record<string, string> = {};
    let base: string;
    if (service === "volume") {
      this.checkVersion(method, path, query, init);
      base = this.core.endpoint;
      headers["OpenStack-API-Version"] = `volume ${this.microversion}`;
    } else {
      const authUrl = this.core.session.authUrl;
      if (!authUrl) throw new ConfigError(`${path} needs Keystone, but this client has no auth URL`);
      base = identityUrl(authUrl, "/identity/v3");
    }
    const url = base + fillPath(rest, init.path as Record<string, unknown> | undefined) + queryString(query);
    const send = async (auth: Record<string, string>) =>
      (await this.core.transport.send({
        ...init,
        method,
        url,
        headers: { ...auth, ...headers, ...init.headers },
        body: init.body,
        ok: init.ok as readonly number[],
      })) as ApiResponse<ResponseData<Op<P, M>>>;
    const auth = await this.core.session.authHeaders(init.signal);
    try {
      return await send(auth);
    } catch (e) {
      // An expired or revoked token: re-authenticate once and repeat the call once.
      if (!(e instanceof Unauthorized) || !(await this.core.session.reauthenticate(auth, init.signal))) throw e;
    }
    return send(await this.core.session.authHeaders(init.signal));
  }

  private checkVersion(method: string, path: string, query: Record<string, unknown> | undefined, init: { minVersion?: string; operation?: string }): void {
    const need = requiredVersion(`${method} ${path}`, query, init.minVersion);
    if (parseVersion(need) <= parseVersion(this.microversion)) return;
    const why = this.pinned
      ? `this client is pinned to ${this.microversion} (use withMicroversion() to raise it)`
      : `the server supports at most ${this.core.serverVersions?.max ?? this.microversion}`;
    throw new MicroversionError(init.operation ?? `${method.toUpperCase()} ${path}`, need, this.microversion, why);
  }
}

/**
 * Connect to a Cinder v3 endpoint. With no options, the connection comes from the environment as
 * the `openstack` CLI takes it (OS_CLOUD + clouds.yaml, or OS_AUTH_URL, OS_USERNAME, …).
 */
export async function connect(options: ConnectOptions = {}): Promise<CinderClient> {
  const cfg = resolveConfig(options);
  const transport = new Transport({
    adapter: options.adapter,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    log: options.log,
    tls: cfg.tls,
    userAgent: options.userAgent,
  });
  const auth = cfg.auth;
  let session: Session;
  if (auth.type === "noauth") session = new StaticSession(`${auth.userId}:${auth.projectId}`, auth.projectId);
  else if (auth.type === "token" && !auth.authUrl) session = new StaticSession(auth.token, auth.projectId);
  else session = await KeystoneSession.create(transport, auth);

  const types = options.serviceType === undefined ? VOLUME_SERVICE_TYPES : ([] as string[]).concat(options.serviceType);
  const raw = cfg.endpoint ?? findEndpoint(session.catalog, { serviceTypes: types, interface: cfg.interface, region: cfg.region });
  const endpoint = normaliseVolumeEndpoint(raw, session.projectId);
  if (cfg.microversion) {
    parseVersion(cfg.microversion);
    return new CinderClient({ transport, session, endpoint }, cfg.microversion, true);
  }
  const serverVersions = await discoverVersions(transport, session, endpoint);
  return new CinderClient({ transport, session, endpoint, serverVersions }, negotiate(serverVersions, MAX_VERSION), false);
}

/**
 * The server's microversion range: the unauthenticated version document at the service root
 * (`GET /`, 300), else the v3 document (`GET /v3/`, which Keystone deployments put behind auth).
 */
async function discoverVersions(transport: Transport, session: Session, endpoint: string): Promise<{ min: string; max: string }> {
  try {
    const r = await transport.send({ method: "GET", url: serviceRoot(endpoint), ok: [200, 300] });
    return serverRange(r.data);
  } catch (e) {
    if (!(e instanceof CinderError)) throw e;
  }
  const r = await transport.send({ method: "GET", url: versionRoot(endpoint), headers: await session.authHeaders(), ok: [200, 300] });
  return serverRange(r.data);
}
