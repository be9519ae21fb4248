/** Error mapping: Cinder and Keystone faults to the error classes, with status, fault, message and request id. */
import assert from "node:assert/strict";
import nock from "nock";
import {
  BadRequest,
  CinderApiError,
  CinderError,
  Conflict,
  Forbidden,
  isNotFound,
  NotFound,
  OverLimit,
  ServerError,
  Unauthorized,
  UnexpectedStatus,
} from "../../sdk/src";
import { parseRetryAfter } from "../../sdk/src/errors";
import { CINDER, fakeClient, P, useNock } from "./helpers";

const fault = (name: string, code: number, message: string) => ({ [name]: { code, message } });

describe("sdk: errors", () => {
  useNock();

  const cases: Array<[number, string, new (...a: never[]) => CinderApiError]> = [
    [400, "badRequest", BadRequest],
    [401, "unauthorized", Unauthorized],
    [403, "forbidden", Forbidden],
    [404, "itemNotFound", NotFound],
    [409, "conflictingRequest", Conflict],
    [413, "overLimit", OverLimit],
    [500, "computeFault", ServerError],
    [501, "notImplemented", ServerError],
  ];
  for (const [status, name, Cls] of cases) {
    it(`${status} ${name} → ${Cls.name}`, async () => {
      const c = await fakeClient({ retry: false });
      nock(CINDER).get(`${P}/volumes/v1`).reply(status, fault(name, status, `the ${name} message`), { "x-openstack-request-id": `req-${status}` });
      const e = await c.volumes.get("v1").catch((x) => x);
      assert.ok(e instanceof Cls, `${e}`);
      assert.ok(e instanceof CinderApiError && e instanceof CinderError && e instanceof Error);
      assert.equal(e.name, Cls.name);
      assert.equal(e.status, status);
      assert.equal(e.fault, name);
      assert.equal(e.message, `the ${name} message`);
      assert.equal(e.requestId, `req-${status}`);
      assert.equal(e.method, "GET");
      assert.equal(e.url, `${CINDER}${P}/volumes/v1`);
      assert.match(e.describe(), new RegExp(`^${status} ${name}: the ${name} message \\(GET .*/volumes/v1\\) \\[req-${status}\\]$`));
    });
  }

  it("OverLimit carries Retry-After (header or the fault's retryAfter)", async () => {
    const c = await fakeClient({ retry: false });
    nock(CINDER).get(`${P}/volumes/v1`).reply(413, { overLimit: { code: 413, message: "slow down", retryAfter: "7" } }, { "Retry-After": "7" });
    const e = await c.volumes.get("v1").catch((x) => x);
    assert.ok(e instanceof OverLimit);
    assert.equal(e.retryAfterSeconds, 7);
    nock(CINDER).post(`${P}/volumes`).reply(413, { overLimit: { code: 413, message: "VolumeLimitExceeded", retryAfter: "0" } });
    const q = await c.volumes.create({ size: 1 }).catch((x) => x);
    assert.equal(q.retryAfterSeconds, 0);
    assert.equal(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())! > 8, true);
    assert.equal(parseRetryAfter("soon"), undefined);
  });

  it("a Keystone fault body names the fault by its title", async () => {
    const c = await fakeClient({ retry: false });
    nock(CINDER).get(`${P}/volumes/v1`).reply(403, { error: { code: 403, message: "You are not authorized.", title: "Forbidden" } });
    const e = await c.volumes.get("v1").catch((x) => x);
    assert.ok(e instanceof Forbidden);
    assert.equal(e.fault, "Forbidden");
    assert.equal(e.message, "You are not authorized.");
  });

  it("a non-JSON error body becomes the message", async () => {
    const c = await fakeClient({ retry: false });
    nock(CINDER).get(`${P}/volumes/v1`).reply(502, "<html>Bad Gateway</html>");
    const e = await c.volumes.get("v1").catch((x) => x);
    assert.ok(e instanceof ServerError);
    assert.equal(e.fault, "http502");
    assert.equal(e.message, "<html>Bad Gateway</html>");
  });

  it("a success status the call does not expect is UnexpectedStatus", async () => {
    const c = await fakeClient();
    nock(CINDER).post(`${P}/volumes/v1/action`).reply(200);
    const e = await c.volumes.extend("v1", 2).catch((x) => x);
    assert.ok(e instanceof UnexpectedStatus, String(e));
    assert.equal(e.message, "expected 202, got 200");
  });

  it("type guards", async () => {
    const c = await fakeClient();
    nock(CINDER).get(`${P}/volumes/v1`).reply(404, fault("itemNotFound", 404, "gone"));
    const e = await c.volumes.get("v1").catch((x) => x);
    assert.ok(isNotFound(e));
    assert.ok(!isNotFound(new Error("x")));
  });
});
