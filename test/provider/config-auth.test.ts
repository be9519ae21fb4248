/**
 * Provider configuration beyond a password: an application credential by NAME (with its user by
 * name and domain, or by id), system scope, and named endpoint overrides (`endpointOverrides`
 * keyed by service type, as @pulumi/openstack's). Unit: what CheckConfig says and which SDK options
 * the keys become. Live, the plugin against the server's built-in identity: a member's credential
 * by name creates a volume in its project, a wrong secret creates nothing; an endpoint override is
 * the URL the plugin talks to (a dead one fails naming it); a system scope reaches Keystone as one
 * and the built-in identity, which offers project-scoped tokens only, refuses it with its 403.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import ts from "typescript";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { checkGivenShapes, checkProviderConfig, connectOptions, resolveProviderConfig } from "../../provider/src/lib/config";
import { startServer, type TestServer } from "../helpers/server";
import { js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

const V = "cinder:index:Volume";
const noFile = (p: string): string => {
  throw new Error(`no file ${p}`);
};

describe("provider config: application credential by name, system scope, endpoint overrides", () => {
  describe("unit", () => {
    const check = (given: Record<string, unknown>, env: Record<string, string> = {}) => checkProviderConfig(resolveProviderConfig(given, env));
    const auth = { authUrl: "http://k/v3" };

    it("an application credential by name needs its user; by name + user it is complete", () => {
      const lacking = check({ ...auth, applicationCredentialName: "ci", applicationCredentialSecret: "s" });
      assert.deepEqual(lacking.map((f) => f.property), ["username"]);
      assert.match(lacking[0].reason, /needs its user: userId, or username/);
      assert.deepEqual(check({ ...auth, applicationCredentialName: "ci", applicationCredentialSecret: "s", username: "u" }), []);
      assert.deepEqual(check({}, { OS_AUTH_URL: "http://k/v3", OS_APPLICATION_CREDENTIAL_NAME: "ci", OS_APPLICATION_CREDENTIAL_SECRET: "s", OS_USER_ID: "uid" }), []);
      assert.deepEqual(check({ ...auth, applicationCredentialSecret: "s" }).map((f) => f.property), ["applicationCredentialId"]);
    });

    it("an application credential by name becomes the SDK's, with the user's domain (default Default)", () => {
      const o = connectOptions(resolveProviderConfig({ ...auth, applicationCredentialName: "ci", applicationCredentialSecret: "s", username: "u" }, {}), noFile);
      assert.deepEqual(o.auth, { type: "application_credential", authUrl: "http://k/v3", applicationCredentialName: "ci", applicationCredentialSecret: "s", userId: undefined, username: "u", userDomainName: "Default" });
      const byId = connectOptions(resolveProviderConfig({ ...auth, applicationCredentialName: "ci", applicationCredentialSecret: "s", userId: "uid", userDomainId: "d1" }, {}), noFile);
      assert.deepEqual(byId.auth, { type: "application_credential", authUrl: "http://k/v3", applicationCredentialName: "ci", applicationCredentialSecret: "s", userId: "uid", username: undefined, userDomainId: "d1" });
    });

    it("systemScope: all (or true) needs no project and scopes the password login to the system; with a project it is refused", () => {
      const base = { ...auth, username: "admin", password: "p" };
      assert.deepEqual(check({ ...base, systemScope: "all" }), []);
      const o = connectOptions(resolveProviderConfig({ ...base, systemScope: "true" }, {}), noFile);
      assert.equal(o.auth?.type, "password");
      assert.equal((o.auth as { systemScope?: string }).systemScope, "all");
      assert.equal((o.auth as { projectName?: string }).projectName, undefined);
      const both = check({ ...base, systemScope: "all", projectName: "demo" });
      assert.deepEqual(both.map((f) => f.property), ["systemScope"]);
      assert.match(both[0].reason, /project or to the system, not both/);
      assert.match(check({ ...base, systemScope: "domain", projectName: "demo" })[0].reason, /systemScope must be "all"/);
      assert.deepEqual(check({ ...base }).map((f) => f.property), ["projectName"]);
      assert.deepEqual(check({}, { OS_AUTH_URL: "http://k/v3", OS_USERNAME: "a", OS_PASSWORD: "p", OS_SYSTEM_SCOPE: "all" }), []);
    });

    it("the program SDK's ProviderArgs and config getters name exactly the schema's config keys", () => {
      const dir = path.resolve(__dirname, "../../provider");
      const schema = JSON.parse(readFileSync(path.join(dir, "schema.json"), "utf8"));
      const keys = Object.keys(schema.config.variables).sort();
      assert.deepEqual(Object.keys(schema.provider.inputProperties).sort(), keys);
      const parse = (f: string) => ts.createSourceFile(f, readFileSync(path.join(dir, "src/sdk", f), "utf8"), ts.ScriptTarget.Latest, true);
      const provider = parse("provider.ts");
      const args = provider.statements.find((st): st is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(st) && st.name.text === "ProviderArgs");
      assert.ok(args);
      assert.deepEqual(args.members.map((m) => m.name!.getText(provider)).sort(), keys);
      const config = parse("config.ts");
      const getters: string[] = [];
      config.forEachChild(function walk(n) {
        if (ts.isGetAccessorDeclaration(n)) getters.push(n.name.getText(config));
        n.forEachChild(walk);
      });
      assert.deepEqual(getters.sort(), keys);
      assert.equal(schema.config.variables.endpointOverrides.type, "object");
      assert.equal(schema.config.variables.applicationCredentialName.type, "string");
    });

    it("endpointOverrides: an object (args) or JSON (stack config variables) reaches the SDK", () => {
      const base = { ...auth, username: "a", password: "p", projectName: "x" };
      const fromArgs = connectOptions(resolveProviderConfig({ ...base, endpointOverrides: { volumev3: "http://c/v3/p" } }, {}), noFile);
      assert.deepEqual(fromArgs.endpointOverrides, { volumev3: "http://c/v3/p" });
      const fromJson = connectOptions(resolveProviderConfig({ ...base, endpointOverrides: '{"block-storage":"http://b/v3/p"}' }, {}), noFile);
      assert.deepEqual(fromJson.endpointOverrides, { "block-storage": "http://b/v3/p" });
      assert.equal(connectOptions(resolveProviderConfig({ ...base }, {}), noFile).endpointOverrides, undefined);
      assert.deepEqual(checkGivenShapes({ endpointOverrides: { volumev3: "http://c/v3/p" } }), []);
      const bad = checkGivenShapes({ endpointOverrides: "http://c/v3/p" });
      assert.deepEqual(bad.map((f) => f.property), ["endpointOverrides"]);
      assert.match(bad[0].reason, /map of service type to URL/);
    });
  });

  describe("live, on the built-in identity (sqlite)", function () {
    this.timeout(120_000);
    let s: TestServer;
    let p: Plugin;
    let admin: CinderClient;
    let member: CinderClient;
    let adminPassword: string;
    let projectId: string;
    let userId: string;
    let credSecret: string;
    const authUrl = () => `${s.url}/identity/v3`;
    const configure = (config: Record<string, unknown>) =>
      p.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", config).getNews()!).setAcceptsecrets(true));
    /** Create then delete a volume through the plugin; its id. */
    const roundTrip = async (name: string) => {
      const created = await p.call<provproto.CreateResponse>("create", rpc.create(V, name, { size: 1, name }, { timeout: 60 }));
      assert.equal(js(created.getProperties()).status, "available");
      const id = created.getId();
      const seen = await admin.volumes.get(id);
      await p.call("delete", rpc.delete(V, name, id, js(created.getProperties()), { timeout: 60 }));
      return seen;
    };

    before(async () => {
      s = await startServer("sqlite", { auth: "builtin" });
      adminPassword = (await readFile(path.join(s.dataDir, "admin-password"), "utf8")).trim();
      admin = await connect({
        env: {},
        auth: { type: "password", authUrl: authUrl(), username: "admin", password: adminPassword, projectName: "admin", userDomainName: "Default", projectDomainName: "Default" },
      });
      const project = await admin.request("post", "/identity/v3/projects", { body: { project: { name: "cfg-auth" } }, ok: [201] });
      projectId = project.data.project.id;
      const user = await admin.request("post", "/identity/v3/users", { body: { user: { name: "cfg-auth", password: "cfg-pw" } }, ok: [201] });
      userId = user.data.user.id;
      const roles = await admin.request("get", "/identity/v3/roles", { query: { name: "member" }, ok: [200] });
      await admin.request("put", "/identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id}", {
        path: { project_id: projectId, user_id: userId, role_id: roles.data.roles[0].id },
        ok: [204],
      });
      member = await connect({ env: {}, auth: { type: "password", authUrl: authUrl(), username: "cfg-auth", password: "cfg-pw", projectName: "cfg-auth" } });
      const made = await member.request("post", "/identity/v3/users/{user_id}/application_credentials", {
        path: { user_id: userId },
        body: { application_credential: { name: "pulumi-by-name" } },
        ok: [201],
      });
      credSecret = made.data.application_credential.secret;
      const clear = ["OS_AUTH_URL", "OS_TOKEN", "OS_PASSWORD", "OS_USERNAME", "OS_USER_ID", "OS_CLOUD", "OS_SYSTEM_SCOPE", "OS_PROJECT_NAME", "OS_PROJECT_ID"];
      p = await startPlugin(Object.fromEntries([...clear, "OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_NAME", "OS_APPLICATION_CREDENTIAL_SECRET"].map((k) => [k, ""])));
    });
    after(async () => {
      await p?.stop();
      await s?.destroy();
    });

    it("an application credential by name, with its user by name and domain, or by id, manages a volume in its project", async () => {
      const byName = { authUrl: authUrl(), applicationCredentialName: "pulumi-by-name", username: "cfg-auth", userDomainName: "Default" };
      await configure({ ...byName, applicationCredentialSecret: secret("not-it") });
      const refused = await p.call("create", rpc.create(V, "nope", { size: 1, name: "nope" }, { timeout: 30 })).catch((e: Error) => e);
      assert.ok(refused instanceof Error, "a wrong secret must not create anything");
      assert.match(refused.message, /401|authenticat/i);
      const names = [];
      for await (const v of admin.volumes.list({ all_tenants: true })) names.push(v.name);
      assert.ok(!names.includes("nope"));

      await configure({ ...byName, applicationCredentialSecret: secret(credSecret) });
      const v = await roundTrip("by-name");
      assert.equal(v.name, "by-name");
      assert.equal((v as { "os-vol-tenant-attr:tenant_id"?: string })["os-vol-tenant-attr:tenant_id"], projectId);

      await configure({ authUrl: authUrl(), applicationCredentialName: "pulumi-by-name", userId, applicationCredentialSecret: secret(credSecret) });
      assert.equal((await roundTrip("by-user-id")).name, "by-user-id");
    });

    it("an endpoint override is the URL the plugin talks to; a dead one fails naming it", async () => {
      const creds = { authUrl: authUrl(), username: "admin", password: secret(adminPassword), projectName: "admin" };
      const other = admin.endpoint.replace("127.0.0.1", "localhost");
      assert.notEqual(other, admin.endpoint);
      await configure({ ...creds, endpointOverrides: { volumev3: other } });
      const created = await p.call<provproto.CreateResponse>("create", rpc.create(V, "over", { size: 1, name: "over" }, { timeout: 60 }));
      const outs = js(created.getProperties());
      await p.call("delete", rpc.delete(V, "over", created.getId(), outs, { timeout: 60 }));
      await assert.rejects(admin.volumes.get(created.getId()), { name: "NotFound" });

      const checked = await p.call<provproto.CheckResponse>("checkConfig", rpc.check("pulumi:providers:cinder", "default", { ...creds, endpointOverrides: "volumev3" }));
      assert.deepEqual(checked.getFailuresList().map((f) => f.getProperty()), ["endpointOverrides"]);
      await configure({ ...creds, endpointOverrides: { volumev3: "http://127.0.0.1:9/v3/nowhere" } });
      const dead = await p.call("create", rpc.create(V, "dead", { size: 1, name: "dead" }, { timeout: 20 })).catch((e: Error) => e);
      assert.ok(dead instanceof Error);
      assert.match(dead.message, /127\.0\.0\.1:9/);
    });

    it("systemScope: all is sent to Keystone as a system scope, which the built-in identity refuses with its 403", async () => {
      const config = { authUrl: authUrl(), username: "admin", password: secret(adminPassword), systemScope: "all" };
      const checked = await p.call<provproto.CheckResponse>("checkConfig", rpc.check("pulumi:providers:cinder", "default", config));
      assert.deepEqual(checked.getFailuresList().map((f) => f.getReason()), []);
      const withProject = await p.call<provproto.CheckResponse>("checkConfig", rpc.check("pulumi:providers:cinder", "default", { ...config, projectName: "admin" }));
      assert.match(withProject.getFailuresList()[0].getReason(), /project or to the system, not both/);
      await configure(config);
      const e = await p.call("create", rpc.create(V, "sys", { size: 1, name: "sys" }, { timeout: 20 })).catch((x: Error) => x);
      assert.ok(e instanceof Error);
      assert.match(e.message, /project-scoped and unscoped tokens/);
    });
  });
});
