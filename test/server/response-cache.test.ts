/**
 * Whole answers kept for repeated reads (server/src/http/response-cache.ts): a read asked again is
 * answered from what was kept, and only while nothing changed — a write through the API, a commit
 * of another connection, another caller, another microversion or a revoked token each get the
 * answer they would get without the cache. On PostgreSQL nothing is kept.
 */
import assert from "node:assert/strict";
import path from "node:path";
import SQLite from "better-sqlite3";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { createSnapshot, createVolume } from "../helpers/lifecycle";
import { login, startIdentity } from "../identity/helpers";

describe("answers kept for repeated reads", function () {
  this.timeout(60_000);

  describe("SQLite", () => {
    let s: TestServer;
    const P = "p1";
    const hits = () => s.app.http.answers.hits;
    before(async () => {
      s = await startServer("sqlite");
    });
    after(async () => s.destroy());

    it("answers a repeated GET from what it kept, the same body with its own request id", async () => {
      const v = await createVolume(s.client, P, { size: 1, name: "kept" });
      const first = await s.client.get(`/v3/${P}/volumes/${v.id}`);
      const before = hits();
      const second = await s.client.get(`/v3/${P}/volumes/${v.id}`);
      assert.equal(hits(), before + 1, "the second read was answered from the cache");
      assert.deepEqual(second.body, first.body);
      assert.notEqual(second.headers.get("x-openstack-request-id"), first.headers.get("x-openstack-request-id"));
      assert.equal(second.headers.get("openstack-api-version"), "volume 3.71");
      const list = `/v3/${P}/volumes/detail?limit=5`;
      const l1 = await s.client.get(list);
      const l2 = await s.client.get(list);
      assert.deepEqual(l2.body, l1.body);
      assert.equal(hits(), before + 2);
    });

    it("forgets on a write through the API", async () => {
      const v = await createVolume(s.client, P, { size: 1, name: "before" });
      await s.client.get(`/v3/${P}/volumes/${v.id}`);
      await s.client.get(`/v3/${P}/volumes/${v.id}`);
      assert.equal((await s.client.put(`/v3/${P}/volumes/${v.id}`, { volume: { name: "after" } })).status, 200);
      assert.equal((await s.client.get(`/v3/${P}/volumes/${v.id}`)).body.volume.name, "after");
      assert.equal((await s.client.post(`/v3/${P}/volumes/${v.id}/metadata`, { metadata: { k: "v" } })).status, 200);
      assert.deepEqual((await s.client.get(`/v3/${P}/volumes/${v.id}`)).body.volume.metadata, { k: "v" });
      const snap = await createSnapshot(s.client, P, v.id);
      const listed = (await s.client.get(`/v3/${P}/snapshots/detail`)).body.snapshots.map((x: any) => x.id);
      assert.ok(listed.includes(snap.id));
      assert.equal((await s.client.delete(`/v3/${P}/snapshots/${snap.id}`)).status, 202);
      // The snapshot is deleted by the volume manager, a write too: the list follows it.
      for (let i = 0; i < 400; i++) {
        const now = (await s.client.get(`/v3/${P}/snapshots/detail`)).body.snapshots.map((x: any) => x.id);
        if (!now.includes(snap.id)) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.fail("the deleted snapshot stayed in the list");
    });

    it("forgets when another connection commits to the database", async () => {
      const v = await createVolume(s.client, P, { size: 1, name: "mine" });
      await s.client.get(`/v3/${P}/volumes/${v.id}`);
      assert.equal((await s.client.get(`/v3/${P}/volumes/${v.id}`)).body.volume.name, "mine");
      const other = new SQLite(path.join(s.dataDir, "cinderblock.sqlite"));
      try {
        other.prepare("update volumes set display_name = 'changed elsewhere' where id = ?").run(v.id);
      } finally {
        other.close();
      }
      assert.equal((await s.client.get(`/v3/${P}/volumes/${v.id}`)).body.volume.name, "changed elsewhere");
    });

    it("keeps answers apart by caller, microversion and query", async () => {
      const v = await createVolume(s.client, P, { size: 1 });
      const url = `/v3/${P}/volumes/${v.id}`;
      const member = s.client;
      const admin = s.client.as(`admin:${P}`);
      for (let i = 0; i < 2; i++) {
        const m = (await member.get(url)).body.volume;
        const a = (await admin.get(url)).body.volume;
        assert.equal(m["os-vol-host-attr:host"], undefined, "a member is not shown the host");
        assert.match(a["os-vol-host-attr:host"], /@/, "an admin is shown the host");
        const old = (await member.get(url, { version: "3.0" })).body.volume;
        assert.equal(old.group_id, undefined, "3.0 has no group_id");
        assert.ok("group_id" in m, "3.71 has group_id");
      }
      // Another user of the same project, and another project's user, get their own answers.
      const bob = s.client.as(`bob:${P}`);
      assert.equal((await bob.get(url)).body.volume.id, v.id);
      assert.equal((await s.client.as("carol:p2").get(`/v3/p2/volumes/${v.id}`)).status, 404);
      const one = (await member.get(`/v3/${P}/volumes?limit=1`)).body.volumes;
      const two = (await member.get(`/v3/${P}/volumes?limit=2`)).body.volumes;
      assert.equal(one.length, 1);
      assert.equal(two.length, 2);
    });

    it("keeps no answer that failed", async () => {
      const before = hits();
      const missing = `/v3/${P}/volumes/00000000-0000-4000-8000-000000000000`;
      assert.equal((await s.client.get(missing)).status, 404);
      assert.equal((await s.client.get(missing)).status, 404);
      assert.equal((await s.client.get(`/v3/${P}/volumes?sort=bogus`)).status, 400);
      assert.equal((await s.client.get(`/v3/${P}/volumes?sort=bogus`)).status, 400);
      assert.equal(hits(), before);
    });
  });

  it("refuses a revoked token whose answer was kept (built-in identity)", async () => {
    const { s, c, adminToken, adminPassword } = await startIdentity("sqlite");
    try {
      const token = await login(c, { user: "admin", password: adminPassword, project: "admin" });
      const project = (await c.get("/identity/v3/auth/tokens", { token: adminToken, headers: { "X-Subject-Token": token } })).body.token.project.id;
      const user = c.as(token);
      const v = await createVolume(user, project, { size: 1 });
      await user.get(`/v3/${project}/volumes/${v.id}`);
      const before = s.app.http.answers.hits;
      assert.equal((await user.get(`/v3/${project}/volumes/${v.id}`)).status, 200);
      assert.equal(s.app.http.answers.hits, before + 1);
      assert.equal((await c.delete("/identity/v3/auth/tokens", { token: adminToken, headers: { "X-Subject-Token": token } })).status, 204);
      assert.equal((await user.get(`/v3/${project}/volumes/${v.id}`)).status, 401);
    } finally {
      await s.destroy();
    }
  });

  for (const [why, dialect, overrides] of [
    ["on PostgreSQL, where other processes commit unseen", "postgres", {}],
    ["with --read-cache false: every read runs its queries", "sqlite", { readCache: false }],
  ] as const) {
    if (!DIALECTS.includes(dialect)) continue;
    it(`keeps nothing ${why}`, async () => {
      const s = await startServer(dialect, overrides);
      try {
        const v = await createVolume(s.client, "p1", { size: 1 });
        for (let i = 0; i < 3; i++) assert.equal((await s.client.get(`/v3/p1/volumes/${v.id}`)).status, 200);
        assert.equal(s.app.http.answers.hits, 0);
      } finally {
        await s.destroy();
      }
    });
  }
});
