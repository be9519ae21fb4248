/**
 * Microversions: negotiation from the version document, the header on every call, refusing calls
 * that need more before they are sent, and the SDK's minimums checked against the spec.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import nock from "nock";
import { ConfigError, connect, MAX_VERSION, MicroversionError } from "../../sdk/src";
import { ACTION_REQUIREMENTS, MV, negotiate, REQUIREMENTS, serverRange } from "../../sdk/src/microversions";
import { CINDER, ENDPOINT, fakeClient, P, PROJECT, useNock, versionDoc } from "./helpers";

const noauth = { env: {}, endpoint: ENDPOINT, auth: { type: "noauth" as const, userId: "u", projectId: PROJECT } };

describe("sdk: microversions", () => {
  useNock();

  describe("negotiation", () => {
    it("takes the server's maximum when it is below the SDK's", async () => {
      nock(CINDER).get("/").reply(300, versionDoc("3.0", "3.50"));
      const c = await connect(noauth);
      assert.equal(c.microversion, "3.50");
      assert.deepEqual(c.serverVersions, { min: "3.0", max: "3.50" });
      assert.equal(c.pinned, false);
    });

    it("takes the SDK's maximum when the server knows more", async () => {
      nock(CINDER).get("/").reply(300, versionDoc("3.0", "3.99"));
      assert.equal((await connect(noauth)).microversion, MAX_VERSION);
    });

    it("falls back to GET /v3/ (with the token) when the root has no version document", async () => {
      nock(CINDER).get("/").reply(404, "not here");
      nock(CINDER).get("/v3/").matchHeader("x-auth-token", `u:${PROJECT}`).reply(200, versionDoc("3.0", "3.27"));
      assert.equal((await connect(noauth)).microversion, "3.27");
    });

    it("a server without microversions speaks 3.0; no overlap is a ConfigError", () => {
      assert.equal(negotiate(serverRange({ versions: [{ id: "v3.0", version: "", min_version: "" }] })), "3.0");
      assert.throws(() => negotiate({ min: "3.80", max: "3.90" }), ConfigError);
      assert.throws(() => serverRange({ versions: [{ id: "v2.0" }] }), /no v3/);
    });

    it("a pinned version sends no discovery request", async () => {
      const c = await fakeClient({ microversion: "3.40" });
      assert.equal(c.microversion, "3.40");
      assert.equal(c.pinned, true);
    });
  });

  it("sends OpenStack-API-Version on every call", async () => {
    nock(CINDER).get("/").reply(300, versionDoc("3.0", "3.60"));
    const c = await connect(noauth);
    nock(CINDER, { reqheaders: { "openstack-api-version": "volume 3.60" } })
      .get(`${P}/volumes/detail`)
      .reply(200, { volumes: [] })
      .get(`${P}/os-availability-zone`)
      .reply(200, { availabilityZoneInfo: [] })
      .post(`${P}/volumes`)
      .reply(202, { volume: { id: "v" } });
    await c.volumes.list().all();
    await c.availabilityZones.list();
    await c.volumes.create({ size: 1 });
  });

  describe("calls that need more fail before they are sent", () => {
    // No interceptors: a request that went out would fail with a nock "no match" error instead.
    it("an operation's minimum (summary 3.12, default types 3.62)", async () => {
      nock(CINDER).get("/").reply(300, versionDoc("3.0", "3.10"));
      const c = await connect(noauth);
      const e = await c.volumes.summary().catch((x) => x);
      assert.ok(e instanceof MicroversionError, String(e));
      assert.equal(e.required, "3.12");
      assert.equal(e.message, "GET /v3/{project_id}/volumes/summary needs microversion 3.12, but the server supports at most 3.10");
      await assert.rejects(c.defaultTypes.list(), /needs microversion 3.62/);
    });

    it("an action's minimum (revert 3.40), naming the action and the pin", async () => {
      const c = await fakeClient({ microversion: "3.30" });
      await assert.rejects(c.volumes.revert("v1", "s1"), {
        name: "MicroversionError",
        message: "volume action revert needs microversion 3.40, but this client is pinned to 3.30 (use withMicroversion() to raise it)",
      });
      nock(CINDER).post(`${P}/volumes/v1/action`, { revert: { snapshot_id: "s1" } }).reply(202);
      await c.withMicroversion("3.40").volumes.revert("v1", "s1");
    });

    it("query parameters with a minimum (with_count 3.45), body fields (backup_id 3.47)", async () => {
      const c = await fakeClient({ microversion: "3.44" });
      await assert.rejects(c.volumes.list({ with_count: true }).all(), /needs microversion 3.45/);
      await assert.rejects(c.volumes.create({ size: 1, backup_id: "b" }), /needs microversion 3.47/);
      nock(CINDER).get(`${P}/volumes/detail`).query({ status: "available" }).reply(200, { volumes: [] });
      await c.volumes.list({ status: "available" }).all();
    });

    it("withMicroversion stays within the server's range", async () => {
      nock(CINDER).get("/").reply(300, versionDoc("3.0", "3.50"));
      const c = await connect(noauth);
      assert.throws(() => c.withMicroversion("3.60"), MicroversionError);
      assert.equal(c.withMicroversion("3.20").microversion, "3.20");
      assert.ok(c.supports("3.50"));
      assert.ok(!c.supports("3.51"));
    });
  });

  describe("the SDK's minimums are the spec's", () => {
    const spec = JSON.parse(readFileSync(path.join(__dirname, "../../openapi/dist/cinder-v3.json"), "utf8"));
    const deref = (o: { $ref?: string }) => (o.$ref ? o.$ref.split("/").slice(1).reduce((a: any, k: string) => a[k], spec) : o);

    it("MAX_VERSION is the spec's info.version", () => {
      assert.equal(MAX_VERSION, spec.info.version);
    });

    it("operation and query-parameter minimums match x-min-version", () => {
      const fromSpec: Record<string, { minVersion?: string; query?: Record<string, string> }> = {};
      for (const [p, item] of Object.entries<any>(spec.paths)) {
        if (!p.startsWith("/v3/{project_id}/")) continue;
        for (const m of ["get", "put", "post", "delete"]) {
          const op = item[m];
          if (!op) continue;
          const req: { minVersion?: string; query?: Record<string, string> } = {};
          if (op["x-min-version"]) req.minVersion = op["x-min-version"];
          for (const param of (op.parameters ?? []).map(deref)) {
            if (param.in === "query" && param["x-min-version"]) (req.query ??= {})[param.name] = param["x-min-version"];
          }
          if (req.minVersion || req.query) fromSpec[`${m} ${p}`] = req;
        }
      }
      assert.deepEqual(REQUIREMENTS, fromSpec);
    });

    it("action minimums match the action schemas' x-min-version", () => {
      const fromSpec: Record<string, string> = {};
      for (const schema of Object.values<any>(spec.components.schemas)) {
        if (schema["x-action"] && schema["x-min-version"]) fromSpec[schema["x-operation"]] = schema["x-min-version"];
      }
      assert.deepEqual(ACTION_REQUIREMENTS, fromSpec);
    });

    it("the volume-create fields the SDK checks have the spec's minimums", () => {
      const props = spec.components.schemas.VolumeCreate.properties;
      assert.equal(MV.VOLUME_CREATE_FROM_BACKUP, props.backup_id["x-min-version"]);
      assert.equal(MV.GROUP_VOLUME, props.group_id["x-min-version"]);
    });
  });
});
