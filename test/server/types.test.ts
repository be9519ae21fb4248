/**
 * Volume types through the API: create, list, show, update, delete; extra specs; sharing private
 * types with projects; the __DEFAULT__ type and project default types (3.62); `volume_type` on
 * volume create by name or id; scheduling by `volume_backend_name`; and bad input that changes
 * nothing.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { createVolume, deleteVolume } from "../helpers/lifecycle";
import type { TestServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";
import { waitStatus } from "../helpers/wait";

/** Project ids as Keystone makes them (addProjectAccess wants uuid-like ids). */
const P1 = "0f0f0f0f0f0f4f0f8f0f0f0f0f0f0f01";
const P2 = "0f0f0f0f0f0f4f0f8f0f0f0f0f0f0f02";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const V362 = { version: "3.62" };

const TYPE_TABLES = ["volume_types", "volume_type_extra_specs", "volume_type_projects", "default_volume_types"] as const;

/** Every row of the type tables, for proving that a refused request changed nothing. */
async function typeState(s: TestServer): Promise<Record<string, unknown[]>> {
  const db = s.app.services.db.kysely;
  const out: Record<string, unknown[]> = {};
  for (const t of TYPE_TABLES) {
    out[t] = (await db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

forEachDialect("volume types", {
  backends: [
    { name: "fast", driver: "file", options: {} },
    { name: "slow", driver: "file", options: {} },
  ],
}, function (fx) {
  this.timeout(60_000);
  let admin: Client;
  let alice: Client;
  let bob: Client;
  const A = "/v3/admin";
  before(async () => {
    admin = fx.s.client.as("admin:admin");
    alice = fx.s.client.as(`alice:${P1}`);
    bob = fx.s.client.as(`bob:${P2}`);
  });

  async function createType(body: Record<string, unknown>): Promise<any> {
    const r = await admin.post(`${A}/types`, { volume_type: body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.volume_type;
  }

  async function hostOf(id: string): Promise<string> {
    return (await admin.get(`${A}/volumes/${id}`)).body.volume["os-vol-host-attr:host"];
  }

  it("has __DEFAULT__, the type volumes get when they name none", async () => {
    const d = await alice.get(`/v3/${P1}/types/default`);
    assert.equal(d.status, 200);
    assert.equal(d.body.volume_type.name, "__DEFAULT__");
    assert.equal(d.body.volume_type.is_public, true);
    assert.deepEqual(d.body.volume_type.extra_specs, {});
    assert.ok(!("os-volume-type-access:is_public" in d.body.volume_type), "types/default carries no access field");
    assert.ok(!("qos_specs_id" in d.body.volume_type), "a member does not see qos_specs_id");
    const v = await createVolume(alice, P1, { size: 1 });
    assert.equal(v.volume_type, "__DEFAULT__");
    assert.equal(v.volume_type_id, d.body.volume_type.id);
    assertFault(
      await admin.delete(`${A}/types/${d.body.volume_type.id}`),
      400,
      `The volume type ${d.body.volume_type.id} is a default volume type and cannot be deleted.`,
    );
    await deleteVolume(alice, P1, v.id);
  });

  it("creates, shows, lists, updates and deletes a type", async () => {
    const t = await createType({
      name: "gold",
      description: "fast disks",
      extra_specs: { volume_backend_name: "fast", multiattach: "<is> False" },
    });
    assert.equal(t.name, "gold");
    assert.equal(t.description, "fast disks");
    assert.equal(t.is_public, true);
    assert.equal(t["os-volume-type-access:is_public"], true);
    assert.deepEqual(t.extra_specs, { volume_backend_name: "fast", multiattach: "<is> False" });

    const asAdmin = (await admin.get(`${A}/types/${t.id}`)).body.volume_type;
    assert.equal(asAdmin.qos_specs_id, null);
    assert.deepEqual(asAdmin.extra_specs, { multiattach: "<is> False", volume_backend_name: "fast" });
    const asMember = await alice.get(`/v3/${P1}/types/${t.id}`);
    assert.equal(asMember.status, 200);
    assert.deepEqual(asMember.body.volume_type.extra_specs, { multiattach: "<is> False" }, "only user-visible specs");
    assert.equal(asMember.body.volume_type["os-volume-type-access:is_public"], true);
    const listed = (await alice.get(`/v3/${P1}/types`)).body.volume_types.map((x: any) => x.name);
    assert.ok(listed.includes("gold") && listed.includes("__DEFAULT__"), JSON.stringify(listed));

    const u = await admin.put(`${A}/types/${t.id}`, { volume_type: { name: "platinum", description: "faster", is_public: "false" } });
    assert.equal(u.status, 200);
    assert.equal(u.body.volume_type.name, "platinum");
    assert.equal(u.body.volume_type.description, "faster");
    assert.equal(u.body.volume_type.is_public, false);
    assert.ok(!("os-volume-type-access:is_public" in u.body.volume_type), "the update response has no access field");
    assertFault(await alice.get(`/v3/${P1}/types/${t.id}`), 404, `Volume type ${t.id} could not be found.`);

    assert.equal((await admin.delete(`${A}/types/${t.id}`)).status, 202);
    assertFault(await admin.get(`${A}/types/${t.id}`), 404, `Volume type ${t.id} could not be found.`);
    assertFault(await admin.delete(`${A}/types/${t.id}`), 404, `Volume type ${t.id} could not be found.`);
  });

  it("refuses a member's create, a duplicate name and an empty update, changing nothing", async () => {
    const t = await createType({ name: "dup" });
    const before = await typeState(fx.s);
    assertFault(
      await alice.post(`/v3/${P1}/types`, { volume_type: { name: "mine" } }),
      403,
      "Policy doesn't allow volume_extension:type_create to be performed.",
    );
    assertFault(
      await alice.put(`/v3/${P1}/types/${t.id}`, { volume_type: { name: "mine" } }),
      403,
      "Policy doesn't allow volume_extension:type_update to be performed.",
    );
    assertFault(await alice.delete(`/v3/${P1}/types/${t.id}`), 403, "Policy doesn't allow volume_extension:type_delete to be performed.");
    assertFault(await admin.post(`${A}/types`, { volume_type: { name: "dup" } }), 409, "Volume Type dup already exists.");
    const other = await createType({ name: "other" });
    const before2 = await typeState(fx.s);
    assertFault(await admin.put(`${A}/types/${other.id}`, { volume_type: { name: "dup" } }), 409, "Volume Type dup already exists.");
    assertFault(
      await admin.put(`${A}/types/${t.id}`, { volume_type: {} }),
      400,
      "Specify volume type name, description, is_public or a combination thereof.",
    );
    assertFault(await admin.put(`${A}/types/${t.id}`, { volume_type: { name: "   " } }), 400, "Volume type name can not be empty.");
    assertFault(await admin.put(`${A}/types/${UNKNOWN}`, { volume_type: { name: "x" } }), 404, `Volume type ${UNKNOWN} could not be found.`);
    assertFault(await admin.post(`${A}/types`, { volume_type: { name: "" } }), 400, /name/);
    assert.deepEqual(await typeState(fx.s), before2);
    assert.equal(before.volume_types.length + 1, before2.volume_types.length);
  });

  it("refuses extra specs and names over 255 characters with a 400, changing nothing", async () => {
    const t = await createType({ name: "limits", extra_specs: { k: "v" } });
    const before = await typeState(fx.s);
    const long = "x".repeat(256);
    assertFault(await admin.post(`${A}/types/${t.id}/extra_specs`, { extra_specs: { [long]: "v" } }), 400, /extra_specs/);
    assertFault(await admin.post(`${A}/types/${t.id}/extra_specs`, { extra_specs: { k: long } }), 400, /is too long/);
    assertFault(await admin.put(`${A}/types/${t.id}/extra_specs/k`, { k: long }), 400, /is too long/);
    assertFault(await admin.post(`${A}/types`, { volume_type: { name: "big", extra_specs: { k: long } } }), 400, /is too long/);
    assertFault(await admin.post(`${A}/types`, { volume_type: { name: long } }), 400, /is too long/);
    assertFault(await admin.post(`${A}/types/${t.id}/extra_specs`, { extra_specs: { "bad key": "v" } }), 400, /'bad key' was unexpected/);
    assert.deepEqual(await typeState(fx.s), before);
    assert.deepEqual((await admin.get(`${A}/types/${t.id}/extra_specs`)).body.extra_specs, { k: "v" });
  });

  it("keeps extra specs: list, set (merge), show, update and delete a key", async () => {
    const t = await createType({ name: "specs", extra_specs: { a: "1", multiattach: "<is> True" } });
    const set = await admin.post(`${A}/types/${t.id}/extra_specs`, { extra_specs: { b: "2", a: "10" } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { extra_specs: { b: "2", a: "10" } }, "the body is echoed");
    assert.deepEqual((await admin.get(`${A}/types/${t.id}/extra_specs`)).body.extra_specs, { a: "10", b: "2", multiattach: "<is> True" });
    assert.deepEqual((await alice.get(`/v3/${P1}/types/${t.id}/extra_specs`)).body.extra_specs, { multiattach: "<is> True" });
    assert.deepEqual((await admin.get(`${A}/types/${t.id}/extra_specs/a`)).body, { a: "10" });
    assertFault(await alice.get(`/v3/${P1}/types/${t.id}/extra_specs/a`), 404, `Volume Type ${t.id} has no extra specs with key a.`);
    assert.deepEqual((await alice.get(`/v3/${P1}/types/${t.id}/extra_specs/multiattach`)).body, { multiattach: "<is> True" });

    const put = await admin.put(`${A}/types/${t.id}/extra_specs/b`, { b: "3" });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { b: "3" });
    assert.deepEqual((await admin.get(`${A}/types/${t.id}/extra_specs/b`)).body, { b: "3" });
    assertFault(await admin.put(`${A}/types/${t.id}/extra_specs/b`, { c: "3" }), 400, "Request body and URI mismatch");
    assertFault(
      await admin.post(`${A}/types/${t.id}/extra_specs`, { extra_specs: { cacheable: "<is> True" } }),
      400,
      "cacheable cannot be set with multiattach.",
    );
    assertFault(
      await alice.post(`/v3/${P1}/types/${t.id}/extra_specs`, { extra_specs: { c: "1" } }),
      403,
      "Policy doesn't allow volume_extension:types_extra_specs:create to be performed.",
    );
    assert.equal((await admin.delete(`${A}/types/${t.id}/extra_specs/b`)).status, 202);
    assertFault(await admin.delete(`${A}/types/${t.id}/extra_specs/b`), 404, `Volume Type ${t.id} has no extra specs with key b.`);
    assertFault(await admin.get(`${A}/types/${UNKNOWN}/extra_specs`), 404, `Volume type ${UNKNOWN} could not be found.`);
    assert.deepEqual((await admin.get(`${A}/types/${t.id}/extra_specs`)).body.extra_specs, { a: "10", multiattach: "<is> True" });
  });

  it("refuses to change the specs of, or delete, a type that volumes use", async () => {
    const t = await createType({ name: "busy", extra_specs: { "vendor:a": "1" } });
    const v = await createVolume(alice, P1, { size: 1, volume_type: t.id });
    assert.equal(v.volume_type, "busy");
    const before = await typeState(fx.s);
    assertFault(await admin.post(`${A}/types/${t.id}/extra_specs`, { extra_specs: { "vendor:a": "2" } }), 400, "Volume Type is currently in use.");
    assertFault(await admin.put(`${A}/types/${t.id}/extra_specs/vendor:a`, { "vendor:a": "2" }), 400, "Volume Type is currently in use.");
    assertFault(await admin.delete(`${A}/types/${t.id}/extra_specs/vendor:a`), 400, "Volume Type is currently in use.");
    assertFault(await admin.delete(`${A}/types/${t.id}`), 400, "Target volume type is still in use.");
    assert.deepEqual(await typeState(fx.s), before);
    await deleteVolume(alice, P1, v.id);
    assert.equal((await admin.post(`${A}/types/${t.id}/extra_specs`, { extra_specs: { "vendor:a": "2" } })).status, 200);
    assert.equal((await admin.delete(`${A}/types/${t.id}`)).status, 202);
  });

  it("shows a private type only to admins and the projects it is shared with", async () => {
    const t = await createType({ name: "private-gold", "os-volume-type-access:is_public": false });
    assert.equal(t.is_public, false);
    const names = async (c: Client, p: string) => (await c.get(`/v3/${p}/types`)).body.volume_types.map((x: any) => x.name);
    assert.ok(!(await names(alice, P1)).includes("private-gold"));
    assertFault(await alice.get(`/v3/${P1}/types/${t.id}`), 404, `Volume type ${t.id} could not be found.`);
    assertFault(
      await alice.post(`/v3/${P1}/volumes`, { volume: { size: 1, volume_type: "private-gold" } }),
      404,
      "Volume type with name private-gold could not be found.",
    );
    assertFault(await alice.post(`/v3/${P1}/volumes`, { volume: { size: 1, volume_type: t.id } }), 404, `Volume type ${t.id} could not be found.`);
    assert.deepEqual((await admin.get(`${A}/types/${t.id}/os-volume-type-access`)).body, { volume_type_access: [] });

    const add = await admin.post(`${A}/types/${t.id}/action`, { addProjectAccess: { project: P1 } });
    assert.equal(add.status, 202);
    assertFault(
      await admin.post(`${A}/types/${t.id}/action`, { addProjectAccess: { project: P1 } }),
      409,
      `Volume type access for ${t.id} / ${P1} combination already exists.`,
    );
    assert.deepEqual((await admin.get(`${A}/types/${t.id}/os-volume-type-access`)).body, {
      volume_type_access: [{ volume_type_id: t.id, project_id: P1 }],
    });
    assert.ok((await names(alice, P1)).includes("private-gold"));
    assert.equal((await alice.get(`/v3/${P1}/types/${t.id}`)).body.volume_type.is_public, false);
    const v = await createVolume(alice, P1, { size: 1, volume_type: "private-gold" });
    assert.equal(v.volume_type_id, t.id);
    assert.ok(!(await names(bob, P2)).includes("private-gold"), "other projects still do not see it");
    assertFault(await bob.get(`/v3/${P2}/types/${t.id}`), 404, `Volume type ${t.id} could not be found.`);
    assertFault(
      await alice.get(`/v3/${P1}/types/${t.id}/os-volume-type-access`),
      403,
      "Policy doesn't allow volume_extension:volume_type_access:get_all_for_type to be performed.",
    );

    assert.equal((await admin.post(`${A}/types/${t.id}/action`, { removeProjectAccess: { project: P1 } })).status, 202);
    assertFault(
      await admin.post(`${A}/types/${t.id}/action`, { removeProjectAccess: { project: P1 } }),
      404,
      `Volume type access not found for ${t.id} / ${P1} combination.`,
    );
    assertFault(await alice.get(`/v3/${P1}/types/${t.id}`), 404, `Volume type ${t.id} could not be found.`);
    assertFault(await admin.post(`${A}/types/${t.id}/action`, { addProjectAccess: { project: "not-a-uuid" } }), 400, /project/);
    await deleteVolume(alice, P1, v.id);

    const pub = await createType({ name: "public-silver" });
    assertFault(await admin.get(`${A}/types/${pub.id}/os-volume-type-access`), 404, "Access list not available for public volume types.");
    assertFault(
      await admin.post(`${A}/types/${pub.id}/action`, { addProjectAccess: { project: P1 } }),
      400,
      "Invalid volume type: Type access modification is not applicable to public volume type.",
    );
  });

  it("lets admins choose public, private or all types with is_public", async () => {
    await createType({ name: "vis-public" });
    await createType({ name: "vis-private", "os-volume-type-access:is_public": false });
    const names = async (q: string) => (await admin.get(`${A}/types${q}`)).body.volume_types.map((x: any) => x.name);
    const dflt = await names("");
    assert.ok(dflt.includes("vis-public") && !dflt.includes("vis-private"), JSON.stringify(dflt));
    const priv = await names("?is_public=false");
    assert.ok(priv.includes("vis-private") && !priv.includes("vis-public"), JSON.stringify(priv));
    const all = await names("?is_public=None");
    assert.ok(all.includes("vis-private") && all.includes("vis-public"));
    assertFault(await admin.get(`${A}/types?is_public=maybe`), 400, "Invalid is_public filter [maybe]");
    const member = (await alice.get(`/v3/${P1}/types?is_public=false`)).body.volume_types.map((x: any) => x.name);
    assert.ok(member.includes("vis-public") && !member.includes("vis-private"), "a member's is_public is ignored");
  });

  it("filters on extra specs from 3.52, hiding sensitive keys from members", async () => {
    await createType({ name: "flt-a", extra_specs: { volume_backend_name: "fast", multiattach: "<is> True" } });
    await createType({ name: "flt-b", extra_specs: { volume_backend_name: "slow" } });
    const q = encodeURIComponent("{'volume_backend_name': 'fast'}");
    const byAdmin = (await admin.get(`${A}/types?extra_specs=${q}`)).body.volume_types.map((x: any) => x.name);
    assert.deepEqual(byAdmin, ["flt-a"]);
    assert.deepEqual((await alice.get(`/v3/${P1}/types?extra_specs=${q}`)).body.volume_types, [], "a sensitive key matches nothing");
    const multi = encodeURIComponent("{'multiattach': '<is> True'}");
    const byMember = (await alice.get(`/v3/${P1}/types?extra_specs=${multi}`)).body.volume_types.map((x: any) => x.name);
    assert.ok(byMember.includes("flt-a") && !byMember.includes("flt-b"), JSON.stringify(byMember));
    assertFault(await alice.get(`/v3/${P1}/types?name=flt-a`), 400, "Invalid filters name are found in query options.");
    const old = (await alice.get(`/v3/${P1}/types?name=flt-a`, { version: "3.51" })).body.volume_types;
    assert.ok(old.length > 1, "before 3.52 a member's unknown filter is dropped");
    assert.deepEqual((await admin.get(`${A}/types?name=flt-b`)).body.volume_types.map((x: any) => x.name), ["flt-b"]);
    assert.deepEqual((await admin.get(`${A}/types?size=1`)).body.volume_types, [], "an admin's unknown column matches nothing");
  });

  it("pages the list with limit, marker and sort", async () => {
    const all = (await admin.get(`${A}/types?is_public=none&sort=name:asc`)).body.volume_types.map((x: any) => x.name);
    assert.deepEqual(all, [...all].sort());
    const seen: string[] = [];
    let url = `${A}/types?is_public=none&sort=name:asc&limit=2`;
    for (let i = 0; i < 50; i++) {
      const r = await admin.get(url);
      assert.equal(r.status, 200);
      seen.push(...r.body.volume_types.map((x: any) => x.name));
      const next = r.body.volume_type_links?.find((l: any) => l.rel === "next");
      if (!next) break;
      assert.equal(r.body.volume_types.length, 2);
      url = new URL(next.href).pathname + new URL(next.href).search;
    }
    assert.deepEqual(seen, all);
    const first = (await admin.get(`${A}/types?is_public=none&sort=name:asc&limit=1&marker=${UNKNOWN}`)).body.volume_types;
    assert.deepEqual(first.map((x: any) => x.name), [all[0]], "an unknown marker starts at the beginning");
    assertFault(await admin.get(`${A}/types?sort=nosuch`), 400, "Invalid input received: Invalid sort key nosuch");
  });

  it("sets, shows, lists and unsets project default types (3.62), which volumes then get", async () => {
    const t = await createType({ name: "p1-default" });
    assertFault(await admin.put(`${A}/default-types/${P1}`, { default_type: { volume_type: "p1-default" } }, { version: "3.61" }), 404);
    const set = await admin.put(`${A}/default-types/${P1}`, { default_type: { volume_type: "p1-default" } }, V362);
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { default_type: { project_id: P1, volume_type_id: t.id } });
    assert.deepEqual((await admin.get(`${A}/default-types/${P1}`, V362)).body, set.body);
    assert.deepEqual((await admin.get(`/v3/default-types/${P1}`, V362)).body, set.body, "project-less URL");
    const list = (await admin.get(`${A}/default-types`, V362)).body.default_types;
    assert.deepEqual(list.filter((d: any) => d.project_id === P1), [{ project_id: P1, volume_type_id: t.id }]);
    assert.equal((await alice.get(`/v3/${P1}/types/default`)).body.volume_type.id, t.id);
    assert.equal((await bob.get(`/v3/${P2}/types/default`)).body.volume_type.name, "__DEFAULT__");

    const v = await createVolume(alice, P1, { size: 1 });
    assert.equal(v.volume_type, "p1-default");
    await deleteVolume(alice, P1, v.id);
    assertFault(await admin.delete(`${A}/types/${t.id}`), 400, `The volume type ${t.id} is a default volume type and cannot be deleted.`);

    const before = await typeState(fx.s);
    assertFault(
      await alice.put(`/v3/${P1}/default-types/${P1}`, { default_type: { volume_type: "p1-default" } }, V362),
      403,
      "You are not authorized to perform this operation.",
    );
    assertFault(await alice.get(`/v3/${P1}/default-types`, V362), 403, "You are not authorized to perform this operation.");
    assertFault(
      await admin.put(`${A}/default-types/${P2}`, { default_type: { volume_type: "nope" } }, V362),
      400,
      "Volume type with name nope could not be found.",
    );
    assertFault(
      await admin.put(`${A}/default-types/${P2}`, { default_type: { volume_type: UNKNOWN } }, V362),
      400,
      `Volume type ${UNKNOWN} could not be found.`,
    );
    assert.deepEqual(await typeState(fx.s), before);

    assert.equal((await admin.delete(`${A}/default-types/${P1}`, V362)).status, 204);
    assertFault(await admin.get(`${A}/default-types/${P1}`, V362), 404, `Default type for project ${P1} not found.`);
    assert.equal((await alice.get(`/v3/${P1}/types/default`)).body.volume_type.name, "__DEFAULT__");
    assert.equal((await admin.delete(`${A}/types/${t.id}`)).status, 202);
  });

  it("places volumes of a type with volume_backend_name on that backend", async () => {
    const slow = await createType({ name: "on-slow", extra_specs: { volume_backend_name: "slow" } });
    const fast = await createType({ name: "on-fast", extra_specs: { volume_backend_name: "fast" } });
    for (let i = 0; i < 2; i++) {
      const a = await createVolume(alice, P1, { size: 1, volume_type: slow.name });
      const b = await createVolume(alice, P1, { size: 1, volume_type: fast.id });
      assert.equal(await hostOf(a.id), "testhost@slow#slow");
      assert.equal(await hostOf(b.id), "testhost@fast#fast");
      await deleteVolume(alice, P1, a.id);
      await deleteVolume(alice, P1, b.id);
    }
    const none = await createType({ name: "on-none", extra_specs: { volume_backend_name: "nowhere" } });
    const r = await alice.post(`/v3/${P1}/volumes`, { volume: { size: 1, volume_type: none.name } });
    assert.equal(r.status, 202);
    await waitStatus(alice, "volumes", P1, r.body.volume.id, "error");
  });

  it("never leaves a volume with a deleted type when creates and the delete race", async () => {
    const db = fx.s.app.services.db.kysely;
    const made: string[] = [];
    let deleted = 0;
    for (let round = 0; round < 6; round++) {
      const t = await createType({ name: `race-${round}` });
      const creates = Array.from({ length: 4 }, () => alice.post(`/v3/${P1}/volumes`, { volume: { size: 1, volume_type: t.id } }));
      const [d, ...cs] = await Promise.all([admin.delete(`${A}/types/${t.id}`), ...creates]);
      for (const r of cs) {
        if (r.status === 202) made.push(r.body.volume.id);
        else assertFault(r, 404, `Volume type ${t.id} could not be found.`);
      }
      if (d.status === 202) deleted++;
      else assertFault(d, 400, "Target volume type is still in use.");
      const wins = cs.filter((r) => r.status === 202).length;
      assert.ok(d.status === 202 ? true : wins > 0, "the delete is refused only when a volume took the type");
    }
    const orphans = await db
      .selectFrom("volumes")
      .select("volumes.id")
      .where("volumes.volume_type_id", "not in", db.selectFrom("volume_types").select("id"))
      .execute();
    assert.deepEqual(orphans, []);
    assert.ok(made.length + deleted > 0);
    for (const id of made) {
      await waitStatus(alice, "volumes", P1, id, "available");
      await deleteVolume(alice, P1, id);
    }
  });

  it("renames the type's per-type quota usage with the type", async () => {
    const t = await createType({ name: "quota-old" });
    const v = await createVolume(alice, P1, { size: 2, volume_type: "quota-old" });
    await admin.put(`${A}/types/${t.id}`, { volume_type: { name: "quota-new" } });
    const rows = await fx.s.app.services.db.kysely
      .selectFrom("quota_usages")
      .select(["resource", "in_use"])
      .where("project_id", "=", P1)
      .where("resource", "like", "%quota-%")
      .orderBy("resource")
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.resource, Number(r.in_use)]),
      [
        ["gigabytes_quota-new", 2],
        ["volumes_quota-new", 1],
      ],
    );
    await deleteVolume(alice, P1, v.id);
    const after = await fx.s.app.services.db.kysely
      .selectFrom("quota_usages")
      .select(["resource", "in_use"])
      .where("project_id", "=", P1)
      .where("resource", "like", "%quota-new")
      .execute();
    assert.ok(after.every((r) => Number(r.in_use) === 0), JSON.stringify(after));
  });
});
