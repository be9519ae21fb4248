/**
 * Image data over slow links: an upload that keeps arriving is not cut by the request deadline
 * (which a JSON body of the same speed is), a stalled one is cut by the idle timeout with Glance's
 * 408 and its image returns to `queued`, and a download read slowly runs to its end.
 *
 * The server runs with a deliberately short request deadline; the client sends (or reads) steadily
 * for several deadlines. The bound on each wait only keeps a regression from hanging the suite.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import net from "node:net";
import { startServer, type TestServer } from "../helpers/server";
import { activeImage, createImage, haveQemuImg, JSON_ACCEPT, QEMU_MISSING } from "./helpers";

const BOUND_MS = 20_000;
const REQUEST_TIMEOUT_MS = 600;
const IDLE_TIMEOUT_MS = 500;

interface Raw {
  socket: net.Socket;
  received(): Buffer;
  closed: Promise<void>;
}

function connect(url: string): Promise<Raw> {
  const socket = net.connect(Number(new URL(url).port), "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (d: Buffer) => chunks.push(d));
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`the connection stayed open for ${BOUND_MS} ms`)), BOUND_MS);
    socket.once("close", () => {
      clearTimeout(t);
      resolve();
    });
  });
  return new Promise((resolve) => socket.once("connect", () => resolve({ socket, received: () => Buffer.concat(chunks), closed })));
}

/** Resolves once the response in `raw` is complete (headers and Content-Length bytes), or the socket closed. */
async function response(raw: Raw): Promise<{ status: number; headers: string; body: Buffer }> {
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    const all = raw.received();
    const end = all.indexOf("\r\n\r\n");
    if (end >= 0) {
      const headers = all.subarray(0, end).toString("latin1");
      const len = Number(/content-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
      if (all.length >= end + 4 + len) {
        return { status: Number(headers.split(" ")[1]), headers, body: all.subarray(end + 4, end + 4 + len) };
      }
    }
    if (raw.socket.destroyed) throw new Error(`the connection closed after ${all.length} bytes: ${JSON.stringify(all.subarray(0, 300).toString("latin1"))}`);
    if (Date.now() > deadline) throw new Error("no whole response in time");
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function putHead(id: string, length: number): string {
  return (
    `PUT /image/v2/images/${id}/file HTTP/1.1\r\nHost: cinderblock\r\nX-Auth-Token: alice:p1\r\nAccept: application/json\r\n` +
    `Content-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`
  );
}

describe("image data over slow links", function () {
  this.timeout(60_000);
  let s: TestServer;
  before(async function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
    s = await startServer("sqlite", { headersTimeoutMs: 400, requestTimeoutMs: REQUEST_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS });
  });
  after(async () => s?.destroy());

  it("takes an upload that arrives steadily for longer than the request deadline", async () => {
    const img = await createImage(s.client, { disk_format: "raw", container_format: "bare" });
    const chunk = 4096;
    const chunks = 40;
    const data = Buffer.alloc(chunk * chunks);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    const raw = await connect(s.url);
    raw.socket.write(putHead(img.id, data.length));
    const started = Date.now();
    // One chunk every 100 ms: four seconds, several request deadlines, never an idle timeout.
    for (let i = 0; i < chunks; i++) {
      assert.ok(!raw.socket.destroyed, `the upload was cut after ${i} of ${chunks} chunks: ${raw.received().toString("latin1")}`);
      raw.socket.write(data.subarray(i * chunk, (i + 1) * chunk));
      await sleep(100);
    }
    const r = await response(raw);
    assert.ok(Date.now() - started > 3 * REQUEST_TIMEOUT_MS, "the upload outlasted the request deadline");
    assert.equal(r.status, 204, r.body.toString());
    raw.socket.destroy();
    const shown = (await s.client.get(`/image/v2/images/${img.id}`, { version: null, headers: JSON_ACCEPT })).body;
    assert.equal(shown.status, "active");
    assert.equal(shown.size, data.length);
    assert.equal(shown.checksum, createHash("md5").update(data).digest("hex"));
  });

  it("cuts an upload that stalls, with Glance's 408, and leaves the image queued", async () => {
    const img = await createImage(s.client, { disk_format: "raw", container_format: "bare" });
    const raw = await connect(s.url);
    raw.socket.write(putHead(img.id, 65536));
    raw.socket.write(Buffer.alloc(1000, 1));
    await raw.closed;
    const text = raw.received().toString("latin1");
    assert.match(text, /^HTTP\/1\.1 408 /, text);
    const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
    assert.deepEqual(body, { code: "408 Request Timeout", title: "Request Timeout", message: body.message });
    assert.match(body.message, /image data stopped arriving/);
    // The handler puts the image back once it sees the data cut off.
    let status = "";
    for (let i = 0; i < 100; i++) {
      status = (await s.client.get(`/image/v2/images/${img.id}`, { version: null, headers: JSON_ACCEPT })).body.status;
      if (status === "queued") break;
      await sleep(50);
    }
    assert.equal(status, "queued");
  });

  it("still holds a JSON body to the request deadline", async () => {
    const raw = await connect(s.url);
    raw.socket.write(
      "POST /image/v2/images HTTP/1.1\r\nHost: cinderblock\r\nX-Auth-Token: alice:p1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{",
    );
    // Steady enough for the idle timeout; only the request deadline can cut it.
    const t = setInterval(() => !raw.socket.destroyed && raw.socket.write(" "), 100);
    try {
      await raw.closed;
    } finally {
      clearInterval(t);
    }
    assert.match(raw.received().toString("latin1"), /^HTTP\/1\.1 408 /);
  });

  it("serves a download read slowly for longer than the request deadline", async () => {
    const data = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data[i] = i % 255;
    const img = await activeImage(s.client, data);
    const raw = await connect(s.url);
    const started = Date.now();
    // 50 ms after every read (at most 64 KiB) of the first half: 32 reads or more, over one and a
    // half seconds, each pause far shorter than the idle timeout; the rest at full speed (the
    // server may have handed it all to the kernel by then, and its idle timeout runs again).
    let got = 0;
    raw.socket.on("data", (d: Buffer) => {
      got += d.length;
      if (got > data.length / 2) return;
      raw.socket.pause();
      setTimeout(() => raw.socket.resume(), 50);
    });
    raw.socket.write(`GET /image/v2/images/${img.id}/file HTTP/1.1\r\nHost: cinderblock\r\nX-Auth-Token: alice:p1\r\n\r\n`);
    try {
      const r = await response(raw);
      assert.equal(r.status, 200);
      assert.ok(r.body.equals(data), "the whole data arrived");
    } finally {
      raw.socket.destroy();
    }
    assert.ok(Date.now() - started > REQUEST_TIMEOUT_MS, `the download outlasted the request deadline (${Date.now() - started} ms)`);
  });
});
