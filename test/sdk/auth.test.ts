/**
 * Authentication against a nock-served Keystone: request bodies per auth type, catalog parsing,
 * wrong credentials, token expiry and re-authentication (proactive and after a 401, once).
 */
import assert from "node:assert/strict";
import nock from "nock";
import { ConfigError, connect, Unauthorized, type ConnectOptions } from "../../sdk/src";
import { findEndpoint } from "../../sdk/src/auth/catalog";
import { catalog, CINDER, ENDPOINT, KEYSTONE, P, PROJECT, tokenBody, useNock, versionDoc } from "./helpers";

const password: ConnectOptions = {
  env: {},
  auth: { type: "password", authUrl: `${KEYSTONE}/v3`, username: "alice", password: "s3cret", projectName: "demo", userDomainName: "Default", projectDomainName: "Default" },
  microversion: "3.71",
};

/** Keystone answering one token request; `seen` collects the request bodies. */
function keystone(seen: unknown[], body = tokenBody(), token = "tok-1") {
  return nock(KEYSTONE)
    .post("/v3/auth/tokens", (b) => (seen.push(b), true))
    .reply(201, body, { "X-Subject-Token": token });
}

describe("sdk: authentication", () => {
  useNock();

  describe("request bodies", () => {
    it("password: user and project by name and domain name", async () => {
      const seen: unknown[] = [];
      keystone(seen);
      const c = await connect(password);
      assert.deepEqual(seen[0], {
        auth: {
          identity: { methods: ["password"], password: { user: { name: "alice", domain: { name: "Default" }, password: "s3cret" } } },
          scope: { project: { name: "demo", domain: { name: "Default" } } },
        },
      });
      assert.equal(c.projectId, PROJECT);
      assert.equal(c.endpoint, ENDPOINT);
    });

    it("password: by ids; a name without a domain gets the default domain id", async () => {
      const seen: unknown[] = [];
      keystone(seen);
      keystone(seen);
      await connect({ ...password, auth: { type: "password", authUrl: KEYSTONE, userId: "u1", password: "p", projectId: PROJECT } });
      await connect({ ...password, auth: { type: "password", authUrl: KEYSTONE, username: "bob", password: "p", projectName: "demo" } });
      assert.deepEqual(seen[0], {
        auth: { identity: { methods: ["password"], password: { user: { id: "u1", password: "p" } } }, scope: { project: { id: PROJECT } } },
      });
      assert.deepEqual(seen[1], {
        auth: {
          identity: { methods: ["password"], password: { user: { name: "bob", domain: { id: "default" }, password: "p" } } },
          scope: { project: { name: "demo", domain: { id: "default" } } },
        },
      });
    });

    it("token: exchanged for a project-scoped token with a catalog", async () => {
      const seen: unknown[] = [];
      keystone(seen);
      const c = await connect({ ...password, auth: { type: "token", authUrl: `${KEYSTONE}/v3`, token: "old", projectId: PROJECT } });
      assert.deepEqual(seen[0], { auth: { identity: { methods: ["token"], token: { id: "old" } }, scope: { project: { id: PROJECT } } } });
      nock(CINDER).get(`${P}/os-availability-zone`).matchHeader("x-auth-token", "tok-1").reply(200, { availabilityZoneInfo: [] });
      await c.availabilityZones.list();
    });

    it("token without an auth URL: sent as is to the explicit endpoint", async () => {
      const c = await connect({ env: {}, auth: { type: "token", token: "raw" }, endpoint: ENDPOINT, microversion: "3.71" });
      nock(CINDER).get(`${P}/os-availability-zone`).matchHeader("x-auth-token", "raw").reply(200, { availabilityZoneInfo: [] });
      await c.availabilityZones.list();
    });

    it("application credential: by id (no scope), or by name with the user", async () => {
      const seen: unknown[] = [];
      keystone(seen);
      keystone(seen);
      await connect({ ...password, auth: { type: "application_credential", authUrl: KEYSTONE, applicationCredentialId: "ac1", applicationCredentialSecret: "shh" } });
      await connect({
        ...password,
        auth: { type: "application_credential", authUrl: KEYSTONE, applicationCredentialName: "ci", applicationCredentialSecret: "shh", username: "alice", userDomainName: "Default" },
      });
      assert.deepEqual(seen[0], { auth: { identity: { methods: ["application_credential"], application_credential: { id: "ac1", secret: "shh" } } } });
      assert.deepEqual(seen[1], {
        auth: {
          identity: {
            methods: ["application_credential"],
            application_credential: { name: "ci", secret: "shh", user: { name: "alice", domain: { name: "Default" } } },
          },
        },
      });
    });

    it("noauth: X-Auth-Token user:project, and /v3/<project> added to a bare endpoint", async () => {
      const c = await connect({ env: {}, endpoint: CINDER, auth: { type: "noauth", userId: "admin", projectId: "p1" }, microversion: "3.71" });
      assert.equal(c.endpoint, `${CINDER}/v3/p1`);
      nock(CINDER).get("/v3/p1/os-availability-zone").matchHeader("x-auth-token", "admin:p1").reply(200, { availabilityZoneInfo: [] });
      await c.availabilityZones.list();
    });
  });

  describe("wrong credentials", () => {
    it("Keystone's 401 is an Unauthorized carrying its message and request id", async () => {
      nock(KEYSTONE)
        .post("/v3/auth/tokens")
        .reply(401, { error: { code: 401, message: "The request you have made requires authentication.", title: "Unauthorized" } }, { "x-openstack-request-id": "req-k1" });
      const e = await connect(password).catch((x) => x);
      assert.ok(e instanceof Unauthorized, String(e));
      assert.equal(e.status, 401);
      assert.equal(e.fault, "Unauthorized");
      assert.equal(e.message, "The request you have made requires authentication.");
      assert.equal(e.requestId, "req-k1");
    });
  });

  describe("the catalog", () => {
    it("picks block-storage or volumev3 by interface and region", () => {
      assert.equal(findEndpoint(catalog(), { serviceTypes: ["block-storage", "volumev3"], interface: "public" }), ENDPOINT);
      assert.match(findEndpoint(catalog(), { serviceTypes: ["volumev3", "block-storage"], interface: "internal" }), /cinder-internal/);
      assert.match(findEndpoint(catalog(), { serviceTypes: ["block-storage"], interface: "public", region: "RegionTwo" }), /cinder-two/);
      const legacy = catalog().map((s) => (s.type === "block-storage" ? { ...s, type: "volumev3" } : s));
      assert.equal(findEndpoint(legacy, { serviceTypes: ["block-storage", "volumev3"], interface: "public" }), ENDPOINT);
    });

    it("says what it has when nothing matches", () => {
      assert.throws(
        () => findEndpoint(catalog(), { serviceTypes: ["block-storage"], interface: "admin" }),
        (e: Error) => e instanceof ConfigError && /no block-storage endpoint \(admin\).*block-storage\/public\/RegionOne/.test(e.message),
      );
      assert.throws(() => findEndpoint([], { serviceTypes: ["volumev3"], interface: "public" }), /no service catalog/);
    });

    it("connect() uses region and interface, and fills a templated catalog URL", async () => {
      keystone([]);
      const two = await connect({ ...password, region: "RegionTwo" });
      assert.equal(two.endpoint, `http://cinder-two.test:8776/v3/${PROJECT}`);
      keystone([], tokenBody({ catalog: catalog(`${CINDER}/v3/$(project_id)s`) }));
      const templated = await connect(password);
      assert.equal(templated.endpoint, ENDPOINT);
      keystone([], tokenBody({ catalog: catalog(`${CINDER}/volume/v3`) }));
      const projectless = await connect(password);
      assert.equal(projectless.endpoint, `${CINDER}/volume/v3`);
      nock(CINDER).get("/volume/v3/volumes/v1").reply(200, { volume: { id: "v1" } });
      assert.equal((await projectless.volumes.get("v1")).id, "v1");
    });
  });

  describe("token expiry", () => {
    it("renews a token that is about to expire before sending", async () => {
      keystone([], tokenBody({ issuedAt: new Date(Date.now() - 3570_000), expiresAt: new Date(Date.now() + 30_000) }), "short");
      const c = await connect(password);
      keystone([], tokenBody(), "fresh");
      nock(CINDER).get(`${P}/os-availability-zone`).matchHeader("x-auth-token", "fresh").reply(200, { availabilityZoneInfo: [] });
      await c.availabilityZones.list();
    });

    it("a short-lived token is renewed in the last quarter of its life, not before", async () => {
      keystone([], tokenBody({ issuedAt: new Date(), expiresAt: new Date(Date.now() + 8_000) }), "t1");
      const c = await connect(password);
      assert.equal(await c.authToken(), "t1", "6 s of 8 left: kept");
      keystone([], tokenBody({ issuedAt: new Date(Date.now() - 7_000), expiresAt: new Date(Date.now() + 1_000) }), "t2");
      const d = await connect(password);
      keystone([], tokenBody(), "t3");
      assert.equal(await d.authToken(), "t3", "1 s of 8 left: renewed");
    });

    it("re-authenticates once after a 401 and repeats the call", async () => {
      keystone([], tokenBody(), "old");
      const c = await connect(password);
      nock(CINDER).get(`${P}/volumes/v1`).matchHeader("x-auth-token", "old").reply(401, { unauthorized: { code: 401, message: "expired" } });
      keystone([], tokenBody(), "new");
      nock(CINDER).get(`${P}/volumes/v1`).matchHeader("x-auth-token", "new").reply(200, { volume: { id: "v1", status: "available" } });
      assert.equal((await c.volumes.get("v1")).status, "available");
    });

    it("does not loop: a second 401 is thrown", async () => {
      keystone([], tokenBody(), "old");
      const c = await connect(password);
      nock(CINDER).get(`${P}/volumes/v1`).times(2).reply(401, { unauthorized: { code: 401, message: "no" } });
      keystone([], tokenBody(), "new");
      await assert.rejects(c.volumes.get("v1"), Unauthorized);
    });

    it("concurrent 401s share one re-authentication", async () => {
      keystone([], tokenBody(), "old");
      const c = await connect(password);
      nock(CINDER).get(`${P}/volumes/v1`).times(3).matchHeader("x-auth-token", "old").reply(401, { unauthorized: { code: 401, message: "expired" } });
      keystone([], tokenBody(), "new");
      nock(CINDER).get(`${P}/volumes/v1`).times(3).matchHeader("x-auth-token", "new").reply(200, { volume: { id: "v1" } });
      await Promise.all([c.volumes.get("v1"), c.volumes.get("v1"), c.volumes.get("v1")]);
    });

    it("noauth and raw tokens cannot re-authenticate: the 401 is thrown", async () => {
      const c = await connect({ env: {}, endpoint: ENDPOINT, auth: { type: "noauth", userId: "a", projectId: PROJECT }, microversion: "3.71" });
      nock(CINDER).get(`${P}/volumes/v1`).reply(401, { unauthorized: { code: 401, message: "no" } });
      await assert.rejects(c.volumes.get("v1"), Unauthorized);
    });
  });

  it("negotiates the microversion after authenticating", async () => {
    keystone([]);
    nock(CINDER).get("/").reply(300, versionDoc("3.0", "3.50"));
    const c = await connect({ ...password, microversion: undefined });
    assert.equal(c.microversion, "3.50");
  });
});
