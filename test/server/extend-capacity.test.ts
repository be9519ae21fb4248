/**
 * Extend through the scheduler (cinder/volume/api.py _extend -> cinder/scheduler/manager.py
 * extend_volume): an accepted extend first asks whether the volume's own backend passes the
 * filters for the added gigabytes. When it does not (past the backend's capacity, or the backend
 * disabled), the volume goes back to its previous status with its size, its file and its quota
 * unchanged; when it does, the volume manager grows the volume. A copy of a volume is placed on its
 * source's backend only when that backend passes the filters too.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { createVolume, fileSize, volumeAction, volumeFile } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { ADMIN } from "../helpers/state";
import { waitFor } from "../helpers/wait";

const GIB = 1024 ** 3;
const INSTANCE = "6c1d3e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

// Thin, but promising no more than the filesystem holds.
forEachDialect("extend checks the backend's capacity", { backends: [{ name: "file", driver: "file", options: { maxOverSubscriptionRatio: 1 } }] }, function (fx) {
  this.timeout(60_000);
  let c: Client;
  const admin = () => fx.s.client.as(ADMIN);
  before(async () => {
    c = fx.s.client.as("u:xc");
  });

  async function totalCapacityGb(): Promise<number> {
    const r = await admin().get("/v3/admin/scheduler-stats/get_pools?detail=true");
    assert.equal(r.status, 200);
    return r.body.pools[0].capabilities.total_capacity_gb;
  }

  async function gigabytesInUse(): Promise<number> {
    return (await admin().get("/v3/admin/os-quota-sets/xc?usage=true")).body.quota_set.gigabytes.in_use;
  }

  /** The volume once it has left `extending`. */
  async function afterExtend(id: string): Promise<any> {
    return waitFor(async () => {
      const v = (await c.get(`/v3/xc/volumes/${id}`)).body.volume;
      return v.status === "extending" ? undefined : v;
    }, `volume ${id} to leave extending`);
  }

  it("puts the volume back when its backend is disabled", async () => {
    const v = await createVolume(c, "xc", { size: 1 });
    const used = await gigabytesInUse();
    const off = await admin().put("/v3/admin/os-services/disable", { host: "testhost@file", binary: "cinder-volume" });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    try {
      assert.equal((await volumeAction(c, "xc", v.id, "os-extend", { new_size: 2 })).status, 202);
      const after = await afterExtend(v.id);
      assert.equal(after.status, "available");
      assert.equal(after.size, 1);
      assert.equal(await gigabytesInUse(), used);
    } finally {
      await admin().put("/v3/admin/os-services/enable", { host: "testhost@file", binary: "cinder-volume" });
    }
  });

  it("puts an attached volume (3.42) back to in-use", async () => {
    const v = await createVolume(c, "xc", { size: 1 });
    assert.equal((await volumeAction(c, "xc", v.id, "os-reserve", {})).status, 202);
    assert.equal((await volumeAction(c, "xc", v.id, "os-attach", { instance_uuid: INSTANCE, mountpoint: "/dev/vdb", mode: "rw" })).status, 202);
    const used = await gigabytesInUse();
    const newSize = Math.ceil(await totalCapacityGb()) + 10;
    const r = await volumeAction(c, "xc", v.id, "os-extend", { new_size: newSize }, "3.42");
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const after = await afterExtend(v.id);
    assert.equal(after.status, "in-use");
    assert.equal(after.size, 1);
    assert.equal(after.attachments.length, 1);
    assert.equal(await gigabytesInUse(), used);
  });

  it("puts a volume extended past the backend's capacity back to available, with its size and quota", async () => {
    const v = await createVolume(c, "xc", { size: 1 });
    const used = await gigabytesInUse();
    const newSize = Math.ceil(await totalCapacityGb()) + 10;
    const r = await volumeAction(c, "xc", v.id, "os-extend", { new_size: newSize });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const after = await afterExtend(v.id);
    assert.equal(after.status, "available");
    assert.equal(after.size, 1);
    assert.equal(await gigabytesInUse(), used, "the added gigabytes went back to the quota");
    assert.equal(await fileSize(volumeFile(fx.s, v.id)), GIB, "the backend's file did not grow");
    // The volume is usable again: an extend that fits goes through.
    assert.equal((await volumeAction(c, "xc", v.id, "os-extend", { new_size: 2 })).status, 202);
    const grown = await waitFor(async () => {
      const g = (await c.get(`/v3/xc/volumes/${v.id}`)).body.volume;
      return g.status === "available" && g.size === 2 ? g : undefined;
    }, "the fitting extend");
    assert.equal(grown.size, 2);
    assert.equal(await fileSize(volumeFile(fx.s, v.id)), 2 * GIB);
    assert.equal(await gigabytesInUse(), used + 1);
  });

  it("fails a copy larger than its source's backend can hold (Cinder: NoValidBackend, error)", async () => {
    const src = await createVolume(c, "xc", { size: 1 });
    const used = await gigabytesInUse();
    const size = Math.ceil(await totalCapacityGb()) + 10;
    const r = await c.post("/v3/xc/volumes", { volume: { size, source_volid: src.id } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const clone = await waitFor(async () => {
      const g = (await c.get(`/v3/xc/volumes/${r.body.volume.id}`)).body.volume;
      return g.status === "creating" ? undefined : g;
    }, "the copy to leave creating");
    assert.equal(clone.status, "error");
    assert.equal(clone["os-vol-host-attr:host"] ?? null, null, "never placed");
    // An error volume keeps its quota until it is deleted, as in Cinder.
    assert.equal(await gigabytesInUse(), used + size);
    assert.equal((await c.delete(`/v3/xc/volumes/${clone.id}`)).status, 202);
  });
});
