/**
 * os-update_snapshot_status (cinder/api/contrib/snapshot_actions.py) and the resource filters list
 * (3.33, cinder/api/v3/resource_filters.py), over HTTP.
 */
import assert from "node:assert/strict";
import { assertFault, createSnapshot, createVolume } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";

const ACTION = "os-update_snapshot_status";

forEachDialect("snapshot status reports", function (fx) {
  this.timeout(60_000);
  let snap: any;
  const update = (body: unknown, client = fx.c, id = snap.id) => client.post(`/v3/p1/snapshots/${id}/action`, { [ACTION]: body });
  const show = async () => (await fx.admin.get(`/v3/p1/snapshots/${snap.id}`)).body.snapshot;
  const setStatus = async (status: string) =>
    assert.equal((await fx.admin.post(`/v3/p1/snapshots/${snap.id}/action`, { "os-reset_status": { status } })).status, 202);

  before(async () => {
    const vol = await createVolume(fx.c, "p1", { size: 1 });
    snap = await createSnapshot(fx.c, "p1", vol.id);
  });

  it("moves a creating snapshot to available with its progress, 202 and no body", async () => {
    await setStatus("creating");
    const r = await update({ status: "creating", progress: "40%" });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    let s = await show();
    assert.deepEqual([s.status, s["os-extended-snapshot-attributes:progress"]], ["creating", "40%"]);
    assert.equal((await update({ status: "available", progress: "100%" })).status, 202);
    s = await show();
    assert.deepEqual([s.status, s["os-extended-snapshot-attributes:progress"]], ["available", "100%"]);
  });

  it("keeps the progress when none (or an empty one) is given, and reports a failed delete", async () => {
    await setStatus("deleting");
    assert.equal((await update({ status: "deleting", progress: "" })).status, 202);
    assert.equal((await update({ status: "error_deleting", progress: null })).status, 202);
    const s = await show();
    assert.deepEqual([s.status, s["os-extended-snapshot-attributes:progress"]], ["error_deleting", "100%"]);
  });

  it("refuses other transitions with Cinder's messages", async () => {
    await setStatus("available");
    assertFault(await update({ status: "error" }), 400, "Snapshot status available not allowed for update_snapshot_status");
    await setStatus("creating");
    assertFault(await update({ status: "deleting" }), 400, "Provided snapshot status deleting not allowed for snapshot with status creating.");
    assertFault(await update({ status: "AVAILABLE" }), 400, "Provided snapshot status AVAILABLE not allowed for snapshot with status creating.");
    await setStatus("deleting");
    assertFault(await update({ status: "available" }), 400, "Provided snapshot status available not allowed for snapshot with status deleting.");
    assert.equal((await show()).status, "deleting");
  });

  it("checks the body first (progress, keys), then the snapshot", async () => {
    await setStatus("creating");
    for (const progress of ["abc", "%", "1.5%"]) {
      assertFault(await update({ status: "available", progress }), 400, "Invalid input received: progress must be an integer percentage");
    }
    assertFault(await update({ status: "available", progress: "101%" }), 400, "Invalid input received: progress must be an integer percentage between 0 and 100");
    // Cinder reads all but the last character as the number, then wants the `%`.
    for (const progress of ["-1%", "50", "100x"]) {
      assertFault(await update({ status: "available", progress }), 400, "Invalid input received: progress must be an integer percentage between 0 and 100");
    }
    assertFault(await update({ status: "available", progress: "1x" }), 400);
    assertFault(await update({ progress: "10%" }), 400);
    assertFault(await update({ status: "available", extra: 1 }), 400);
    assertFault(await update({ status: 5 }), 400);
    assertFault(await update({ status: "available", progress: "abc" }, fx.c, "00000000-0000-4000-8000-000000000000"), 400);
    assertFault(await update({ status: "available" }, fx.c, "00000000-0000-4000-8000-000000000000"), 404, "Snapshot 00000000-0000-4000-8000-000000000000 could not be found.");
    // Another project's member does not see it (the policy's personas are in test/policy/matrix.test.ts).
    assertFault(await fx.c.as("bob:p2").post(`/v3/p2/snapshots/${snap.id}/action`, { [ACTION]: { status: "available" } }), 404);
    assert.equal((await show()).status, "creating");
  });
});

forEachDialect("resource filters", function (fx) {
  it("lists Cinder's default resource filters from 3.33, one resource's with ?resource=", async () => {
    const all = await fx.c.get("/v3/p1/resource_filters", { version: "3.33" });
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(
      all.body.resource_filters.map((f: any) => f.resource),
      ["volume", "backup", "snapshot", "group", "group_snapshot", "attachment", "message", "pool", "volume_type"],
    );
    const vol = await fx.c.get("/v3/p1/resource_filters?resource=volume", { version: "3.33" });
    assert.deepEqual(vol.body.resource_filters, [
      { resource: "volume", filters: ["name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id", "size", "created_at", "updated_at"] },
    ]);
    const snap = await fx.c.get("/v3/p1/resource_filters?resource=snapshot");
    assert.deepEqual(snap.body.resource_filters, [{ resource: "snapshot", filters: ["name", "status", "volume_id", "metadata", "availability_zone"] }]);
    assert.deepEqual((await fx.c.get("/v3/p1/resource_filters?resource=nothing", { version: "3.33" })).body, { resource_filters: [] });
    assert.equal((await fx.c.get("/v3/p1/resource_filters?resource=", { version: "3.33" })).body.resource_filters.length, 9);
    assertFault(await fx.c.get("/v3/p1/resource_filters", { version: "3.32" }), 404);
  });
});
