/**
 * Password rules (Keystone's [security_compliance] password_regex with its description, and a
 * minimum length): a user create, a user update and a change-password that set a password breaking
 * them get Keystone's 400 "The password does not match the requirements: <detail>." and change
 * nothing; change-password tells the rules only to a caller who gave the right original password.
 */
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../server/src/config";
import { assertKsFault, login, provision, startIdentity, type IdentityServer } from "./helpers";

const V3 = "/identity/v3";
const RULES = { passwordRegex: "(?=.*\\d)(?=.*[A-Z])", passwordRegexDescription: "a digit and a capital letter", passwordMinLength: 10 };

describe("password rules (sqlite)", () => {
  let id: IdentityServer;
  before(async () => {
    id = await startIdentity("sqlite", RULES);
  });
  after(async () => id?.s.destroy());

  it("refuses a new user whose password is too short or does not match, and creates none", async () => {
    const admin = id.c.as(id.adminToken);
    const before = (await admin.get(`${V3}/users`)).body.users.length;
    assertKsFault(await admin.post(`${V3}/users`, { user: { name: "short", password: "Ab1" } }), 400, "The password does not match the requirements: at least 10 characters.");
    assertKsFault(
      await admin.post(`${V3}/users`, { user: { name: "plain", password: "alllowercase-and-long" } }),
      400,
      "The password does not match the requirements: a digit and a capital letter.",
    );
    assert.equal((await admin.get(`${V3}/users`)).body.users.length, before, "no user was created");
    const ok = await admin.post(`${V3}/users`, { user: { name: "fine", password: "Fine-password-1" } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it("refuses an update to a breaking password and keeps the old one working", async () => {
    const who = await provision(id.c, id.adminToken, { project: "rules", user: "frank", password: "Frank-secret-1", role: "member" });
    const token = await login(id.c, { user: "frank", password: "Frank-secret-1", project: "rules" });
    assertKsFault(await id.c.as(id.adminToken).call("PATCH", `${V3}/users/${who.userId}`, { body: { user: { password: "Short1" } } }), 400, /at least 10 characters/);
    assert.equal((await id.c.as(token).get(`${V3}/auth/tokens`, { headers: { "X-Subject-Token": token } })).status, 200, "the user's token was not revoked");
    await login(id.c, { user: "frank", password: "Frank-secret-1", project: "rules" });
  });

  it("tells the rules to a change-password only after the original password, and applies a good one", async () => {
    const who = await provision(id.c, id.adminToken, { project: "rules", user: "grace", password: "Grace-secret-1", role: "member" });
    const change = (original: string, password: string) =>
      id.c.post(`${V3}/users/${who.userId}/password`, { user: { original_password: original, password } }, { token: null });
    assertKsFault(await change("wrong-original", "x"), 401);
    assertKsFault(await change("Grace-secret-1", "no-digits-or-capitals"), 400, "The password does not match the requirements: a digit and a capital letter.");
    await login(id.c, { user: "grace", password: "Grace-secret-1", project: "rules" });
    assert.equal((await change("Grace-secret-1", "Grace-secret-2")).status, 204);
    await login(id.c, { user: "grace", password: "Grace-secret-2", project: "rules" });
  });

  it("matches the regex from the password's start, as Keystone's re.match", async () => {
    const started = await startIdentity("sqlite", { passwordRegex: "[A-Z]", passwordRegexDescription: "a capital first" });
    try {
      const admin = started.c.as(started.adminToken);
      assertKsFault(await admin.post(`${V3}/users`, { user: { name: "late", password: "lower then Upper" } }), 400, /a capital first/);
      assert.equal((await admin.post(`${V3}/users`, { user: { name: "early", password: "Upper first" } })).status, 201);
    } finally {
      await started.s.destroy();
    }
  });

  it("refuses a regex that does not compile, and a negative length, at start", () => {
    assert.throws(() => loadConfig({ "password-regex": "([a-z" }, {}), (e: unknown) => e instanceof ConfigError && /password regex '\(\[a-z' is not a valid regular expression/.test(e.message));
    assert.throws(() => loadConfig({ "password-min-length": "-1" }, {}), ConfigError);
    assert.equal(loadConfig({}, {}).passwordMinLength, 0);
  });
});
