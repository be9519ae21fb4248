/** Waiters: polling to a status, failing fast on errors, deadlines, cancellation, deletion. */
import assert from "node:assert/strict";
import nock from "nock";
import { Forbidden, ResourceStatusError, waitFor, WaitTimeoutError } from "../../sdk/src";
import { CINDER, fakeClient, P, useNock } from "./helpers";

const fast = { intervalMs: 5, maxIntervalMs: 10 };
const vol = (status: string) => ({ volume: { id: "v1", status } });

describe("sdk: waiters", () => {
  useNock();

  it("polls at once, then until the status is reached, and returns the item", async () => {
    const c = await fakeClient();
    nock(CINDER).get(`${P}/volumes/v1`).times(2).reply(200, vol("creating")).get(`${P}/volumes/v1`).reply(200, vol("available"));
    const v = await c.volumes.waitFor({ id: "v1" }, "available", fast);
    assert.equal(v.status, "available");
  });

  it("accepts several target statuses", async () => {
    const c = await fakeClient();
    nock(CINDER).get(`${P}/volumes/v1`).reply(200, vol("in-use"));
    assert.equal((await c.volumes.waitFor("v1", ["available", "in-use"], fast)).status, "in-use");
  });

  it("fails at once on an error status, naming it", async () => {
    const c = await fakeClient();
    nock(CINDER).get(`${P}/volumes/v1`).reply(200, vol("creating")).get(`${P}/volumes/v1`).reply(200, vol("error_extending"));
    const e = await c.volumes.waitFor("v1", "available", fast).catch((x) => x);
    assert.ok(e instanceof ResourceStatusError, String(e));
    assert.equal(e.status, "error_extending");
    assert.equal(e.resource, "volume");
    assert.equal(e.message, "volume v1 went to status 'error_extending' while waiting for 'available'");
  });

  it("an error status that is the target is fine", async () => {
    const c = await fakeClient();
    nock(CINDER).get(`${P}/snapshots/s1`).reply(200, { snapshot: { id: "s1", status: "error" } });
    assert.equal((await c.snapshots.waitFor("s1", "error", fast)).status, "error");
  });

  it("times out with the last status", async () => {
    const c = await fakeClient();
    nock(CINDER).get(`${P}/volumes/v1`).times(100).reply(200, vol("creating"));
    const e = await c.volumes.waitFor("v1", "available", { ...fast, timeoutMs: 60 }).catch((x) => x);
    nock.cleanAll();
    assert.ok(e instanceof WaitTimeoutError, String(e));
    assert.match(e.message, /timed out after 60 ms waiting for volume v1 to be available \(last status 'creating'\)/);
    assert.equal((e.last as { status: string }).status, "creating");
  });

  it("an AbortSignal cancels the wait", async () => {
    const c = await fakeClient();
    nock(CINDER).get(`${P}/volumes/v1`).times(100).reply(200, vol("creating"));
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error("cancelled")), 40);
    await assert.rejects(c.volumes.waitFor("v1", "available", { ...fast, signal: ctl.signal }), /cancelled/);
    nock.cleanAll();
  });

  it("the interval grows up to its maximum", async () => {
    const times: number[] = [];
    let n = 0;
    await waitFor(
      async () => {
        times.push(Date.now());
        return ++n === 5 ? { done: true, value: n } : { done: false };
      },
      { intervalMs: 20, backoff: 2, maxIntervalMs: 50 },
    );
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.ok(gaps[0] >= 14 && gaps[0] < 45, `first gap ${gaps[0]}`);
    assert.ok(gaps[3] >= 38, `last gap ${gaps[3]} is capped at 50 ± jitter`);
  });

  describe("waitForDeleted", () => {
    it("is done on 404", async () => {
      const c = await fakeClient();
      nock(CINDER)
        .get(`${P}/volumes/v1`)
        .reply(200, vol("deleting"))
        .get(`${P}/volumes/v1`)
        .reply(404, { itemNotFound: { code: 404, message: "Volume v1 could not be found." } });
      await c.volumes.waitForDeleted("v1", fast);
    });

    it("fails at once on error_deleting", async () => {
      const c = await fakeClient();
      nock(CINDER).get(`${P}/snapshots/s1`).reply(200, { snapshot: { id: "s1", status: "error_deleting" } });
      await assert.rejects(c.snapshots.waitForDeleted("s1", fast), /snapshot s1 failed to delete/);
    });

    it("only a 404 counts as gone: other errors propagate", async () => {
      const c = await fakeClient();
      nock(CINDER).get(`${P}/volumes/v1`).reply(403, { forbidden: { code: 403, message: "Policy doesn't allow" } });
      await assert.rejects(c.volumes.waitForDeleted("v1", fast), Forbidden);
    });
  });
});
