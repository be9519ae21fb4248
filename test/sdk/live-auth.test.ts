/**
 * Live, on the server's built-in identity: the ways of connecting (OS_* password, OS_TOKEN,
 * clouds.yaml), wrong credentials, re-authentication after a revoked token and before expiry,
 * and a member's policy refusals — all through the SDK.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { connect, Forbidden, ResourceStatusError, Unauthorized, type CinderClient } from "../../sdk/src";
import { liveServer, QUICK, type LiveServer } from "./helpers";

describe("sdk live: built-in identity", function () {
  this.timeout(120_000);
  let live: LiveServer;
  let admin: CinderClient;
  let dir: string;
  before(async () => {
    live = await liveServer("builtin", { tokenTtlSeconds: 4 });
    admin = await connect(live.options);
    dir = await mkdtemp(path.join(os.tmpdir(), "sdk-live-auth-"));
  });
  after(async () => {
    await live?.s.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it("wrong credentials are an Unauthorized from connect()", async () => {
    const e = await connect({ env: { ...live.env, OS_PASSWORD: "wrong" } }).catch((x) => x);
    assert.ok(e instanceof Unauthorized, String(e));
    assert.equal(e.message, "The request you have made requires authentication.");
  });

  it("a revoked token is replaced transparently, once", async () => {
    const c = await connect(live.options);
    const before = await c.authToken();
    await c.request("delete", "/identity/v3/auth/tokens", { headers: { "X-Subject-Token": before! }, ok: [204] });
    assert.ok((await c.availabilityZones.list()).length > 0);
    const after = await c.authToken();
    assert.notEqual(after, before);
  });

  it("a token about to expire is renewed before it is sent", async () => {
    const c = await connect(live.options);
    const first = await c.authToken();
    await new Promise((r) => setTimeout(r, 3_200));
    await c.limits.get();
    assert.notEqual(await c.authToken(), first);
  });

  it("OS_TOKEN + OS_AUTH_URL: the token is exchanged for a scoped one with a catalog", async () => {
    const token = await admin.authToken();
    const c = await connect({ env: { OS_AUTH_URL: live.env.OS_AUTH_URL, OS_TOKEN: token!, OS_PROJECT_NAME: "admin", OS_PROJECT_DOMAIN_NAME: "Default" } });
    assert.equal(c.endpoint, admin.endpoint);
    assert.ok(Array.isArray(await c.volumes.list().all()));
  });

  it("clouds.yaml: OS_CLOUD names the cloud, secure.yaml holds the password", async () => {
    const clouds = path.join(dir, "clouds.yaml");
    const secure = path.join(dir, "secure.yaml");
    await writeFile(
      clouds,
      [
        "clouds:",
        "  cinderblock:",
        "    auth:",
        `      auth_url: ${live.env.OS_AUTH_URL}`,
        "      username: admin",
        "      project_name: admin",
        "      user_domain_name: Default",
        "      project_domain_name: Default",
        "    region_name: RegionOne",
        "    interface: internal",
        "    volume_api_version: 3.60",
      ].join("\n"),
    );
    await writeFile(secure, `clouds:\n  cinderblock:\n    auth:\n      password: ${live.env.OS_PASSWORD}\n`);
    const c = await connect({ env: { OS_CLOUD: "cinderblock", OS_CLIENT_CONFIG_FILE: clouds, OS_CLIENT_SECURE_FILE: secure } });
    assert.equal(c.microversion, "3.60");
    assert.equal(c.pinned, true);
    assert.equal(c.endpoint, admin.endpoint);
    assert.ok(Array.isArray(await c.snapshots.list().all()));
  });

  it("a member of another project: own volumes yes, admin API no (Forbidden)", async () => {
    const project = await admin.request("post", "/identity/v3/projects", { body: { project: { name: "sdk-members" } }, ok: [201] });
    const user = await admin.request("post", "/identity/v3/users", {
      body: { user: { name: "sdk-member", password: "member-pw", default_project_id: project.data.project.id } },
      ok: [201],
    });
    const roles = await admin.request("get", "/identity/v3/roles", { query: { name: "member" }, ok: [200] });
    await admin.request("put", "/identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id}", {
      path: { project_id: project.data.project.id, user_id: user.data.user.id, role_id: roles.data.roles[0].id },
      ok: [204],
    });
    const member = await connect({
      env: {},
      auth: { type: "password", authUrl: live.env.OS_AUTH_URL, username: "sdk-member", password: "member-pw", projectName: "sdk-members" },
    });
    assert.equal(member.projectId, project.data.project.id);
    const v = await member.volumes.waitFor(await member.volumes.create({ size: 1 }), "available", QUICK);
    await assert.rejects(member.services.list(), Forbidden);
    await assert.rejects(member.volumes.resetStatus(v, { status: "error" }), Forbidden);
    await member.volumes.delete(v);
    await member.volumes.waitForDeleted(v, QUICK);
  });

  it("a volume that cannot be placed fails its waiter at once", async () => {
    const t = await admin.volumeTypes.create({ name: "nowhere", extra_specs: { volume_backend_name: "no-such-backend" } });
    const v = await admin.volumes.create({ size: 1, volume_type: t.id });
    const started = Date.now();
    const e = await admin.volumes.waitFor(v, "available", { ...QUICK, timeoutMs: 20_000 }).catch((x) => x);
    assert.ok(e instanceof ResourceStatusError, String(e));
    assert.equal(e.status, "error");
    assert.ok(Date.now() - started < 10_000);
    await admin.volumes.delete(v);
    await admin.volumes.waitForDeleted(v, QUICK);
    await admin.volumeTypes.delete(t);
  });
});
