/**
 * Group types and group specs through the API (3.11): create, list (is_public for admins, paging),
 * show (specs for admins only), the default group type, update, delete, specs CRUD; policies,
 * Cinder's faults, and bad input that changes nothing.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import type { TestServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const A = "/v3/admin";
const P = "/v3/p1";

async function groupTypeState(s: TestServer): Promise<string[]> {
  const db = s.app.services.db.kysely;
  const out: string[] = [];
  for (const t of ["group_types", "group_type_specs"] as const) {
    for (const r of await db.selectFrom(t).selectAll().execute()) out.push(`${t} ${JSON.stringify(r)}`);
  }
  return out.sort();
}

forEachDialect("Group types", { defaultGroupType: "gt-default" }, function (fx) {
  this.timeout(60_000);
  let admin: Client;
  let alice: Client;
  before(async () => {
    admin = fx.s.client.as("admin:admin");
    alice = fx.s.client.as("alice:p1");
  });

  async function createGroupType(body: Record<string, unknown>): Promise<any> {
    const r = await admin.post(`${A}/group_types`, { group_type: body });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r.body.group_type;
  }

  it("creates a group type (202), shows it with specs to admins and without to users", async () => {
    const t = await createGroupType({ name: "gt-one", description: "first", group_specs: { consistent_group_snapshot_enabled: "<is> False" } });
    assert.deepEqual({ ...t, id: undefined }, {
      id: undefined,
      name: "gt-one",
      description: "first",
      is_public: true,
      group_specs: { consistent_group_snapshot_enabled: "<is> False" },
    });
    assert.deepEqual((await admin.get(`${A}/group_types/${t.id}`)).body.group_type, t);
    const seen = await alice.get(`${P}/group_types/${t.id}`);
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.group_type, { id: t.id, name: "gt-one", description: "first", is_public: true });
  });

  it("needs microversion 3.11", async () => {
    assertFault(await admin.get(`${A}/group_types`, { version: "3.10" }), 404);
    assertFault(await admin.post(`${A}/group_types`, { group_type: { name: "old" } }, { version: "3.10" }), 404);
  });

  it("lists public group types to users and lets admins choose with is_public", async () => {
    const pub = await createGroupType({ name: "gt-pub" });
    const priv = await createGroupType({ name: "gt-priv", is_public: false });
    const names = (r: any) => r.body.group_types.map((t: any) => t.name);
    const mine = await alice.get(`${P}/group_types?is_public=false`);
    assert.ok(names(mine).includes("gt-pub"));
    assert.ok(!names(mine).includes("gt-priv"));
    assert.ok(!("group_specs" in mine.body.group_types[0]));
    assert.deepEqual(names(await admin.get(`${A}/group_types?is_public=false`)), ["gt-priv"]);
    const all = names(await admin.get(`${A}/group_types?is_public=none`));
    assert.ok(all.includes("gt-priv") && all.includes("gt-pub"));
    assertFault(await admin.get(`${A}/group_types?is_public=maybe`), 400, "Invalid is_public filter [maybe]");
    // A private group type does not exist for a user.
    assertFault(await alice.get(`${P}/group_types/${priv.id}`), 404, `Group type ${priv.id} could not be found.`);
    const page = await admin.get(`${A}/group_types?is_public=none&limit=1&sort=name:asc`);
    assert.equal(page.body.group_types.length, 1);
    assert.match(page.body.group_type_links[0].href, /marker=/);
    assert.ok(pub.id);
  });

  it("shows the configured default group type, and 404 when it does not exist", async () => {
    assertFault(await alice.get(`${P}/group_types/default`), 404, "Default group type can not be found.");
    const d = await createGroupType({ name: "gt-default" });
    const r = await alice.get(`${P}/group_types/default`);
    assert.equal(r.status, 200);
    assert.equal(r.body.group_type.id, d.id);
  });

  it("refuses bad creates with Cinder's faults and changes nothing", async () => {
    await createGroupType({ name: "gt-dup" });
    const before = await groupTypeState(fx.s);
    assertFault(await admin.post(`${A}/group_types`, { group_type: { name: "gt-dup" } }), 409, "Group Type gt-dup already exists.");
    assertFault(await admin.post(`${A}/group_types`, { group_type: {} }), 400);
    assertFault(await admin.post(`${A}/group_types`, { group_type: { name: "" } }), 400);
    assertFault(await admin.post(`${A}/group_types`, { group_type: { name: "x", extra: 1 } }), 400);
    assertFault(await admin.post(`${A}/group_types`, { group_type: { name: "x", is_public: "perhaps" } }), 400);
    assertFault(await admin.post(`${A}/group_types`, { group_type: { name: "x", group_specs: { "bad key!": "v" } } }), 400);
    assertFault(await alice.post(`${P}/group_types`, { group_type: { name: "x" } }), 403, "Policy doesn't allow group:group_types_manage to be performed.");
    assert.deepEqual(await groupTypeState(fx.s), before);
  });

  it("updates name, description and is_public (200); refuses empty, blank and duplicate names", async () => {
    const t = await createGroupType({ name: "gt-upd" });
    await createGroupType({ name: "gt-taken" });
    const r = await admin.put(`${A}/group_types/${t.id}`, { group_type: { name: "gt-upd2", description: "d", is_public: false } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.group_type, { id: t.id, name: "gt-upd2", description: "d", is_public: false, group_specs: {} });
    const before = await groupTypeState(fx.s);
    assertFault(await admin.put(`${A}/group_types/${t.id}`, { group_type: {} }), 400, "Specify group type name, description or a combination thereof.");
    assertFault(await admin.put(`${A}/group_types/${t.id}`, { group_type: { name: "   " } }), 400, "Group type name can not be empty.");
    assertFault(await admin.put(`${A}/group_types/${t.id}`, { group_type: { name: "gt-taken" } }), 409, "Group Type gt-taken already exists.");
    assertFault(await admin.put(`${A}/group_types/${UNKNOWN}`, { group_type: { name: "z" } }), 404, `Group type ${UNKNOWN} could not be found.`);
    assertFault(await alice.put(`${P}/group_types/${t.id}`, { group_type: { name: "z" } }), 403);
    assert.deepEqual(await groupTypeState(fx.s), before);
  });

  it("sets, shows, updates and deletes group specs", async () => {
    const t = await createGroupType({ name: "gt-specs" });
    const base = `${A}/group_types/${t.id}/group_specs`;
    const set = await admin.post(base, { group_specs: { a: "1", "b:c": "2" } });
    assert.equal(set.status, 202);
    assert.deepEqual(set.body, { group_specs: { a: "1", "b:c": "2" } });
    assert.deepEqual((await admin.get(base)).body, { group_specs: { a: "1", "b:c": "2" } });
    assert.deepEqual((await admin.get(`${base}/a`)).body, { a: "1" });
    const put = await admin.put(`${base}/a`, { a: "9" });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { a: "9" });
    assert.equal((await admin.delete(`${base}/a`)).status, 202);
    assert.deepEqual((await admin.get(base)).body, { group_specs: { "b:c": "2" } });
    assert.deepEqual((await admin.get(`${A}/group_types/${t.id}`)).body.group_type.group_specs, { "b:c": "2" });

    const before = await groupTypeState(fx.s);
    assertFault(await admin.get(`${base}/a`), 404, `Group Type ${t.id} has no extra spec with key a.`);
    assertFault(await admin.delete(`${base}/a`), 404, `Group Type ${t.id} has no specs with key a.`);
    assertFault(await admin.put(`${base}/a`, { b: "1" }), 400, "Request body and URI mismatch");
    assertFault(await admin.put(`${base}/a`, { a: "1", b: "1" }), 400, "Request body contains too many items");
    assertFault(
      await admin.post(base, { group_specs: { "no spaces": "1" } }),
      400,
      "Key names can only contain alphanumeric characters, underscores, periods, colons and hyphens.",
    );
    assertFault(await admin.post(base, { group_specs: { k: "v".repeat(256) } }), 400);
    assertFault(await admin.post(`${A}/group_types/${UNKNOWN}/group_specs`, { group_specs: { a: "1" } }), 404);
    assertFault(await alice.get(`${P}/group_types/${t.id}/group_specs`), 403, "Policy doesn't allow group:group_types_specs to be performed.");
    assert.deepEqual(await groupTypeState(fx.s), before);
  });

  it("deletes a group type with its specs (202); unknown → 404; users → 403", async () => {
    const t = await createGroupType({ name: "gt-del", group_specs: { k: "v" } });
    assertFault(await alice.delete(`${P}/group_types/${t.id}`), 403);
    assert.equal((await admin.delete(`${A}/group_types/${t.id}`)).status, 202);
    assertFault(await admin.get(`${A}/group_types/${t.id}`), 404);
    assertFault(await admin.delete(`${A}/group_types/${t.id}`), 404, `Group type ${t.id} could not be found.`);
    const rows = await fx.s.app.services.db.kysely.selectFrom("group_type_specs").selectAll().where("group_type_id", "=", t.id).execute();
    assert.deepEqual(rows, []);
  });
});
