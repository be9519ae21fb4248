/**
 * A volume host killed with SIGKILL while it holds work, on PostgreSQL and RabbitMQ: the host is
 * first stopped (SIGSTOP) so that a delete, an extend, a snapshot and a create reach it and stay
 * half-done (committed in the database, taken off the queue, not finished), then killed. The API
 * keeps answering; the host shows down; restarted, it finishes every one of them.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { waitFor } from "../helpers/wait";
import { separateProcesses } from "./harness";

describe("a volume host killed with work in hand finishes it when restarted", function () {
  this.timeout(180_000);
  // Lost-message re-sends are pushed out of the way: what is proven here is the restart. The host
  // counts as up for 10 s after its last heartbeat, time enough to send it the work on a slow machine.
  const h = separateProcesses({ "--resume-after": "3600", "--service-down-time": "10" });
  let api: Client;

  before(async () => {
    await h.startVolume("east");
    await h.startScheduler();
    api = await h.startApi(1);
    await waitFor(async () => ((await api.as("admin:admin").get("/v3/admin/scheduler-stats/get_pools")).body.pools?.length === 1 ? true : undefined), "the pool reported");
  });

  const status = async (kind: "volumes" | "snapshots", id: string) => {
    const r = await api.get(`/v3/p1/${kind}/${id}`);
    return r.status === 404 ? "gone" : r.body[kind === "volumes" ? "volume" : "snapshot"];
  };

  it("delete, extend, snapshot and create all finish after the restart", async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api.post("/v3/p1/volumes", { volume: { size: 1, name: `held-${i}` } });
      assert.equal((await h.settled(api, r.body.volume.id)).status, "available");
      made.push(r.body.volume.id);
    }
    const [toDelete, toExtend, toSnap] = made;

    const east = h.procs.get("east")!;
    east.child.kill("SIGSTOP");
    // Within service_down_time the host still counts as up, so each request is accepted
    // and its message goes to the host, which takes it (prefetch) but cannot work on it.
    assert.equal((await api.delete(`/v3/p1/volumes/${toDelete}`)).status, 202);
    assert.equal((await api.post(`/v3/p1/volumes/${toExtend}/action`, { "os-extend": { new_size: 2 } })).status, 202);
    const snap = await api.post("/v3/p1/snapshots", { snapshot: { volume_id: toSnap, name: "held" } });
    assert.equal(snap.status, 202, JSON.stringify(snap.body));
    const fresh = await api.post("/v3/p1/volumes", { volume: { size: 1, name: "held-new" } });
    assert.equal(fresh.status, 202);
    await waitFor(async () => {
      const v = (await api.as("admin:admin").get(`/v3/admin/volumes/${fresh.body.volume.id}`)).body.volume;
      return v["os-vol-host-attr:host"] ? true : undefined;
    }, "the new volume placed on the stopped host");

    await h.stop(east, "SIGKILL");
    // The API answers while the host is gone, and shows the work as not done.
    await waitFor(async () => ((await h.state(api, "east")) === "down" ? true : undefined), "east to show down", 30_000);
    assert.equal((await status("volumes", toDelete)).status, "deleting");
    assert.equal((await status("volumes", toExtend)).status, "extending");
    assert.equal((await status("snapshots", snap.body.snapshot.id)).status, "creating");
    assert.equal((await status("volumes", fresh.body.volume.id)).status, "creating");

    await h.startVolume("east");
    await waitFor(async () => ((await status("volumes", toDelete)) === "gone" ? true : undefined), "the delete finished", 30_000);
    await waitFor(async () => {
      const v = await status("volumes", toExtend);
      return v.status === "available" && v.size === 2 ? true : undefined;
    }, "the extend finished", 30_000);
    await waitFor(async () => ((await status("snapshots", snap.body.snapshot.id)).status === "available" ? true : undefined), "the snapshot finished", 30_000);
    assert.equal((await h.settled(api, fresh.body.volume.id)).status, "available");
    assert.equal((await h.state(api, "east")), "up");
  });
});
