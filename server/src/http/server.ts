/**
 * The HTTP layer: routes from the generated table, bodies checked by the generated validators,
 * microversions, identity, request ids and Cinder's fault envelope — in one place, so handlers stay
 * thin.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { routes, type ActionRoute, type Route, type VersionedBody } from "../generated/routes";
import type { RequestContext } from "../contract/context";
import { keystoneFault } from "../identity/errors";
import { tokenContext } from "../identity/service";
import { validateKeystoneBody } from "../identity/validation";
import type { Services } from "../services";
import { registerDashboard } from "../dashboard";
import { connectionOptions, limitConnections } from "./connections";
import { WriteRateLimiter } from "./rate-limit";
import { badRequest, CinderError, notFound, notImplemented, unsupportedMediaType } from "../contract/errors";
import { faultBody, faultName, GLANCE_STYLE, glanceFault, KEYSTONE_STYLE } from "./errors";
import { unansweredCallFault } from "../volume/api/unanswered";
import type { Handler, HandlerRequest, Reply } from "./handler";
import { handlers } from "./handlers";
import { formatVersion, parseVersion } from "../contract/microversion";
import { requestedVersion } from "./microversion";
import { dropLenientKeys, jsonTooDeep, MAX_JSON_DEPTH, refuseNul, refuseNulInRequest, validateBody } from "./validate";
import type { LinkBase } from "./views/links";
import { CACHED_OPERATIONS, ResponseCache, responseKey } from "./response-cache";
import type { Metrics } from "../metrics/metrics";
import { registerOpsRoutes } from "./ops";

/** oslo.middleware sizelimit's default max_request_body_size. */
export const MAX_BODY_BYTES = 114_688;
const JSON_TYPES = ["application/json", "application/vnd.openstack.volume+json"];
const JSON_PATCH = "application/openstack-images-v2.1-json-patch";
const GENERIC_500 = "The server has either erred or is incapable of performing the requested operation.";
const PROJECT_ID = /^[0-9a-zA-Z-_]+$/;
/** find-my-way's default (100) would refuse metadata keys Cinder allows (255 characters, more once percent-encoded). */
const MAX_PARAM_LENGTH = 1024;
/** oslo_middleware/request_id.py ID_FORMAT. */
/** A volume API path with a trailing slash, `/v3/` itself aside. */
const TRAILING_SLASH = /^\/v3\/[^?]+\/(\?|$)/;
const GLOBAL_REQUEST_ID = /^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

declare module "fastify" {
  interface FastifyRequest {
    cinderVersion?: number;
    /** The operation the request ran (an action's own name), for metrics. */
    cinderOperation?: string;
  }
  interface FastifyContextConfig {
    /** The spec's operationId of the route (or the name of an operator route: metrics, docs, openapi). */
    operation?: string;
  }
  interface FastifyInstance {
    /** Answers kept for repeated reads (./response-cache.ts). */
    answers: ResponseCache;
  }
}

export function buildHttp(svc: Services, log: Logger, metrics?: Metrics): FastifyInstance {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: MAX_BODY_BYTES,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    ...connectionOptions(svc.config),
    // A URL the router cannot take (bad percent-encoding, an over-long segment) is a fault too.
    frameworkErrors: (err, req, reply) => {
      const fault =
        err.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? new CinderError(414, `The URL is too long: a path segment has more than ${MAX_PARAM_LENGTH} characters.`)
          : badRequest("Malformed request url");
      sendFault(svc, req, reply, fault);
    },
    // Every request gets its own id. An inbound X-OpenStack-Request-ID is the *global* request id
    // of the user action (shared by every call a client such as Nova makes for it), logged beside
    // ours, never reused as ours (oslo_middleware/request_id.py RequestId).
    genReqId: () => `req-${randomUUID()}`,
    return503OnClosing: true,
    // One line per request, at debug only (below): at the default level a request writes no log.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: the lines written here name the request id themselves.
    childLoggerFactory: (logger) => logger,
    // HEAD is answered only where the spec declares it (Keystone's HEAD /auth/tokens).
    exposeHeadRoutes: false,
  });

  // The access log (cf. cinder/api/openstack/wsgi.py "<method> <url>" status: len: microversion:
  // time:), at debug, and only hooked when debug is on: it costs nothing otherwise.
  if (log.isLevelEnabled("debug")) {
    app.addHook("onResponse", async (req, reply) => {
      req.log.debug(
        { reqId: req.id, method: req.method, url: req.url, status: reply.statusCode, microversion: req.cinderVersion, ms: Math.round(reply.elapsedTime * 10) / 10 },
        "request",
      );
    });
  }

  // Per request: one counter increment and one histogram observation; nothing else (./ops.ts
  // computes the rest when Prometheus scrapes).
  if (metrics) {
    app.addHook("onResponse", (req, reply, done) => {
      metrics.request(req.cinderOperation ?? req.routeOptions.config.operation ?? "unmatched", reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: "string" }, (_req, text, done) => {
    const s = String(text);
    if (s.trim() === "") return done(null, undefined);
    // Deeper bodies are no request of this API, and walking them (validation, messages) would
    // exhaust the stack: refuse them before parsing.
    if (jsonTooDeep(s, MAX_JSON_DEPTH)) return done(badRequest(`Malformed request body: JSON nested more than ${MAX_JSON_DEPTH} levels deep`), undefined);
    try {
      done(null, JSON.parse(s));
    } catch {
      done(badRequest("Malformed request body"), undefined);
    }
  });
  // Glance's image update body, a JSON patch.
  app.addContentTypeParser(JSON_PATCH, { parseAs: "string" }, (req, text, done) => {
    if (!GLANCE_STYLE.test(req.url)) return done(unsupportedMediaType(JSON_PATCH), undefined);
    try {
      done(null, JSON.parse(String(text)));
    } catch {
      done(badRequest("Malformed JSON in request body."), undefined);
    }
  });
  // Image data: streamed to its handler as it arrives, never buffered (and so not held to bodyLimit).
  app.addContentTypeParser("application/octet-stream", (req, payload, done) => {
    if (!GLANCE_STYLE.test(req.url)) return done(unsupportedMediaType("application/octet-stream"), undefined);
    done(null, payload);
  });
  app.addContentTypeParser("*", (req, _payload, done) => {
    done(unsupportedMediaType(String(req.headers["content-type"])), undefined);
  });

  app.addHook("onRequest", async (req) => {
    // Cinder's routes take no trailing slash: `GET /v3/{project}/volumes/` is a volume with an
    // empty id, not the list (the router would otherwise ignore the slash). The version
    // document `/v3/` is the one path that has it.
    if (TRAILING_SLASH.test(req.url)) throw notFound();
    const global = req.headers["x-openstack-request-id"];
    if (typeof global === "string" && GLOBAL_REQUEST_ID.test(global)) req.log = req.log.child({ globalRequestId: global });
  });

  app.addHook("onSend", (req, reply, payload, done) => {
    reply.header("x-openstack-request-id", req.id);
    reply.header("x-compute-request-id", req.id);
    if (req.cinderVersion !== undefined) {
      reply.header("OpenStack-API-Version", `volume ${formatVersion(req.cinderVersion)}`);
      reply.header("Vary", "OpenStack-API-Version");
    }
    done(null, payload);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const fault = toFault(err);
    if (fault.status >= 500) req.log.error({ err, reqId: req.id }, "request failed");
    else req.log.debug({ status: fault.status, msg: fault.message, reqId: req.id }, "request refused");
    sendFault(svc, req, reply, fault);
  });
  app.setNotFoundHandler((req, reply) => {
    const f = notFound();
    if (GLANCE_STYLE.test(req.url)) return sendFault(svc, req, reply, f);
    if (KEYSTONE_STYLE.test(req.url)) return sendKeystoneFault(svc, req, reply, f);
    metrics?.fault(404, faultName(404));
    void reply.code(404).send(faultBody(f));
  });

  limitConnections(app, svc.config);
  const rate = new WriteRateLimiter(svc.config.writeRateLimitPerMinute);
  const answers = new ResponseCache();
  app.decorate("answers", answers);
  for (const route of routes) registerRoute(app, svc, route, rate, answers);
  registerOpsRoutes(app, svc.config, metrics);
  faultMetrics.set(app, metrics);
  registerDashboard(app);
  return app;
}

/** Each server's metrics, for the fault counts sendFault keeps. */
const faultMetrics = new WeakMap<object, Metrics | undefined>();

function sendFault(svc: Services, req: FastifyRequest, reply: FastifyReply, fault: CinderError): void {
  // A 401 comes from keystonemiddleware in front of Glance, in Keystone's body.
  if (GLANCE_STYLE.test(req.url) && fault.status !== 401) {
    const g = glanceFault(fault, req.headers.accept);
    void reply.code(fault.status).headers(fault.headers).type(g.contentType).send(g.body);
    return;
  }
  if (KEYSTONE_STYLE.test(req.url)) return sendKeystoneFault(svc, req, reply, fault);
  faultMetrics.get(req.server)?.fault(fault.status, faultName(fault.status));
  void reply.code(fault.status).headers(fault.headers).send(faultBody(fault));
}

function toFault(err: Error & { statusCode?: number; code?: string }): CinderError {
  if (err instanceof CinderError) return err;
  const unanswered = unansweredCallFault(err);
  if (unanswered) return unanswered;
  if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") return new CinderError(413, "Request is too large.");
  if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return unsupportedMediaType("unknown");
  if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
    return new CinderError(err.statusCode, err.message);
  }
  return new CinderError(500, GENERIC_500);
}

/** Keystone's fault: `{"error": {...}}`, a WWW-Authenticate challenge on 401, and no body for HEAD. */
function sendKeystoneFault(svc: Services, req: FastifyRequest, reply: FastifyReply, fault: CinderError): void {
  const { status, body } = keystoneFault(fault);
  faultMetrics.get(req.server)?.fault(status, String((body.error as { title?: string }).title));
  if (status === 401) void reply.header("WWW-Authenticate", `Keystone uri="${linkBase(svc, req, undefined).origin}/identity"`);
  void reply.code(status).headers(fault.headers);
  if (req.method === "HEAD") return void reply.send();
  void reply.type("application/json").send(JSON.stringify(body));
}

function linkBase(svc: Services, req: FastifyRequest, projectInUrl: string | undefined): LinkBase {
  if (svc.config.publicEndpoint) return { origin: svc.config.publicEndpoint.replace(/\/+$/, ""), projectInUrl };
  const fwdHost = req.headers["x-forwarded-host"];
  const fwdProto = req.headers["x-forwarded-proto"];
  const host = (typeof fwdHost === "string" && fwdHost.split(",")[0].trim()) || req.headers.host || "localhost";
  const proto = (typeof fwdProto === "string" && fwdProto.split(",")[0].trim()) || req.protocol;
  return { origin: `${proto}://${host}`, projectInUrl };
}

async function context(svc: Services, req: FastifyRequest, route: Route): Promise<RequestContext> {
  const auth = route.auth;
  const versioned = route.path.startsWith("/v3");
  if (route.path.startsWith("/identity")) {
    // The built-in identity API accepts any valid built-in token, unscoped ones included.
    if (auth) return tokenContext(svc.identity.tokens!, req.headers, req.id);
    return { userId: "", projectId: "", roles: [], isAdmin: false, requestId: req.id, version: parseVersion("3.0"), clientIp: req.ip };
  }
  // Identity first: an unauthenticated request is refused before anything else is looked at.
  const id = auth ? await svc.identity.identify(req.headers) : { userId: "", projectId: "", roles: [] as string[] };
  const version = versioned ? requestedVersion(req.headers) : parseVersion("3.0");
  if (versioned) req.cinderVersion = version;
  const token = req.headers["x-auth-token"];
  return { ...id, isAdmin: id.roles.includes("admin"), requestId: req.id, version, ...(typeof token === "string" ? { authToken: token } : {}) };
}

function lastValues(q: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((q ?? {}) as Record<string, string | string[]>)) {
    out[k] = Array.isArray(v) ? v[v.length - 1] : v;
  }
  return out;
}

function registerRoute(app: FastifyInstance, svc: Services, route: Route, rate: WriteRateLimiter, answers: ResponseCache): void {
  const cached = route.method === "GET" && CACHED_OPERATIONS.has(route.operation as string);
  app.route({
    method: route.method,
    url: route.url,
    config: { operation: route.operationId },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      if (route.path.startsWith("/image/v2/") && !svc.builtinImages) {
        throw notFound(`The image API is served only with the built-in image service; this server uses ${svc.config.imageService}.`);
      }
      if (route.path.startsWith("/identity") && svc.identity.mode !== "builtin") {
        // The identity API is the built-in one; with an external Keystone (or none) there is nothing here.
        throw notFound(`The identity API is served only with auth mode builtin; this server runs with auth mode ${svc.identity.mode}.`);
      }
      const ctx: RequestContext = { ...(await context(svc, req, route)), policy: svc.policy };
      // After authentication, before anything else (Cinder's ratelimit middleware sits there).
      if (rate.enabled && route.path.startsWith("/v3/")) rate.take(ctx.projectId || req.ip, route.method);
      const keystone = KEYSTONE_STYLE.test(route.path);
      const validate = keystone ? validateKeystoneBody : validateBody;
      const params = req.params as Record<string, string>;
      refuseNulInRequest(params, req.query, keystone, route.statuses);
      if (!(req.body instanceof Readable)) refuseNul(req.body, keystone);
      const version = ctx.version;
      if (route.path.startsWith("/v3/{project_id}/")) {
        // cinder/api/openstack/wsgi.py: the URL's project must be the token's.
        if (!PROJECT_ID.test(params.project_id) || params.project_id !== ctx.projectId) {
          throw badRequest("Malformed request url");
        }
      }
      if (route.minVersion && version < parseVersion(route.minVersion)) throw notFound();
      let body: unknown = req.body;
      let handlerName: string;
      let status = route.status;
      if (route.actions) {
        const action = chooseAction(route.actions, body);
        if (action.minVersion && version < parseVersion(action.minVersion)) throw notFound();
        dropLenientKeys(body, action.lenient, version, parseVersion);
        validateBody(validatorFor(action.body, action.bodyBefore, version), body);
        body = (body as Record<string, unknown>)[action.key];
        handlerName = action.operation;
        req.cinderOperation = handlerName;
        status = action.status;
      } else {
        handlerName = route.operation as string;
        if (route.body && (body !== undefined || route.bodyRequired)) {
          dropLenientKeys(body, route.lenient, version, parseVersion);
          validate(validatorFor(route.body, route.bodyBefore, version), body);
        }
      }
      const link = linkBase(svc, req, params.project_id);
      // A repeated read answered as before while the database is unchanged (./response-cache.ts).
      const gen = cached ? svc.db.generation() : undefined;
      const key = gen === undefined ? undefined : responseKey(handlerName, req.url, link.origin, ctx);
      if (key !== undefined) {
        const kept = answers.get(key, gen!);
        if (kept !== undefined) return reply.code(status).type("application/json").send(kept);
      }
      const hreq: HandlerRequest<unknown> = {
        ctx,
        params,
        query: lastValues(req.query),
        body,
        headers: req.headers,
        link,
        svc,
        rate,
      };
      const handler = (handlers as unknown as Record<string, Handler<unknown> | undefined>)[handlerName];
      // The Handlers type makes a missing handler a compile error; at run time it is an explicit 501.
      if (!handler) throw notImplemented(handlerName);
      const res: Reply = await handler(hreq);
      reply.code(res.status ?? status);
      if (res.headers) reply.headers(res.headers);
      if (res.stream) return reply.type(res.stream.contentType).send(res.stream.data);
      if (res.body === undefined) return reply.send();
      const json = JSON.stringify(res.body);
      // Kept only when nothing was written while it was made, so that it is the answer of one state.
      if (key !== undefined && res.status === undefined && !res.headers && svc.db.generation() === gen) answers.set(key, gen!, json);
      return reply.type("application/json").send(json);
    },
  });
}

/** The validator for the request's microversion: parts of a schema that came later do not apply before. */
function validatorFor(current: string, before: readonly VersionedBody[], version: number): string {
  const older = before.filter((b) => version < parseVersion(b.until)).sort((a, b) => parseVersion(a.until) - parseVersion(b.until));
  return older[0]?.body ?? current;
}

/** An action body has exactly one key, the action's name (cinder/api/openstack/wsgi.py). */
function chooseAction(actions: readonly ActionRoute[], body: unknown): ActionRoute {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("Malformed request body");
  const keys = Object.keys(body);
  if (keys.length !== 1) throw badRequest("Malformed request body");
  const action = actions.find((a) => a.key === keys[0]);
  if (!action) {
    throw badRequest(`There is no such action: ${keys[0]}. Verify the request body and Content-Type header and try again.`);
  }
  return action;
}
