/**
 * Clusters (3.7+) and freezing a backend (os-services freeze / thaw / failover), over HTTP on a
 * real server: a clustered volume service shows its cluster, the cluster API lists, filters, shows,
 * disables and enables it (and a disabled cluster gets no new volume), volumes carry the cluster's
 * name and pools are named by it; a frozen backend refuses deletes and snapshots and gets nothing new.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { assertFault } from "../helpers/faults";
import { backendDir, GiB } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { waitStatus } from "../helpers/wait";

forEachDialect("clusters", { cluster: "c1", backends: [{ name: "shared", driver: "file", options: {} }] }, function (fx) {
  this.timeout(60_000);
  const admin = () => fx.s.client.as("admin:admin");
  const A = "/v3/admin";

  it("shows the volume service's cluster in os-services from 3.7, and the cluster with its summary", async () => {
    const svc = (await admin().get(`${A}/os-services?binary=cinder-volume`, { version: "3.7" })).body.services;
    assert.deepEqual(
      svc.map((s: any) => [s.host, s.cluster]),
      [["testhost@shared", "c1@shared"]],
    );
    const old = (await admin().get(`${A}/os-services?binary=cinder-volume`, { version: "3.6" })).body.services;
    assert.equal("cluster" in old[0], false);

    const list = await admin().get(`${A}/clusters`, { version: "3.7" });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(list.body.clusters, [{ name: "c1@shared", binary: "cinder-volume", state: "up", status: "enabled" }]);
    const detail = (await admin().get(`${A}/clusters/detail`, { version: "3.7" })).body.clusters[0];
    assert.equal(detail.num_hosts, 1);
    assert.equal(detail.num_down_hosts, 0);
    assert.match(detail.last_heartbeat, /^\d{4}-\d\d-\d\dT/);
    assert.equal("frozen" in detail, false, "replication fields come with 3.26");
    const repl = (await admin().get(`${A}/clusters/c1@shared`, { version: "3.26" })).body.cluster;
    assert.equal(repl.frozen, false);
    assert.equal(repl.replication_status, "not-capable");
    assert.equal(repl.active_backend_id, null);
  });

  it("filters clusters, refuses unknown filter keys and non-booleans, and is for admins only", async () => {
    const names = async (q: string) => (await admin().get(`${A}/clusters?${q}`, { version: "3.7" })).body.clusters.map((c: any) => c.name);
    assert.deepEqual(await names("name=c1"), ["c1@shared"]);
    assert.deepEqual(await names("name=c2"), []);
    assert.deepEqual(await names("is_up=false"), []);
    assert.deepEqual(await names("is_up=true&num_hosts=1&num_down_hosts=0"), ["c1@shared"]);
    assertFault(await admin().get(`${A}/clusters?frozen=true`, { version: "3.7" }), 400, "Invalid input received: Invalid filter keys: frozen");
    assertFault(await admin().get(`${A}/clusters?color=red`, { version: "3.7" }), 400, "Invalid input received: Invalid filter keys: color");
    assertFault(await admin().get(`${A}/clusters?is_up=maybe`, { version: "3.7" }), 400, "Value 'maybe' for 'is_up' is not a boolean.");
    assertFault(await admin().get(`${A}/clusters/nope@shared`, { version: "3.7" }), 404, "Cluster {'binary': 'cinder-volume', 'name': 'nope@shared'} could not be found.");
    assertFault(await fx.s.client.as("u:p1").get("/v3/p1/clusters", { version: "3.7" }), 403, "Policy doesn't allow clusters:get_all to be performed.");
    assertFault(await admin().get(`${A}/clusters`, { version: "3.6" }), 404);
  });

  it("places volumes in the cluster, names its pools by it, and sends nothing to it while it is disabled", async () => {
    const pools = (await admin().get(`${A}/scheduler-stats/get_pools`)).body.pools.map((p: any) => p.name);
    assert.deepEqual(pools, ["c1@shared#shared"]);
    const r = await fx.s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
    await waitStatus(fx.s.client, "volumes", "p1", r.body.volume.id, "available");
    const v = (await admin().get(`${A}/volumes/${r.body.volume.id}`, { version: "3.61" })).body.volume;
    assert.equal(v.cluster_name, "c1@shared#shared");
    assert.equal(v["os-vol-host-attr:host"], "testhost@shared#shared");

    const off = await admin().put(`${A}/clusters/disable`, { name: "c1@shared", disabled_reason: "  rebalancing  " }, { version: "3.7" });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.deepEqual(off.body.cluster, { name: "c1@shared", binary: "cinder-volume", state: "up", status: "disabled", disabled_reason: "rebalancing" });
    const refused = await fx.s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
    await waitStatus(fx.s.client, "volumes", "p1", refused.body.volume.id, "error");

    assertFault(await admin().put(`${A}/clusters/enable`, { name: "c9@shared" }, { version: "3.7" }), 404, "Cluster {'binary': 'cinder-volume', 'name': 'c9@shared'} could not be found.");
    assertFault(await admin().put(`${A}/clusters/enable`, { name: "c1@shared", extra: 1 }, { version: "3.7" }), 400);
    const on = await admin().put(`${A}/clusters/enable`, { name: "c1@shared" }, { version: "3.7" });
    assert.deepEqual(on.body.cluster, { name: "c1@shared", binary: "cinder-volume", state: "up", status: "enabled", disabled_reason: null });
    const again = await fx.s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
    await waitStatus(fx.s.client, "volumes", "p1", again.body.volume.id, "available");
    // The work of a clustered volume goes to the cluster's queue: the delete is done by its service.
    assert.equal((await fx.s.client.delete(`/v3/p1/volumes/${again.body.volume.id}`)).status, 202);
    await waitGone(again.body.volume.id);
  });

  it("freezes and thaws the whole cluster when a host of it is named, and names the cluster from 3.26", async () => {
    const freeze = await admin().put(`${A}/os-services/freeze`, { host: "testhost@shared" });
    assert.equal(freeze.status, 200, JSON.stringify(freeze.body));
    assert.equal((await admin().get(`${A}/clusters/c1@shared`, { version: "3.26" })).body.cluster.frozen, true);
    assertFault(
      await admin().put(`${A}/os-services/freeze`, { cluster: "c1@shared" }, { version: "3.26" }),
      400,
      "Invalid input received: frozen in c1@shared must be False to failover.",
    );
    assertFault(
      await admin().put(`${A}/os-services/thaw`, { cluster: "c1@shared", host: "testhost@shared" }, { version: "3.26" }),
      400,
      "Invalid input received: One and only one of cluster and host must be set.",
    );
    assert.equal((await admin().put(`${A}/os-services/thaw`, { cluster: "c1@shared" }, { version: "3.26" })).status, 200);
    assert.equal((await admin().get(`${A}/clusters/c1@shared`, { version: "3.26" })).body.cluster.frozen, false);
  });

  it("lists and manages a backend's foreign data by its cluster (3.16, 3.17)", async () => {
    const foreign = path.join(backendDir(fx.s, "shared"), "found.img");
    await fsp.writeFile(foreign, "");
    await fsp.truncate(foreign, GiB);
    const listed = await admin().get(`${A}/manageable_volumes?cluster=c1@shared`, { version: "3.17" });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.ok(listed.body["manageable-volumes"].some((e: any) => e.reference["source-name"] === "found.img"));
    assertFault(await admin().get(`${A}/manageable_volumes?cluster=c9@shared`, { version: "3.17" }), 404, "Service cinder-volume could not be found.");
    assertFault(
      await admin().post(`${A}/manageable_volumes`, { volume: { cluster: "c9@shared", ref: { "source-name": "found.img" } } }, { version: "3.16" }),
      400,
      "Cluster 'c9@shared' not found",
    );
    const r = await admin().post(`${A}/manageable_volumes`, { volume: { cluster: "c1@shared", ref: { "source-name": "found.img" } } }, { version: "3.16" });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitStatus(admin(), "volumes", "admin", r.body.volume.id, "available");
    const v = (await admin().get(`${A}/volumes/${r.body.volume.id}`, { version: "3.61" })).body.volume;
    assert.deepEqual([v.cluster_name, v["os-vol-host-attr:host"], v.size], ["c1@shared", "testhost@shared", 1]);
  });

  async function waitGone(id: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await fx.s.client.get(`/v3/p1/volumes/${id}`)).status === 404) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`volume ${id} was not deleted`);
  }
});

forEachDialect("freezing a backend", function (fx) {
  this.timeout(60_000);
  const admin = () => fx.s.client.as("admin:admin");
  const A = "/v3/admin";
  const FROZEN = "Invalid input received: Modification operations are not allowed on frozen storage backends.";

  it("a frozen backend refuses deletes and snapshots, shows disabled as frozen, gets no new volume; thawed, all works again", async () => {
    const r = await fx.s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
    const vid = r.body.volume.id;
    await waitStatus(fx.s.client, "volumes", "p1", vid, "available");
    const snap = await fx.s.client.post("/v3/p1/snapshots", { snapshot: { volume_id: vid } });
    await waitStatus(fx.s.client, "snapshots", "p1", snap.body.snapshot.id, "available");

    // Every PUT of os-services is first an update of services (cinder/api/contrib/services.py update).
    assertFault(await fx.s.client.as("u:p1").put("/v3/p1/os-services/freeze", { host: "testhost@file" }), 403, "Policy doesn't allow volume_extension:services:update to be performed.");
    assertFault(await admin().put(`${A}/os-services/freeze`, {}, { version: "3.25" }), 400, "Invalid input received: Host field is missing.");
    assertFault(await admin().put(`${A}/os-services/freeze`, {}), 400, "Invalid input received: One and only one of cluster and host must be set.");
    assertFault(await admin().put(`${A}/os-services/freeze`, { host: "elsewhere" }), 400, "No service found with host=elsewhere");
    const f = await admin().put(`${A}/os-services/freeze`, { host: "testhost@file" });
    assert.equal(f.status, 200, JSON.stringify(f.body));
    const svc = (await admin().get(`${A}/os-services?binary=cinder-volume`)).body.services[0];
    assert.deepEqual([svc.frozen, svc.status, svc.disabled_reason], [true, "disabled", "frozen"]);
    assertFault(
      await admin().put(`${A}/os-services/freeze`, { host: "testhost@file" }),
      400,
      "Invalid input received: No service could be changed: frozen in ['testhost@file'] must be False to failover.",
    );

    assertFault(await fx.s.client.delete(`/v3/p1/volumes/${vid}`), 400, FROZEN);
    assertFault(await fx.s.client.delete(`/v3/p1/snapshots/${snap.body.snapshot.id}`), 400, FROZEN);
    assertFault(await fx.s.client.post("/v3/p1/snapshots", { snapshot: { volume_id: vid } }), 400, FROZEN);
    // Nothing changed: both are still available.
    assert.equal((await fx.s.client.get(`/v3/p1/volumes/${vid}`)).body.volume.status, "available");
    assert.equal((await fx.s.client.get(`/v3/p1/snapshots/${snap.body.snapshot.id}`)).body.snapshot.status, "available");
    const refused = await fx.s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
    await waitStatus(fx.s.client, "volumes", "p1", refused.body.volume.id, "error");

    assert.equal((await admin().put(`${A}/os-services/thaw`, { host: "testhost@file" })).status, 200);
    const thawed = (await admin().get(`${A}/os-services?binary=cinder-volume`)).body.services[0];
    assert.deepEqual([thawed.frozen, thawed.status, thawed.disabled_reason], [false, "enabled", ""]);
    assertFault(
      await admin().put(`${A}/os-services/thaw`, { host: "testhost@file" }),
      400,
      "Invalid input received: No service could be changed: frozen in ['testhost@file'] must be True to failover.",
    );
    assert.equal((await fx.s.client.delete(`/v3/p1/snapshots/${snap.body.snapshot.id}`)).status, 202);
    const ok = await fx.s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
    await waitStatus(fx.s.client, "volumes", "p1", ok.body.volume.id, "available");
  });

  it("refuses a failover, as Cinder does for a backend that does not replicate", async () => {
    assertFault(
      await admin().put(`${A}/os-services/failover_host`, { host: "testhost@file", backend_id: "secondary" }),
      400,
      "Invalid input received: No service could be changed: replication_status in ['testhost@file'] must be ['enabled', 'failed-over'] and must be up to failover.",
    );
    assertFault(await admin().put(`${A}/os-services/failover_host`, { host: "nowhere" }), 400, "No service found with host=nowhere");
    assertFault(
      await admin().put(`${A}/os-services/failover`, { cluster: "c1@file" }, { version: "3.26" }),
      400,
      "No service found with cluster=c1@file",
    );
    assertFault(await fx.s.client.as("u:p1").put("/v3/p1/os-services/failover_host", { host: "testhost@file" }), 403);
  });
});
