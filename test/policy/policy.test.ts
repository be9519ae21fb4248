import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RequestContext } from "../../server/src/contract/context";
import { compileCheck } from "../../server/src/policy/check";
import { Policy } from "../../server/src/policy/policy";
import { assertFault } from "../helpers/faults";
import { startServer } from "../helpers/server";

const ctx = (roles: string[], projectId = "p1", userId = "u1"): RequestContext => ({
  roles,
  projectId,
  userId,
  isAdmin: roles.includes("admin"),
  requestId: "req-test",
  version: 3071,
});

describe("policy", () => {
  const p = new Policy();

  it("gives Cinder's three personas their defaults", () => {
    const reader = ctx(["reader"]);
    const member = ctx(["member", "reader"]);
    const admin = ctx(["admin", "member", "reader"], "other");
    assert.equal(p.allowed(reader, "volume:get", { project_id: "p1" }), true);
    assert.equal(p.allowed(reader, "volume:delete", { project_id: "p1" }), false, "a reader cannot delete");
    assert.equal(p.allowed(member, "volume:delete", { project_id: "p1" }), true);
    assert.equal(p.allowed(member, "volume:delete", { project_id: "p2" }), false, "a member of p1 cannot touch p2");
    assert.equal(p.allowed(member, "volume_extension:volume_admin_actions:reset_status", { project_id: "p1" }), false);
    assert.equal(p.allowed(admin, "volume_extension:volume_admin_actions:reset_status", { project_id: "p1" }), true);
    assert.equal(p.allowed(admin, "volume:delete", { project_id: "p1" }), true, "admin on any project is a cloud admin");
    assert.equal(p.allowed(reader, "none"), true);
    assert.equal(p.allowed(member, "no:such:rule"), false, "an unknown rule falls back to the admin-only default");
  });

  it("reads oslo.policy check strings", () => {
    const creds = { roles: ["member"], projectId: "p1", userId: "u1", isAdmin: false };
    const rule = () => false;
    assert.equal(compileCheck("")(creds, {}, rule), true);
    assert.equal(compileCheck("@")(creds, {}, rule), true);
    assert.equal(compileCheck("!")(creds, {}, rule), false);
    assert.equal(compileCheck("role:member and project_id:%(project_id)s")(creds, { project_id: "p1" }, rule), true);
    assert.equal(compileCheck("role:member and project_id:%(project_id)s")(creds, { project_id: "p2" }, rule), false);
    assert.equal(compileCheck("not role:admin and (role:x or role:member)")(creds, {}, rule), true);
    assert.equal(compileCheck("user_id:%(user_id)s")(creds, { user_id: "u2" }, rule), false);
    assert.throws(() => compileCheck("role:admin or"), /end of check string/);
    assert.throws(() => compileCheck("(role:admin"), /missing '\)'/);
    assert.throws(() => compileCheck("frobnicate"), /is not a check/);
  });

  it("takes overrides from a policy file with Cinder's rule names", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-policy-"));
    const file = path.join(dir, "policy.yaml");
    await writeFile(file, '"volume:create": "rule:admin_api"\n"volume:get": "role:reader and project_id:%(project_id)s"\n');
    const custom = Policy.fromFile(file);
    assert.equal(custom.allowed(ctx(["member", "reader"]), "volume:create"), false, "create is now admin-only");
    assert.equal(custom.allowed(ctx(["admin"]), "volume:create"), true);
    assert.equal(custom.allowed(ctx(["admin"], "p9"), "volume:get", { project_id: "p1" }), false, "the override replaced the admin clause");
    await writeFile(file, '"volume:create": "role:admin or"\n');
    assert.throws(() => Policy.fromFile(file), /policy rule 'volume:create'/);
  });
});

describe("policy file on a running server", () => {
  it("refuses what the operator's policy file forbids, with Cinder's 403", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-policy-"));
    const file = path.join(dir, "policy.yaml");
    await writeFile(file, '"volume:create": "rule:admin_api"\n');
    const s = await startServer("sqlite", { policyFile: file });
    try {
      assertFault(await s.client.as("u:p1").post("/v3/p1/volumes", { volume: { size: 1 } }), 403, "Policy doesn't allow volume:create to be performed.");
      assert.equal((await s.client.as("admin:p1").post("/v3/p1/volumes", { volume: { size: 1 } })).status, 202);
      assert.equal((await s.client.as("u:p1").get("/v3/p1/volumes")).status, 200, "rules the file does not name keep their defaults");
    } finally {
      await s.destroy();
    }
  });
});
