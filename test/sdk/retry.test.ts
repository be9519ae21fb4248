/**
 * Retry rules: what is retried (idempotent calls on connection errors, 502/503/504, rate limits with
 * Retry-After) and what is not (POSTs unless declared idempotent, quota 413s, other errors); timeouts,
 * cancellation and the logging hook.
 */
import assert from "node:assert/strict";
import nock from "nock";
import { ConnectionError, OverLimit, ServerError, type RequestLog } from "../../sdk/src";
import { backoff, DEFAULT_RETRY, retryDelay } from "../../sdk/src/retry";
import { CINDER, fakeClient, P, useNock } from "./helpers";

const vol = { volume: { id: "v1", status: "available" } };
const unavailable = { serviceUnavailable: { code: 503, message: "try later" } };
/** A connection reset (nock needs an Error instance to fail the socket at once). */
const reset = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

describe("sdk: retries", () => {
  useNock();

  describe("retried", () => {
    for (const status of [502, 503, 504]) {
      it(`GET on ${status}`, async () => {
        const c = await fakeClient();
        nock(CINDER).get(`${P}/volumes/v1`).reply(status, unavailable).get(`${P}/volumes/v1`).reply(200, vol);
        assert.equal((await c.volumes.get("v1")).id, "v1");
      });
    }

    it("GET on a reset connection", async () => {
      const c = await fakeClient();
      nock(CINDER).get(`${P}/volumes/v1`).replyWithError(reset()).get(`${P}/volumes/v1`).reply(200, vol);
      assert.equal((await c.volumes.get("v1")).id, "v1");
    });

    it("PUT and DELETE on 503", async () => {
      const c = await fakeClient();
      nock(CINDER)
        .put(`${P}/volumes/v1`)
        .reply(503, unavailable)
        .put(`${P}/volumes/v1`)
        .reply(200, vol)
        .delete(`${P}/volumes/v1`)
        .reply(503, unavailable)
        .delete(`${P}/volumes/v1`)
        .reply(202);
      await c.volumes.update("v1", { name: "x" });
      await c.volumes.delete("v1");
    });

    it("413 with a positive Retry-After, after that delay", async () => {
      const c = await fakeClient();
      nock(CINDER)
        .get(`${P}/volumes/v1`)
        .reply(413, { overLimit: { code: 413, message: "rate", retryAfter: "1" } }, { "Retry-After": "1" })
        .get(`${P}/volumes/v1`)
        .reply(200, vol);
      const t = Date.now();
      await c.volumes.get("v1");
      assert.ok(Date.now() - t >= 950, "waited for Retry-After");
    });

    it("a POST the caller declares idempotent", async () => {
      const c = await fakeClient();
      nock(CINDER).post(`${P}/volumes/v1/action`).reply(503, unavailable).post(`${P}/volumes/v1/action`).reply(202);
      await c.volumes.extend("v1", 2, { idempotent: true });
    });

    it("every POST, when the client opts in", async () => {
      const c = await fakeClient({ retry: { nonIdempotent: true, baseDelayMs: 1 } });
      nock(CINDER).post(`${P}/volumes`).replyWithError(reset()).post(`${P}/volumes`).reply(202, vol);
      await c.volumes.create({ size: 1 });
    });
  });

  describe("not retried", () => {
    it("POST on 503 or a reset connection", async () => {
      const c = await fakeClient();
      nock(CINDER).post(`${P}/volumes`).reply(503, unavailable);
      await assert.rejects(c.volumes.create({ size: 1 }), ServerError);
      nock(CINDER).post(`${P}/volumes/v1/action`).replyWithError(reset());
      await assert.rejects(c.volumes.extend("v1", 2), (e: Error) => e instanceof ConnectionError && e.code === "ECONNRESET");
    });

    it("quota faults (413 with Retry-After: 0), 4xx and 500", async () => {
      const c = await fakeClient();
      nock(CINDER).put(`${P}/volumes/v1/metadata`).reply(413, { overLimit: { code: 413, message: "quota", retryAfter: "0" } }, { "Retry-After": "0" });
      await assert.rejects(c.volumes.replaceMetadata("v1", { a: "b" }), OverLimit);
      nock(CINDER).get(`${P}/volumes/v1`).reply(500, { computeFault: { code: 500, message: "boom" } });
      await assert.rejects(c.volumes.get("v1"), ServerError);
      nock(CINDER).get(`${P}/volumes/v2`).reply(409, { conflictingRequest: { code: 409, message: "busy" } });
      await assert.rejects(c.volumes.get("v2"), /busy/);
    });

    it("a Retry-After beyond the limit", async () => {
      const c = await fakeClient({ retry: { maxRetryAfterMs: 500 } });
      nock(CINDER).get(`${P}/volumes/v1`).reply(429, "too many", { "Retry-After": "30" });
      await assert.rejects(c.volumes.get("v1"), (e: Error) => e instanceof OverLimit && e.retryAfterSeconds === 30);
    });

    it("gives up after maxRetries, with the last error", async () => {
      const c = await fakeClient({ retry: { maxRetries: 2, baseDelayMs: 1 } });
      nock(CINDER).get(`${P}/volumes/v1`).times(3).reply(503, unavailable);
      await assert.rejects(c.volumes.get("v1"), (e: Error) => e instanceof ServerError && e.status === 503);
    });
  });

  describe("timeouts and cancellation", () => {
    it("a per-request timeout is a ConnectionError (timedOut), retried for a GET", async () => {
      const c = await fakeClient({ timeoutMs: 100 });
      nock(CINDER).get(`${P}/volumes/v1`).delay(400).reply(200, vol).get(`${P}/volumes/v1`).reply(200, vol);
      assert.equal((await c.volumes.get("v1")).id, "v1");
      nock(CINDER).post(`${P}/volumes`).delay(400).reply(202, vol);
      const e = await c.volumes.create({ size: 1 }).catch((x) => x);
      assert.ok(e instanceof ConnectionError && e.timedOut, String(e));
    });

    it("per-call timeoutMs overrides the client's", async () => {
      const c = await fakeClient({ retry: false });
      nock(CINDER).get(`${P}/volumes/v1`).delay(300).reply(200, vol);
      await assert.rejects(c.volumes.get("v1", { timeoutMs: 50 }), (e: Error) => e instanceof ConnectionError && e.timedOut);
    });

    it("an AbortSignal stops the call and its retry wait", async () => {
      const c = await fakeClient({ retry: { baseDelayMs: 5000, maxDelayMs: 5000 } });
      nock(CINDER).get(`${P}/volumes/v1`).reply(503, unavailable);
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(new Error("stop")), 50);
      const t = Date.now();
      await assert.rejects(c.volumes.get("v1", { signal: ctl.signal }), /stop/);
      assert.ok(Date.now() - t < 2000);
    });
  });

  it("the logging hook sees every attempt with status, request id, timing and the retry delay", async () => {
    const events: RequestLog[] = [];
    const c = await fakeClient({ log: (e) => events.push(e), microversion: "3.55" });
    nock(CINDER)
      .get(`${P}/volumes/v1`)
      .reply(503, unavailable, { "x-openstack-request-id": "req-a" })
      .get(`${P}/volumes/v1`)
      .reply(200, vol, { "x-openstack-request-id": "req-b" });
    await c.volumes.get("v1");
    assert.equal(events.length, 2);
    assert.deepEqual(
      events.map((e) => [e.method, e.attempt, e.status, e.requestId, e.microversion, e.retryInMs !== undefined]),
      [
        ["GET", 1, 503, "req-a", "3.55", true],
        ["GET", 2, 200, "req-b", "3.55", false],
      ],
    );
    assert.ok(events.every((e) => typeof e.durationMs === "number" && e.url === `${CINDER}${P}/volumes/v1`));
    assert.ok(events[0].error instanceof ServerError);
  });

  it("backoff: exponential, capped, with full jitter", () => {
    assert.equal(backoff(1, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 1), 100);
    assert.equal(backoff(3, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 1), 400);
    assert.equal(backoff(10, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 1), 1000);
    assert.equal(backoff(3, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0), 0);
    const err = new ConnectionError("x", "GET", "u", "ENOTFOUND", false);
    assert.equal(retryDelay(err, 1, DEFAULT_RETRY), undefined, "a name that does not resolve is not transient");
  });
});
