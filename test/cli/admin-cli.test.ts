/**
 * `cinderblock admin`: provisioning on a data directory without a server, and an openrc that the
 * real openstack CLI logs in with.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort, startChild, type ChildServer } from "../helpers/server";
import { cinderblock, json, parseOpenrc, requireCli } from "../helpers/openstack";
import { OPENRC_VOLUME_API_VERSION } from "../../server/src/admin";

describe("cinderblock admin", function () {
  this.timeout(180_000);
  let dir: string;
  let server: ChildServer | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cb-admin-"));
  });
  after(async () => {
    await server?.kill("SIGTERM");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates projects and users, grants and revokes roles, and lists them", async () => {
    const p = await cinderblock(["admin", "create-project", "demo", "--data-dir", dir]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /created project demo \([0-9a-f]{32}\)/);
    assert.match(p.stdout, /created the admin user/, "the first command bootstraps the admin and says so once");
    const mode = (await stat(path.join(dir, "admin-password"))).mode & 0o777;
    assert.equal(mode, 0o600, "the admin password file is private");
    const u = await cinderblock(["admin", "create-user", "alice", "--project", "demo", "--password-stdin", "--data-dir", dir], "alice-pw\n");
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /created user alice .* with role member on project demo/);
    assert.doesNotMatch(u.stdout, /alice-pw/, "a password given on stdin is not echoed");
    const gen = await cinderblock(["admin", "create-user", "carol", "--data-dir", dir]);
    assert.match(gen.stdout, /password: \S{20,}/, "a generated password is printed once");
    assert.equal((await cinderblock(["admin", "grant", "reader", "--user", "carol", "--project", "demo", "--data-dir", dir])).code, 0);
    const list = await cinderblock(["admin", "list", "assignments", "--data-dir", dir]);
    assert.deepEqual(list.stdout.trim().split("\n"), ["admin  admin  admin", "alice  demo  member", "carol  demo  reader"]);
    assert.equal((await cinderblock(["admin", "revoke", "reader", "--user", "carol", "--project", "demo", "--data-dir", dir])).code, 0);
    const again = await cinderblock(["admin", "revoke", "reader", "--user", "carol", "--project", "demo", "--data-dir", dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /carol has no reader role on demo/);
    const dup = await cinderblock(["admin", "create-project", "demo", "--data-dir", dir]);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /a project named 'demo' already exists/);
    const bad = await cinderblock(["admin", "grant", "wizard", "--user", "alice", "--project", "demo", "--data-dir", dir]);
    assert.match(bad.stderr, /no role named 'wizard'/);
  });

  it("prints an openrc the openstack CLI logs in with", async function () {
    await requireCli.call(this);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const rc = await cinderblock(["admin", "openrc", "--url", url, "--data-dir", dir]);
    assert.equal(rc.code, 0, rc.stderr);
    const env: NodeJS.ProcessEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OS_"))), ...parseOpenrc(rc.stdout) };
    assert.equal(env.OS_AUTH_URL, `${url}/identity/v3`);
    assert.equal(env.OS_USERNAME, "admin");
    assert.equal(env.OS_PROJECT_NAME, "admin");
    assert.equal(env.OS_IDENTITY_API_VERSION, "3");
    assert.equal(env.OS_VOLUME_API_VERSION, OPENRC_VOLUME_API_VERSION);
    assert.equal(OPENRC_VOLUME_API_VERSION, "3.65", "3.66 breaks the CLI's snapshot create: see the openrc in server/src/admin.ts");
    assert.match(rc.stdout, /^# volume API 3\.65: .*3\.66/m, "the openrc says why");
    server = await startChild({ dataDir: dir, dbUrl: `sqlite:${path.join(dir, "cinderblock.sqlite")}`, port, auth: "builtin", startTimeoutMs: 120_000 });
    const token = await json(env, ["token", "issue"]);
    assert.ok(token.id);
    const vols = await json(env, ["volume", "list"]);
    assert.deepEqual(vols, []);
  });
});
