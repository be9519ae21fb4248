/**
 * The os-hosts extension (cinder/api/contrib/hosts.py), backend capabilities
 * (cinder/api/contrib/capabilities.py) and the extension list that names them, over HTTP.
 */
import assert from "node:assert/strict";
import { assertFault, createSnapshot, createVolume } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";

forEachDialect("hosts and capabilities", {
  backends: [
    { name: "fast", driver: "file", options: { capabilities: { tier: "gold" } } },
    { name: "far", driver: "file", availabilityZone: "az2", options: {} },
  ],
}, function (fx) {
  this.timeout(60_000);
  const admin = () => fx.s.client.as("admin:admin");
  const A = "/v3/admin";

  it("lists every enabled service as a host, of one zone with ?zone=", async () => {
    const r = await admin().get(`${A}/os-hosts`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.hosts.map((h: any) => [h.host_name, h.service, h.zone, h["service-status"], h["service-state"]]),
      [
        ["testhost", "cinder-backup", "nova", "available", "enabled"],
        ["testhost", "cinder-scheduler", "nova", "available", "enabled"],
        ["testhost@far", "cinder-volume", "az2", "available", "enabled"],
        ["testhost@fast", "cinder-volume", "nova", "available", "enabled"],
      ],
    );
    for (const h of r.body.hosts) assert.match(h["last-update"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    assert.deepEqual((await admin().get(`${A}/os-hosts?zone=az2`)).body.hosts.map((h: any) => h.host_name), ["testhost@far"]);
    assert.equal((await admin().get(`${A}/os-hosts?zone=`)).body.hosts.length, 4);
    assert.deepEqual((await admin().get(`${A}/os-hosts?zone=elsewhere`)).body, { hosts: [] });
    assertFault(await fx.c.get("/v3/p1/os-hosts"), 403, "Policy doesn't allow volume_extension:hosts to be performed.");
  });

  it("shows a host's volumes and snapshots: the (total) row, then one per project, numbers as strings", async () => {
    const one = await createVolume(fx.c, "p1", { size: 1, availability_zone: "nova" });
    const two = await createVolume(fx.c, "p1", { size: 2, availability_zone: "nova" });
    await createVolume(fx.c.as("bob:p2"), "p2", { size: 1, availability_zone: "nova" });
    await createVolume(fx.c, "p1", { size: 1, availability_zone: "az2" });
    await createSnapshot(fx.c, "p1", two.id);
    assert.ok(one.id);
    const r = await admin().get(`${A}/os-hosts/testhost@fast`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const row = (project: string, v: number, vgb: number, s: number, sgb: number) => ({
      resource: {
        host: "testhost@fast",
        project,
        volume_count: String(v),
        total_volume_gb: String(vgb),
        snapshot_count: String(s),
        total_snapshot_gb: String(sgb),
      },
    });
    assert.deepEqual(r.body, { host: [row("(total)", 3, 4, 1, 2), row("p1", 2, 3, 1, 2), row("p2", 1, 1, 0, 0)] });
    // A plain host names its first backend (testhost@far: one volume of p1).
    const plain = await admin().get(`${A}/os-hosts/testhost`);
    assert.deepEqual(plain.body.host.map((h: any) => [h.resource.host, h.resource.project, h.resource.volume_count]), [
      ["testhost", "(total)", "1"],
      ["testhost", "p1", "1"],
    ]);
  });

  it("answers 404 for a host without an enabled volume service, and 403 to non-admins", async () => {
    assertFault(await admin().get(`${A}/os-hosts/nope`), 404, "Service cinder-volume could not be found on host nope.");
    assertFault(await admin().get(`${A}/os-hosts/testhost@fast%23fast`), 404, "Service cinder-volume could not be found on host testhost@fast#fast.");
    const off = await admin().put(`${A}/os-services/disable`, { host: "testhost@far", binary: "cinder-volume" });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    try {
      assertFault(await admin().get(`${A}/os-hosts/testhost@far`), 404, "Service cinder-volume could not be found on host testhost@far.");
      assert.deepEqual((await admin().get(`${A}/os-hosts`)).body.hosts.map((h: any) => h.host_name), ["testhost", "testhost", "testhost@fast"]);
    } finally {
      assert.equal((await admin().put(`${A}/os-services/enable`, { host: "testhost@far", binary: "cinder-volume" })).status, 200);
    }
    assertFault(await fx.c.get("/v3/p1/os-hosts/testhost@fast"), 403, "Policy doesn't allow volume_extension:hosts to be performed.");
  });

  it("shows a backend's capabilities as its volume service reports them", async () => {
    const r = await admin().get(`${A}/capabilities/testhost@fast`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const pool = (await admin().get(`${A}/scheduler-stats/get_pools?detail=true`)).body.pools.find((p: any) => p.name === "testhost@fast#fast");
    assert.deepEqual(r.body, {
      namespace: "OS::Storage::Capabilities::testhost@fast",
      vendor_name: pool.capabilities.vendor_name,
      volume_backend_name: "fast",
      pool_name: null,
      driver_version: pool.capabilities.driver_version,
      storage_protocol: pool.capabilities.storage_protocol,
      display_name: null,
      description: null,
      visibility: null,
      replication_targets: [],
      properties: {
        thin_provisioning: { title: "Thin Provisioning", description: "Sets thin provisioning.", type: "boolean" },
        compression: { title: "Compression", description: "Enables compression.", type: "boolean" },
        qos: { title: "QoS", description: "Enables QoS.", type: "boolean" },
        replication_enabled: { title: "Replication", description: "Enables replication.", type: "boolean" },
      },
    });
    assert.equal(typeof r.body.vendor_name, "string");
    // A plain host is its first backend's.
    assert.equal((await admin().get(`${A}/capabilities/testhost`)).body.namespace, "OS::Storage::Capabilities::testhost@far");
    assertFault(await admin().get(`${A}/capabilities/nope`), 404, "Can't find service: nope");
    assertFault(await fx.c.get("/v3/p1/capabilities/testhost@fast"), 403, "Policy doesn't allow volume_extension:capabilities to be performed.");
  });

  it("names Hosts and Capabilities in the extension list, with Cinder's descriptions and dates", async () => {
    const r = await fx.c.get("/v3/p1/extensions");
    assert.equal(r.status, 200);
    const byAlias = new Map(r.body.extensions.map((e: any) => [e.alias, e]));
    assert.deepEqual(byAlias.get("os-hosts"), { name: "Hosts", alias: "os-hosts", description: "Admin-only host administration.", updated: "2011-06-29T00:00:00+00:00", links: [] });
    assert.deepEqual(byAlias.get("capabilities"), { name: "Capabilities", alias: "capabilities", description: "Capabilities support.", updated: "2015-08-31T00:00:00+00:00", links: [] });
    assert.equal((byAlias.get("os-volume-manage") as any)?.name, "VolumeManage");
    assert.equal((byAlias.get("os-services") as any)?.updated, "2012-10-28T00:00:00-00:00");
  });
});

forEachDialect("capabilities of a clustered backend", { cluster: "c1", backends: [{ name: "shared", driver: "file", options: {} }] }, function (fx) {
  this.timeout(60_000);
  it("is asked on the cluster's queue and named by the cluster, by host or by cluster", async () => {
    const admin = fx.s.client.as("admin:admin");
    for (const name of ["c1@shared", "testhost@shared", "c1"]) {
      const r = await admin.get(`/v3/admin/capabilities/${name}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.namespace, "OS::Storage::Capabilities::c1@shared");
      assert.equal(r.body.volume_backend_name, "shared");
    }
    assertFault(await admin.get("/v3/admin/capabilities/c2@shared"), 404, "Can't find service: c2@shared");
    // os-hosts names services by host, not by cluster.
    assert.equal((await admin.get("/v3/admin/os-hosts/testhost@shared")).status, 200);
    assertFault(await admin.get("/v3/admin/os-hosts/c1@shared"), 404, "Service cinder-volume could not be found on host c1@shared.");
  });
});
