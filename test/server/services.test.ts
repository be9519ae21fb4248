/**
 * Services and pools, and scheduling across several backends: a disabled host gets no new volumes,
 * volume_backend_name pins a backend, availability zones are honoured.
 */
import assert from "node:assert/strict";
import { assertFault } from "../helpers/faults";
import { forEachDialect } from "../helpers/suite";
import { waitStatus } from "../helpers/wait";

forEachDialect("services and pools", {
  backends: [
    { name: "fast", driver: "file", options: { capabilities: { tier: "gold" } } },
    { name: "slow", driver: "file", options: {} },
    { name: "far", driver: "file", availabilityZone: "az2", options: {} },
  ],
}, function (fx) {
  this.timeout(60_000);
  const admin = () => fx.s.client.as("admin:admin");

  async function hostOf(id: string): Promise<string> {
    return (await admin().get(`/v3/admin/volumes/${id}`)).body.volume["os-vol-host-attr:host"];
  }

  it("lists the scheduler and one volume service per backend, up and enabled", async () => {
    const r = await admin().get("/v3/admin/os-services");
    assert.equal(r.status, 200);
    const hosts = r.body.services.map((x: any) => `${x.binary} ${x.host} ${x.zone} ${x.status} ${x.state}`).sort();
    assert.deepEqual(hosts, [
      "cinder-backup testhost nova enabled up",
      "cinder-scheduler testhost nova enabled up",
      "cinder-volume testhost@far az2 enabled up",
      "cinder-volume testhost@fast nova enabled up",
      "cinder-volume testhost@slow nova enabled up",
    ]);
    const filtered = await admin().get("/v3/admin/os-services?binary=cinder-volume&host=testhost@fast");
    assert.equal(filtered.body.services.length, 1);
    assertFault(await fx.s.client.as("u:p1").get("/v3/p1/os-services"), 403, "Policy doesn't allow volume_extension:services:index to be performed.");
    const zones = (await fx.s.client.as("u:p1").get("/v3/p1/os-availability-zone")).body.availabilityZoneInfo.map((z: any) => z.zoneName);
    assert.deepEqual(zones, ["az2", "nova"]);
  });

  it("shows pools with their capabilities to admins", async () => {
    const r = await admin().get("/v3/admin/scheduler-stats/get_pools?detail=true");
    assert.equal(r.status, 200);
    const names = r.body.pools.map((p: any) => p.name);
    assert.deepEqual(names, ["testhost@far#far", "testhost@fast#fast", "testhost@slow#slow"]);
    const fast = r.body.pools.find((p: any) => p.name === "testhost@fast#fast");
    assert.equal(fast.capabilities.volume_backend_name, "fast");
    assert.equal(fast.capabilities.tier, "gold");
    assert.ok(fast.capabilities.total_capacity_gb > 0);
    const plain = await admin().get("/v3/admin/scheduler-stats/get_pools");
    assert.deepEqual(Object.keys(plain.body.pools[0]), ["name"]);
    assertFault(await fx.s.client.as("u:p1").get("/v3/p1/scheduler-stats/get_pools"), 403);
  });

  it("sends no new volume to a disabled host, and again once it is enabled", async () => {
    const off = await admin().put("/v3/admin/os-services/disable-log-reason", {
      host: "testhost@fast",
      binary: "cinder-volume",
      disabled_reason: "maintenance window",
    });
    assert.equal(off.status, 200);
    assert.deepEqual(off.body, { disabled: true, host: "testhost@fast", service: "", binary: "cinder-volume", status: "disabled", disabled_reason: "maintenance window" });
    const off2 = await admin().put("/v3/admin/os-services/disable", { host: "testhost@slow", binary: "cinder-volume" });
    assert.equal(off2.body.status, "disabled");
    const listed = (await admin().get("/v3/admin/os-services?binary=cinder-volume")).body.services;
    assert.equal(listed.find((x: any) => x.host === "testhost@fast").disabled_reason, "maintenance window");
    // Both nova backends are disabled: a volume in nova has nowhere to go.
    const v = await fx.s.client.as("u:p1").post("/v3/p1/volumes", { volume: { size: 1 } });
    await waitStatus(fx.s.client.as("u:p1"), "volumes", "p1", v.body.volume.id, "error");
    await admin().put("/v3/admin/os-services/enable", { host: "testhost@slow", binary: "cinder-volume" });
    const v2 = await fx.s.client.as("u:p1").post("/v3/p1/volumes", { volume: { size: 1 } });
    await waitStatus(fx.s.client.as("u:p1"), "volumes", "p1", v2.body.volume.id, "available");
    assert.equal(await hostOf(v2.body.volume.id), "testhost@slow#slow");
    await admin().put("/v3/admin/os-services/enable", { host: "testhost@fast", binary: "cinder-volume" });
    assertFault(await admin().put("/v3/admin/os-services/enable", { host: "nohost", binary: "cinder-volume" }), 404,
      "Service cinder-volume could not be found on host nohost.");
    assertFault(await admin().put("/v3/admin/os-services/enable", { binary: "cinder-volume" }), 400, "Invalid input received: Host field is missing.");
  });

  it("places a volume in its availability zone", async () => {
    const v = await fx.s.client.as("u:p1").post("/v3/p1/volumes", { volume: { size: 1, availability_zone: "az2" } });
    await waitStatus(fx.s.client.as("u:p1"), "volumes", "p1", v.body.volume.id, "available");
    assert.equal(await hostOf(v.body.volume.id), "testhost@far#far");
  });
});
