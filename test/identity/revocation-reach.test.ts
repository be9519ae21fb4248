/**
 * Revocation reaches every API process within a bounded time: each process caches a token's
 * validation for a few seconds (identity/tokens.ts CACHE_MS), so a token revoked, or a role
 * removed, through one API process is refused by another sharing the database within that bound,
 * and by the process that did it at once.
 */
import assert from "node:assert/strict";
import { startServices, type Running } from "../../server/src/app";
import { InProcessBus } from "../../server/src/bus/bus";
import { createLogger } from "../../server/src/log";
import { Client } from "../helpers/client";
import { login, provision, startIdentity, type IdentityServer } from "./helpers";

/** The validation cache's lifetime, and a margin for a loaded machine. */
const BOUND_MS = 5_000 + 3_000;

describe("token revocation across API processes (sqlite)", function () {
  this.timeout(60_000);
  let a: IdentityServer;
  let other: Running;
  let b: Client;
  const bus = new InProcessBus(createLogger("silent"));

  before(async () => {
    a = await startIdentity("sqlite");
    // A second API process of the same deployment: its own token cache, the same database.
    other = await startServices(a.s.app.services.config, createLogger("silent"), { api: true, scheduler: false, backends: [] }, bus, { closeBus: false });
    await other.http!.listen({ port: 0, host: "127.0.0.1" });
    b = new Client(`http://127.0.0.1:${(other.http!.server.address() as { port: number }).port}`);
  });
  after(async () => {
    await other?.close();
    await bus.close();
    await a?.s.destroy();
  });

  /** Poll until `token` is refused on the second process; the milliseconds it took. */
  async function refusedWithin(token: string, project: string): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const r = await b.as(token).get(`/v3/${project}/volumes`);
      if (r.status === 401) return Date.now() - t0;
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(Date.now() - t0 < BOUND_MS, `the second process still accepts the token after ${BOUND_MS} ms`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  it("refuses a revoked token at once where it was revoked, and within the cache's bound elsewhere", async () => {
    const { projectId } = await provision(a.c, a.adminToken, { project: "reach", user: "rita", password: "Rita-secret-1", role: "member" });
    const token = await login(a.c, { user: "rita", password: "Rita-secret-1", project: "reach" });
    assert.equal((await b.as(token).get(`/v3/${projectId}/volumes`)).status, 200, "the second process has validated (and cached) it");
    assert.equal((await a.c.as(token).delete("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": token } })).status, 204);
    assert.equal((await a.c.as(token).get(`/v3/${projectId}/volumes`)).status, 401, "refused at once where it was revoked");
    await refusedWithin(token, projectId);
  });

  it("refuses a token whose only role was removed, within the cache's bound", async () => {
    const who = await provision(a.c, a.adminToken, { project: "reach", user: "sam", password: "Sam-secret-1", role: "member" });
    const token = await login(a.c, { user: "sam", password: "Sam-secret-1", project: "reach" });
    assert.equal((await b.as(token).get(`/v3/${who.projectId}/volumes`)).status, 200);
    const r = await a.c.as(a.adminToken).delete(`/identity/v3/projects/${who.projectId}/users/${who.userId}/roles/${who.roleId}`);
    assert.equal(r.status, 204, JSON.stringify(r.body));
    await refusedWithin(token, who.projectId);
  });
});
