/**
 * Application credentials of the built-in identity (keystone/api/users.py,
 * keystone/auth/plugins/application_credential.py, keystone/application_credential/core.py):
 * create, list, show and delete with their faults and policy; logging in by id and by name and
 * user; the token's project and roles; using the volume API with such a token; restricted
 * credentials; revocation when the credential, a role assignment or the user goes; lockout.
 */
import assert from "node:assert/strict";
import { DIALECTS } from "../helpers/server";
import type { Client } from "../helpers/client";
import { waitStatus } from "../helpers/wait";
import { assertKsFault, type IdentityServer, login, provision, startIdentity } from "./helpers";

const TOKENS = "/identity/v3/auth/tokens";
const creds = (userId: string) => `/identity/v3/users/${userId}/application_credentials`;
const CRED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

export function appCredAuth(cred: { id?: string; name?: string; secret: string; user?: unknown }, scope?: unknown) {
  return { auth: { identity: { methods: ["application_credential"], application_credential: cred }, ...(scope !== undefined ? { scope } : {}) } };
}

const roleNames = (roles: Array<{ name: string }>) => roles.map((r) => r.name).sort();

for (const dialect of DIALECTS) {
  describe(`identity: application credentials (${dialect})`, function () {
    this.timeout(60_000);
    let id: IdentityServer;
    let alice: { projectId: string; userId: string };
    let bob: { projectId: string; userId: string };
    let aliceToken: string;
    let bobToken: string;
    let c: Client;

    /** Log in with an application credential; the token and the token body. */
    async function credLogin(cred: Parameters<typeof appCredAuth>[0]): Promise<{ token: string; body: any }> {
      const r = await c.post(TOKENS, appCredAuth(cred), { token: null });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { token: r.headers.get("x-subject-token")!, body: r.body.token };
    }

    async function create(token: string, userId: string, body: Record<string, unknown>) {
      const r = await c.as(token).post(creds(userId), { application_credential: body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.application_credential;
    }

    before(async () => {
      id = await startIdentity(dialect, { lockoutFailureAttempts: 3, lockoutDurationSeconds: 2, authClientFailureAttempts: 0 });
      c = id.c;
      alice = await provision(c, id.adminToken, { project: "demo", user: "alice", password: "alice-pw", role: "member" });
      bob = await provision(c, id.adminToken, { project: "demo", user: "bob", password: "bob-pw", role: "member" });
      aliceToken = await login(c, { user: "alice", password: "alice-pw", project: "demo" });
      bobToken = await login(c, { user: "bob", password: "bob-pw", project: "demo" });
    });
    after(async () => id?.s.destroy());

    describe("create", () => {
      it("defaults: a generated secret, the token's project and all of its roles, restricted, no expiry", async () => {
        const r = await c.as(aliceToken).post(creds(alice.userId), { application_credential: { name: "monitoring" } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        const a = r.body.application_credential;
        assert.match(a.id, /^[0-9a-f]{32}$/);
        assert.equal(a.name, "monitoring");
        assert.match(a.secret, /^[A-Za-z0-9_-]{86}$/);
        assert.equal(a.project_id, alice.projectId);
        assert.equal(a.user_id, alice.userId);
        assert.equal(a.unrestricted, false);
        assert.equal(a.expires_at, null);
        assert.equal(a.description, null);
        assert.deepEqual(roleNames(a.roles), ["member", "reader"]);
        assert.ok(a.roles.every((x: any) => x.domain_id === null));
        assert.equal(a.links.self, `${id.s.url}/identity/v3/users/${alice.userId}/application_credentials/${a.id}`);
      });

      it("a given secret, description, expiry and a subset of the roles by name or id", async () => {
        const reader = (await c.as(id.adminToken).get("/identity/v3/roles?name=reader")).body.roles[0];
        const a = await create(aliceToken, alice.userId, {
          name: "backups",
          secret: "my-own-secret",
          description: "for backups",
          expires_at: "2099-01-02T03:04:05",
          roles: [{ name: "reader" }, { id: reader.id }],
          unrestricted: "true",
        });
        assert.equal(a.secret, "my-own-secret");
        assert.equal(a.description, "for backups");
        assert.equal(a.expires_at, "2099-01-02T03:04:05.000000");
        assert.match(a.expires_at, CRED_TIME);
        assert.deepEqual(a.roles, [{ id: reader.id, name: "reader", domain_id: null }]);
        assert.equal(a.unrestricted, true);
      });

      it("faults: duplicate name, unassigned role, unknown role, access rules, bad bodies and times", async () => {
        const as = c.as(aliceToken);
        const post = (body: unknown) => as.post(creds(alice.userId), { application_credential: body });
        assertKsFault(await post({ name: "monitoring" }), 409, "Conflict occurred attempting to store application_credential - Duplicate entry found with name monitoring.");
        assertKsFault(await post({ name: "n1", roles: [{ name: "admin" }] }), 400, "Invalid application credential: Cannot create an application credential with unassigned role");
        assertKsFault(await post({ name: "n1", roles: [{ id: "0123456789abcdef" }] }), 400, "Invalid application credential: Cannot create an application credential with unassigned role");
        assertKsFault(await post({ name: "n1", roles: [{ name: "no-such-role" }] }), 404, "Could not find role: no-such-role.");
        assertKsFault(await post({ name: "n1", access_rules: [{ path: "/v3/**", method: "GET", service: "volumev3" }] }), 400, /access rules are not supported/);
        assertKsFault(await post({ description: "no name" }), 400, /'name' is a required property/);
        assertKsFault(await post({ name: "n1", roles: [{ id: "a", name: "b" }] }), 400);
        assertKsFault(await post({ name: "n1", expires_at: "tomorrow" }), 400, /^Timestamp not in expected format\./);
        assertKsFault(await post({ name: "n1", expires_at: "2001-01-01T00:00:00Z" }), 400, /^The 'expires_at' must not be before now\./);
        assertKsFault(await as.post(creds(alice.userId), { name: "n1" }), 400);
        // Nothing of the refused ones was stored.
        const names = (await as.get(creds(alice.userId))).body.application_credentials.map((x: any) => x.name);
        assert.ok(!names.includes("n1"));
      });

      it("policy: only the user itself, with a project-scoped token (not even an admin for another user)", async () => {
        const rule = "You are not authorized to perform the requested action: identity:create_application_credential.";
        assertKsFault(await c.as(bobToken).post(creds(alice.userId), { application_credential: { name: "x" } }), 403, rule);
        assertKsFault(await c.as(id.adminToken).post(creds(alice.userId), { application_credential: { name: "x" } }), 403, rule);
        const unscoped = await login(c, { user: "alice", password: "alice-pw", unscoped: true });
        assertKsFault(await c.as(unscoped).post(creds(alice.userId), { application_credential: { name: "x" } }), 403, rule);
        assertKsFault(await c.as(null).post(creds(alice.userId), { application_credential: { name: "x" } }), 401);
      });
    });

    describe("list, show, delete", () => {
      it("list (and ?name=) and show never return the secret; the user and admins may, others not", async () => {
        const a = await create(aliceToken, alice.userId, { name: "listed", secret: "listed-secret" });
        for (const token of [aliceToken, id.adminToken]) {
          const list = await c.as(token).get(creds(alice.userId));
          assert.equal(list.status, 200);
          assert.ok(list.body.application_credentials.some((x: any) => x.id === a.id));
          assert.ok(list.body.application_credentials.every((x: any) => x.secret === undefined && x.user_id === alice.userId));
          assert.ok(!JSON.stringify(list.body).includes("listed-secret"));
          const one = await c.as(token).get(`${creds(alice.userId)}?name=listed`);
          assert.deepEqual(one.body.application_credentials.map((x: any) => x.id), [a.id]);
          assert.equal(one.body.links.self, `${id.s.url}${creds(alice.userId)}?name=listed`);
          const show = await c.as(token).get(`${creds(alice.userId)}/${a.id}`);
          assert.equal(show.status, 200);
          const { secret: _secret, ...withoutSecret } = a;
          assert.deepEqual(show.body.application_credential, withoutSecret);
        }
        assertKsFault(await c.as(bobToken).get(creds(alice.userId)), 403, "You are not authorized to perform the requested action: identity:list_application_credentials.");
        assertKsFault(await c.as(bobToken).get(`${creds(alice.userId)}/${a.id}`), 403, "You are not authorized to perform the requested action: identity:get_application_credential.");
        assertKsFault(await c.as(bobToken).delete(`${creds(alice.userId)}/${a.id}`), 403, "You are not authorized to perform the requested action: identity:delete_application_credential.");
        // Another user's credential under one's own path: the target is the credential's user.
        assertKsFault(await c.as(bobToken).get(`${creds(bob.userId)}/${a.id}`), 403);
        assertKsFault(await c.as(id.adminToken).get(`${creds(bob.userId)}/${a.id}`), 404, `Could not find Application Credential: ${a.id}.`);
        assertKsFault(await c.as(aliceToken).get(`${creds(alice.userId)}/nope`), 404, "Could not find Application Credential: nope.");
        assert.deepEqual((await c.as(bobToken).get(creds(bob.userId))).body.application_credentials, []);
      });

      it("delete: 204, then 404; the user and admins may", async () => {
        const a = await create(aliceToken, alice.userId, { name: "to-delete" });
        const b = await create(aliceToken, alice.userId, { name: "to-delete-by-admin" });
        const del = await c.as(aliceToken).delete(`${creds(alice.userId)}/${a.id}`);
        assert.equal(del.status, 204);
        assert.equal(del.body, undefined);
        assertKsFault(await c.as(aliceToken).delete(`${creds(alice.userId)}/${a.id}`), 404);
        assertKsFault(await c.as(aliceToken).get(`${creds(alice.userId)}/${a.id}`), 404);
        assert.equal((await c.as(id.adminToken).delete(`${creds(alice.userId)}/${b.id}`)).status, 204);
      });
    });

    describe("authentication", () => {
      it("by id: a token for the credential's project with its roles, method and credential", async () => {
        const a = await create(aliceToken, alice.userId, { name: "auth-id" });
        const { token, body } = await credLogin({ id: a.id, secret: a.secret });
        assert.deepEqual(body.methods, ["application_credential"]);
        assert.deepEqual(body.application_credential, { id: a.id, name: "auth-id", restricted: true });
        assert.equal(body.project.id, alice.projectId);
        assert.equal(body.user.id, alice.userId);
        assert.deepEqual(roleNames(body.roles), ["member", "reader"]);
        assert.ok(Array.isArray(body.catalog) && body.catalog.length > 0);
        const v = await c.as(token).get(TOKENS, { headers: { "X-Subject-Token": token } });
        assert.equal(v.status, 200);
        assert.deepEqual(v.body.token.application_credential, { id: a.id, name: "auth-id", restricted: true });
        assert.deepEqual(v.body.token.methods, ["application_credential"]);
      });

      it("by name with the user by id, or by name and domain", async () => {
        const a = await create(aliceToken, alice.userId, { name: "auth-name", secret: "by-name-secret" });
        const byId = await credLogin({ name: "auth-name", secret: "by-name-secret", user: { id: alice.userId } });
        assert.equal(byId.body.application_credential.id, a.id);
        const byName = await credLogin({ name: "auth-name", secret: "by-name-secret", user: { name: "alice", domain: { name: "Default" } } });
        assert.equal(byName.body.application_credential.id, a.id);
        assert.equal(byName.body.project.id, alice.projectId);
      });

      it("refusals: wrong secret, unknown credential or user, a scope, an expired credential; bad bodies are 400", async () => {
        const a = await create(aliceToken, alice.userId, { name: "auth-faults", secret: "right-secret" });
        const post = (body: unknown) => c.post(TOKENS, body, { token: null });
        assertKsFault(await post(appCredAuth({ id: a.id, secret: "wrong" })), 401, "The request you have made requires authentication.");
        assertKsFault(await post(appCredAuth({ id: "unknown", secret: "right-secret" })), 401);
        assertKsFault(await post(appCredAuth({ name: "auth-faults", secret: "right-secret", user: { id: bob.userId } })), 401);
        assertKsFault(await post(appCredAuth({ name: "auth-faults", secret: "right-secret", user: { name: "nobody", domain: { name: "Default" } } })), 401);
        assertKsFault(
          await post(appCredAuth({ id: a.id, secret: "right-secret" }, { project: { id: alice.projectId } })),
          401,
          "Error authenticating with application credential: Application credentials cannot request a scope.",
        );
        assertKsFault(await post(appCredAuth({ name: "auth-faults", secret: "right-secret" })), 400, "Expecting to find user in application credential.");
        assertKsFault(await post(appCredAuth({ name: "auth-faults", secret: "right-secret", user: { name: "alice" } })), 400, "Expecting to find domain in user.");
        assertKsFault(await post({ auth: { identity: { methods: ["application_credential"], application_credential: { id: a.id } } } }), 400, /secret/);
        assertKsFault(await post({ auth: { identity: { methods: ["application_credential"] } } }), 400, /application_credential/);
        // Expired (its row says so: none can be created in the past).
        await id.s.app.services.db.kysely.updateTable("application_credentials").set({ expires_at: "2020-01-01T00:00:00.000000" }).where("id", "=", a.id).execute();
        assertKsFault(await post(appCredAuth({ id: a.id, secret: "right-secret" })), 401);
      });

      it("a credential that expires caps its tokens' expiry", async () => {
        const soon = new Date(Date.now() + 600_000).toISOString().replace(/Z$/, "");
        const a = await create(aliceToken, alice.userId, { name: "auth-expiring", expires_at: soon });
        const { body } = await credLogin({ id: a.id, secret: a.secret });
        assert.ok(Date.parse(body.expires_at) <= Date.parse(`${soon}Z`) + 1, `${body.expires_at} after ${soon}`);
      });

      it("a credential's token cannot be exchanged for another token", async () => {
        const a = await create(aliceToken, alice.userId, { name: "auth-rescope" });
        const { token } = await credLogin({ id: a.id, secret: a.secret });
        const r = await c.post(TOKENS, { auth: { identity: { methods: ["token"], token: { id: token } }, scope: { project: { id: alice.projectId } } } }, { token: null });
        assertKsFault(r, 403);
      });
    });

    describe("using the token", () => {
      it("a member's credential works the volume API as that member, and no admin API", async () => {
        const a = await create(aliceToken, alice.userId, { name: "use-member" });
        const { token } = await credLogin({ id: a.id, secret: a.secret });
        const as = c.as(token);
        const v = await as.post(`/v3/${alice.projectId}/volumes`, { volume: { size: 1, name: "from-app-cred" } });
        assert.equal(v.status, 202, JSON.stringify(v.body));
        assert.equal(v.body.volume.user_id, alice.userId);
        await waitStatus(as, "volumes", alice.projectId, v.body.volume.id, "available");
        const list = await as.get(`/v3/${alice.projectId}/volumes`);
        assert.ok(list.body.volumes.some((x: any) => x.id === v.body.volume.id));
        assert.equal((await as.get(`/v3/${alice.projectId}/os-services`)).status, 403);
        assertKsFault(await as.post("/identity/v3/projects", { project: { name: "evil" } }), 403);
        assert.equal((await as.delete(`/v3/${alice.projectId}/volumes/${v.body.volume.id}`)).status, 202);
      });

      it("the token holds only the credential's roles: a reader's credential reads and cannot write", async () => {
        const a = await create(aliceToken, alice.userId, { name: "use-reader", roles: [{ name: "reader" }] });
        const { token, body } = await credLogin({ id: a.id, secret: a.secret });
        assert.deepEqual(roleNames(body.roles), ["reader"]);
        const as = c.as(token);
        assert.equal((await as.get(`/v3/${alice.projectId}/volumes`)).status, 200);
        assert.equal((await as.post(`/v3/${alice.projectId}/volumes`, { volume: { size: 1 } })).status, 403);
      });

      it("a restricted credential's token cannot create or delete credentials; an unrestricted one can", async () => {
        const restricted = await create(aliceToken, alice.userId, { name: "use-restricted" });
        const victim = await create(aliceToken, alice.userId, { name: "use-victim" });
        const r = c.as((await credLogin({ id: restricted.id, secret: restricted.secret })).token);
        const refusal =
          "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials..";
        assertKsFault(await r.post(creds(alice.userId), { application_credential: { name: "child" } }), 403, refusal);
        assertKsFault(await r.delete(`${creds(alice.userId)}/${victim.id}`), 403, refusal);
        assert.equal((await r.get(creds(alice.userId))).status, 200, "listing is allowed");
        const open = await create(aliceToken, alice.userId, { name: "use-unrestricted", unrestricted: true, roles: [{ name: "reader" }] });
        const u = (await credLogin({ id: open.id, secret: open.secret })).token;
        const child = await create(u, alice.userId, { name: "child" });
        assert.deepEqual(roleNames(child.roles), ["reader"], "the child gets the token's roles");
        assert.equal((await c.as(u).delete(`${creds(alice.userId)}/${child.id}`)).status, 204);
      });
    });

    describe("revocation", () => {
      it("deleting the credential revokes its tokens and its secret", async () => {
        const a = await create(aliceToken, alice.userId, { name: "rev-delete" });
        const { token } = await credLogin({ id: a.id, secret: a.secret });
        assert.equal((await c.as(token).get(`/v3/${alice.projectId}/volumes`)).status, 200);
        assert.equal((await c.as(aliceToken).delete(`${creds(alice.userId)}/${a.id}`)).status, 204);
        assert.equal((await c.as(token).get(`/v3/${alice.projectId}/volumes`)).status, 401);
        assertKsFault(await c.as(id.adminToken).get(TOKENS, { headers: { "X-Subject-Token": token } }), 404);
        assertKsFault(await c.post(TOKENS, appCredAuth({ id: a.id, secret: a.secret }), { token: null }), 401);
      });

      it("removing a role assignment on the project deletes the user's credentials for it, and their tokens", async () => {
        const carl = await provision(c, id.adminToken, { project: "demo", user: "carl", password: "carl-pw", role: "member" });
        const other = await provision(c, id.adminToken, { project: "other", user: "carl-other", password: "x-pw", role: "member" });
        await c.as(id.adminToken).put(`/identity/v3/projects/${other.projectId}/users/${carl.userId}/roles/${carl.roleId}`);
        const demoToken = await login(c, { user: "carl", password: "carl-pw", project: "demo" });
        const otherToken = await login(c, { user: "carl", password: "carl-pw", project: "other" });
        const onDemo = await create(demoToken, carl.userId, { name: "on-demo" });
        const onOther = await create(otherToken, carl.userId, { name: "on-other" });
        const { token } = await credLogin({ id: onDemo.id, secret: onDemo.secret });
        const revoke = await c.as(id.adminToken).delete(`/identity/v3/projects/${carl.projectId}/users/${carl.userId}/roles/${carl.roleId}`);
        assert.equal(revoke.status, 204);
        assert.equal((await c.as(token).get(`/v3/${carl.projectId}/volumes`)).status, 401);
        assertKsFault(await c.as(id.adminToken).get(`${creds(carl.userId)}/${onDemo.id}`), 404);
        assert.deepEqual((await c.as(id.adminToken).get(creds(carl.userId))).body.application_credentials.map((x: any) => x.id), [onOther.id]);
        assertKsFault(await c.post(TOKENS, appCredAuth({ id: onDemo.id, secret: onDemo.secret }), { token: null }), 401);
        assert.equal((await credLogin({ id: onOther.id, secret: onOther.secret })).body.project.id, other.projectId);
      });

      it("disabling or deleting the user deletes its credentials; a disabled user cannot log in with one", async () => {
        const dora = await provision(c, id.adminToken, { project: "demo", user: "dora", password: "dora-pw", role: "member" });
        const eve = await provision(c, id.adminToken, { project: "demo", user: "eve", password: "eve-pw", role: "member" });
        const doraCred = await create(await login(c, { user: "dora", password: "dora-pw", project: "demo" }), dora.userId, { name: "d" });
        const eveCred = await create(await login(c, { user: "eve", password: "eve-pw", project: "demo" }), eve.userId, { name: "e" });
        const doraToken = (await credLogin({ id: doraCred.id, secret: doraCred.secret })).token;
        assert.equal((await c.as(id.adminToken).call("PATCH", `/identity/v3/users/${dora.userId}`, { body: { user: { enabled: false } } })).status, 200);
        assertKsFault(await c.post(TOKENS, appCredAuth({ id: doraCred.id, secret: doraCred.secret }), { token: null }), 401);
        assert.equal((await c.as(doraToken).get(`/v3/${dora.projectId}/volumes`)).status, 401);
        assert.deepEqual((await c.as(id.adminToken).get(creds(dora.userId))).body.application_credentials, []);
        assert.equal((await c.as(id.adminToken).delete(`/identity/v3/users/${eve.userId}`)).status, 204);
        assertKsFault(await c.post(TOKENS, appCredAuth({ id: eveCred.id, secret: eveCred.secret }), { token: null }), 401);
        const left = await id.s.app.services.db.kysely.selectFrom("application_credentials").select("id").where("user_id", "in", [dora.userId, eve.userId]).execute();
        assert.deepEqual(left, []);
      });
    });

    it("wrong secrets count towards the failed-login lockout, as wrong passwords do", async () => {
      const fay = await provision(c, id.adminToken, { project: "demo", user: "fay", password: "fay-pw", role: "member" });
      const a = await create(await login(c, { user: "fay", password: "fay-pw", project: "demo" }), fay.userId, { name: "lock", secret: "lock-secret" });
      for (let i = 0; i < 3; i++) assertKsFault(await c.post(TOKENS, appCredAuth({ id: a.id, secret: `wrong-${i}` }), { token: null }), 401);
      const locked = `The account is locked for user: ${fay.userId}.`;
      assertKsFault(await c.post(TOKENS, appCredAuth({ id: a.id, secret: "lock-secret" }), { token: null }), 401, locked);
      assertKsFault(await c.post(TOKENS, appCredAuth({ name: "lock", secret: "lock-secret", user: { id: fay.userId } }), { token: null }), 401, locked);
      await new Promise((r) => setTimeout(r, 2_100));
      await credLogin({ id: a.id, secret: "lock-secret" });
    });
  });
}
