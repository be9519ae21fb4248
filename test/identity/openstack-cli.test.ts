/**
 * The real `openstack` CLI (python3-openstackclient) against a builtin-auth server: log in,
 * provision a project, a user and a role as the admin, read the catalog, then as the new user run
 * the volume lifecycle and manage and log in with an application credential. The CLI must be on PATH: CI installs it, and a missing CLI fails the suite.
 */
import assert from "node:assert/strict";
import { CLI_DIALECTS, json, ok, openrc, requireCli, run } from "../helpers/openstack";
import { type IdentityServer, startIdentity } from "./helpers";

describe("identity: the openstack CLI", function () {
  // Each command starts a Python interpreter: seconds apiece on a busy machine.
  this.timeout(300_000);
  before(requireCli);

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, () => {
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;
      let aliceEnv: NodeJS.ProcessEnv;
      let demoId: string;
      let aliceId: string;
      let adminProject: string;
      before(async () => {
        id = await startIdentity(dialect);
        adminProject = (await id.c.as(id.adminToken).get("/identity/v3/projects?name=admin")).body.projects[0].id;
        admin = await openrc(id.s, "admin", "admin");
      });
      after(async () => id?.s.destroy());

      it("token issue", async () => {
        const t = await json(admin, ["token", "issue"]);
        assert.match(t.id, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(t.project_id, adminProject);
        assert.ok(Date.parse(t.expires) > Date.now());
        const v = await id.c.as(id.adminToken).get("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": t.id } });
        assert.equal(v.status, 200, "the CLI's token validates");
        assert.equal(v.body.token.user.name, "admin");
      });

      it("project create demo, project list", async () => {
        const p = await json(admin, ["project", "create", "demo"]);
        assert.equal(p.name, "demo");
        assert.equal(p.domain_id, "default");
        assert.equal(p.enabled, true);
        demoId = p.id;
        const list = await json(admin, ["project", "list"]);
        assert.deepEqual(list.map((x: any) => x.Name).sort(), ["admin", "demo"]);
        assert.ok(list.some((x: any) => x.ID === demoId));
      });

      it("user create --project demo --password x alice", async () => {
        const u = await json(admin, ["user", "create", "--project", "demo", "--password", "x", "alice"]);
        assert.equal(u.name, "alice");
        assert.equal(u.default_project_id, demoId);
        assert.equal(u.password, undefined);
        aliceId = u.id;
        aliceEnv = await openrc(id.s, "alice", "demo", "x");
      });

      it("role add --user alice --project demo member; an unknown role fails and grants nothing", async () => {
        assert.equal(await ok(admin, ["role", "add", "--user", "alice", "--project", "demo", "member"]), "");
        const bad = await run(admin, ["role", "add", "--user", "alice", "--project", "demo", "no-such-role"]);
        assert.notEqual(bad.code, 0);
        assert.match(bad.stderr, /no-such-role/);
      });

      it("role assignment list --project demo --names", async () => {
        const list = await json(admin, ["role", "assignment", "list", "--project", "demo", "--names"]);
        assert.deepEqual(
          list.map((a: any) => [a.Role, a.User, a.Project]),
          [["member", "alice@Default", "demo@Default"]],
        );
        const ids = await json(admin, ["role", "assignment", "list", "--user", "alice"]);
        assert.deepEqual(ids.map((a: any) => [a.User, a.Project]), [[aliceId, demoId]]);
      });

      it("catalog list: volumev3, block-storage, identity and image served by this server", async () => {
        const cat = await json(admin, ["catalog", "list"]);
        const byType = new Map(cat.map((s: any) => [s.Type, s]));
        for (const type of ["volumev3", "block-storage", "identity", "image"]) assert.ok(byType.has(type), `catalog lists ${type}`);
        const pub = (byType.get("volumev3") as any).Endpoints.find((e: any) => e.interface === "public");
        assert.equal(pub.url, `${id.s.url}/v3/${adminProject}`);
        assert.equal((byType.get("image") as any).Endpoints[0].url, `${id.s.url}/image`);
      });

      it("service list, show; endpoint list with --service, --interface, --region, show; region list, show", async () => {
        const services = await json(admin, ["service", "list"]);
        assert.deepEqual(services.map((s: any) => s.Type), ["volumev3", "block-storage", "identity", "image", "compute"]);
        const volumev3 = services.find((s: any) => s.Type === "volumev3");
        const shown = await json(admin, ["service", "show", volumev3.ID]);
        assert.deepEqual([shown.id, shown.name, shown.type, shown.enabled], [volumev3.ID, "cinderv3", "volumev3", true]);
        assert.equal((await json(admin, ["service", "show", "cinderv3"])).id, volumev3.ID, "by name");
        const endpoints = await json(admin, ["endpoint", "list"]);
        assert.equal(endpoints.length, 15);
        const filtered = await json(admin, ["endpoint", "list", "--service", "volumev3", "--interface", "public", "--region", "RegionOne"]);
        assert.deepEqual(
          filtered.map((e: any) => [e["Service Name"], e["Service Type"], e.Interface, e.Region, e.URL]),
          [["cinderv3", "volumev3", "public", "RegionOne", `${id.s.url}/v3/%(project_id)s`]],
        );
        const token = (await json(admin, ["catalog", "show", "volumev3"])) as any;
        assert.match(String(JSON.stringify(token.endpoints)), new RegExp(`${id.s.url}/v3/${adminProject}`));
        const ep = await json(admin, ["endpoint", "show", filtered[0].ID]);
        assert.deepEqual([ep.id, ep.service_id, ep.interface, ep.region], [filtered[0].ID, volumev3.ID, "public", "RegionOne"]);
        assert.deepEqual(await json(admin, ["endpoint", "list", "--region", "RegionTwo"]), []);
        const regions = await json(admin, ["region", "list"]);
        assert.deepEqual(regions.map((r: any) => r.Region), ["RegionOne"]);
        const region = await json(admin, ["region", "show", "RegionOne"]);
        assert.equal(region.region, "RegionOne");
        const missing = await run(admin, ["service", "show", "no-such-service"]);
        assert.notEqual(missing.code, 0);
        assert.match(missing.stderr, /no-such-service/);
      });

      it("as alice: volume create, list, show, delete", async () => {
        const v = await json(aliceEnv, ["volume", "create", "--size", "1", "v1"]);
        assert.equal(v.name, "v1");
        assert.equal(v.size, 1);
        let shown: any;
        for (let i = 0; i < 20; i++) {
          shown = await json(aliceEnv, ["volume", "show", "v1"]);
          if (shown.status !== "creating") break;
          await new Promise((r) => setTimeout(r, 250));
        }
        assert.equal(shown.id, v.id);
        assert.equal(shown.status, "available");
        assert.equal(shown.size, 1);
        const list = await json(aliceEnv, ["volume", "list"]);
        assert.deepEqual(list.map((x: any) => [x.ID, x.Name]), [[v.id, "v1"]]);
        assert.equal(await ok(aliceEnv, ["volume", "delete", "v1"]), "");
        let gone = false;
        for (let i = 0; i < 40 && !gone; i++) {
          const all = await id.c.as(id.adminToken).get(`/v3/${adminProject}/volumes/detail?all_tenants=1`);
          gone = all.body.volumes.length === 0;
          if (!gone) await new Promise((r) => setTimeout(r, 250));
        }
        assert.ok(gone, "the volume is deleted");
      });

      it("as alice: application credential create, list, show; v3applicationcredential logs in; delete", async () => {
        // No --role: all of the token's roles (member and the reader it implies); `--role member`
        // alone would give tokens without reader, which Cinder's read rules ask for (as with Keystone).
        const created = await json(aliceEnv, ["application", "credential", "create", "--secret", "cli-app-secret", "--description", "ci", "ci-cred"]);
        assert.equal(created.name, "ci-cred");
        assert.equal(created.project_id, demoId);
        assert.equal(created.secret, "cli-app-secret");
        assert.match(String(created.roles), /member/);
        assert.match(String(created.roles), /reader/);
        assert.equal(created.unrestricted, false);
        const list = await json(aliceEnv, ["application", "credential", "list"]);
        assert.deepEqual(list.map((x: any) => [x.ID, x.Name, x["Project ID"]]), [[created.id, "ci-cred", demoId]]);
        const shown = await json(aliceEnv, ["application", "credential", "show", "ci-cred"]);
        assert.equal(shown.id, created.id);
        assert.equal(shown.secret, undefined, "the secret is shown only on creation");
        const { OS_USERNAME: _u, OS_PASSWORD: _p, OS_PROJECT_NAME: _n, OS_USER_DOMAIN_NAME: _d, OS_PROJECT_DOMAIN_NAME: _pd, ...rest } = aliceEnv;
        const appEnv = {
          ...rest,
          OS_AUTH_TYPE: "v3applicationcredential",
          OS_APPLICATION_CREDENTIAL_ID: created.id,
          OS_APPLICATION_CREDENTIAL_SECRET: "cli-app-secret",
        };
        const t = await json(appEnv, ["token", "issue"]);
        assert.equal(t.project_id, demoId);
        assert.equal(t.user_id, aliceId);
        assert.deepEqual(await json(appEnv, ["volume", "list"]), []);
        const refused = await run(appEnv, ["application", "credential", "create", "child"]);
        assert.notEqual(refused.code, 0, "a restricted credential creates no credential");
        assert.equal(await ok(aliceEnv, ["application", "credential", "delete", "ci-cred"]), "");
        const gone = await run(appEnv, ["token", "issue"]);
        assert.notEqual(gone.code, 0);
        assert.match(gone.stderr, /HTTP 401|authentication/i);
      });

      it("as alice, admin commands fail; a wrong password fails to log in", async () => {
        const r = await run(aliceEnv, ["project", "create", "evil"]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /HTTP 403|not authorized/i);
        const services = await run(aliceEnv, ["service", "list"]);
        assert.notEqual(services.code, 0, "services are for admins");
        assert.match(services.stderr, /HTTP 403|not authorized/i);
        assert.deepEqual((await json(aliceEnv, ["region", "list"])).map((x: any) => x.Region), ["RegionOne"], "regions for anyone");
        const wrong = await run(await openrc(id.s, "alice", "demo", "not-x"), ["token", "issue"]);
        assert.notEqual(wrong.code, 0);
        assert.match(wrong.stderr, /HTTP 401|authentication/i);
        const projects = (await id.c.as(id.adminToken).get("/identity/v3/projects")).body.projects.map((p: any) => p.name);
        assert.deepEqual(projects.sort(), ["admin", "demo"], "nothing was created");
      });
    });
  }
});
