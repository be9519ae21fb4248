/**
 * Limits on connections, so that slow or idle clients cannot hold sockets (and file descriptors)
 * for ever: the Node http server's header, request and keep-alive timeouts, an idle timeout, a cap
 * on requests per connection and on open connections, and faults in Cinder's envelope for what
 * goes wrong below HTTP routing (a timed-out or malformed request).
 */
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import type { FastifyHttpOptions, FastifyInstance } from "fastify";
import type { Config } from "../config";
import { CinderError, overLimit } from "../contract/errors";
import { keystoneFault } from "../identity/errors";
import { clientKey } from "../identity/lockout";
import { faultBody, GLANCE_STYLE, glanceFault, KEYSTONE_STYLE } from "./errors";

/** The connection settings of the server's config (documented there). */
export type ConnectionLimits = Pick<
  Config,
  "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs" | "idleTimeoutMs" | "maxRequestsPerSocket" | "maxConnections" | "maxConnectionsPerClient"
>;

/**
 * Node checks the header and request deadlines of open connections on an interval (30 s by
 * default, which would let a 10 s header deadline run to 40 s): check a few times per deadline,
 * at most once a second.
 */
function checkingInterval(l: ConnectionLimits): number {
  const deadlines = [l.headersTimeoutMs, l.requestTimeoutMs].filter((t) => t > 0);
  if (deadlines.length === 0) return 30_000;
  return Math.max(10, Math.min(1000, Math.floor(Math.min(...deadlines) / 4)));
}

/** The Fastify (Node http server) options for the limits. */
export function connectionOptions(l: ConnectionLimits): Partial<FastifyHttpOptions<Server>> {
  return {
    connectionTimeout: l.idleTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    maxRequestsPerSocket: l.maxRequestsPerSocket,
    http: {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingInterval(l),
    },
    clientErrorHandler: (err, socket) => clientErrorHandler(err, socket, l),
  };
}

/**
 * Image data (`PUT /image/v2/images/{id}/file`) is the one request body that may rightly take
 * longer than the request deadline: an image of gigabytes on a working link. While such a body
 * arrives, the request deadline does not cut it; the idle timeout does, when nothing arrives for
 * that long (a stalled client), with a 408 in Glance's envelope. Without an idle timeout the
 * request deadline applies to it as to any other body.
 */
const STREAMED_BODY = /^\/image\/v2\/images\/[^/?#]+\/file\/?(\?|$)/;
const streamingBody = Symbol("streamingBody");
type StreamingSocket = Socket & { [streamingBody]?: boolean };

const firstRequestTimer = Symbol("firstRequestTimer");
type TimedSocket = Socket & { [firstRequestTimer]?: NodeJS.Timeout };

/** Apply the limits Fastify has no option for; call before the routes are registered. */
export function limitConnections(app: FastifyInstance, l: ConnectionLimits): void {
  const server = app.server;
  // Fastify reads a keep-alive timeout of 0 as "its default" (72 s); here 0 means no limit.
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  if (l.maxConnections > 0) server.maxConnections = l.maxConnections;
  if (l.maxConnectionsPerClient > 0) limitPerClient(app, l.maxConnectionsPerClient);
  if (l.headersTimeoutMs > 0) {
    // Node starts the header deadline at a request's first byte, so a client that connects and
    // sends nothing is not covered by it: the first request's headers get the same deadline from
    // the connection on.
    server.on("connection", (socket: TimedSocket) => {
      // The same answer as Node's own deadline, which may have begun counting just after this one.
      const timer = setTimeout(() => sendAndClose(socket, requestTimeout()), l.headersTimeoutMs);
      timer.unref();
      socket[firstRequestTimer] = timer;
      socket.once("close", () => clearTimeout(timer));
    });
    server.on("request", (req: IncomingMessage) => clearTimeout((req.socket as TimedSocket)[firstRequestTimer]));
  }
  if (l.idleTimeoutMs > 0) {
    // Marked when the headers are in, before Node's next check of the request deadline.
    server.on("request", (req: IncomingMessage) => {
      if (req.method !== "PUT" || !STREAMED_BODY.test(req.url ?? "")) return;
      const socket = req.socket as StreamingSocket;
      socket[streamingBody] = true;
      const done = () => (socket[streamingBody] = false);
      req.once("end", done);
      req.once("close", done);
    });
    // The idle timeout is about the client: while a handler works (a synchronous volume action
    // can take a while) the socket is quiet for our sake, and Node would close it. A listener on
    // the response keeps Node from closing it then; once the answer is being written, a client
    // that stops reading it is closed.
    app.addHook("onRequest", async (_req, reply) => {
      reply.raw.on("timeout", (socket: StreamingSocket) => {
        if (reply.raw.headersSent) socket.destroy();
        else if (socket[streamingBody]) sendAndClose(socket, stalledData(l.idleTimeoutMs), undefined, "glance");
      });
    });
  }
}

/**
 * A request Node could not take (a deadline passed, the headers were too large, the bytes were not
 * HTTP) gets a fault rather than Fastify's own body, and the connection is closed. The envelope is
 * Glance's when the request line the parser was given names a path under /image/v2, Keystone's
 * under /identity (or the other Keystone-style APIs), Cinder's otherwise.
 */
function clientErrorHandler(err: Error & { code?: string; reason?: string; rawPacket?: unknown }, socket: StreamingSocket, l: ConnectionLimits): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  // Image data still arriving: the idle timeout is its limit (Node checks this request no more).
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" && socket[streamingBody] && l.idleTimeoutMs > 0) return;
  let fault: CinderError;
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") fault = requestTimeout();
  else if (err.code === "HPE_HEADER_OVERFLOW") fault = new CinderError(431, "The request headers are too large.");
  else fault = new CinderError(400, `Malformed HTTP request: ${err.reason ?? err.message}.`);
  const target = requestTarget(err.rawPacket);
  sendAndClose(socket, fault, err, GLANCE_STYLE.test(target) ? "glance" : KEYSTONE_STYLE.test(target) ? "keystone" : "cinder");
}

/** The request target of the first request line in these bytes ("" when there is none). */
function requestTarget(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return "";
  const line = raw.subarray(0, 2048).toString("latin1").split("\r\n", 1)[0];
  return line.split(" ")[1] ?? "";
}

/**
 * At most `max` connections open at once from one client address (an IPv6 /64): the requests of
 * one more are answered with Cinder's 413 overLimit and the connection is closed, so that one
 * client cannot take every connection the server allows.
 */
function limitPerClient(app: FastifyInstance, max: number): void {
  const open = new Map<string, number>();
  app.server.on("connection", (socket: LimitedSocket) => {
    const key = clientKey(socket.remoteAddress ?? "");
    const n = (open.get(key) ?? 0) + 1;
    if (n > max) {
      socket[overClientLimit] = max;
      return;
    }
    open.set(key, n);
    socket.once("close", () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
  app.addHook("onRequest", async (req, reply) => {
    const limit = (req.socket as LimitedSocket)[overClientLimit];
    if (limit === undefined) return;
    void reply.header("Connection", "close");
    throw overLimit(`Too many connections from one client: at most ${limit} may be open at once.`, "1");
  });
}

const overClientLimit = Symbol("overClientLimit");
type LimitedSocket = Socket & { [overClientLimit]?: number };

const requestTimeout = () => new CinderError(408, "The request did not arrive in time: the connection was too slow or stalled.");

const stalledData = (ms: number) => new CinderError(408, `The image data stopped arriving: nothing was received for ${ms / 1000} s.`);

const REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" };

/** Write the fault as a whole HTTP response on the raw socket, in the envelope of the API asked, then close it. */
function sendAndClose(socket: Socket, fault: CinderError, err?: Error, style: "cinder" | "keystone" | "glance" = "cinder"): void {
  if (socket.destroyed) return;
  if (socket.writable) {
    let status = fault.status;
    let contentType = "application/json";
    let body: string;
    if (style === "glance") {
      // The headers were not read, so the client's Accept is unknown: webob's JSON form.
      ({ contentType, body } = glanceFault(fault, "application/json"));
    } else if (style === "keystone") {
      const k = keystoneFault(fault);
      status = k.status;
      body = JSON.stringify(k.body);
    } else {
      body = JSON.stringify(faultBody(fault));
    }
    socket.write(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
