/**
 * Group snapshots through the API (3.14): a snapshot of every volume of a group (each with
 * group_snapshot_id), list and show, delete with its snapshots, reset_status (3.19), and groups
 * made from a group snapshot or a source group (create-from-src) whose volumes are made from the
 * snapshots or cloned; the rules that keep a group, its snapshots and its volumes together.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { createVolume } from "../helpers/lifecycle";
import type { TestServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";
import { waitFor, waitGone } from "../helpers/wait";
import { waitGroup, waitGroupGone } from "../helpers/groups";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const A = "/v3/admin";
const P = "/v3/p1";

async function state(s: TestServer): Promise<string[]> {
  const db = s.app.services.db.kysely;
  const out: string[] = [];
  for (const t of ["groups", "group_snapshots", "quota_usages"] as const) {
    for (const r of await db.selectFrom(t).selectAll().execute()) out.push(`${t} ${JSON.stringify(r)}`);
  }
  for (const r of await db.selectFrom("snapshots").select(["id", "status", "group_snapshot_id"]).execute()) out.push(`snapshot ${JSON.stringify(r)}`);
  for (const r of await db.selectFrom("volumes").select(["id", "status", "group_id"]).execute()) out.push(`volume ${JSON.stringify(r)}`);
  return out.sort();
}

async function waitGroupSnapshot(c: Client, id: string, status: string): Promise<any> {
  let last = "";
  return waitFor(async () => {
    const r = await c.get(`${P}/group_snapshots/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    last = r.body.group_snapshot.status;
    if (last === status) return r.body.group_snapshot;
    if (last.startsWith("error") && !status.startsWith("error")) throw new Error(`group snapshot ${id} went to ${last}`);
    return undefined;
  }, `group snapshot ${id} to be ${status} (last ${last})`);
}

forEachDialect("Group snapshots", function (fx) {
  this.timeout(60_000);
  let admin: Client;
  let alice: Client;
  let gt: any;
  let t1: any;
  before(async () => {
    admin = fx.s.client.as("admin:admin");
    alice = fx.s.client.as("alice:p1");
    gt = (await admin.post(`${A}/group_types`, { group_type: { name: "gs-type" } })).body.group_type;
    t1 = (await admin.post(`${A}/types`, { volume_type: { name: "gs-vt" } })).body.volume_type;
  });

  /** A group with `n` volumes of 1 GiB. */
  async function groupWith(n: number): Promise<{ group: any; volumes: any[] }> {
    const r = await alice.post(`${P}/groups`, { group: { group_type: gt.id, volume_types: [t1.id] } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const group = await waitGroup(alice, "p1", r.body.group.id, "available");
    const volumes = [];
    for (let i = 0; i < n; i++) volumes.push(await createVolume(alice, "p1", { size: 1, volume_type: t1.id, group_id: group.id }));
    return { group, volumes };
  }

  async function snapshotGroup(groupId: string, name = "gs"): Promise<any> {
    const r = await alice.post(`${P}/group_snapshots`, { group_snapshot: { group_id: groupId, name } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.deepEqual(r.body.group_snapshot, { id: r.body.group_snapshot.id, name, group_type_id: gt.id });
    return waitGroupSnapshot(alice, r.body.group_snapshot.id, "available");
  }

  it("snapshots every volume of a group; each snapshot carries group_snapshot_id", async () => {
    const { group, volumes } = await groupWith(2);
    const gs = await snapshotGroup(group.id);
    assert.deepEqual({ ...gs, created_at: undefined }, {
      id: gs.id,
      group_id: group.id,
      group_type_id: gt.id,
      status: "available",
      created_at: undefined,
      name: "gs",
      description: null,
    });
    const snaps = (await alice.get(`${P}/snapshots/detail`, { version: "3.14" })).body.snapshots.filter((s: any) => s.group_snapshot_id === gs.id);
    assert.deepEqual(snaps.map((s: any) => s.volume_id).sort(), volumes.map((v) => v.id).sort());
    assert.ok(snaps.every((s: any) => s.status === "available" && s.name === "gs"));
    // Listing: summary, detail; paging and filters from 3.29.
    assert.ok((await alice.get(`${P}/group_snapshots`)).body.group_snapshots.some((x: any) => x.id === gs.id && Object.keys(x).length === 2));
    const filtered = await alice.get(`${P}/group_snapshots/detail?group_id=${group.id}`, { version: "3.29" });
    assert.deepEqual(filtered.body.group_snapshots.map((x: any) => x.id), [gs.id]);
    assertFault(await alice.get(`${P}/group_snapshots?volume_id=x`, { version: "3.31" }), 400, "Invalid filters volume_id are found in query options.");
    assert.equal((await admin.get(`${A}/group_snapshots/${gs.id}`)).body.group_snapshot.project_id, "p1");
    assert.equal((await alice.get(`${P}/group_snapshots/${gs.id}`)).body.group_snapshot.project_id, undefined);
    // A snapshot of a group snapshot goes with it, and the group with its snapshots stays.
    assertFault(await alice.delete(`${P}/snapshots/${snaps[0].id}`), 400, "Invalid snapshot: Snapshot status must be available or error and must not be part of a group.");
    assertFault(await alice.post(`${P}/groups/${group.id}/action`, { delete: { "delete-volumes": true } }), 400, "Invalid Group: Group has existing snapshots.");
  });

  it("refuses bad group snapshots with Cinder's faults and changes nothing", async () => {
    const { group } = await groupWith(1);
    const before = await state(fx.s);
    assertFault(await alice.post(`${P}/group_snapshots`, { group_snapshot: { group_id: UNKNOWN } }), 404, `Group ${UNKNOWN} could not be found.`);
    assertFault(await alice.post(`${P}/group_snapshots`, { group_snapshot: {} }), 400);
    assertFault(await alice.post(`${P}/group_snapshots`, { group_snapshot: { group_id: group.id, extra: 1 } }), 400);
    assertFault(await alice.post(`${P}/group_snapshots`, { group_snapshot: { group_id: group.id } }, { version: "3.13" }), 404);
    assertFault(await alice.get(`${P}/group_snapshots/${UNKNOWN}`), 404, `GroupSnapshot ${UNKNOWN} could not be found.`);
    assert.deepEqual(await state(fx.s), before);
    assert.equal((await admin.post(`${A}/groups/${group.id}/action`, { reset_status: { status: "error" } })).status, 202);
    const erred = await state(fx.s);
    assertFault(
      await alice.post(`${P}/group_snapshots`, { group_snapshot: { group_id: group.id } }),
      400,
      "Invalid Group: Group status must be available, but current status is: error.",
    );
    assert.deepEqual(await state(fx.s), erred);
  });

  it("deletes a group snapshot with its snapshots; then the group may go", async () => {
    const { group, volumes } = await groupWith(2);
    const gs = await snapshotGroup(group.id);
    const usage = async () => (await admin.get(`${A}/os-quota-sets/p1?usage=true`)).body.quota_set.snapshots.in_use;
    const used = await usage();
    assert.equal((await alice.delete(`${P}/group_snapshots/${gs.id}`)).status, 202);
    await waitFor(async () => ((await alice.get(`${P}/group_snapshots/${gs.id}`)).status === 404 ? true : undefined), "group snapshot gone");
    assert.equal(await usage(), used - 2);
    assert.equal((await alice.post(`${P}/groups/${group.id}/action`, { delete: { "delete-volumes": true } })).status, 202);
    await waitGroupGone(alice, "p1", group.id);
    for (const v of volumes) await waitGone(alice, "volumes", "p1", v.id);
  });

  it("resets a group snapshot's status (3.19, admins only) and refuses deleting one in a transient status", async () => {
    const { group } = await groupWith(1);
    const gs = await snapshotGroup(group.id);
    const url = `${A}/group_snapshots/${gs.id}/action`;
    assertFault(await admin.post(url, { reset_status: { status: "error" } }, { version: "3.18" }), 404);
    assertFault(await alice.post(`${P}/group_snapshots/${gs.id}/action`, { reset_status: { status: "error" } }), 403);
    assertFault(await admin.post(url, { reset_status: { status: "bogus" } }), 400, /Group snapshot status: bogus is invalid/);
    assert.equal((await admin.post(url, { reset_status: { status: "creating" } })).status, 202);
    const before = await state(fx.s);
    assertFault(
      await alice.delete(`${P}/group_snapshots/${gs.id}`),
      400,
      "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation.",
    );
    assert.deepEqual(await state(fx.s), before);
    assert.equal((await admin.post(url, { reset_status: { status: "error" } })).status, 202);
    assert.equal((await alice.delete(`${P}/group_snapshots/${gs.id}`)).status, 202);
  });

  it("creates a group from a group snapshot: a volume from each snapshot, on the source's backend", async () => {
    const { group, volumes } = await groupWith(2);
    const gs = await snapshotGroup(group.id);
    const r = await alice.post(`${P}/groups/action`, { "create-from-src": { group_snapshot_id: gs.id, name: "restored" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.group.name, "restored");
    const g = await waitGroup(alice, "p1", r.body.group.id, "available");
    const shown = (await alice.get(`${P}/groups/${g.id}?list_volume=true`)).body.group;
    assert.deepEqual([shown.group_snapshot_id, shown.source_group_id, shown.group_type, shown.volume_types], [gs.id, null, gt.id, [t1.id]]);
    assert.equal(shown.volumes.length, 2);
    for (const id of shown.volumes) {
      const v = (await alice.get(`${P}/volumes/${id}`)).body.volume;
      assert.equal(v.status, "available");
      assert.equal(v.group_id, g.id);
      assert.ok(v.snapshot_id);
    }
    assert.ok(volumes.length === 2);
  });

  it("creates a group from a source group: a clone of each volume", async () => {
    const { group } = await groupWith(1);
    const r = await alice.post(`${P}/groups/action`, { "create-from-src": { source_group_id: group.id } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const g = await waitGroup(alice, "p1", r.body.group.id, "available");
    const shown = (await alice.get(`${P}/groups/${g.id}?list_volume=true`)).body.group;
    assert.equal(shown.source_group_id, group.id);
    assert.equal(shown.volumes.length, 1);
    assert.ok((await alice.get(`${P}/volumes/${shown.volumes[0]}`)).body.volume.source_volid);
  });

  it("refuses bad sources with Cinder's faults and changes nothing", async () => {
    const { group: empty } = await groupWith(0);
    const emptySnap = await snapshotGroup(empty.id, "empty");
    const before = await state(fx.s);
    const url = `${P}/groups/action`;
    assertFault(await alice.post(url, { "create-from-src": {} }), 400);
    assertFault(await alice.post(url, { "create-from-src": { group_snapshot_id: emptySnap.id, source_group_id: empty.id } }), 400);
    assertFault(await alice.post(url, { "create-from-src": { group_snapshot_id: UNKNOWN } }), 404, `GroupSnapshot ${UNKNOWN} could not be found.`);
    assertFault(await alice.post(url, { "create-from-src": { source_group_id: UNKNOWN } }), 404, `Group ${UNKNOWN} could not be found.`);
    assertFault(await alice.post(url, { "create-from-src": { group_snapshot_id: emptySnap.id } }), 400, "Invalid Group: Group snapshot is empty. No group will be created.");
    assertFault(await alice.post(url, { "create-from-src": { source_group_id: empty.id } }), 400, "Invalid Group: Source Group is empty. No group will be created.");
    assertFault(await alice.post(url, { "create-from-src": { source_group_id: empty.id } }, { version: "3.13" }), 404);
    assertFault(await alice.post(url, { "make-from-src": {} }), 400);
    assert.deepEqual(await state(fx.s), before);
  });
});
