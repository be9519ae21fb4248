/**
 * Failed-login throttling on the built-in identity (Keystone's [security_compliance]
 * lockout_failure_attempts / lockout_duration, keystone/identity/backends/sql.py): after that many
 * wrong passwords a user is refused with Keystone's 401 "The account is locked for user: <id>."
 * (the right password too) until the duration has passed; a successful login resets the count; the
 * original password of POST /users/{id}/password counts the same. A client address that fails too
 * often (unknown users, wrong passwords) is refused for the duration, whoever it names. And a flood
 * of bad logins does not hold up the volume service: password hashing takes at most half of
 * libuv's threadpool, which the file driver's I/O shares.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { DIALECTS } from "../helpers/server";
import { assertKsFault, type IdentityServer, login, passwordAuth, projectScope, provision, startIdentity } from "./helpers";

const TOKENS = "/identity/v3/auth/tokens";
const GENERIC = "The request you have made requires authentication.";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function badLogin(c: Client, user: string): Promise<void> {
  assertKsFault(await c.post(TOKENS, passwordAuth(user, "not-the-password"), { token: null }), 401, GENERIC);
}

for (const dialect of DIALECTS) {
  describe(`identity: failed-login lockout (${dialect})`, () => {
    describe("per user", () => {
      let id: IdentityServer;
      before(async () => {
        id = await startIdentity(dialect, { lockoutFailureAttempts: 3, lockoutDurationSeconds: 1, authClientFailureAttempts: 0 });
      });
      after(async () => id?.s.destroy());

      it("after 3 wrong passwords the right one is refused with Keystone's locked 401, then accepted once the duration has passed", async () => {
        const u = await provision(id.c, id.adminToken, { project: "lock-a", user: "carol", password: "carol-pw", role: "member" });
        for (let i = 0; i < 3; i++) await badLogin(id.c, "carol");
        const locked = await id.c.post(TOKENS, passwordAuth("carol", "carol-pw", projectScope("lock-a")), { token: null });
        assertKsFault(locked, 401, `The account is locked for user: ${u.userId}.`);
        assert.equal(locked.headers.get("x-subject-token"), null);
        // Other users are not affected.
        await login(id.c, { user: "admin", password: id.adminPassword, project: "admin" });
        await sleep(1200);
        await login(id.c, { user: "carol", password: "carol-pw", project: "lock-a" });
      });

      it("a successful login resets the count", async () => {
        await provision(id.c, id.adminToken, { project: "lock-b", user: "dan", password: "dan-pw", role: "member" });
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < 2; i++) await badLogin(id.c, "dan");
          await login(id.c, { user: "dan", password: "dan-pw", project: "lock-b" });
        }
      });

      it("a wrong original password of POST /users/{id}/password counts, and a locked user cannot change its password", async () => {
        const u = await provision(id.c, id.adminToken, { project: "lock-c", user: "erin", password: "erin-pw", role: "member" });
        const change = (original: string) =>
          id.c.post(`/identity/v3/users/${u.userId}/password`, { user: { original_password: original, password: "erin-new" } }, { token: null });
        for (let i = 0; i < 3; i++) assertKsFault(await change("wrong"), 401, GENERIC);
        assertKsFault(await change("erin-pw"), 401, `The account is locked for user: ${u.userId}.`);
        assertKsFault(await id.c.post(TOKENS, passwordAuth("erin", "erin-pw"), { token: null }), 401, `The account is locked for user: ${u.userId}.`);
        await sleep(1200);
        await login(id.c, { user: "erin", password: "erin-pw", project: "lock-c" });
      });
    });

    describe("per client address", () => {
      let id: IdentityServer;
      before(async () => {
        id = await startIdentity(dialect, { lockoutFailureAttempts: 0, lockoutDurationSeconds: 1, authClientFailureAttempts: 4 });
      });
      after(async () => id?.s.destroy());

      it("after 4 failures from one address (unknown users) it is refused whoever it names, until the duration has passed", async () => {
        await provision(id.c, id.adminToken, { project: "lock-d", user: "fay", password: "fay-pw", role: "member" });
        for (let i = 0; i < 4; i++) await badLogin(id.c, `nobody-${i}`);
        const refused = await id.c.post(TOKENS, passwordAuth("fay", "fay-pw"), { token: null });
        assertKsFault(refused, 401, /^Too many failed authentication attempts from this address; try again in \d+ seconds?\.$/);
        await sleep(1200);
        await login(id.c, { user: "fay", password: "fay-pw", project: "lock-d" });
      });
    });

    describe("a flood of bad logins", () => {
      let id: IdentityServer;
      before(async () => {
        // No lockout: every attempt runs the password hash, as a flood spread over many users and addresses would.
        id = await startIdentity(dialect, { lockoutFailureAttempts: 0, authClientFailureAttempts: 0 });
      });
      after(async () => id?.s.destroy());

      it("does not hold up the volume API: a volume is created and read back while few of the bad logins are answered", async () => {
        const who = await provision(id.c, id.adminToken, { project: "flood", user: "gus", password: "gus-pw", role: "member" });
        const api = id.c.as(await login(id.c, { user: "gus", password: "gus-pw", project: "flood" }));
        // A steady flood: N bad logins in flight at all times, each answered one replaced by another.
        const N = 32;
        let answered = 0;
        let stop = false;
        const statuses = new Set<number>();
        const worker = async (w: number) => {
          for (let i = 0; !stop; i++) {
            const r = await id.c.post(TOKENS, passwordAuth(i % 2 ? "gus" : `nobody-${w}-${i}`, "wrong"), { token: null });
            statuses.add(r.status);
            answered++;
          }
        };
        const flood = Array.from({ length: N }, (_, w) => worker(w));
        while (answered < N / 4) await sleep(10); // the flood is in full swing
        const before = answered;
        const created = await api.post(`/v3/${who.projectId}/volumes`, { volume: { size: 1 } });
        assert.equal(created.status, 202, JSON.stringify(created.body));
        let status = "creating";
        while (status === "creating") {
          const r = await api.get(`/v3/${who.projectId}/volumes/${created.body.volume.id}`);
          assert.equal(r.status, 200);
          status = r.body.volume.status;
          if (status === "creating") await sleep(10);
        }
        const during = answered - before;
        stop = true;
        await Promise.all(flood);
        assert.equal(status, "available");
        assert.deepEqual([...statuses], [401]);
        // Had the volume's file I/O queued behind the hashes, a whole round of the flood (N) would have been answered first.
        assert.ok(during < N / 2, `${during} bad logins were answered while the volume was being created (${N} in flight)`);
      });
    });
  });
}
