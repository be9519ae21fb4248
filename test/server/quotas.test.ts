/**
 * Quotas: limits per project, enforced on create, extend and snapshot in the same transaction as the
 * status change, released when rows go; the quota API (show with usage, update, delete, defaults,
 * classes); and the race the issue names: 50 concurrent creates never exceed the quota by even one.
 */
import assert from "node:assert/strict";
import { DEFAULT_QUOTAS } from "../../server/src/config";
import { assertFault } from "../helpers/faults";
import { forEachDialect } from "../helpers/suite";
import { waitGone, waitStatus } from "../helpers/wait";

forEachDialect("quotas", { quotas: { ...DEFAULT_QUOTAS } }, function (fx) {
  this.timeout(120_000);

  const admin = () => fx.s.client.as("admin:admin");

  async function create(project: string, size: number) {
    return fx.s.client.as(`u:${project}`).post(`/v3/${project}/volumes`, { volume: { size } });
  }

  it("shows Cinder's defaults, with usage on request, and per-type keys for every type", async () => {
    const r = await fx.s.client.as("u:q1").get("/v3/q1/os-quota-sets/q1");
    assert.equal(r.status, 200);
    assert.equal(r.body.quota_set.id, "q1");
    assert.equal(r.body.quota_set.volumes, 10);
    assert.equal(r.body.quota_set.gigabytes, 1000);
    assert.equal(r.body.quota_set.per_volume_gigabytes, -1);
    assert.equal(r.body.quota_set.volumes___DEFAULT__, -1);
    const c = await create("q1", 3);
    await waitStatus(fx.s.client.as("u:q1"), "volumes", "q1", c.body.volume.id, "available");
    const u = await fx.s.client.as("u:q1").get("/v3/q1/os-quota-sets/q1?usage=true");
    assert.deepEqual(u.body.quota_set.volumes, { limit: 10, in_use: 1, reserved: 0 });
    assert.deepEqual(u.body.quota_set.gigabytes, { limit: 1000, in_use: 3, reserved: 0 });
    assert.deepEqual(u.body.quota_set.gigabytes___DEFAULT__, { limit: -1, in_use: 3, reserved: 0 });
    const d = await fx.s.client.as("u:q1").get("/v3/q1/os-quota-sets/q1/defaults");
    assert.equal(d.body.quota_set.volumes, 10);
  });

  it("lets only an admin change quotas, and refuses a limit below what is used", async () => {
    assertFault(await fx.s.client.as("u:q2").put("/v3/q2/os-quota-sets/q2", { quota_set: { volumes: 50 } }), 403,
      "Policy doesn't allow volume_extension:quotas:update to be performed.");
    assertFault(await fx.s.client.as("u:q2").get("/v3/q2/os-quota-sets/q3"), 403,
      "Policy doesn't allow volume_extension:quotas:show to be performed.");
    const c = await create("q2", 2);
    await waitStatus(fx.s.client.as("u:q2"), "volumes", "q2", c.body.volume.id, "available");
    assertFault(await admin().put("/v3/admin/os-quota-sets/q2", { quota_set: { gigabytes: 1 } }), 400,
      "Quota gigabytes limit must be equal or greater than existing resources. Current usage is 2 and the requested limit is 1.");
    assertFault(await admin().put("/v3/admin/os-quota-sets/q2", { quota_set: { volumes_nosuchtype: 3 } }), 400, /volumes_nosuchtype/);
    const ok = await admin().put("/v3/admin/os-quota-sets/q2", { quota_set: { volumes: 1, gigabytes: 2 } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.quota_set.volumes, 1);
    assert.equal(ok.body.quota_set.id, undefined, "Cinder's update answer has no id");
    // Now full: a second volume is refused with 413, naming the quota, and nothing is created.
    const before = (await fx.s.client.as("u:q2").get("/v3/q2/volumes")).body.volumes.length;
    const over = await create("q2", 1);
    assertFault(over, 413, "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes'.");
    assert.equal(over.headers.get("retry-after"), "0");
    assert.equal((await fx.s.client.as("u:q2").get("/v3/q2/volumes")).body.volumes.length, before);
    // Extending past gigabytes is refused too, and the volume stays as it was.
    assertFault(await fx.s.client.as("u:q2").post(`/v3/q2/volumes/${c.body.volume.id}/action`, { "os-extend": { new_size: 3 } }), 413,
      "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 1G, quota is 2G and 2G has been consumed.");
    const v = await fx.s.client.as("u:q2").get(`/v3/q2/volumes/${c.body.volume.id}`);
    assert.equal(v.body.volume.status, "available");
    assert.equal(v.body.volume.size, 2);
    // A snapshot needs gigabytes as well (Cinder counts snapshot gigabytes).
    assertFault(await fx.s.client.as("u:q2").post("/v3/q2/snapshots", { snapshot: { volume_id: c.body.volume.id } }), 413, /^VolumeSizeExceedsAvailableQuota: /);
    // Reset to the defaults: the volume fits again.
    const del = await admin().delete("/v3/admin/os-quota-sets/q2");
    assert.equal(del.status, 200);
    assert.equal((await create("q2", 1)).status, 202);
  });

  it("gives quota back when volumes and snapshots are deleted", async () => {
    const c = fx.s.client.as("u:q4");
    const v = await create("q4", 2);
    await waitStatus(c, "volumes", "q4", v.body.volume.id, "available");
    const snap = await c.post("/v3/q4/snapshots", { snapshot: { volume_id: v.body.volume.id } });
    await waitStatus(c, "snapshots", "q4", snap.body.snapshot.id, "available");
    let u = (await c.get("/v3/q4/os-quota-sets/q4?usage=true")).body.quota_set;
    assert.equal(u.gigabytes.in_use, 4);
    assert.equal(u.snapshots.in_use, 1);
    await c.delete(`/v3/q4/volumes/${v.body.volume.id}?cascade=true`);
    await waitGone(c, "volumes", "q4", v.body.volume.id);
    u = (await c.get("/v3/q4/os-quota-sets/q4?usage=true")).body.quota_set;
    assert.deepEqual([u.volumes.in_use, u.snapshots.in_use, u.gigabytes.in_use], [0, 0, 0]);
  });

  it("charges a snapshot an admin makes of another project's volume to the admin's project, which owns it", async () => {
    const owner = fx.s.client.as("u:q8");
    const v = await create("q8", 2);
    await waitStatus(owner, "volumes", "q8", v.body.volume.id, "available");
    const a = fx.s.client.as("admin:q9");
    const snap = await a.post("/v3/q9/snapshots", { snapshot: { volume_id: v.body.volume.id } });
    assert.equal(snap.status, 202, JSON.stringify(snap.body));
    await waitStatus(a, "snapshots", "q9", snap.body.snapshot.id, "available");
    const usage = async (p: string) => {
      const q = (await admin().get(`/v3/admin/os-quota-sets/${p}?usage=true`)).body.quota_set;
      return [q.volumes.in_use, q.snapshots.in_use, q.gigabytes.in_use];
    };
    assert.deepEqual(await usage("q8"), [1, 0, 2], "the volume's project pays for the volume only");
    assert.deepEqual(await usage("q9"), [0, 1, 2], "the snapshot's project pays for the snapshot");
    assert.equal((await a.delete(`/v3/q9/snapshots/${snap.body.snapshot.id}`)).status, 202);
    await waitGone(a, "snapshots", "q9", snap.body.snapshot.id);
    assert.deepEqual(await usage("q9"), [0, 0, 0], "the snapshot's quota comes back to its project");
    assert.deepEqual(await usage("q8"), [1, 0, 2]);
  });

  it("enforces per_volume_gigabytes", async () => {
    await admin().put("/v3/admin/os-quota-sets/q5", { quota_set: { per_volume_gigabytes: 5 } });
    assertFault(await create("q5", 6), 413, "VolumeSizeExceedsLimit: Requested volume size 6G is larger than maximum allowed limit 5G.");
    assert.equal((await create("q5", 5)).status, 202);
  });

  it("never lets 50 concurrent creates exceed the quota by even one", async () => {
    await admin().put("/v3/admin/os-quota-sets/q6", { quota_set: { volumes: 7 } });
    const results = await Promise.all(Array.from({ length: 50 }, () => create("q6", 1)));
    const accepted = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status === 413);
    assert.equal(accepted.length, 7, `accepted ${accepted.length}`);
    assert.equal(refused.length, 43);
    for (const r of refused) assertFault(r, 413, "VolumeLimitExceeded: Maximum number of volumes allowed (7) exceeded for quota 'volumes'.");
    const list = await fx.s.client.as("u:q6").get("/v3/q6/volumes?limit=100");
    assert.equal(list.body.volumes.length, 7);
    const u = (await fx.s.client.as("u:q6").get("/v3/q6/os-quota-sets/q6?usage=true")).body.quota_set;
    assert.equal(u.volumes.in_use, 7);
  });

  it("limits reports the project's quota and usage", async () => {
    await admin().put("/v3/admin/os-quota-sets/q7", { quota_set: { volumes: 3, snapshots: 2 } });
    const v = await create("q7", 4);
    await waitStatus(fx.s.client.as("u:q7"), "volumes", "q7", v.body.volume.id, "available");
    const l = (await fx.s.client.as("u:q7").get("/v3/q7/limits")).body.limits.absolute;
    assert.equal(l.maxTotalVolumes, 3);
    assert.equal(l.maxTotalSnapshots, 2);
    assert.equal(l.totalVolumesUsed, 1);
    assert.equal(l.totalGigabytesUsed, 4);
  });

  it("keeps quota classes: the default class changes every project's default", async () => {
    assertFault(await fx.s.client.as("u:q8").get("/v3/q8/os-quota-class-sets/default"), 403,
      "Policy doesn't allow volume_extension:quota_classes:get to be performed.");
    const up = await admin().put("/v3/admin/os-quota-class-sets/default", { quota_class_set: { snapshots: 4 } });
    assert.equal(up.status, 200);
    assert.equal(up.body.quota_class_set.snapshots, 4);
    const show = await admin().get("/v3/admin/os-quota-class-sets/default");
    assert.equal(show.body.quota_class_set.id, "default");
    assert.equal(show.body.quota_class_set.snapshots, 4);
    assert.equal((await fx.s.client.as("u:q8").get("/v3/q8/os-quota-sets/q8")).body.quota_set.snapshots, 4);
    await admin().put("/v3/admin/os-quota-class-sets/default", { quota_class_set: { snapshots: 10 } });
  });
});
