/**
 * Generic volume groups through the API (3.13): create (placed by the scheduler, `available`),
 * list and show (filters, microversion fields, list_volume), volumes created in a group, update
 * (name, description, add and remove volumes with Cinder's checks), delete (with and without
 * delete-volumes), reset_status (3.20), the `groups` quota, and the rules that keep group types,
 * volume types and volumes in a group from going away; faults that change nothing.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { createVolume } from "../helpers/lifecycle";
import type { TestServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";
import { recountUsage } from "../../server/src/quota/recount";
import { createLogger } from "../../server/src/log";
import { waitGone } from "../helpers/wait";
import { waitGroup, waitGroupGone } from "../helpers/groups";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const A = "/v3/admin";
const P = "/v3/p1";

async function groupState(s: TestServer): Promise<string[]> {
  const db = s.app.services.db.kysely;
  const out: string[] = [];
  for (const t of ["groups", "group_volume_type_mapping", "quota_usages"] as const) {
    for (const r of await db.selectFrom(t).selectAll().execute()) out.push(`${t} ${JSON.stringify(r)}`);
  }
  for (const r of await db.selectFrom("volumes").select(["id", "status", "group_id"]).execute()) out.push(`volume ${JSON.stringify(r)}`);
  return out.sort();
}

forEachDialect("Groups", function (fx) {
  this.timeout(60_000);
  let admin: Client;
  let alice: Client;
  let gt: any;
  let t1: any;
  let t2: any;
  let t3: any;
  before(async () => {
    admin = fx.s.client.as("admin:admin");
    alice = fx.s.client.as("alice:p1");
    gt = (await admin.post(`${A}/group_types`, { group_type: { name: "gtype" } })).body.group_type;
    for (const [name, set] of [["gv1", (t: any) => (t1 = t)], ["gv2", (t: any) => (t2 = t)], ["gv3", (t: any) => (t3 = t)]] as const) {
      const r = await admin.post(`${A}/types`, { volume_type: { name } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      set(r.body.volume_type);
    }
  });

  async function createGroup(c: Client, project: string, body: Record<string, unknown> = {}): Promise<any> {
    const r = await c.post(`/v3/${project}/groups`, { group: { group_type: gt.id, volume_types: [t1.id, t2.id], ...body } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body.group).sort(), ["id", "name"]);
    return waitGroup(c, project, r.body.group.id, "available");
  }

  async function volumeIn(group: string, type = t1.name): Promise<any> {
    return createVolume(alice, "p1", { size: 1, volume_type: type, group_id: group });
  }

  it("creates a group (202 {id, name}) that the scheduler places and makes available", async () => {
    const r = await alice.post(`${P}/groups`, {
      group: { group_type: "gtype", volume_types: ["gv1", t2.id], name: "  first  ", description: "d" },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.group.name, "first");
    const g = await waitGroup(alice, "p1", r.body.group.id, "available");
    assert.deepEqual(
      { ...g, created_at: undefined },
      {
        id: r.body.group.id,
        status: "available",
        availability_zone: "nova",
        created_at: undefined,
        name: "first",
        description: "d",
        group_type: gt.id,
        volume_types: [t1.id, t2.id].sort(),
      },
    );
    const latest = (await alice.get(`${P}/groups/${g.id}?list_volume=true`)).body.group;
    assert.deepEqual(
      { gs: latest.group_snapshot_id, sg: latest.source_group_id, vols: latest.volumes, rep: latest.replication_status, p: latest.project_id },
      { gs: null, sg: null, vols: [], rep: "disabled", p: undefined },
    );
    assert.equal((await admin.get(`${A}/groups/${g.id}`)).body.group.project_id, "p1");
    const host = (await fx.s.app.services.db.kysely.selectFrom("groups").select("host").where("id", "=", g.id).executeTakeFirst())?.host;
    assert.match(host ?? "", /@file#/);
  });

  it("needs microversion 3.13; reset_status needs 3.20", async () => {
    assertFault(await alice.get(`${P}/groups`, { version: "3.12" }), 404);
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: [t1.id] } }, { version: "3.12" }), 404);
    const g = await createGroup(alice, "p1");
    assertFault(await admin.post(`${A}/groups/${g.id}/action`, { reset_status: { status: "error" } }, { version: "3.19" }), 404);
  });

  it("refuses bad creates with Cinder's faults and changes nothing", async () => {
    const before = await groupState(fx.s);
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: "nope", volume_types: [t1.id] } }), 404, "Group type with name nope could not be found.");
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: UNKNOWN, volume_types: [t1.id] } }), 404, `Group type ${UNKNOWN} could not be found.`);
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: ["nope"] } }), 404, "Volume type with name nope could not be found.");
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: [] } }), 400);
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: [t1.id, t1.id] } }), 400);
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: gt.id } }), 400);
    assertFault(await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: [t1.id], size: 1 } }), 400);
    assertFault(
      await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: [t1.id], availability_zone: "mars" } }),
      400,
      "Invalid input received: Availability zone 'mars' is invalid.",
    );
    assert.deepEqual(await groupState(fx.s), before);
  });

  it("takes one of the project's groups quota and gives it back on delete", async () => {
    assert.equal((await admin.put(`${A}/os-quota-sets/q1`, { quota_set: { groups: 1 } })).status, 200);
    const bob = fx.s.client.as("bob:q1");
    const g = await createGroup(bob, "q1");
    const usage = async () => (await admin.get(`${A}/os-quota-sets/q1?usage=true`)).body.quota_set.groups;
    assert.equal((await usage()).in_use, 1);
    // A usage row that lost count is set right from the group rows by the recount on start.
    const db = fx.s.app.services.db;
    await db.kysely.updateTable("quota_usages").set({ in_use: 5 }).where("project_id", "=", "q1").where("resource", "=", "groups").execute();
    assert.deepEqual(await recountUsage(db, createLogger("silent")), ["q1"]);
    assert.equal((await usage()).in_use, 1);
    const before = await groupState(fx.s);
    assertFault(
      await bob.post(`/v3/q1/groups`, { group: { group_type: gt.id, volume_types: [t1.id] } }),
      413,
      "GroupLimitExceeded: Maximum number of groups allowed (1) exceeded",
    );
    assert.deepEqual(await groupState(fx.s), before);
    assert.equal((await bob.post(`/v3/q1/groups/${g.id}/action`, { delete: {} })).status, 202);
    await waitGroupGone(bob, "q1", g.id);
    assert.equal((await usage()).in_use, 0);
  });

  it("creates volumes in a group: they need one of its types, show group_id from 3.13 and filter by it", async () => {
    const g = await createGroup(alice, "p1");
    const before = await groupState(fx.s);
    assertFault(
      await alice.post(`${P}/volumes`, { volume: { size: 1, group_id: g.id } }),
      400,
      "Invalid input received: volume_type must be provided when creating a volume in a group.",
    );
    assertFault(
      await alice.post(`${P}/volumes`, { volume: { size: 1, group_id: g.id, volume_type: t3.id } }),
      400,
      `Invalid input received: Invalid volume_type provided: ${t3.id} (requested type must be supported by this group).`,
    );
    assertFault(await alice.post(`${P}/volumes`, { volume: { size: 1, group_id: UNKNOWN, volume_type: t1.id } }), 404, `Group ${UNKNOWN} could not be found.`);
    assert.deepEqual(await groupState(fx.s), before);
    const v = await volumeIn(g.id);
    assert.equal(v.group_id, g.id);
    assert.equal((await alice.get(`${P}/volumes/${v.id}`, { version: "3.12" })).body.volume.group_id, undefined);
    const listed = await alice.get(`${P}/volumes?group_id=${g.id}`, { version: "3.10" });
    assert.deepEqual(listed.body.volumes.map((x: any) => x.id), [v.id]);
    assert.deepEqual((await alice.get(`${P}/groups/${g.id}?list_volume=true`, { version: "3.25" })).body.group.volumes, [v.id]);
    // A volume in a group is deleted with its group, not alone.
    assertFault(await alice.delete(`${P}/volumes/${v.id}`), 400, /belong to a group/);
    // Nor retyped while in it (cinder/volume/api.py retype expects no group_id), and nothing changes.
    const held = await groupState(fx.s);
    assertFault(await alice.post(`${P}/volumes/${v.id}/action`, { "os-retype": { new_type: t2.id } }), 400, /not be part of an active migration or a consistency group/);
    assert.deepEqual(await groupState(fx.s), held);
    assert.equal((await alice.get(`${P}/volumes/${v.id}`)).body.volume.volume_type, t1.name);
  });

  it("renames, adds and removes volumes (updating → available), with Cinder's checks", async () => {
    const g = await createGroup(alice, "p1");
    const other = await createGroup(alice, "p1");
    const inside = await volumeIn(g.id);
    const outside = await createVolume(alice, "p1", { size: 1, volume_type: t2.name });
    const wrongType = await createVolume(alice, "p1", { size: 1, volume_type: t3.name });
    const inOther = await volumeIn(other.id);
    const url = `${P}/groups/${g.id}`;
    const before = await groupState(fx.s);
    const cannot = (id: string) => `Invalid volume: Cannot add volume ${id} to group ${g.id}`;
    assertFault(await alice.put(url, { group: { add_volumes: UNKNOWN } }), 400, `${cannot(UNKNOWN)} because volume cannot be found.`);
    assertFault(await alice.put(url, { group: { add_volumes: inOther.id } }), 400, `${cannot(inOther.id)} because it is already in group ${other.id}.`);
    assertFault(await alice.put(url, { group: { add_volumes: wrongType.id } }), 400, `${cannot(wrongType.id)} because volume type ${t3.id} is not supported by the group.`);
    assertFault(
      await alice.put(url, { group: { add_volumes: outside.id, remove_volumes: outside.id } }),
      400,
      `Invalid volume: UUIDs ['${outside.id}'] are in both add and remove volume list.`,
    );
    assertFault(
      await alice.put(url, { group: { remove_volumes: outside.id } }),
      400,
      `Invalid volume: Cannot remove volume ${outside.id} from group ${g.id} because it is not in the group.`,
    );
    assertFault(
      await alice.put(url, { group: { name: g.name } }),
      400,
      `Invalid Group: Cannot update group ${g.id} because no valid name, description, add_volumes, or remove_volumes were provided.`,
    );
    assertFault(await alice.put(url, { group: {} }), 400);
    assertFault(await alice.put(url, { group: { size: 1 } }), 400);
    assert.deepEqual(await groupState(fx.s), before);

    assert.equal((await alice.put(url, { group: { name: "renamed", description: "x" } })).status, 202);
    const renamed = (await alice.get(url)).body.group;
    assert.deepEqual([renamed.name, renamed.description, renamed.status], ["renamed", "x", "available"]);

    assert.equal((await alice.put(url, { group: { add_volumes: `${outside.id},`, remove_volumes: inside.id } })).status, 202);
    await waitGroup(alice, "p1", g.id, "available");
    assert.equal((await alice.get(`${P}/volumes/${outside.id}`)).body.volume.group_id, g.id);
    assert.equal((await alice.get(`${P}/volumes/${inside.id}`)).body.volume.group_id, null);
    assert.deepEqual((await alice.get(`${url}?list_volume=true`)).body.group.volumes, [outside.id]);

    // Not available: no update.
    assert.equal((await admin.post(`${A}/groups/${g.id}/action`, { reset_status: { status: "error" } })).status, 202);
    assertFault(await alice.put(url, { group: { name: "z" } }), 400, "Invalid Group: Group status must be available, but current status is: error.");
  });

  it("lists groups (summary, detail, name filter, all_tenants for admins, paging)", async () => {
    const g = await createGroup(alice, "p1", { name: "listed-one" });
    const mine = await alice.get(`${P}/groups?name=listed-one`);
    assert.deepEqual(mine.body.groups, [{ id: g.id, name: "listed-one" }]);
    const detail = await alice.get(`${P}/groups/detail?name=listed-one`);
    assert.equal(detail.body.groups[0].status, "available");
    assertFault(await alice.get(`${P}/groups?status=available`), 400, "Invalid filters status are found in query options.");
    const page = await alice.get(`${P}/groups?limit=1`);
    assert.equal(page.body.groups.length, 1);
    assert.match(page.body.group_links[0].href, /marker=/);
    assertFault(await alice.get(`${P}/groups?marker=${UNKNOWN}`), 404, `Group ${UNKNOWN} could not be found.`);
    const bobs = fx.s.client.as("bob:p9");
    assert.deepEqual((await bobs.get(`/v3/p9/groups`)).body.groups, []);
    assertFault(await bobs.get(`/v3/p9/groups/${g.id}`), 404, `Group ${g.id} could not be found.`);
    const all = await admin.get(`${A}/groups?all_tenants=1&name=listed-one`);
    assert.deepEqual(all.body.groups.map((x: any) => x.id), [g.id]);
  });

  it("deletes a group: refused with volumes unless delete-volumes, which deletes them too", async () => {
    const g = await createGroup(alice, "p1");
    const v = await volumeIn(g.id);
    const before = await groupState(fx.s);
    assertFault(
      await alice.post(`${P}/groups/${g.id}/action`, { delete: { "delete-volumes": false } }),
      400,
      `Invalid Group: Group ${g.id} still contains volumes. The delete-volumes flag is required to delete it.`,
    );
    assertFault(await alice.post(`${P}/groups/${g.id}/action`, { delete: { "delete-volumes": "maybe" } }), 400);
    assertFault(await alice.post(`${P}/groups/${g.id}/action`, { remove: {} }), 400);
    assertFault(await alice.post(`${P}/groups/${UNKNOWN}/action`, { delete: {} }), 404, `Group ${UNKNOWN} could not be found.`);
    assert.deepEqual(await groupState(fx.s), before);
    assert.equal((await alice.post(`${P}/groups/${g.id}/action`, { delete: { "delete-volumes": true } })).status, 202);
    await waitGroupGone(alice, "p1", g.id);
    await waitGone(alice, "volumes", "p1", v.id);
  });

  it("resets a group's status (admins only, Cinder's statuses)", async () => {
    const g = await createGroup(alice, "p1");
    const url = `${A}/groups/${g.id}/action`;
    assertFault(await alice.post(`${P}/groups/${g.id}/action`, { reset_status: { status: "error" } }), 403, "Policy doesn't allow group:reset_status to be performed.");
    assertFault(await admin.post(url, { reset_status: { status: "bogus" } }), 400, /Group status: bogus is invalid/);
    assertFault(await admin.post(url, { reset_status: {} }), 400);
    assert.equal((await admin.post(url, { reset_status: { status: "Error" } })).status, 202);
    assert.equal((await alice.get(`${P}/groups/${g.id}`)).body.group.status, "error");
    // An error group may be deleted without the flag.
    assert.equal((await alice.post(`${P}/groups/${g.id}/action`, { delete: {} })).status, 202);
    await waitGroupGone(alice, "p1", g.id);
  });

  it("keeps group types and volume types that groups use", async () => {
    const t = (await admin.post(`${A}/types`, { volume_type: { name: "in-a-group" } })).body.volume_type;
    const r = await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: [t.id] } });
    const g = await waitGroup(alice, "p1", r.body.group.id, "available");
    assertFault(await admin.delete(`${A}/types/${t.id}`), 400, "Target volume type is still in use.");
    assertFault(
      await admin.delete(`${A}/group_types/${gt.id}`),
      400,
      `Target group type is still in use. Group Type ${gt.id} deletion is not allowed with groups present with the type.`,
    );
    assert.equal((await alice.post(`${P}/groups/${g.id}/action`, { delete: {} })).status, 202);
    await waitGroupGone(alice, "p1", g.id);
    assert.equal((await admin.delete(`${A}/types/${t.id}`)).status, 202);
  });
});
