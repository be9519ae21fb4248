/**
 * The backup views and list filters over HTTP on both dialects: `os-backup-project-attr:project_id`
 * (3.18) and `user_id` (3.56) in show and detail for callers the attribute policy allows (admins),
 * never in summaries nor to others (cinder/api/v3/backups.py); the filters of resource_filters.json
 * `backup` (name, status, volume_id), unknown ones dropped before 3.31 and refused from it; an
 * admin's all_tenants and project_id; `name` as a sort key from 3.37.
 */
import assert from "node:assert/strict";
import { assertFault } from "../helpers/faults";
import { forEachDialect } from "../helpers/suite";
import { backup, volume } from "./helpers";

forEachDialect("backup views and filters", function (fx) {
  this.timeout(180_000);
  const P = "bv1";
  const c = () => fx.s.client.as(`carol:${P}`);
  const admin = () => fx.s.client.as("admin:admin");
  let volA: string;
  let volB: string;
  const ids: Record<string, string> = {};

  before(async () => {
    volA = await volume(c(), P);
    volB = await volume(c(), P);
    ids.b = await backup(c(), P, { volume_id: volA, name: "bravo" });
    ids.a = await backup(c(), P, { volume_id: volA, name: "alpha" });
    ids.c = await backup(c(), P, { volume_id: volB, name: "charlie" });
    const r = await admin().post(`/v3/admin/backups/${ids.c}/action`, { "os-reset_status": { status: "error" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
  });

  const names = (r: { body: any }) => r.body.backups.map((b: any) => b.name).sort();

  it("shows the project (3.18) and the user (3.56) to admins in show and detail only", async () => {
    const show = (v: string) => admin().get(`/v3/admin/backups/${ids.a}`, { version: v });
    const old = (await show("3.17")).body.backup;
    assert.equal("os-backup-project-attr:project_id" in old, false);
    assert.equal("user_id" in old, false);
    const mid = (await show("3.18")).body.backup;
    assert.equal(mid["os-backup-project-attr:project_id"], P);
    assert.equal("user_id" in mid, false);
    const now = (await show("3.56")).body.backup;
    assert.equal(now["os-backup-project-attr:project_id"], P);
    assert.equal(now.user_id, "carol");

    const detail = await admin().get(`/v3/admin/backups/detail?all_tenants=1&project_id=${P}`, { version: "3.56" });
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assert.equal(detail.body.backups.length, 3);
    for (const b of detail.body.backups) assert.deepEqual([b["os-backup-project-attr:project_id"], b.user_id], [P, "carol"]);
    const summary = await admin().get(`/v3/admin/backups?all_tenants=1&project_id=${P}`, { version: "3.56" });
    for (const b of summary.body.backups) assert.deepEqual(Object.keys(b).sort(), ["id", "links", "name"]);

    // The owner is no admin: neither field.
    const own = (await c().get(`/v3/${P}/backups/${ids.a}`, { version: "3.56" })).body.backup;
    assert.equal("os-backup-project-attr:project_id" in own, false);
    assert.equal("user_id" in own, false);
    for (const b of (await c().get(`/v3/${P}/backups/detail`, { version: "3.56" })).body.backups) {
      assert.equal("os-backup-project-attr:project_id" in b, false);
      assert.equal("user_id" in b, false);
    }
  });

  it("filters by name, status and volume_id; unknown filters are dropped before 3.31 and refused from it", async () => {
    assert.deepEqual(names(await c().get(`/v3/${P}/backups?name=alpha`)), ["alpha"]);
    assert.deepEqual(names(await c().get(`/v3/${P}/backups/detail?status=error`)), ["charlie"]);
    assert.deepEqual(names(await c().get(`/v3/${P}/backups/detail?status=available`)), ["alpha", "bravo"]);
    assert.deepEqual(names(await c().get(`/v3/${P}/backups?volume_id=${volA}`)), ["alpha", "bravo"]);
    assert.deepEqual(names(await c().get(`/v3/${P}/backups?volume_id=${volB}&status=error`)), ["charlie"]);
    assert.deepEqual(names(await c().get(`/v3/${P}/backups?volume_id=${volB}&status=available`)), []);
    assert.deepEqual(names(await c().get(`/v3/${P}/backups?size=1`, { version: "3.30" })), ["alpha", "bravo", "charlie"]);
    assertFault(await c().get(`/v3/${P}/backups?size=1`, { version: "3.31" }), 400, "Invalid filters size are found in query options.");
    // Another project's filters see nothing of this one.
    assert.deepEqual(names(await fx.s.client.as("dave:bv2").get(`/v3/bv2/backups?volume_id=${volA}`)), []);
    // An admin lists every project's with all_tenants, narrowed by project_id.
    assert.deepEqual(names(await admin().get(`/v3/admin/backups?all_tenants=1&project_id=${P}&name=bravo`)), ["bravo"]);
    assert.deepEqual(names(await admin().get(`/v3/admin/backups?project_id=${P}`)), []);
  });

  it("sorts by name from 3.37 (display_name at any version)", async () => {
    assertFault(await c().get(`/v3/${P}/backups?sort=name:asc`, { version: "3.36" }), 400);
    const sorted = await c().get(`/v3/${P}/backups?sort=name:asc`, { version: "3.37" });
    assert.equal(sorted.status, 200, JSON.stringify(sorted.body));
    assert.deepEqual(sorted.body.backups.map((b: any) => b.name), ["alpha", "bravo", "charlie"]);
    const old = await c().get(`/v3/${P}/backups?sort_key=display_name&sort_dir=desc`, { version: "3.36" });
    assert.deepEqual(old.body.backups.map((b: any) => b.name), ["charlie", "bravo", "alpha"]);
  });
});
