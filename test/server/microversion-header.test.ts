/** The older X-OpenStack-Volume-API-Version header selects a microversion as OpenStack-API-Version does. */
import assert from "node:assert/strict";
import { assertFault } from "../helpers/faults";
import { startServer, type TestServer } from "../helpers/server";

describe("microversion: the X-OpenStack-Volume-API-Version header", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer("sqlite");
  });
  after(async () => s?.destroy());

  it("selects the version, which the response echoes", async () => {
    const r = await s.client.get("/v3/p1/volumes?with_count=true", { version: null, headers: { "X-OpenStack-Volume-API-Version": "3.45" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("openstack-api-version"), "volume 3.45");
    assert.equal(r.body.count, 0, "with_count works from 3.45");
    const old = await s.client.get("/v3/p1/volumes?with_count=true", { version: null, headers: { "X-OpenStack-Volume-API-Version": "3.44" } });
    assert.equal(old.body.count, undefined, "and not below");
  });

  it("answers 406 outside the range and 400 for a malformed version", async () => {
    assertFault(
      await s.client.get("/v3/p1/volumes", { version: null, headers: { "X-OpenStack-Volume-API-Version": "3.72" } }),
      406,
      "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71.",
    );
    assertFault(await s.client.get("/v3/p1/volumes", { version: null, headers: { "X-OpenStack-Volume-API-Version": "three" } }), 400, /invalid format/);
  });

  it("loses to OpenStack-API-Version when both are sent", async () => {
    const r = await s.client.get("/v3/p1/volumes", { version: "3.50", headers: { "X-OpenStack-Volume-API-Version": "3.10" } });
    assert.equal(r.headers.get("openstack-api-version"), "volume 3.50");
  });
});
