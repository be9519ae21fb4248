/**
 * Several backends on one volume host (Cinder's enabled_backends): each backend with its own
 * driver options is a pool of its own; backends sharing a volume_backend_name are one target for
 * volume types, and the scheduler places volumes among them only.
 */
import assert from "node:assert/strict";
import { forEachDialect } from "../helpers/suite";
import { waitFor } from "../helpers/wait";

const P = "p1";

forEachDialect("several backends per host", {
  backends: [
    { name: "gold-1", driver: "file", volumeBackendName: "gold", options: { capabilities: { tier: "gold1" } } },
    { name: "gold-2", driver: "file", volumeBackendName: "gold", options: { capabilities: { tier: "gold2" } } },
    { name: "silver", driver: "file", options: { maxOverSubscriptionRatio: 2, reservedPercentage: 50 } },
  ],
}, function (fx) {
  this.timeout(60_000);

  async function pools(): Promise<Map<string, any>> {
    const r = await fx.admin.get(`/v3/${P}/scheduler-stats/get_pools?detail=true`);
    assert.equal(r.status, 200);
    return new Map(r.body.pools.map((p: any) => [p.name, p.capabilities]));
  }

  async function createType(name: string, specs: Record<string, string>): Promise<void> {
    const r = await fx.admin.post(`/v3/${P}/types`, { volume_type: { name, extra_specs: specs } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }

  async function hostOf(typeName: string): Promise<{ status: string; host: string | null }> {
    const r = await fx.admin.post(`/v3/${P}/volumes`, { volume: { size: 1, volume_type: typeName } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const id = r.body.volume.id;
    const v = await waitFor(async () => {
      const g = (await fx.admin.get(`/v3/${P}/volumes/${id}`)).body.volume;
      return g.status === "creating" ? undefined : g;
    }, `volume ${id} to leave creating`);
    return { status: v.status, host: v["os-vol-host-attr:host"] };
  }

  it("reports each backend as a pool with its own options and its volume_backend_name", async () => {
    const p = await waitFor(async () => {
      const m = await pools();
      return m.size === 3 ? m : undefined;
    }, "three pools");
    assert.deepEqual([...p.keys()].sort(), ["testhost@gold-1#gold-1", "testhost@gold-2#gold-2", "testhost@silver#silver"]);
    assert.equal(p.get("testhost@gold-1#gold-1").volume_backend_name, "gold");
    assert.equal(p.get("testhost@gold-2#gold-2").volume_backend_name, "gold");
    assert.equal(p.get("testhost@silver#silver").volume_backend_name, "silver", "the backend's name by default");
    assert.equal(p.get("testhost@silver#silver").reserved_percentage, 50);
    assert.equal(p.get("testhost@gold-1#gold-1").reserved_percentage, 0);
    assert.equal(p.get("testhost@silver#silver").max_over_subscription_ratio, 2);
    assert.equal(p.get("testhost@gold-2#gold-2").tier, "gold2");
  });

  it("places volumes of a type among the backends sharing its volume_backend_name only", async () => {
    await createType("gold", { volume_backend_name: "gold" });
    const hosts = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const v = await hostOf("gold");
      assert.equal(v.status, "available");
      hosts.add(v.host!.split("#")[0]);
    }
    for (const h of hosts) assert.ok(["testhost@gold-1", "testhost@gold-2"].includes(h), h);
    await createType("gold-two", { volume_backend_name: "gold", tier: "gold2" });
    assert.equal((await hostOf("gold-two")).host, "testhost@gold-2#gold-2", "a capability narrows it to one backend");
  });

  it("a type naming a backend by its section name no longer matches once volume_backend_name renames it", async () => {
    await createType("by-section-name", { volume_backend_name: "gold-1" });
    const v = await hostOf("by-section-name");
    assert.equal(v.status, "error", "no backend reports volume_backend_name gold-1");
    assert.equal(v.host, null);
  });
});
