/**
 * Cinderblock as separate services, each its own process, on PostgreSQL and RabbitMQ: two API
 * services (the second with two workers), one scheduler, two volume services (hosts east and west, their own data directories).
 * Volumes land on both hosts through either API; a volume host killed with SIGKILL shows down and
 * gets nothing new, and once restarted finishes the create it was sent while it was gone.
 *
 * Each run gets its own RabbitMQ virtual host (made with rabbitmqctl) and its own database
 * (./harness.ts).
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { waitFor } from "../helpers/wait";
import { separateProcesses } from "./harness";

describe("separate processes on PostgreSQL and RabbitMQ", function () {
  this.timeout(180_000);
  const h = separateProcesses();
  const { id, procs, host } = h;
  const apis: Client[] = [];
  const settled = (c: Client, volumeId: string) => h.settled(c, volumeId);
  const state = (c: Client, name: string) => h.state(c, name);

  before(async () => {
    // The volume hosts first, then the scheduler, then the APIs: each starts without the others.
    await h.startVolume("east");
    await h.startVolume("west");
    await h.startScheduler();
    // The second API runs two worker processes on one port.
    apis.push(await h.startApi(1));
    apis.push(await h.startApi(2, ["--workers", "2"]));
    for (const name of ["east", "west"]) await h.createType(apis[0], name);
  });

  it("serves the second API from two worker processes", async () => {
    const out = procs.get("api2")!.output;
    await waitFor(async () => ((out().match(/is serving the Cinder v3 API/g) ?? []).length === 2 ? true : undefined), "both API workers to listen");
    const served = await Promise.all(Array.from({ length: 20 }, () => apis[1].get("/v3/p1/volumes")));
    assert.deepEqual([...new Set(served.map((r) => r.status))], [200]);
  });

  it("lists every service up in os-services, through either API", async () => {
    for (const c of apis) {
      const r = await c.as("admin:admin").get("/v3/admin/os-services");
      const seen = r.body.services.map((s: { binary: string; host: string; state: string }) => `${s.binary} ${s.host} ${s.state}`).sort();
      assert.deepEqual(seen, [
        `cinder-backup ${host("east")} up`,
        `cinder-backup ${host("west")} up`,
        `cinder-scheduler sched-${id} up`, `cinder-volume ${host("east")}@file up`, `cinder-volume ${host("west")}@file up`]);
    }
  });

  it("places volumes on both hosts, created through either API", async () => {
    await waitFor(async () => ((await apis[0].as("admin:admin").get("/v3/admin/scheduler-stats/get_pools")).body.pools?.length === 2 ? true : undefined), "both hosts reported");
    const placed: string[] = [];
    for (const [i, name] of ["east", "west", "east", "west"].entries()) {
      const r = await apis[i % 2].post("/v3/p1/volumes", { volume: { size: 1, volume_type: `on-${name}` } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const v = await settled(apis[0], r.body.volume.id);
      assert.equal(v.status, "available");
      placed.push(v["os-vol-host-attr:host"].split("#")[0]);
    }
    assert.deepEqual(placed, ["east", "west", "east", "west"].map((n) => `${host(n)}@file`));
  });

  it("a host killed with SIGKILL shows down and gets nothing new; restarted, it finishes the create it was sent", async () => {
    const c = apis[1];
    await h.stop(procs.get("east")!, "SIGKILL");
    // Within service_down_time the host still counts as up: this volume is placed on it and waits in its queue.
    const pending = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-east" } });
    assert.equal(pending.status, 202, JSON.stringify(pending.body));
    await waitFor(async () => ((await state(c, "east")) === "down" ? true : undefined), "east to show down", 30_000);
    const early = (await c.as("admin:admin").get(`/v3/admin/volumes/${pending.body.volume.id}`)).body.volume;
    assert.equal(early.status, "creating", "the dead host has not made it");

    const refused = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-east" } });
    const r = await settled(c, refused.body.volume.id);
    assert.equal(r.status, "error", "nothing new for a host that is down");
    assert.equal(r["os-vol-host-attr:host"] ?? null, null);
    const west = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-west" } });
    assert.equal((await settled(c, west.body.volume.id)).status, "available", "the other host still works");

    await h.startVolume("east");
    await waitFor(async () => ((await state(c, "east")) === "up" ? true : undefined), "east to show up again", 30_000);
    const done = await settled(c, pending.body.volume.id);
    assert.equal(done.status, "available");
    assert.equal(done["os-vol-host-attr:host"].split("#")[0], `${host("east")}@file`);
  });

  it("an API process killed mid-request loses no volume: every volume it committed becomes available", async () => {
    const victim = procs.get("api1")!;
    // Forty creates in flight, and the process killed once the first of them are committed.
    const admin = apis[1].as("admin:admin");
    const inflight = async () =>
      (await admin.get(`/v3/admin/volumes/detail?all_tenants=1&limit=1000`)).body.volumes.filter((v: { name: string }) => v.name?.startsWith(`inflight-${id}-`));
    const sent = Array.from({ length: 40 }, (_, i) =>
      apis[0].post("/v3/p1/volumes", { volume: { size: 1, name: `inflight-${id}-${i}`, volume_type: i % 2 ? "on-east" : "on-west" } }).catch(() => undefined),
    );
    await waitFor(async () => ((await inflight()).length >= 3 ? true : undefined), "the first creates to commit", 30_000);
    await h.stop(victim, "SIGKILL");
    const answers = await Promise.all(sent);
    const answered = answers.filter((r) => r?.status === 202).map((r) => r!.body.volume.id as string);
    // What the database holds is the truth: every committed volume, answered or not, is made.
    const rows = await inflight();
    assert.ok(rows.length >= 3 && rows.length >= answered.length, `${rows.length} committed, ${answered.length} answered`);
    for (const ok of answered) assert.ok(rows.some((v: { id: string }) => v.id === ok), `answered volume ${ok} is in the database`);
    for (const v of rows) assert.equal((await settled(apis[1], v.id)).status, "available", `volume ${v.id}`);
  });
});
