/**
 * A scheduler killed with SIGKILL and started again, on PostgreSQL and RabbitMQ: it knows no pools
 * until the volume services next report (here every 4 s), so the creates waiting in its queue and
 * those that reach it first wait for the reports instead of failing for want of a backend
 * (cinder/scheduler/manager.py _wait_for_scheduler). A scheduler that starts also asks every volume
 * service to report at once (request_service_capabilities): one whose own next report is minutes
 * away is known again within moments.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { waitFor } from "../helpers/wait";
import { separateProcesses } from "./harness";

describe("a scheduler restarted places the volumes it finds waiting once the volume services report", function () {
  this.timeout(180_000);
  // Lost-message re-sends are pushed out of the way: what is proven here is the queue and the start.
  const h = separateProcesses({ "--resume-after": "3600" });
  let api: Client;

  before(async () => {
    await h.startVolume("east", ["--stats-interval-ms", "4000"]);
    await h.startScheduler();
    api = await h.startApi(1);
    await waitFor(async () => ((await api.as("admin:admin").get("/v3/admin/scheduler-stats/get_pools")).body.pools?.length === 1 ? true : undefined), "the pool reported");
  });

  it("creates sent while it was down and just after its start become available", async () => {
    await h.stop(h.procs.get("scheduler")!, "SIGKILL");
    const queued: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api.post("/v3/p1/volumes", { volume: { size: 1, name: `queued-${i}` } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      queued.push(r.body.volume.id);
    }
    await h.startScheduler();
    const fresh = await api.post("/v3/p1/volumes", { volume: { size: 1, name: "fresh" } });
    assert.equal(fresh.status, 202, JSON.stringify(fresh.body));
    for (const id of [...queued, fresh.body.volume.id]) {
      const v = await h.settled(api, id);
      assert.equal(v.status, "available", `volume ${id}`);
    }
    assert.doesNotMatch(h.procs.get("scheduler")!.output(), /no backend can hold the volume/);
  });
});

describe("a scheduler that starts asks the volume services to report at once", function () {
  this.timeout(180_000);
  const h = separateProcesses({ "--resume-after": "3600" });
  let api: Client;

  before(async () => {
    await h.startScheduler();
    // Its own next report is ten minutes away: only the scheduler's request brings one sooner.
    await h.startVolume("east", ["--stats-interval-ms", "600000"]);
    api = await h.startApi(1);
    await waitFor(async () => ((await api.as("admin:admin").get("/v3/admin/scheduler-stats/get_pools")).body.pools?.length === 1 ? true : undefined), "the pool reported");
  });

  it("knows the pools again after a restart and places a volume on them", async () => {
    await h.stop(h.procs.get("scheduler")!, "SIGKILL");
    await h.startScheduler();
    const r = await api.post("/v3/p1/volumes", { volume: { size: 1, name: "after-restart" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    // Without the request the scheduler would wait out its start-up bound and then find no pool.
    const v = await h.settled(api, r.body.volume.id, 50_000);
    assert.equal(v.status, "available");
    const pools = (await api.as("admin:admin").get("/v3/admin/scheduler-stats/get_pools")).body.pools;
    assert.deepEqual(pools.map((p: { name: string }) => p.name), [`${h.host("east")}@file#file`]);
  });
});
