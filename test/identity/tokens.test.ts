/**
 * The built-in Keystone v3 subset, tokens: version discovery, issuing (password and token methods,
 * project scope by name or id, unscoped, the default project), validation, check and revocation
 * with X-Subject-Token, /auth/projects and /auth/catalog, the image stub, and the refusals (wrong
 * password, unknown or disabled user, expired and revoked tokens, huge or malformed bodies).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DIALECTS, startServer } from "../helpers/server";
import { hashToken, TokenService } from "../../server/src/identity/tokens";
import { assertKsFault, type IdentityServer, login, passwordAuth, projectScope, provision, startIdentity } from "./helpers";

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const TOKENS = "/identity/v3/auth/tokens";

for (const dialect of DIALECTS) {
  describe(`identity: tokens (${dialect})`, () => {
    let id: IdentityServer;
    let alice: { projectId: string; userId: string };
    before(async () => {
      id = await startIdentity(dialect);
      alice = await provision(id.c, id.adminToken, { project: "demo", user: "alice", password: "alice-pw", role: "member" });
    });
    after(async () => id?.s.destroy());

    describe("discovery", () => {
      it("GET /identity answers 300 with the v3 version, GET /identity/v3 the same version, both without a token", async () => {
        const all = await id.c.get("/identity", { token: null });
        assert.equal(all.status, 300);
        const [v] = all.body.versions.values;
        assert.equal(v.id, "v3.14");
        assert.equal(v.status, "stable");
        assert.deepEqual(v.links, [{ rel: "self", href: `${id.s.url}/identity/v3/` }]);
        const one = await id.c.get("/identity/v3", { token: null });
        assert.equal(one.status, 200);
        assert.deepEqual(one.body.version, v);
        assert.equal(one.headers.get("openstack-api-version"), null, "no Cinder microversion header outside /v3");
      });

      it("GET /image answers Glance's version list and /image/v2/images the (empty) list with a token", async () => {
        const v = await id.c.get("/image", { token: null });
        assert.equal(v.status, 300);
        assert.equal(v.body.versions[0].status, "CURRENT");
        assert.equal(v.body.versions[0].links[0].href, `${id.s.url}/image/v2/`);
        const images = await id.c.get("/image/v2/images", { token: id.adminToken });
        assert.equal(images.status, 200);
        assert.deepEqual(images.body, { images: [], schema: "/v2/schemas/images", first: "/v2/images" });
        assertKsFault(await id.c.get("/image/v2/images", { token: null }), 401);
        assertKsFault(await id.c.get("/image/v2/images", { token: "garbage" }), 401);
      });
    });

    describe("issue", () => {
      it("password by name and domain, scoped to a project by name: 201, X-Subject-Token, roles and catalog", async () => {
        const r = await id.c.post(TOKENS, passwordAuth("alice", "alice-pw", projectScope("demo")));
        assert.equal(r.status, 201);
        const token = r.headers.get("x-subject-token")!;
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);
        assert.ok(!JSON.stringify(r.body).includes(token), "the token id is never in the body");
        const t = r.body.token;
        assert.deepEqual(t.methods, ["password"]);
        assert.deepEqual(t.user, { domain: { id: "default", name: "Default" }, id: alice.userId, name: "alice", password_expires_at: null });
        assert.deepEqual(t.project, { domain: { id: "default", name: "Default" }, id: alice.projectId, name: "demo" });
        assert.deepEqual(t.roles.map((x: any) => x.name).sort(), ["member", "reader"], "member implies reader");
        assert.match(t.issued_at, TIMESTAMP);
        assert.match(t.expires_at, TIMESTAMP);
        const ttl = Date.parse(t.expires_at) - Date.parse(t.issued_at);
        assert.ok(Math.abs(ttl - 3600_000) < 2000, `default lifetime one hour, got ${ttl} ms`);
        const byType = new Map(t.catalog.map((svc: any) => [svc.type, svc]));
        for (const type of ["volumev3", "block-storage"]) {
          const svc: any = byType.get(type);
          const pub = svc.endpoints.find((e: any) => e.interface === "public");
          assert.equal(pub.url, `${id.s.url}/v3/${alice.projectId}`);
          assert.equal(pub.region, "RegionOne");
        }
        assert.equal((byType.get("image") as any).endpoints[0].url, `${id.s.url}/image`);
        assert.equal((byType.get("identity") as any).endpoints[0].url, `${id.s.url}/identity`);
      });

      it("password by user id, scoped by project id; ?nocatalog leaves the catalog out", async () => {
        const r = await id.c.post(`${TOKENS}?nocatalog`, {
          auth: {
            identity: { methods: ["password"], password: { user: { id: alice.userId, password: "alice-pw" } } },
            scope: { project: { id: alice.projectId } },
          },
        });
        assert.equal(r.status, 201);
        assert.equal(r.body.token.project.id, alice.projectId);
        assert.equal(r.body.token.catalog, undefined);
      });

      it("without a scope the user's default project is used; 'unscoped' gives no project, roles or catalog", async () => {
        const dflt = await id.c.post(TOKENS, passwordAuth("alice", "alice-pw"));
        assert.equal(dflt.body.token.project.id, alice.projectId);
        const un = await id.c.post(TOKENS, passwordAuth("alice", "alice-pw", "unscoped"));
        assert.equal(un.status, 201);
        assert.equal(un.body.token.project, undefined);
        assert.equal(un.body.token.roles, undefined);
        assert.equal(un.body.token.catalog, undefined);
      });

      it("the token method re-scopes an unscoped token, keeping its audit chain and its expiry", async () => {
        const un = await id.c.post(TOKENS, passwordAuth("alice", "alice-pw", "unscoped"));
        const parent = un.headers.get("x-subject-token")!;
        const r = await id.c.post(TOKENS, { auth: { identity: { methods: ["token"], token: { id: parent } }, scope: projectScope("demo") } });
        assert.equal(r.status, 201);
        assert.equal(r.body.token.project.id, alice.projectId);
        assert.deepEqual(r.body.token.methods.sort(), ["password", "token"]);
        assert.equal(r.body.token.audit_ids.length, 2);
        assert.equal(r.body.token.audit_ids[1], un.body.token.audit_ids[0]);
        assert.ok(r.body.token.expires_at <= un.body.token.expires_at, "a re-scoped token does not outlive its parent");
        assert.notEqual(r.headers.get("x-subject-token"), parent);
      });

      it("refuses a wrong password, an unknown user, an unknown domain, a project without a role: the same 401", async () => {
        const cases = [
          passwordAuth("alice", "wrong"),
          passwordAuth("nobody", "alice-pw"),
          { auth: { identity: { methods: ["password"], password: { user: { name: "alice", domain: { name: "Nowhere" }, password: "alice-pw" } } } } },
          passwordAuth("alice", "alice-pw", projectScope("admin")),
          passwordAuth("alice", "alice-pw", projectScope("no-such-project")),
          { auth: { identity: { methods: ["token"], token: { id: "garbage" } } } },
        ];
        for (const body of cases) {
          const r = await id.c.post(TOKENS, body);
          assertKsFault(r, 401, "The request you have made requires authentication.");
          assert.equal(r.headers.get("x-subject-token"), null);
          assert.match(r.headers.get("www-authenticate") ?? "", /^Keystone uri="http:\/\/127\.0\.0\.1:\d+\/identity"$/);
        }
      });

      it("an unsupported method is a 401 listing the methods offered", async () => {
        const r = await id.c.post(TOKENS, { auth: { identity: { methods: ["totp"], totp: {} } } });
        assertKsFault(r, 401);
        assert.deepEqual(r.body.error.identity, { methods: ["password", "token", "application_credential"] });
      });

      it("malformed, non-JSON, incomplete and huge bodies are 400 or 413, and no token is issued", async () => {
        assertKsFault(await id.c.call("POST", TOKENS, { raw: '{"auth": {', contentType: "application/json" }), 400);
        assertKsFault(await id.c.call("POST", TOKENS, { raw: "auth=1", contentType: "text/plain" }), 400, /Expecting to find application\/json/);
        assertKsFault(await id.c.post(TOKENS, { nope: 1 }), 400, /'auth' is a required property/);
        assertKsFault(await id.c.post(TOKENS, { auth: {} }), 400, /'identity' is a required property/);
        const noName = { auth: { identity: { methods: ["password"], password: { user: { password: "x" } } } } };
        assertKsFault(await id.c.post(TOKENS, noName), 400, "Invalid input for field 'identity/password/user': id or name must be present.");
        const noDomain = { auth: { identity: { methods: ["password"], password: { user: { name: "alice", password: "alice-pw" } } } } };
        assertKsFault(await id.c.post(TOKENS, noDomain), 400, /domain/);
        assertKsFault(await id.c.post(TOKENS, passwordAuth("alice", "alice-pw", "everything")), 400);
        const huge = passwordAuth("alice", "x".repeat(200_000));
        const r = await id.c.post(TOKENS, huge);
        assertKsFault(r, 413, "Request is too large.");
        assert.equal(r.headers.get("x-subject-token"), null);
      });

      it("never repeats a password in a validation message", async () => {
        const secret = `s3cret-${randomUUID()}`;
        const body = { auth: { identity: { methods: ["password"], password: { user: { name: "alice", domain: { name: "Default" }, password: [secret] } } } } };
        const r = await id.c.post(TOKENS, body);
        assertKsFault(r, 400);
        assert.ok(!JSON.stringify(r.body).includes(secret), JSON.stringify(r.body));
      });

      it("domain and system scopes are refused with 403", async () => {
        const r = await id.c.post(TOKENS, passwordAuth("alice", "alice-pw", { domain: { id: "default" } }));
        assertKsFault(r, 403);
      });
    });

    describe("validate, check, revoke", () => {
      it("the admin validates any token; GET echoes X-Subject-Token with the token body, HEAD answers 200 without one", async () => {
        const subject = await login(id.c, { user: "alice", password: "alice-pw", project: "demo" });
        const admin = id.c.as(id.adminToken);
        const v = await admin.get(TOKENS, { headers: { "X-Subject-Token": subject } });
        assert.equal(v.status, 200);
        assert.equal(v.headers.get("x-subject-token"), subject);
        assert.equal(v.body.token.user.name, "alice");
        assert.equal(v.body.token.project.id, alice.projectId);
        assert.ok(Array.isArray(v.body.token.catalog));
        const nocat = await admin.get(`${TOKENS}?nocatalog=1`, { headers: { "X-Subject-Token": subject } });
        assert.equal(nocat.body.token.catalog, undefined);
        const h = await admin.call("HEAD", TOKENS, { headers: { "X-Subject-Token": subject } });
        assert.equal(h.status, 200);
        assert.equal(h.body, undefined);
        assert.equal(h.headers.get("x-subject-token"), subject);
      });

      it("a user validates its own token, but not another user's (403); unknown or absent subjects are 404", async () => {
        const mine = await login(id.c, { user: "alice", password: "alice-pw", project: "demo" });
        const other = await login(id.c, { user: "alice", password: "alice-pw", unscoped: true });
        const me = id.c.as(mine);
        assert.equal((await me.get(TOKENS, { headers: { "X-Subject-Token": other } })).status, 200);
        assertKsFault(await me.get(TOKENS, { headers: { "X-Subject-Token": id.adminToken } }), 403, "You are not authorized to perform the requested action: identity:validate_token.");
        assert.equal((await me.call("HEAD", TOKENS, { headers: { "X-Subject-Token": id.adminToken } })).status, 403);
        assertKsFault(await me.delete(TOKENS, { headers: { "X-Subject-Token": id.adminToken } }), 403);
        assertKsFault(await me.get(TOKENS, { headers: { "X-Subject-Token": "garbage" } }), 404);
        assertKsFault(await me.get(TOKENS), 404, "No token in the request");
        const h = await me.call("HEAD", TOKENS, { headers: { "X-Subject-Token": "garbage" } });
        assert.equal(h.status, 404);
        assert.equal(h.body, undefined, "HEAD faults have no body");
        // The admin's token still works: nothing was revoked by the refused DELETE.
        assert.equal((await id.c.as(id.adminToken).get("/identity/v3/projects")).status, 200);
      });

      it("without a valid X-Auth-Token: 401", async () => {
        assertKsFault(await id.c.get(TOKENS, { token: null, headers: { "X-Subject-Token": id.adminToken } }), 401);
        assertKsFault(await id.c.get(TOKENS, { token: "garbage", headers: { "X-Subject-Token": id.adminToken } }), 401);
      });

      it("DELETE revokes: 204, then the token is refused everywhere (identity, Cinder), and a second DELETE is 404", async () => {
        const t = await login(id.c, { user: "alice", password: "alice-pw", project: "demo" });
        const alice_ = id.c.as(t);
        assert.equal((await alice_.get(`/v3/${alice.projectId}/volumes`)).status, 200);
        const r = await id.c.as(id.adminToken).delete(TOKENS, { headers: { "X-Subject-Token": t } });
        assert.equal(r.status, 204);
        assert.equal(r.body, undefined);
        assert.equal((await alice_.get(`/v3/${alice.projectId}/volumes`)).status, 401);
        assertKsFault(await alice_.get("/identity/v3/auth/projects"), 401);
        assertKsFault(await id.c.as(id.adminToken).get(TOKENS, { headers: { "X-Subject-Token": t } }), 404);
        assertKsFault(await id.c.as(id.adminToken).delete(TOKENS, { headers: { "X-Subject-Token": t } }), 404);
        assertKsFault(await id.c.post(TOKENS, { auth: { identity: { methods: ["token"], token: { id: t } } } }), 401);
      });

      it("a user may revoke its own token", async () => {
        const t = await login(id.c, { user: "alice", password: "alice-pw", project: "demo" });
        assert.equal((await id.c.as(t).delete(TOKENS, { headers: { "X-Subject-Token": t } })).status, 204);
        assertKsFault(await id.c.as(t).get("/identity/v3/auth/projects"), 401);
      });
    });

    describe("auth/projects and auth/catalog", () => {
      it("lists the projects the user has a role on, for an unscoped token too", async () => {
        const un = await login(id.c, { user: "alice", password: "alice-pw", unscoped: true });
        const r = await id.c.as(un).get("/identity/v3/auth/projects");
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.projects.map((p: any) => p.name), ["demo"]);
        assert.equal(r.body.links.self, `${id.s.url}/identity/v3/auth/projects`);
        const adm = await id.c.as(id.adminToken).get("/identity/v3/auth/projects");
        assert.deepEqual(adm.body.projects.map((p: any) => p.name), ["admin"]);
      });

      it("the catalog of a project-scoped token; an unscoped token is refused with 403", async () => {
        const t = await login(id.c, { user: "alice", password: "alice-pw", project: "demo" });
        const r = await id.c.as(t).get("/identity/v3/auth/catalog");
        assert.equal(r.status, 200);
        const vol = r.body.catalog.find((s: any) => s.type === "volumev3");
        assert.equal(vol.endpoints.find((e: any) => e.interface === "public").url, `${id.s.url}/v3/${alice.projectId}`);
        const un = await login(id.c, { user: "alice", password: "alice-pw", unscoped: true });
        assertKsFault(await id.c.as(un).get("/identity/v3/auth/catalog"), 403);
      });
    });

    describe("tokens on the Cinder API", () => {
      it("a project-scoped token works on its own project's URL; another project's URL is 400 Malformed request url", async () => {
        const t = await login(id.c, { user: "alice", password: "alice-pw", project: "demo" });
        const projects = await id.c.as(id.adminToken).get("/identity/v3/projects?name=admin");
        const adminProject = projects.body.projects[0].id;
        assert.equal((await id.c.as(t).get(`/v3/${alice.projectId}/volumes`)).status, 200);
        const r = await id.c.as(t).get(`/v3/${adminProject}/volumes`);
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, { badRequest: { code: 400, message: "Malformed request url" } });
      });

      it("an unscoped token is refused by the Cinder API (401)", async () => {
        const un = await login(id.c, { user: "alice", password: "alice-pw", unscoped: true });
        assert.equal((await id.c.as(un).get(`/v3/${alice.projectId}/volumes`)).status, 401);
      });
    });
  });

  describe(`identity: token lifetime and public endpoint (${dialect})`, () => {
    let id: IdentityServer;
    before(async () => {
      id = await startIdentity(dialect, { tokenTtlSeconds: 2, publicEndpoint: "https://cloud.example.test:8776" });
    });
    after(async () => id?.s.destroy());

    it("the catalog and links use config.publicEndpoint", async () => {
      const r = await id.c.post(TOKENS, passwordAuth("admin", id.adminPassword, projectScope("admin")));
      const vol = r.body.token.catalog.find((s: any) => s.type === "volumev3");
      assert.equal(vol.endpoints[0].url, `https://cloud.example.test:8776/v3/${r.body.token.project.id}`);
      const v = await id.c.get("/identity/v3", { token: null });
      assert.equal(v.body.version.links[0].href, "https://cloud.example.test:8776/identity/v3/");
    });

    it("tokens expire after config.tokenTtlSeconds: then 401 on Cinder and identity, 404 as a subject", async () => {
      const r = await id.c.post(TOKENS, passwordAuth("admin", id.adminPassword, projectScope("admin")));
      const t = r.headers.get("x-subject-token")!;
      const ttl = Date.parse(r.body.token.expires_at) - Date.parse(r.body.token.issued_at);
      assert.ok(Math.abs(ttl - 2000) < 50, `lifetime ${ttl} ms`);
      const project = r.body.token.project.id;
      assert.equal((await id.c.as(t).get(`/v3/${project}/volumes`)).status, 200);
      await new Promise((res) => setTimeout(res, 2200));
      assert.equal((await id.c.as(t).get(`/v3/${project}/volumes`)).status, 401);
      assertKsFault(await id.c.as(t).get("/identity/v3/auth/projects"), 401);
      const fresh = await login(id.c, { user: "admin", password: id.adminPassword, project: "admin" });
      assertKsFault(await id.c.as(fresh).get(TOKENS, { headers: { "X-Subject-Token": t } }), 404);
    });
  });

  describe(`identity: token storage (${dialect})`, () => {
    let id: IdentityServer;
    before(async () => {
      id = await startIdentity(dialect);
    });
    after(async () => id?.s.destroy());

    it("stores only the token's sha256, and prune() removes expired rows but keeps live ones", async () => {
      const db = id.s.app.services.db.kysely;
      const user = (await db.selectFrom("users").select("id").where("name", "=", "admin").executeTakeFirstOrThrow()).id;
      const short = new TokenService(db, 1);
      const expired = (await short.issue(user, null, ["password"])).token;
      const live = (await new TokenService(db, 3600).issue(user, null, ["password"])).token;
      const rows = await db.selectFrom("tokens").selectAll().execute();
      for (const r of rows) for (const t of [expired, live]) assert.ok(!Object.values(r).includes(t), "no raw token in the table");
      await new Promise((r) => setTimeout(r, 1100));
      await short.prune();
      const left = new Set((await db.selectFrom("tokens").select("id_hash").execute()).map((r) => r.id_hash));
      assert.ok(!left.has(hashToken(expired)));
      assert.ok(left.has(hashToken(live)));
    });
  });

  describe(`identity: other auth modes (${dialect})`, () => {
    it("with noauth the identity API answers 404 (Keystone's fault body) while the image stub stays", async () => {
      const s = await startServer(dialect, { auth: "noauth" });
      try {
        // noContract: the spec describes the builtin mode; in noauth mode these routes are absent (404), a status the spec does not list.
        for (const path of ["/identity", "/identity/v3", "/identity/v3/projects"]) {
          const r = await s.client.get(path, { noContract: true });
          assertKsFault(r, 404, /served only with auth mode builtin; this server runs with auth mode noauth/);
        }
        const login_ = await s.client.post(TOKENS, passwordAuth("admin", "x"), { noContract: true });
        assertKsFault(login_, 404);
        assert.equal((await s.client.get("/image", { token: null })).status, 300);
        assert.equal((await s.client.get("/image/v2/images")).status, 200);
      } finally {
        await s.destroy();
      }
    });
  });
}
