/**
 * Active-active volume services on PostgreSQL and RabbitMQ: two `cinderblock volume --cluster`
 * processes (hosts a and b) serve one file backend on a shared directory as the cluster
 * `shared@file`. Both take work from the cluster's queue; a member killed with SIGKILL leaves the
 * cluster up with one host down, and the other member does the work of volumes the dead one made.
 * A driver without active-active support (lvm) cannot join a cluster.
 */
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Client } from "../helpers/client";
import { waitFor } from "../helpers/wait";
import { separateProcesses } from "./harness";

describe("a cluster of volume services (active-active) on PostgreSQL and RabbitMQ", function () {
  this.timeout(180_000);
  const h = separateProcesses();
  const { procs, host } = h;
  let api: Client;
  let config = "";
  const admin = () => api.as("admin:admin");

  const member = (name: string) => h.startVolume(name, ["--config", config, "--cluster", "shared"]);
  const cluster = async () => (await admin().get("/v3/admin/clusters/shared@file", { version: "3.7" })).body.cluster;
  /** The volumes a member's log says it created. */
  const createdBy = (name: string) => [...procs.get(name)!.output().matchAll(/"volumeId":"([0-9a-f-]{36})"[^\n]*"msg":"volume created"/g)].map((m) => m[1]);

  before(async function () {
    const shared = path.join(os.tmpdir(), `cinderblock-cluster-${h.id}`);
    await mkdir(shared, { recursive: true });
    config = path.join(shared, "config.json");
    const backends = [{ name: "file", driver: "file", volumeBackendName: "shared", dir: path.join(shared, "volumes") }];
    await writeFile(config, JSON.stringify({ quotas: { volumes: -1, gigabytes: -1, snapshots: -1 }, backends }));
    await member("a");
    await member("b");
    await h.startScheduler();
    api = await h.startApi(1);
  });

  after(async () => {
    if (config) await rm(path.dirname(config), { recursive: true, force: true });
  });

  it("shows one cluster of two hosts, and its pool once, named by the cluster", async () => {
    const c = await cluster();
    assert.equal(c.state, "up");
    assert.equal(c.num_hosts, 2);
    assert.equal(c.num_down_hosts, 0);
    const services = (await admin().get("/v3/admin/os-services?binary=cinder-volume", { version: "3.7" })).body.services;
    assert.deepEqual(services.map((s: { host: string; cluster: string }) => `${s.host} ${s.cluster}`).sort(), [
      `${host("a")}@file shared@file`,
      `${host("b")}@file shared@file`,
    ]);
    await waitFor(async () => ((await admin().get("/v3/admin/scheduler-stats/get_pools")).body.pools?.length === 1 ? true : undefined), "the pool reported");
    assert.deepEqual((await admin().get("/v3/admin/scheduler-stats/get_pools")).body.pools, [{ name: "shared@file#file" }]);
  });

  it("both members take the cluster's work", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await api.post("/v3/p1/volumes", { volume: { size: 1 } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      ids.push(r.body.volume.id);
    }
    for (const id of ids) {
      const v = await h.settled(api, id);
      assert.equal(v.status, "available");
      const full = (await admin().get(`/v3/admin/volumes/${id}`, { version: "3.61" })).body.volume;
      assert.equal(full.cluster_name, "shared@file#file");
    }
    const a = createdBy("a").filter((id) => ids.includes(id));
    const b = createdBy("b").filter((id) => ids.includes(id));
    assert.equal(a.length + b.length, ids.length, "each create done once");
    assert.ok(a.length > 0 && b.length > 0, `both members created volumes (a: ${a.length}, b: ${b.length})`);
  });

  it("a member killed with SIGKILL leaves the cluster up; the other does the work of the volumes it placed", async () => {
    const r = await api.post("/v3/p1/volumes", { volume: { size: 1 } });
    const v = await h.settled(api, r.body.volume.id);
    assert.equal(v.status, "available");
    const owner = v["os-vol-host-attr:host"].startsWith(host("a")) ? "a" : "b";
    const other = owner === "a" ? "b" : "a";
    await h.stop(procs.get(owner)!, "SIGKILL");
    await waitFor(async () => ((await cluster()).num_down_hosts === 1 ? true : undefined), "one host of the cluster down", 30_000);
    assert.equal((await cluster()).state, "up");

    // The volume's host is the dead member; the work goes to the cluster's queue, and the live one does it.
    assert.equal((await api.post(`/v3/p1/volumes/${v.id}/action`, { "os-extend": { new_size: 2 } })).status, 202);
    await waitFor(async () => {
      const now = (await api.get(`/v3/p1/volumes/${v.id}`)).body.volume;
      return now.status === "available" && now.size === 2 ? true : undefined;
    }, "the extend done by the live member", 30_000);
    assert.equal((await api.delete(`/v3/p1/volumes/${v.id}`)).status, 202);
    await waitFor(async () => ((await api.get(`/v3/p1/volumes/${v.id}`)).status === 404 ? true : undefined), "the delete done by the live member", 30_000);

    const fresh = await api.post("/v3/p1/volumes", { volume: { size: 1 } });
    const placed = await h.settled(api, fresh.body.volume.id);
    assert.equal(placed.status, "available");
    assert.ok(placed["os-vol-host-attr:host"].startsWith(host(other)), "new volumes go to the member that is up");

    await member(owner);
    await waitFor(async () => ((await cluster()).num_down_hosts === 0 ? true : undefined), "the member back", 30_000);
  });

  it("a driver without active-active support cannot join a cluster", async () => {
    const lvm = path.join(path.dirname(config), "lvm.json");
    await writeFile(lvm, JSON.stringify({ backends: [{ name: "thick", driver: "lvm", volumeGroup: "cinder-volumes" }] }));
    await assert.rejects(h.startVolume("c", ["--config", lvm, "--cluster", "shared"]), /the lvm driver does not support active-active, so it cannot join cluster shared/);
  });
});
