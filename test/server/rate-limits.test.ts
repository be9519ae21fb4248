/**
 * Limits on how much one client or project may ask: a write rate limit per project (POST and PUT
 * of the volume API, each verb at most N a minute, Cinder's ratelimit middleware) and a bound on
 * the connections one client address holds open. Over either, the answer is Cinder's 413
 * overLimit with Retry-After, and nothing changes; GET /limits shows the rate limits.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { WriteRateLimiter } from "../../server/src/http/rate-limit";
import { assertFault } from "../helpers/faults";
import { startServer, type TestServer } from "../helpers/server";

describe("write rate limit (sqlite)", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer("sqlite", { writeRateLimitPerMinute: 3 });
  });
  after(async () => s?.destroy());

  it("lets a project make N POSTs a minute, then answers 413 overLimit with Retry-After and creates nothing", async () => {
    const c = s.client.as("alice:p1");
    for (let i = 0; i < 3; i++) assert.equal((await c.post("/v3/p1/volumes", { volume: { size: 1 } })).status, 202);
    const count = async () => (await c.get("/v3/p1/volumes")).body.volumes.length;
    const before = await count();
    const r = await c.post("/v3/p1/volumes", { volume: { size: 1 } });
    assertFault(r, 413, "This request was rate-limited. Only 3 POST request(s) can be made to * every minute.");
    const retry = Number(r.headers.get("retry-after"));
    assert.ok(retry >= 1 && retry <= 20, `Retry-After ${retry}`);
    assert.equal(r.body.overLimit.retryAfter, String(retry));
    assert.equal(await count(), before, "the refused create made nothing");
    // Reads are not limited; another project has its own budget; PUT has its own.
    for (let i = 0; i < 5; i++) assert.equal((await c.get("/v3/p1/volumes")).status, 200);
    assert.equal((await s.client.as("bob:p2").post("/v3/p2/volumes", { volume: { size: 1 } })).status, 202);
    const v = (await c.get("/v3/p1/volumes")).body.volumes[0];
    assert.equal((await c.put(`/v3/p1/volumes/${v.id}`, { volume: { name: "renamed" } })).status, 200);
  });

  it("shows each verb's limit, what remains and when the next is allowed in GET /limits", async () => {
    const rate = (await s.client.as("alice:p1").get("/v3/p1/limits")).body.limits.rate;
    assert.equal(rate.length, 1);
    assert.deepEqual({ uri: rate[0].uri, regex: rate[0].regex }, { uri: "*", regex: ".*" });
    const byVerb = Object.fromEntries(rate[0].limit.map((l: any) => [l.verb, l]));
    assert.deepEqual([byVerb.POST.value, byVerb.POST.remaining, byVerb.POST.unit], [3, 0, "MINUTE"]);
    assert.deepEqual([byVerb.PUT.value, byVerb.PUT.remaining], [3, 2]);
    assert.ok(Date.parse(byVerb.POST["next-available"]) > Date.now(), "POST is available later");
    const fresh = (await s.client.as("carol:p3").get("/v3/p3/limits")).body.limits.rate[0].limit;
    assert.deepEqual(fresh.map((l: any) => l.remaining), [3, 3]);
  });

  it("refills one request every 60/N seconds, up to N", () => {
    const r = new WriteRateLimiter(6);
    const t0 = 1_000_000;
    for (let i = 0; i < 6; i++) r.take("p", "POST", t0);
    assert.throws(() => r.take("p", "POST", t0), /rate-limited/);
    assert.throws(() => r.take("p", "POST", t0 + 9_000), /rate-limited/, "not before 10 s");
    r.take("p", "POST", t0 + 10_000);
    assert.equal(r.view("p", t0 + 10_000)[0].limit[0].remaining, 0);
    assert.equal(r.view("p", t0 + 3_600_000)[0].limit[0].remaining, 6, "never more than N");
    r.take("p", "DELETE", t0);
    assert.deepEqual(new WriteRateLimiter(0).view("p"), [], "no limit, no rate");
  });
});

describe("connections per client (sqlite)", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer("sqlite", { maxConnectionsPerClient: 2 });
  });
  after(async () => s?.destroy());

  function connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(new URL(s.url).port), "127.0.0.1", () => resolve(socket));
      socket.on("error", reject);
    });
  }

  /** Send GET / and read until the server closes the connection or answers once. */
  function ask(socket: net.Socket): Promise<string> {
    return new Promise((resolve) => {
      let text = "";
      socket.on("data", (d) => {
        text += d;
        if (/\r\n\r\n[\s\S]*\}/.test(text)) resolve(text);
      });
      socket.on("close", () => resolve(text));
      socket.write("GET / HTTP/1.1\r\nHost: cinderblock\r\n\r\n");
    });
  }

  it("answers the requests of one connection too many with 413 overLimit and closes it; one freed lets a new one in", async () => {
    const a = await connect();
    const b = await connect();
    const c = await connect();
    assert.match(await ask(a), /^HTTP\/1\.1 300 /);
    const refused = await ask(c);
    assert.match(refused, /^HTTP\/1\.1 413 /);
    assert.match(refused, /^connection: close\r$/im);
    assert.match(refused, /^retry-after: 1\r$/im);
    assert.match(refused, /"overLimit":\{"code":413,"message":"Too many connections from one client: at most 2 may be open at once\."/);
    assert.match(await ask(b), /^HTTP\/1\.1 300 /, "the first two keep working");
    a.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const d = await connect();
    assert.match(await ask(d), /^HTTP\/1\.1 300 /);
    for (const x of [b, c, d]) x.destroy();
  });
});
