/**
 * The built-in identity admin API: projects, users, roles, grants, role assignments and domains,
 * as the admin; and as a member or reader, the refusals (403 naming the rule) that change nothing.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { DIALECTS } from "../helpers/server";
import { assertKsFault, type IdentityServer, login, passwordAuth, provision, startIdentity } from "./helpers";

const V3 = "/identity/v3";

for (const dialect of DIALECTS) {
  describe(`identity: admin API (${dialect})`, () => {
    let id: IdentityServer;
    let admin: Client;
    let roleIds: Record<string, string>;
    before(async () => {
      id = await startIdentity(dialect);
      admin = id.c.as(id.adminToken);
      const r = await admin.get(`${V3}/roles`);
      roleIds = Object.fromEntries(r.body.roles.map((x: any) => [x.name, x.id]));
    });
    after(async () => id?.s.destroy());

    describe("projects", () => {
      it("create, show, list with filters, update, delete", async () => {
        const c = await admin.post(`${V3}/projects`, { project: { name: "p-crud", description: "first" } });
        assert.equal(c.status, 201);
        const p = c.body.project;
        assert.match(p.id, /^[0-9a-f]{32}$/);
        assert.deepEqual(
          { name: p.name, description: p.description, domain_id: p.domain_id, parent_id: p.parent_id, enabled: p.enabled, is_domain: p.is_domain },
          { name: "p-crud", description: "first", domain_id: "default", parent_id: "default", enabled: true, is_domain: false },
        );
        assert.equal(p.links.self, `${id.s.url}/identity/v3/projects/${p.id}`);
        assert.deepEqual((await admin.get(`${V3}/projects/${p.id}`)).body.project, p);

        const byName = await admin.get(`${V3}/projects?name=p-crud`);
        assert.deepEqual(byName.body.projects.map((x: any) => x.id), [p.id]);
        assert.equal(byName.body.links.self, `${id.s.url}/identity/v3/projects?name=p-crud`);
        assert.equal((await admin.get(`${V3}/projects?domain_id=other`)).body.projects.length, 0);
        assert.equal((await admin.get(`${V3}/projects?is_domain=true`)).body.projects.length, 0);

        const u = await admin.call("PATCH", `${V3}/projects/${p.id}`, { body: { project: { description: "second", enabled: "False" } } });
        assert.equal(u.status, 200);
        assert.equal(u.body.project.description, "second");
        assert.equal(u.body.project.enabled, false);
        const disabled = await admin.get(`${V3}/projects?enabled=false`);
        assert.deepEqual(disabled.body.projects.map((x: any) => x.name), ["p-crud"]);
        assert.ok((await admin.get(`${V3}/projects?enabled=1`)).body.projects.every((x: any) => x.enabled));

        const d = await admin.delete(`${V3}/projects/${p.id}`);
        assert.equal(d.status, 204);
        assertKsFault(await admin.get(`${V3}/projects/${p.id}`), 404, `Could not find project: ${p.id}.`);
        assertKsFault(await admin.delete(`${V3}/projects/${p.id}`), 404);
      });

      it("refuses a duplicate name (409), an unknown domain (404), bad bodies (400), changing the domain (400)", async () => {
        const first = await admin.post(`${V3}/projects`, { project: { name: "p-dup" } });
        const dup = await admin.post(`${V3}/projects`, { project: { name: "p-dup" } });
        assertKsFault(dup, 409, /^Conflict occurred attempting to store project - .*name is p-dup/);
        assertKsFault(await admin.post(`${V3}/projects`, { project: { name: "p-x", domain_id: "nowhere" } }), 404, "Could not find domain: nowhere.");
        assertKsFault(await admin.post(`${V3}/projects`, { project: {} }), 400, /'name' is a required property/);
        assertKsFault(await admin.post(`${V3}/projects`, { project: { name: "" } }), 400);
        assertKsFault(await admin.post(`${V3}/projects`, { project: { name: "x".repeat(65) } }), 400);
        assertKsFault(await admin.post(`${V3}/projects`, { project: { name: "p-y", enabled: "maybe" } }), 400);
        assertKsFault(await admin.post(`${V3}/projects`, { project: { name: "p-z", is_domain: true } }), 400);
        assertKsFault(await admin.post(`${V3}/projects`, { project: { name: "p-z", parent_id: first.body.project.id } }), 400);
        const pid = first.body.project.id;
        assertKsFault(await admin.call("PATCH", `${V3}/projects/${pid}`, { body: { project: {} } }), 400);
        assertKsFault(await admin.call("PATCH", `${V3}/projects/${pid}`, { body: { project: { domain_id: "other" } } }), 400, "Update of `domain_id` is not allowed.");
        const second = await admin.post(`${V3}/projects`, { project: { name: "p-dup2" } });
        assertKsFault(await admin.call("PATCH", `${V3}/projects/${second.body.project.id}`, { body: { project: { name: "p-dup" } } }), 409);
        assertKsFault(await admin.call("PATCH", `${V3}/projects/nope`, { body: { project: { name: "q" } } }), 404);
        const names = (await admin.get(`${V3}/projects`)).body.projects.map((x: any) => x.name).sort();
        assert.deepEqual(names, ["admin", "p-dup", "p-dup2"], "nothing refused was created or renamed");
      });

      it("disabling a project stops its tokens at once; deleting it removes its assignments", async () => {
        const who = await provision(id.c, id.adminToken, { project: "p-off", user: "u-off", password: "pw-off", role: "member" });
        const t = await login(id.c, { user: "u-off", password: "pw-off", project: "p-off" });
        assert.equal((await id.c.as(t).get(`/v3/${who.projectId}/volumes`)).status, 200);
        await admin.call("PATCH", `${V3}/projects/${who.projectId}`, { body: { project: { enabled: false } } });
        assert.equal((await id.c.as(t).get(`/v3/${who.projectId}/volumes`)).status, 401);
        assertKsFault(await id.c.post(`${V3}/auth/tokens`, passwordAuth("u-off", "pw-off", { project: { id: who.projectId } })), 401);
        await admin.delete(`${V3}/projects/${who.projectId}`);
        const ra = await admin.get(`${V3}/role_assignments?user.id=${who.userId}`);
        assert.deepEqual(ra.body.role_assignments, []);
      });
    });

    describe("users", () => {
      it("create with a password and default project, show, list, update, delete; the password is never returned", async () => {
        const p = (await admin.post(`${V3}/projects`, { project: { name: "u-home" } })).body.project;
        const c = await admin.post(`${V3}/users`, {
          user: { name: "bob", password: "bob-pw", default_project_id: p.id, email: "bob@example.test", description: "Bob" },
        });
        assert.equal(c.status, 201);
        const u = c.body.user;
        assert.equal(u.password, undefined);
        assert.ok(!JSON.stringify(c.body).includes("bob-pw"));
        assert.deepEqual(
          { name: u.name, domain_id: u.domain_id, enabled: u.enabled, default_project_id: u.default_project_id, email: u.email, pea: u.password_expires_at },
          { name: "bob", domain_id: "default", enabled: true, default_project_id: p.id, email: "bob@example.test", pea: null },
        );
        assert.deepEqual((await admin.get(`${V3}/users/${u.id}`)).body.user, u);
        assert.deepEqual((await admin.get(`${V3}/users?name=bob`)).body.users.map((x: any) => x.id), [u.id]);
        assert.deepEqual((await admin.get(`${V3}/users?password_expires_at=lt:2030-01-01T00:00:00Z`)).body.users, []);
        assertKsFault(await admin.get(`${V3}/users?password_expires_at=foo:2030-01-01T00:00:00Z`), 400, /The given operator foo is not valid/);
        assertKsFault(await admin.get(`${V3}/users?password_expires_at=lt:tomorrow`), 400, /Timestamp not in expected format/);

        assertKsFault(await admin.post(`${V3}/users`, { user: { name: "bob", password: "other" } }), 409, "Conflict occurred attempting to store user - Duplicate entry found with name bob at domain ID default.");
        assertKsFault(await admin.post(`${V3}/users`, { user: { name: "carol", domain_id: "nowhere" } }), 404, "Could not find domain: nowhere.");
        assertKsFault(await admin.post(`${V3}/users`, { user: { password: "x" } }), 400);

        // bob has no role yet: a password login works unscoped (its default project is unusable).
        const un = await id.c.post(`${V3}/auth/tokens`, passwordAuth("bob", "bob-pw"));
        assert.equal(un.status, 201);
        assert.equal(un.body.token.project, undefined);

        const d = await admin.delete(`${V3}/users/${u.id}`);
        assert.equal(d.status, 204);
        assertKsFault(await admin.get(`${V3}/users/${u.id}`), 404, `Could not find user: ${u.id}.`);
        assertKsFault(await id.c.post(`${V3}/auth/tokens`, passwordAuth("bob", "bob-pw")), 401);
        assertKsFault(await id.c.as(un.headers.get("x-subject-token")).get(`${V3}/auth/projects`), 401);
      });

      it("a new password or disabling a user revokes its tokens", async () => {
        const who = await provision(id.c, id.adminToken, { project: "u-proj", user: "dave", password: "dave-1", role: "member" });
        const t1 = await login(id.c, { user: "dave", password: "dave-1", project: "u-proj" });
        const r = await admin.call("PATCH", `${V3}/users/${who.userId}`, { body: { user: { password: "dave-2" } } });
        assert.equal(r.status, 200);
        assert.equal(r.body.user.password, undefined);
        assert.equal((await id.c.as(t1).get(`/v3/${who.projectId}/volumes`)).status, 401);
        assertKsFault(await id.c.post(`${V3}/auth/tokens`, passwordAuth("dave", "dave-1")), 401);
        const t2 = await login(id.c, { user: "dave", password: "dave-2", project: "u-proj" });
        const off = await admin.call("PATCH", `${V3}/users/${who.userId}`, { body: { user: { enabled: false } } });
        assert.equal(off.body.user.enabled, false);
        assert.equal((await id.c.as(t2).get(`/v3/${who.projectId}/volumes`)).status, 401);
        assertKsFault(await id.c.post(`${V3}/auth/tokens`, passwordAuth("dave", "dave-2")), 401);
        await admin.call("PATCH", `${V3}/users/${who.userId}`, { body: { user: { enabled: true } } });
        await login(id.c, { user: "dave", password: "dave-2", project: "u-proj" });
      });

      it("a user changes its own password with the original one; a wrong original is 401 and changes nothing", async () => {
        const who = await provision(id.c, id.adminToken, { project: "u-proj", user: "erin", password: "erin-1", role: "reader" });
        const t = await login(id.c, { user: "erin", password: "erin-1", project: "u-proj" });
        const bad = await id.c.post(`${V3}/users/${who.userId}/password`, { user: { original_password: "nope", password: "erin-2" } }, { token: null });
        assertKsFault(bad, 401);
        await login(id.c, { user: "erin", password: "erin-1" });
        assertKsFault(await id.c.post(`${V3}/users/nobody/password`, { user: { original_password: "x", password: "y" } }, { token: null }), 401);
        const ok = await id.c.post(`${V3}/users/${who.userId}/password`, { user: { original_password: "erin-1", password: "erin-2" } }, { token: null });
        assert.equal(ok.status, 204);
        assert.equal((await id.c.as(t).get(`/v3/${who.projectId}/volumes`)).status, 401, "old tokens are revoked");
        await login(id.c, { user: "erin", password: "erin-2" });
        assertKsFault(await id.c.post(`${V3}/auth/tokens`, passwordAuth("erin", "erin-1")), 401);
      });
    });

    describe("roles, grants and assignments", () => {
      it("lists the standard roles, shows one, creates a new one; a duplicate is 409", async () => {
        assert.deepEqual(Object.keys(roleIds).sort(), ["admin", "member", "reader"]);
        const show = await admin.get(`${V3}/roles/${roleIds.member}`);
        assert.equal(show.body.role.name, "member");
        assert.equal(show.body.role.domain_id, null);
        const c = await admin.post(`${V3}/roles`, { role: { name: "operator", description: "ops" } });
        assert.equal(c.status, 201);
        assert.equal(c.body.role.description, "ops");
        assertKsFault(await admin.post(`${V3}/roles`, { role: { name: "operator" } }), 409, "Conflict occurred attempting to store role - Duplicate entry found with name operator.");
        assertKsFault(await admin.get(`${V3}/roles/nope`), 404, "Could not find role: nope.");
        assert.deepEqual((await admin.get(`${V3}/roles?name=operator`)).body.roles.map((r: any) => r.id), [c.body.role.id]);
      });

      it("grant, check, list, revoke; an unknown role, user or project is 404 and grants nothing", async () => {
        const who = await provision(id.c, id.adminToken, { project: "g-proj", user: "frank", password: "frank-pw", role: "reader" });
        const url = (r: string) => `${V3}/projects/${who.projectId}/users/${who.userId}/roles/${r}`;
        assert.equal((await admin.call("HEAD", url(roleIds.member))).status, 404);
        assert.equal((await admin.put(url(roleIds.member))).status, 204);
        assert.equal((await admin.put(url(roleIds.member))).status, 204, "granting twice is a no-op");
        assert.equal((await admin.call("HEAD", url(roleIds.member))).status, 204);
        const listed = await admin.get(`${V3}/projects/${who.projectId}/users/${who.userId}/roles`);
        assert.deepEqual(listed.body.roles.map((r: any) => r.name), ["member", "reader"]);

        assertKsFault(await admin.put(url("no-such-role")), 404, "Could not find role: no-such-role.");
        assertKsFault(await admin.put(`${V3}/projects/${who.projectId}/users/nobody/roles/${roleIds.admin}`), 404, "Could not find user: nobody.");
        assertKsFault(await admin.put(`${V3}/projects/nowhere/users/${who.userId}/roles/${roleIds.admin}`), 404, "Could not find project: nowhere.");
        const after = await admin.get(`${V3}/projects/${who.projectId}/users/${who.userId}/roles`);
        assert.deepEqual(after.body.roles.map((r: any) => r.name), ["member", "reader"]);

        const t = await login(id.c, { user: "frank", password: "frank-pw", project: "g-proj" });
        const mine = await id.c.as(t).post(`/v3/${who.projectId}/volumes`, { volume: { size: 1, name: "frank-v" } });
        assert.notEqual(mine.status, 403, "member may create volumes");
        assert.equal((await admin.delete(url(roleIds.member))).status, 204);
        assertKsFault(await admin.delete(url(roleIds.member)), 404, /^Could not find role assignment with role:/);
        // The token loses the role at once: a reader may not create a volume.
        const refused = await id.c.as(t).post(`/v3/${who.projectId}/volumes`, { volume: { size: 1, name: "frank-v2" } });
        assert.equal(refused.status, 403);
        assert.equal((await admin.delete(url(roleIds.reader))).status, 204);
        assert.equal((await id.c.as(t).get(`/v3/${who.projectId}/volumes`)).status, 401, "no role left: the token stops validating");
      });

      it("role assignments: by project and user, with names, and effective (implied roles)", async () => {
        const who = await provision(id.c, id.adminToken, { project: "ra-proj", user: "gina", password: "gina-pw", role: "member" });
        const r = await admin.get(`${V3}/role_assignments?scope.project.id=${who.projectId}`);
        assert.deepEqual(r.body.role_assignments, [
          {
            role: { id: roleIds.member },
            user: { id: who.userId },
            scope: { project: { id: who.projectId } },
            links: { assignment: `${id.s.url}/identity/v3/projects/${who.projectId}/users/${who.userId}/roles/${roleIds.member}` },
          },
        ]);
        const named = await admin.get(`${V3}/role_assignments?scope.project.id=${who.projectId}&include_names=True`);
        const a = named.body.role_assignments[0];
        assert.deepEqual(a.role, { id: roleIds.member, name: "member" });
        assert.deepEqual(a.user, { id: who.userId, name: "gina", domain: { id: "default", name: "Default" } });
        assert.deepEqual(a.scope.project, { id: who.projectId, name: "ra-proj", domain: { id: "default", name: "Default" } });
        const eff = await admin.get(`${V3}/role_assignments?user.id=${who.userId}&effective`);
        const names = eff.body.role_assignments.map((x: any) => x.role.id);
        assert.deepEqual(names.sort(), [roleIds.member, roleIds.reader].sort());
        const implied = eff.body.role_assignments.find((x: any) => x.role.id === roleIds.reader);
        assert.equal(implied.links.prior_role, `${id.s.url}/identity/v3/roles/${roleIds.member}/implies/${roleIds.reader}`);
        assert.deepEqual((await admin.get(`${V3}/role_assignments?user.id=${who.userId}&role.id=${roleIds.admin}`)).body.role_assignments, []);
        assert.deepEqual((await admin.get(`${V3}/role_assignments?group.id=g1`)).body.role_assignments, []);
        assertKsFault(await admin.get(`${V3}/role_assignments?group.id=g1&effective`), 400);
        const all = await admin.get(`${V3}/role_assignments`);
        assert.ok(all.body.role_assignments.some((x: any) => x.role.id === roleIds.admin), "the admin's own assignment is listed");
      });
    });

    describe("concurrency", () => {
      it("concurrent creates of one name: exactly one 201, the others 409; concurrent grants of one role: all 204, one row", async () => {
        const creates = await Promise.all(Array.from({ length: 6 }, () => admin.post(`${V3}/projects`, { project: { name: "race" } })));
        assert.deepEqual(creates.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
        for (const r of creates.filter((x) => x.status === 409)) assertKsFault(r, 409);
        const users = await Promise.all(Array.from({ length: 6 }, () => admin.post(`${V3}/users`, { user: { name: "racer", password: "pw" } })));
        assert.deepEqual(users.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
        const p = creates.find((r) => r.status === 201)!.body.project.id;
        const u = users.find((r) => r.status === 201)!.body.user.id;
        const grants = await Promise.all(Array.from({ length: 6 }, () => admin.put(`${V3}/projects/${p}/users/${u}/roles/${roleIds.member}`)));
        assert.deepEqual(grants.map((r) => r.status), [204, 204, 204, 204, 204, 204]);
        const ra = await admin.get(`${V3}/role_assignments?user.id=${u}`);
        assert.equal(ra.body.role_assignments.length, 1);
      });
    });

    describe("domains", () => {
      it("lists and shows the Default domain; an unknown one is 404", async () => {
        const l = await admin.get(`${V3}/domains`);
        assert.deepEqual(l.body.domains.map((d: any) => [d.id, d.name, d.enabled]), [["default", "Default", true]]);
        assert.deepEqual((await admin.get(`${V3}/domains?name=Default`)).body.domains.length, 1);
        assert.deepEqual((await admin.get(`${V3}/domains?name=Other`)).body.domains.length, 0);
        assert.equal((await admin.get(`${V3}/domains/default`)).body.domain.name, "Default");
        assertKsFault(await admin.get(`${V3}/domains/nope`), 404, "Could not find domain: nope.");
      });
    });

    describe("as a member or a reader", () => {
      let member: Client;
      let reader: Client;
      let m: { projectId: string; userId: string };
      before(async () => {
        m = await provision(id.c, id.adminToken, { project: "np", user: "mel", password: "mel-pw", role: "member" });
        await provision(id.c, id.adminToken, { project: "np", user: "rex", password: "rex-pw", role: "reader" });
        member = id.c.as(await login(id.c, { user: "mel", password: "mel-pw", project: "np" }));
        reader = id.c.as(await login(id.c, { user: "rex", password: "rex-pw", project: "np" }));
      });

      it("every admin operation is 403 naming its rule, and nothing changes", async () => {
        const before_ = await admin.get(`${V3}/role_assignments`);
        const projectsBefore = await admin.get(`${V3}/projects`);
        const usersBefore = await admin.get(`${V3}/users`);
        for (const who of [member, reader]) {
          const calls: Array<[Promise<any>, string]> = [
            [who.post(`${V3}/projects`, { project: { name: "evil" } }), "identity:create_project"],
            [who.get(`${V3}/projects`), "identity:list_projects"],
            [who.delete(`${V3}/projects/${m.projectId}`), "identity:delete_project"],
            [who.call("PATCH", `${V3}/projects/${m.projectId}`, { body: { project: { enabled: false } } }), "identity:update_project"],
            [who.post(`${V3}/users`, { user: { name: "evil", password: "x" } }), "identity:create_user"],
            [who.get(`${V3}/users`), "identity:list_users"],
            [who.delete(`${V3}/users/${m.userId}`), "identity:delete_user"],
            [who.call("PATCH", `${V3}/users/${m.userId}`, { body: { user: { password: "taken-over" } } }), "identity:update_user"],
            [who.post(`${V3}/roles`, { role: { name: "evil" } }), "identity:create_role"],
            [who.put(`${V3}/projects/${m.projectId}/users/${m.userId}/roles/${roleIds.admin}`), "identity:create_grant"],
            [who.delete(`${V3}/projects/${m.projectId}/users/${m.userId}/roles/${roleIds.member}`), "identity:revoke_grant"],
            [who.get(`${V3}/role_assignments`), "identity:list_role_assignments"],
            [who.get(`${V3}/domains`), "identity:list_domains"],
          ];
          for (const [p, rule] of calls) assertKsFault(await p, 403, `You are not authorized to perform the requested action: ${rule}.`);
        }
        assert.deepEqual((await admin.get(`${V3}/role_assignments`)).body, before_.body);
        assert.deepEqual((await admin.get(`${V3}/projects`)).body, projectsBefore.body);
        assert.deepEqual((await admin.get(`${V3}/users`)).body, usersBefore.body);
        await login(id.c, { user: "mel", password: "mel-pw", project: "np" });
      });

      it("may read its own project, user, the roles, the Default domain and its project's assignments", async () => {
        assert.equal((await member.get(`${V3}/projects/${m.projectId}`)).status, 200);
        assert.equal((await member.get(`${V3}/users/${m.userId}`)).status, 200);
        assert.equal((await reader.get(`${V3}/roles`)).status, 200);
        assert.equal((await member.get(`${V3}/domains/default`)).status, 200);
        const ra = await reader.get(`${V3}/role_assignments?scope.project.id=${m.projectId}`);
        assert.equal(ra.status, 200);
        assert.equal(ra.body.role_assignments.length, 2);
        const adminProject = (await admin.get(`${V3}/projects?name=admin`)).body.projects[0].id;
        assertKsFault(await member.get(`${V3}/projects/${adminProject}`), 403, "You are not authorized to perform the requested action: identity:get_project.");
        assertKsFault(await member.get(`${V3}/projects/does-not-exist`), 403, "You are not authorized to perform the requested action: identity:get_project.");
        const adminUser = (await admin.get(`${V3}/users?name=admin`)).body.users[0].id;
        assertKsFault(await member.get(`${V3}/users/${adminUser}`), 403);
        assertKsFault(await reader.get(`${V3}/role_assignments?scope.project.id=${adminProject}`), 403);
      });

      it("a reader may list volumes but not delete one (Cinder's 403)", async () => {
        const v = await member.post(`/v3/${m.projectId}/volumes`, { volume: { size: 1, name: "np-v" } });
        assert.equal(v.status, 202, JSON.stringify(v.body));
        assert.equal((await reader.get(`/v3/${m.projectId}/volumes`)).status, 200);
        const r = await reader.delete(`/v3/${m.projectId}/volumes/${v.body.volume.id}`);
        assert.equal(r.status, 403);
        assert.deepEqual(Object.keys(r.body), ["forbidden"]);
        assert.equal((await member.get(`/v3/${m.projectId}/volumes/${v.body.volume.id}`)).status, 200, "still there");
      });
    });
  });
}
