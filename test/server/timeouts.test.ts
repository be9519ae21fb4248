/**
 * Connection limits: a client that sends its headers or body too slowly, or nothing at all, is
 * disconnected (with a 408 fault when a request had begun); an idle keep-alive connection is
 * closed; a handler slower than the idle timeout still answers; connections beyond the cap are
 * closed as they arrive while the open ones keep working; a connection serves at most
 * maxRequestsPerSocket requests. The settings come from the config file, CINDERBLOCK_* and flags.
 *
 * The server runs with small limits and each test waits for the server to close the socket; the
 * bound on that wait only keeps a regression from hanging the suite.
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../server/src/config";
import { startServer, type TestServer } from "../helpers/server";

/** Long enough for any machine to get a request through; a server that does not act is caught by it. */
const BOUND_MS = 15_000;

interface Raw {
  socket: net.Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves when the server closed the connection (rejects after BOUND_MS). */
  closed: Promise<void>;
  /** Resolves once the connection is up. */
  connected: Promise<void>;
}

function raw(url: string): Raw {
  const port = Number(new URL(url).port);
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  socket.on("data", (d) => (text += d.toString("utf8")));
  socket.on("error", () => {});
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const closed = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the server kept the connection open for ${BOUND_MS} ms; it sent: ${JSON.stringify(text)}`)), BOUND_MS);
    socket.once("close", () => {
      clearTimeout(t);
      resolve();
    });
  });
  return { socket, received: () => text, closed, connected };
}

/** Write one byte every `everyMs` until the socket closes; returns how many were written. */
function trickle(socket: net.Socket, bytes: string, everyMs: number): { written: () => number } {
  let i = 0;
  const t = setInterval(() => {
    if (socket.destroyed || !socket.writable) return clearInterval(t);
    socket.write(bytes[i % bytes.length]);
    i++;
  }, everyMs);
  socket.once("close", () => clearInterval(t));
  return { written: () => i };
}

/** The status and JSON body of the first response in `text`. */
function firstResponse(text: string): { status: number; body: any } {
  const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
  assert.ok(m, `an HTTP response, got ${JSON.stringify(text)}`);
  const len = /content-length: *(\d+)/i.exec(m[2]);
  const body = len ? m[3].slice(0, Number(len[1])) : m[3];
  return { status: Number(m[1]), body: body ? JSON.parse(body) : undefined };
}

function assertTimeoutFault(text: string): void {
  const r = firstResponse(text);
  assert.equal(r.status, 408, text);
  assert.deepEqual(Object.keys(r.body), ["computeFault"], text);
  assert.equal(r.body.computeFault.code, 408);
  assert.match(r.body.computeFault.message, /did not arrive in time/);
}

const GET_VERSIONS = "GET / HTTP/1.1\r\nHost: cinderblock\r\n\r\n";

describe("connection limits", function () {
  this.timeout(60_000);

  describe("header, body, first-request and keep-alive deadlines", () => {
    let s: TestServer;
    before(async () => {
      s = await startServer("sqlite", { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, idleTimeoutMs: 500 });
    });
    after(async () => s?.destroy());

    it("closes a connection whose headers trickle in, with a 408 fault", async () => {
      const c = raw(s.url);
      await c.connected;
      c.socket.write("GET /v3/ HTTP/1.1\r\nHost: cinderblock\r\nX-Slow: ");
      const t = trickle(c.socket, "abcdefgh", 50);
      await c.closed;
      assert.ok(t.written() > 0, "the client was still sending when it was cut off");
      assertTimeoutFault(c.received());
    });

    it("closes a connection whose body trickles in, with a 408 fault", async () => {
      const c = raw(s.url);
      await c.connected;
      c.socket.write(
        "POST /v3/p1/volumes HTTP/1.1\r\nHost: cinderblock\r\nX-Auth-Token: alice:p1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{",
      );
      const t = trickle(c.socket, '"volume"', 50);
      await c.closed;
      assert.ok(t.written() > 0 && t.written() < 10_000, "the body was still arriving when it was cut off");
      assertTimeoutFault(c.received());
      const vols = await s.client.as("admin:admin").get("/v3/admin/volumes?all_tenants=1");
      assert.deepEqual(vols.body.volumes, [], "nothing was created");
    });

    it("closes a connection that never sends a request, with a 408 fault", async () => {
      const c = raw(s.url);
      await c.connected;
      await c.closed;
      assertTimeoutFault(c.received());
    });

    it("closes an idle keep-alive connection after its request was answered", async () => {
      const c = raw(s.url);
      await c.connected;
      c.socket.write(GET_VERSIONS);
      await c.closed;
      assert.equal(firstResponse(c.received()).status, 300, "the request was answered first");
    });

    it("lets a handler take longer than the idle timeout: the client is waiting, not idle", async () => {
      const svc = s.app.services;
      const v = await s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
      assert.equal(v.status, 202);
      const id = v.body.volume.id;
      for (let i = 0; i < 100 && (await s.client.get(`/v3/p1/volumes/${id}`)).body.volume.status !== "available"; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const volumes = svc.volumes as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const original = volumes.initializeConnection;
      // Three idle timeouts' worth of work, after which the answer is sent.
      volumes.initializeConnection = async (...a: unknown[]) => {
        await new Promise((r) => setTimeout(r, 1500));
        return original.apply(svc.volumes, a);
      };
      try {
        const r = await s.client.post(`/v3/p1/volumes/${id}/action`, { "os-initialize_connection": { connector: { initiator: "iqn.1993-08.org.debian:01:abc", host: "h" } } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.connection_info);
      } finally {
        volumes.initializeConnection = original;
      }
    });
  });

  describe("the connection cap and requests per connection", () => {
    let s: TestServer;
    before(async () => {
      s = await startServer("sqlite", { maxConnections: 3, maxRequestsPerSocket: 2, headersTimeoutMs: 30_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 30_000 });
    });
    after(async () => s?.destroy());

    it("closes connections beyond the cap as they arrive, and the open ones keep working", async () => {
      const open = [raw(s.url), raw(s.url), raw(s.url)];
      await Promise.all(open.map((c) => c.connected));
      // The server has accepted all three before the fourth arrives.
      for (let i = 0; i < 100 && (await new Promise<number>((r, j) => s.app.http.server.getConnections((e, n) => (e ? j(e) : r(n))))) < 3; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const extra = raw(s.url);
      await extra.closed;
      assert.equal(extra.received(), "", "the connection over the cap got no answer");
      for (const c of open) c.socket.write(GET_VERSIONS);
      for (const c of open) {
        for (let i = 0; i < 200 && !c.received().includes("\r\n\r\n"); i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(firstResponse(c.received()).status, 300, "an open connection is served");
      }
      for (const c of open) c.socket.destroy();
    });

    it("ends a connection after maxRequestsPerSocket requests", async () => {
      const c = raw(s.url);
      await c.connected;
      c.socket.write(GET_VERSIONS + GET_VERSIONS);
      for (let i = 0; i < 500 && (c.received().match(/HTTP\/1\.1 300 /g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      const [first, second] = c.received().split(/(?=HTTP\/1\.1 \d{3} )/);
      assert.match(first, /^Keep-Alive: timeout=30, max=2\r$/m, "the first answer announces the limit");
      assert.match(second, /^Connection: close\r$/m, "the second answer ends the connection");
      c.socket.destroy();
    });
  });

  describe("no keep-alive or idle limit (0)", () => {
    let s: TestServer;
    before(async () => {
      s = await startServer("sqlite", { keepAliveTimeoutMs: 0, idleTimeoutMs: 0 });
    });
    after(async () => s?.stop());

    it("keeps an answered connection open, announces no keep-alive timeout, and serves the next request on it", async () => {
      const c = raw(s.url);
      await c.connected;
      c.socket.write(GET_VERSIONS);
      while (!/\r\n\r\n/.test(c.received())) await new Promise((r) => setTimeout(r, 10));
      assert.doesNotMatch(c.received(), /^Keep-Alive:/im, "no timeout is announced for the client to plan on");
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!c.socket.destroyed, "the server left the connection open");
      c.socket.write(GET_VERSIONS);
      while ((c.received().match(/HTTP\/1\.1 300 /g) ?? []).length < 2) await new Promise((r) => setTimeout(r, 10));
      c.socket.destroy();
    });

    it("announces the keep-alive timeout when there is one", async () => {
      const t = await startServer("sqlite", { keepAliveTimeoutMs: 5000 });
      try {
        const r = await fetch(t.url + "/");
        await r.text();
        assert.equal(r.headers.get("keep-alive"), "timeout=5");
      } finally {
        await t.stop();
      }
    });
  });

  describe("configuration", () => {
    it("has defaults for every limit, and refuses a header deadline longer than the request deadline", () => {
      const c = loadConfig({}, {});
      assert.deepEqual(
        [c.headersTimeoutMs, c.requestTimeoutMs, c.keepAliveTimeoutMs, c.idleTimeoutMs, c.maxRequestsPerSocket, c.maxConnections],
        [10_000, 30_000, 72_000, 60_000, 0, 1000],
      );
      assert.throws(
        () => loadConfig({ "headers-timeout-ms": "40000" }, {}),
        (e: unknown) => e instanceof ConfigError && /headers timeout 40000 ms is longer than the request timeout 30000 ms/.test(e.message),
      );
      assert.throws(() => loadConfig({ "max-connections": "-1" }, {}), /'max-connections' must be a whole number/);
    });

    it("takes each limit from the config file, CINDERBLOCK_* and flags", async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "cb-limits-"));
      const file = path.join(dir, "c.yaml");
      await writeFile(file, "headersTimeoutMs: 2000\nrequestTimeoutMs: 4000\nkeepAliveTimeoutMs: 1000\nidleTimeoutMs: 9000\nmaxRequestsPerSocket: 7\nmaxConnections: 50\n");
      const c = loadConfig(
        { config: file, "max-connections": "60", "keep-alive-timeout-ms": "1500" },
        { CINDERBLOCK_MAX_CONNECTIONS: "55", CINDERBLOCK_IDLE_TIMEOUT_MS: "8000", CINDERBLOCK_MAX_REQUESTS_PER_SOCKET: "8" },
      );
      assert.deepEqual(
        [c.headersTimeoutMs, c.requestTimeoutMs, c.keepAliveTimeoutMs, c.idleTimeoutMs, c.maxRequestsPerSocket, c.maxConnections],
        [2000, 4000, 1500, 8000, 8, 60],
      );
    });
  });
});
