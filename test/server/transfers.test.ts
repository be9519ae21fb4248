/**
 * Volume transfers over HTTP, on both dialects: the `volume-transfers` API and the legacy
 * `os-volume-transfer` one (create, list, show, delete, accept), their microversion fields (3.55
 * no_snapshots, 3.57 history), the faults with Cinder's words, snapshots moved or left behind,
 * quota usage moved in one transaction or not at all, and two accepts at once of which one wins.
 */
import assert from "node:assert/strict";
import { DEFAULT_QUOTAS } from "../../server/src/config";
import { createLogger } from "../../server/src/log";
import { recountUsage } from "../../server/src/quota/recount";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { forEachDialect } from "../helpers/suite";
import { waitStatus } from "../helpers/wait";

const APIS = [
  { name: "volume-transfers", path: "volume-transfers" },
  { name: "os-volume-transfer", path: "os-volume-transfer" },
];

forEachDialect("volume transfers", { quotas: { ...DEFAULT_QUOTAS } }, function (fx) {
  this.timeout(120_000);
  let n = 0;
  const as = (project: string, user = "u"): Client => fx.s.client.as(`${user}:${project}`);
  const admin = () => fx.s.client.as("admin:admin");

  async function volume(project: string, size = 1): Promise<string> {
    const r = await as(project).post(`/v3/${project}/volumes`, { volume: { size } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitStatus(as(project), "volumes", project, r.body.volume.id, "available");
    return r.body.volume.id;
  }

  async function snapshot(project: string, volumeId: string): Promise<string> {
    const r = await as(project).post(`/v3/${project}/snapshots`, { snapshot: { volume_id: volumeId } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitStatus(as(project), "snapshots", project, r.body.snapshot.id, "available");
    return r.body.snapshot.id;
  }

  async function usage(project: string): Promise<Record<string, number>> {
    const r = await admin().get(`/v3/admin/os-quota-sets/${project}?usage=true`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.body.quota_set)) if (v && typeof v === "object") out[k] = (v as { in_use: number }).in_use;
    return out;
  }

  const fresh = () => `t${++n}`;

  for (const api of APIS) {
    it(`${api.name}: create, list, show, delete, accept`, async () => {
      const donor = fresh();
      const recipient = fresh();
      const vid = await volume(donor, 2);
      const c = await as(donor).post(`/v3/${donor}/${api.path}`, { transfer: { volume_id: vid, name: "  first  " } }, { version: "3.0" });
      assert.equal(c.status, 202, JSON.stringify(c.body));
      const t = c.body.transfer;
      assert.match(t.auth_key, /^[0-9a-f]{16}$/);
      assert.equal(t.name, "first");
      assert.equal(t.volume_id, vid);
      assert.equal(t.no_snapshots, undefined);
      assert.match(t.links[0].href, new RegExp(`/v3/${donor}/os-volume-transfer/${t.id}$`));
      assert.equal((await as(donor).get(`/v3/${donor}/volumes/${vid}`)).body.volume.status, "awaiting-transfer");

      // Listed and shown to the donor only; the key is never shown again.
      const list = await as(donor).get(`/v3/${donor}/${api.path}`);
      assert.deepEqual(list.body.transfers.map((x: any) => x.id), [t.id]);
      assert.deepEqual(Object.keys(list.body.transfers[0]).sort(), ["id", "links", "name", "volume_id"]);
      const detail = await as(donor).get(`/v3/${donor}/${api.path}/detail`, { version: "3.57" });
      assert.equal(detail.body.transfers[0].source_project_id, donor);
      assert.equal(detail.body.transfers[0].destination_project_id, null);
      assert.equal(detail.body.transfers[0].accepted, false);
      assert.equal(detail.body.transfers[0].no_snapshots, false);
      const show = await as(donor).get(`/v3/${donor}/${api.path}/${t.id}`);
      assert.equal(show.status, 200);
      assert.equal(show.body.transfer.auth_key, undefined);
      assert.deepEqual((await as(recipient).get(`/v3/${recipient}/${api.path}`)).body.transfers, []);
      assertFault(await as(recipient).get(`/v3/${recipient}/${api.path}/${t.id}`), 404, `Transfer ${t.id} could not be found.`);
      const all = await admin().get(`/v3/admin/${api.path}?all_tenants=1`);
      assert.ok(all.body.transfers.some((x: any) => x.id === t.id));

      // An awaiting volume cannot be deleted, nor offered twice.
      assertFault(await as(donor).delete(`/v3/${donor}/volumes/${vid}`), 400, /awaiting a transfer/);
      assertFault(await as(donor).post(`/v3/${donor}/${api.path}`, { transfer: { volume_id: vid } }), 400, "Invalid volume: status must be available");

      // Delete: the volume is available again.
      assert.equal((await as(donor).delete(`/v3/${donor}/${api.path}/${t.id}`)).status, 202);
      assert.equal((await as(donor).get(`/v3/${donor}/volumes/${vid}`)).body.volume.status, "available");
      assertFault(await as(donor).get(`/v3/${donor}/${api.path}/${t.id}`), 404, `Transfer ${t.id} could not be found.`);

      // Accept: a wrong key, then the right one.
      const c2 = await as(donor).post(`/v3/${donor}/${api.path}`, { transfer: { volume_id: vid } });
      const t2 = c2.body.transfer;
      assert.equal(t2.name, null);
      assertFault(await as(recipient).post(`/v3/${recipient}/${api.path}/${t2.id}/accept`, { accept: { auth_key: "0000000000000000" } }), 400,
        `Invalid auth key: Attempt to transfer ${t2.id} with invalid auth key.`);
      const before = { donor: await usage(donor), recipient: await usage(recipient) };
      const a = await as(recipient, "r").post(`/v3/${recipient}/${api.path}/${t2.id}/accept`, { accept: { auth_key: t2.auth_key } });
      assert.equal(a.status, 202, JSON.stringify(a.body));
      assert.deepEqual(Object.keys(a.body.transfer).sort(), ["id", "links", "name", "volume_id"]);
      const v = await as(recipient).get(`/v3/${recipient}/volumes/${vid}`);
      assert.equal(v.status, 200);
      assert.equal(v.body.volume.status, "available");
      assert.equal(v.body.volume.user_id, "r");
      assertFault(await as(donor).get(`/v3/${donor}/volumes/${vid}`), 404);
      const after = { donor: await usage(donor), recipient: await usage(recipient) };
      assert.equal(after.donor.volumes, before.donor.volumes - 1);
      assert.equal(after.donor.gigabytes, before.donor.gigabytes - 2);
      assert.equal(after.recipient.volumes, (before.recipient.volumes ?? 0) + 1);
      assert.equal(after.recipient.gigabytes, (before.recipient.gigabytes ?? 0) + 2);
      assert.equal(after.recipient.volumes___DEFAULT__, (before.recipient.volumes___DEFAULT__ ?? 0) + 1);
      // Accepted: listed no more, and a second accept finds nothing.
      assert.deepEqual((await as(donor).get(`/v3/${donor}/${api.path}`)).body.transfers, []);
      assertFault(await as(recipient).post(`/v3/${recipient}/${api.path}/${t2.id}/accept`, { accept: { auth_key: t2.auth_key } }), 404,
        `Transfer ${t2.id} could not be found.`);
    });
  }

  it("no_snapshots only on volume-transfers from 3.55; snapshots move with the volume unless left behind", async () => {
    const donor = fresh();
    const recipient = fresh();
    const vid = await volume(donor);
    const sid = await snapshot(donor, vid);
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid, no_snapshots: true } }, { version: "3.54" }), 400);
    assertFault(await as(donor).post(`/v3/${donor}/os-volume-transfer`, { transfer: { volume_id: vid, no_snapshots: true } }, { version: "3.71" }), 400);
    // With its snapshot.
    const c = await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid } }, { version: "3.55" });
    assert.equal(c.status, 202, JSON.stringify(c.body));
    assert.equal(c.body.transfer.no_snapshots, false);
    assert.equal(c.body.transfer.accepted, undefined);
    const before = await usage(donor);
    assert.equal((await as(recipient).post(`/v3/${recipient}/volume-transfers/${c.body.transfer.id}/accept`, { accept: { auth_key: c.body.transfer.auth_key } })).status, 202);
    assert.equal((await as(recipient).get(`/v3/${recipient}/snapshots/${sid}`)).status, 200);
    const after = await usage(donor);
    assert.equal(after.snapshots, before.snapshots - 1);
    assert.equal(after.gigabytes, before.gigabytes - 2);
    assert.equal((await usage(recipient)).snapshots, 1);

    // Back, without its snapshot.
    const c2 = await as(recipient).post(`/v3/${recipient}/volume-transfers`, { transfer: { volume_id: vid, no_snapshots: "true" } }, { version: "3.55" });
    assert.equal(c2.status, 202, JSON.stringify(c2.body));
    assert.equal(c2.body.transfer.no_snapshots, true);
    assert.equal((await as(donor).post(`/v3/${donor}/volume-transfers/${c2.body.transfer.id}/accept`, { accept: { auth_key: c2.body.transfer.auth_key } })).status, 202);
    assert.equal((await as(donor).get(`/v3/${donor}/volumes/${vid}`)).status, 200);
    assert.equal((await as(recipient).get(`/v3/${recipient}/snapshots/${sid}`)).status, 200);
    assert.equal((await usage(recipient)).snapshots, 1);
    assert.equal((await usage(recipient)).volumes, 0);
  });

  it("refuses a transfer of a volume whose snapshot is not available", async () => {
    const donor = fresh();
    const vid = await volume(donor);
    const sid = await snapshot(donor, vid);
    assert.equal((await admin().post(`/v3/admin/snapshots/${sid}/action`, { "os-reset_status": { status: "error" } })).status, 202);
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid } }), 400,
      `Invalid snapshot: Snapshot: ${sid}, status: error prevents transferring the volume.`);
    const ok = await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid, no_snapshots: true } });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: "9c1c2f6a-7b64-4d2e-9d7b-1f5b3f0a2c11" } }), 404,
      "Volume 9c1c2f6a-7b64-4d2e-9d7b-1f5b3f0a2c11 could not be found.");
  });

  it("a recipient short of quota gets Cinder's 413 and nothing changes on either side", async () => {
    const donor = fresh();
    const recipient = fresh();
    const vid = await volume(donor, 3);
    assert.equal((await admin().put(`/v3/admin/os-quota-sets/${recipient}`, { quota_set: { gigabytes: 2 } })).status, 200);
    const c = await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid } });
    const before = { donor: await usage(donor), recipient: await usage(recipient) };
    assertFault(await as(recipient).post(`/v3/${recipient}/volume-transfers/${c.body.transfer.id}/accept`, { accept: { auth_key: c.body.transfer.auth_key } }), 413,
      "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 3G, quota is 2G and 0G has been consumed.");
    assert.deepEqual({ donor: await usage(donor), recipient: await usage(recipient) }, before);
    const v = await as(donor).get(`/v3/${donor}/volumes/${vid}`);
    assert.equal(v.body.volume.status, "awaiting-transfer");
    assert.equal((await as(donor).get(`/v3/${donor}/volume-transfers/${c.body.transfer.id}`)).status, 200);
    assert.equal((await admin().put(`/v3/admin/os-quota-sets/${recipient}`, { quota_set: { volumes: 0, gigabytes: 10 } })).status, 200);
    assertFault(await as(recipient).post(`/v3/${recipient}/volume-transfers/${c.body.transfer.id}/accept`, { accept: { auth_key: c.body.transfer.auth_key } }), 413,
      "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota 'volumes'.");
    assert.deepEqual({ donor: await usage(donor), recipient: await usage(recipient) }, before);
  });

  it("a volume reset out of awaiting-transfer cannot be accepted; a forced delete takes its transfer along", async () => {
    const donor = fresh();
    const recipient = fresh();
    const vid = await volume(donor);
    const c = await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid } });
    const tid = c.body.transfer.id;
    assert.equal((await admin().post(`/v3/admin/volumes/${vid}/action`, { "os-reset_status": { status: "maintenance" } })).status, 202);
    assertFault(await as(recipient).post(`/v3/${recipient}/volume-transfers/${tid}/accept`, { accept: { auth_key: c.body.transfer.auth_key } }), 400,
      "Invalid volume: The volume cannot accept transfer in maintenance mode.");
    assert.equal((await admin().post(`/v3/admin/volumes/${vid}/action`, { "os-reset_status": { status: "available" } })).status, 202);
    assertFault(await as(recipient).post(`/v3/${recipient}/volume-transfers/${tid}/accept`, { accept: { auth_key: c.body.transfer.auth_key } }), 400,
      `Invalid volume: Transfer ${tid}: Volume id ${vid} expected in awaiting-transfer state.`);
    assert.equal((await as(donor).get(`/v3/${donor}/volumes/${vid}`)).body.volume.project_id ?? donor, donor);
    assert.equal((await admin().post(`/v3/admin/volumes/${vid}/action`, { "os-reset_status": { status: "awaiting-transfer" } })).status, 202);
    assert.equal((await admin().post(`/v3/admin/volumes/${vid}/action`, { "os-force_delete": {} })).status, 202);
    await waitFor404(as(donor), `/v3/${donor}/volumes/${vid}`);
    assertFault(await as(donor).get(`/v3/${donor}/volume-transfers/${tid}`), 404, `Transfer ${tid} could not be found.`);
  });

  it("two accepts of the same transfer at once: exactly one wins", async () => {
    const donor = fresh();
    const vid = await volume(donor, 1);
    const c = await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid } });
    const key = c.body.transfer.auth_key;
    const takers = [fresh(), fresh(), fresh()];
    const answers = await Promise.all(
      takers.map((p) => as(p).post(`/v3/${p}/volume-transfers/${c.body.transfer.id}/accept`, { accept: { auth_key: key } })),
    );
    const won = answers.map((r, i) => [r.status, takers[i]] as const).filter(([s]) => s === 202);
    assert.equal(won.length, 1, JSON.stringify(answers.map((r) => [r.status, r.body])));
    for (const r of answers) if (r.status !== 202) assertFault(r, 404, `Transfer ${c.body.transfer.id} could not be found.`);
    const winner = won[0][1];
    assert.equal((await as(winner).get(`/v3/${winner}/volumes/${vid}`)).status, 200);
    assert.equal((await usage(winner)).volumes, 1);
    for (const p of takers.filter((p) => p !== winner)) assert.equal((await usage(p)).volumes ?? 0, 0);
    assert.equal((await usage(donor)).volumes, 0);
  });

  it("transfers crossing each other (A to B beside B to A) all succeed, and usage stays what the rows hold", async () => {
    const a = fresh();
    const b = fresh();
    const offers: Array<{ to: string; id: string; key: string }> = [];
    for (const [from, to] of [[a, b], [b, a]] as const) {
      for (let i = 0; i < 4; i++) {
        const vid = await volume(from, 1 + i);
        await snapshot(from, vid);
        const t = (await as(from).post(`/v3/${from}/volume-transfers`, { transfer: { volume_id: vid } })).body.transfer;
        offers.push({ to, id: t.id, key: t.auth_key });
      }
    }
    const answers = await Promise.all(offers.map((o) => as(o.to).post(`/v3/${o.to}/volume-transfers/${o.id}/accept`, { accept: { auth_key: o.key } })));
    assert.deepEqual([...new Set(answers.map((r) => r.status))], [202], JSON.stringify(answers.find((r) => r.status !== 202)?.body));
    for (const p of [a, b]) {
      const u = await usage(p);
      assert.equal(u.volumes, 4);
      assert.equal(u.snapshots, 4);
      assert.equal(u.gigabytes, 2 * (1 + 2 + 3 + 4));
    }
    assert.deepEqual(await recountUsage(fx.s.app.services.db, createLogger("silent")), [], "the usage rows are what the volumes and snapshots hold");
  });

  it("pages by limit and offset, by marker from 3.59 on volume-transfers, and refuses actions on an awaiting volume", async () => {
    const donor = fresh();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const vid = await volume(donor);
      ids.push((await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid } })).body.transfer.id);
    }
    // Below 3.59: oldest first, limit and offset only (a sort is ignored).
    const old = await as(donor).get(`/v3/${donor}/volume-transfers?limit=2&sort=id:desc`, { version: "3.58" });
    assert.deepEqual(old.body.transfers.map((t: any) => t.id), ids.slice(0, 2));
    // From 3.59: newest first by default, paged by marker.
    const first = await as(donor).get(`/v3/${donor}/volume-transfers?limit=2`, { version: "3.59" });
    assert.deepEqual(first.body.transfers.map((t: any) => t.id), [ids[2], ids[1]]);
    assert.match(first.body.transfers_links[0].href, new RegExp(`marker=${ids[1]}`));
    const next = await as(donor).get(`/v3/${donor}/volume-transfers?limit=2&marker=${ids[1]}`, { version: "3.59" });
    assert.deepEqual(next.body.transfers.map((t: any) => t.id), [ids[0]]);
    assert.equal(next.body.transfers_links, undefined);
    const asc = await as(donor).get(`/v3/${donor}/volume-transfers/detail?sort=created_at:asc&limit=2&marker=${ids[0]}`, { version: "3.59" });
    assert.deepEqual(asc.body.transfers.map((t: any) => t.id), ids.slice(1));
    assertFault(await as(donor).get(`/v3/${donor}/volume-transfers?sort=name`, { version: "3.59" }), 400, "Invalid input received: Invalid sort key name");
    const legacy = await as(donor).get(`/v3/${donor}/os-volume-transfer/detail?limit=1&offset=1`);
    assert.deepEqual(legacy.body.transfers.map((t: any) => t.id), [ids[1]]);
    assertFault(await as(donor).get(`/v3/${donor}/volume-transfers?marker=00000000-0000-4000-8000-000000000000`, { version: "3.59" }), 404);

    const vid = (await as(donor).get(`/v3/${donor}/volume-transfers/${ids[0]}`)).body.transfer.volume_id;
    assertFault(await as(donor).post(`/v3/${donor}/volumes/${vid}/action`, { "os-extend": { new_size: 2 } }), 400);
    assertFault(await as(donor).post(`/v3/${donor}/snapshots`, { snapshot: { volume_id: vid } }), 400);
  });

  it("refuses bodies Cinder's schemas refuse", async () => {
    const donor = fresh();
    const vid = await volume(donor);
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid, name: "   " } }), 400);
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: {} }), 400);
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid, extra: 1 } }), 400);
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers/x/accept`, { accept: {} }), 400);
    const c = await as(donor).post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: vid } });
    // A numeric key is its decimal text, as Cinder's str(auth_key) makes it.
    assertFault(await as(donor).post(`/v3/${donor}/volume-transfers/${c.body.transfer.id}/accept`, { accept: { auth_key: 12 } }), 400, /Invalid auth key/);
  });

  async function waitFor404(c: Client, path: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await c.get(path)).status === 404) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${path} still there`);
  }
});
