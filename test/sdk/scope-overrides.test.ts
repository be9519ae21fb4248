/**
 * System scope and named endpoint overrides. Against a nock-served Keystone: `systemScope: "all"`
 * (or OS_SYSTEM_SCOPE, `system_scope` in clouds.yaml's auth) sends `{"system": {"all": true}}`, a project
 * scope with it is a ConfigError, and the volume endpoint of a system-scoped token comes from its
 * catalog (Keystone lists the project-less URL). `endpointOverrides` keyed by service type replace
 * the catalog's endpoint (the first of the wanted types that has one; `endpoint` wins). On the live
 * built-in identity, which offers project-scoped and unscoped tokens only, a system scope is refused
 * with its 403 — and an override is what the client talks to.
 */
import assert from "node:assert/strict";
import nock from "nock";
import { ConfigError, connect, Forbidden, type CinderClient } from "../../sdk/src";
import { resolveConfig } from "../../sdk/src/config/resolve";
import { catalog, CINDER, ENDPOINT, KEYSTONE, PROJECT, tokenBody, useNock } from "./helpers";
import { liveServer, type LiveServer } from "./helpers";

const base = { type: "password" as const, authUrl: `${KEYSTONE}/v3`, username: "alice", password: "s3cret", userDomainName: "Default" };

describe("sdk: system scope and endpoint overrides", () => {
  describe("against a served Keystone", () => {
    useNock();

    it("systemScope all: the request is scoped to the system; the endpoint is the catalog's project-less one", async () => {
      const seen: unknown[] = [];
      const body = tokenBody({ catalog: catalog(`${CINDER}/v3`) }) as { token: Record<string, unknown> };
      delete body.token.project;
      body.token.system = { all: true };
      nock(KEYSTONE).post("/v3/auth/tokens", (b) => (seen.push(b), true)).reply(201, body, { "X-Subject-Token": "sys" });
      const c = await connect({ env: {}, auth: { ...base, systemScope: "all" }, microversion: "3.71" });
      assert.deepEqual((seen[0] as { auth: { scope: unknown } }).auth.scope, { system: { all: true } });
      assert.equal(c.projectId, undefined);
      assert.equal(c.endpoint, `${CINDER}/v3`);
    });

    it("a system scope with a project, or other than all, is a ConfigError before any request", async () => {
      await assert.rejects(connect({ env: {}, auth: { ...base, systemScope: "all", projectName: "demo" } }), (e) => e instanceof ConfigError && /project or to the system/.test(e.message));
      await assert.rejects(connect({ env: {}, auth: { ...base, systemScope: "region" } }), (e) => e instanceof ConfigError && /'region' is not 'all'/.test(e.message));
    });

    it("endpointOverrides by service type replace the catalog's endpoint; the credentials still go to Keystone", async () => {
      const seen: unknown[] = [];
      nock(KEYSTONE).post("/v3/auth/tokens", (b) => (seen.push(b), true)).reply(201, tokenBody(), { "X-Subject-Token": "t" });
      const other = `http://cinder-override.test:8776/v3/${PROJECT}`;
      const c = await connect({ env: {}, auth: { ...base, projectName: "demo" }, endpointOverrides: { volumev3: other, compute: "http://nova.test" }, microversion: "3.71" });
      assert.equal(seen.length, 1);
      assert.equal(c.endpoint, other);
      nock("http://cinder-override.test:8776").get(`/v3/${PROJECT}/volumes/v1`).reply(200, { volume: { id: "v1", size: 1, status: "available" } });
      assert.equal((await c.volumes.get("v1")).id, "v1");
    });
  });

  describe("resolving settings", () => {
    it("OS_SYSTEM_SCOPE (keystoneauth's system_scope) reaches the auth options", () => {
      const cfg = resolveConfig({ env: { OS_AUTH_URL: `${KEYSTONE}/v3`, OS_USERNAME: "alice", OS_PASSWORD: "p", OS_SYSTEM_SCOPE: "all" } });
      assert.equal(cfg.auth.type, "password");
      assert.equal((cfg.auth as { systemScope?: string }).systemScope, "all");
    });

    it("the first wanted service type with an override wins; an explicit endpoint wins over all", () => {
      const env = { OS_AUTH_TYPE: "noauth", OS_USER_ID: "u", OS_PROJECT_ID: "p" };
      const o = { "block-storage": "http://bs.test/v3/p", volumev3: "http://v3.test/v3/p" };
      assert.equal(resolveConfig({ env, endpointOverrides: o }).endpoint, "http://bs.test/v3/p");
      assert.equal(resolveConfig({ env, endpointOverrides: o, serviceType: ["volumev3", "block-storage"] }).endpoint, "http://v3.test/v3/p");
      assert.equal(resolveConfig({ env, endpointOverrides: { compute: "http://nova.test" } }).endpoint, undefined);
      assert.equal(resolveConfig({ env, endpointOverrides: o, endpoint: ENDPOINT }).endpoint, ENDPOINT);
    });
  });

  describe("on the live built-in identity", function () {
    this.timeout(120_000);
    let live: LiveServer;
    before(async () => {
      live = await liveServer("builtin");
    });
    after(async () => {
      await live?.s.destroy();
    });

    it("a system-scoped login is refused with the identity's 403 naming the scopes it offers", async () => {
      const env = { ...live.env, OS_PROJECT_NAME: "", OS_PROJECT_DOMAIN_NAME: "", OS_SYSTEM_SCOPE: "all" };
      const e = await connect({ env }).catch((x) => x);
      assert.ok(e instanceof Forbidden, String(e));
      assert.match(e.message, /project-scoped and unscoped tokens/);
    });

    it("an endpoint override is the endpoint the client uses, with the catalog's credentials", async () => {
      const admin: CinderClient = await connect(live.options);
      const catalogEndpoint = admin.endpoint;
      // The same server by another name: localhost for 127.0.0.1.
      const other = catalogEndpoint.replace("127.0.0.1", "localhost");
      assert.notEqual(other, catalogEndpoint);
      const c = await connect({ env: live.env, endpointOverrides: { volumev3: other } });
      assert.equal(c.endpoint, other);
      const v = await c.volumes.create({ size: 1, name: "via-override" });
      assert.equal((await admin.volumes.get(v.id)).name, "via-override");
      await admin.volumes.waitFor(v, "available", { timeoutMs: 30_000, intervalMs: 50 });
      await admin.volumes.delete(v.id);
      const dead = { volumev3: "http://127.0.0.1:9/v3/x" };
      await assert.rejects(connect({ env: live.env, endpointOverrides: dead, retry: false }), /127\.0\.0\.1:9/);
    });
  });
});
