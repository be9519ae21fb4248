/**
 * Requests Cinder's API refuses before accepting them, so that nothing is left to fail later:
 * sizes outside a volume type's `provisioning:min_vol_size` / `provisioning:max_vol_size`
 * (cinder/volume/volume_types.py provision_filter_on_size, on create, extend and retype), and a
 * retype of an in-use volume that would change its front-end QoS (volume_qos_allows_retype).
 * Each refusal is a 400 with Cinder's message and changes nothing.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { createVolume, volumeAction } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { ADMIN } from "../helpers/state";

const INSTANCE = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const RETYPE_REFUSED =
  "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, " +
  "requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change.";

forEachDialect("up-front checks of accepted operations", function (fx) {
  this.timeout(60_000);
  let c: Client;
  const admin = () => fx.s.client.as(ADMIN);

  async function createType(name: string, extraSpecs: Record<string, string> = {}): Promise<string> {
    const r = await admin().post("/v3/admin/types", { volume_type: { name, extra_specs: extraSpecs } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.volume_type.id;
  }

  async function stateOf(id: string): Promise<unknown> {
    const v = (await c.get(`/v3/uc/volumes/${id}`)).body.volume;
    const q = (await admin().get("/v3/admin/os-quota-sets/uc?usage=true")).body.quota_set;
    return { status: v.status, size: v.size, type: v.volume_type, gigabytes: q.gigabytes.in_use, volumes: q.volumes.in_use };
  }
  before(async () => {
    c = fx.s.client.as("u:uc");
    await createType("bounded", { "provisioning:min_vol_size": "2", "provisioning:max_vol_size": "4" });
    await createType("small", { "provisioning:max_vol_size": "1" });
  });

  it("refuses a create outside the type's size bounds", async () => {
    const before = await admin().get("/v3/admin/os-quota-sets/uc?usage=true");
    assertFault(await c.post("/v3/uc/volumes", { volume: { size: 1, volume_type: "bounded" } }), 400,
      "Invalid input received: Specified volume size of '1' is less than the minimum required size of '2' for volume type 'bounded'.");
    assertFault(await c.post("/v3/uc/volumes", { volume: { size: 5, volume_type: "bounded" } }), 400,
      "Invalid input received: Specified volume size of '5' is greater than the maximum allowable size of '4' for volume type 'bounded'.");
    assert.deepEqual((await c.get("/v3/uc/volumes")).body.volumes, []);
    assert.deepEqual((await admin().get("/v3/admin/os-quota-sets/uc?usage=true")).body, before.body);
    assert.equal((await c.post("/v3/uc/volumes", { volume: { size: 3, volume_type: "bounded" } })).status, 202);
  });

  it("refuses an extend past the type's maximum size", async () => {
    const v = await createVolume(c, "uc", { size: 3, volume_type: "bounded" });
    const before = await stateOf(v.id);
    assertFault(await volumeAction(c, "uc", v.id, "os-extend", { new_size: 5 }), 400,
      "Invalid input received: Specified volume size of '5' is greater than the maximum allowable size of '4' for volume type 'bounded'.");
    assert.deepEqual(await stateOf(v.id), before);
  });

  it("refuses a retype to a type whose bounds the volume's size is outside", async () => {
    const v = await createVolume(c, "uc", { size: 2 });
    const before = await stateOf(v.id);
    assertFault(await volumeAction(c, "uc", v.id, "os-retype", { new_type: "small" }), 400,
      "Invalid input received: Specified volume size of '2' is greater than the maximum allowable size of '1' for volume type 'small'.");
    assert.deepEqual(await stateOf(v.id), before);
  });

  it("refuses a retype of an in-use volume that changes its front-end QoS; a back-end QoS is no obstacle", async () => {
    const q = await admin().post("/v3/admin/qos-specs", { qos_specs: { name: "fe-limits", consumer: "front-end", read_iops_sec: "500" } });
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const limited = await createType("limited");
    assert.equal((await admin().get(`/v3/admin/qos-specs/${q.body.qos_specs.id}/associate?vol_type_id=${limited}`)).status, 202);

    const v = await createVolume(c, "uc", { size: 1 });
    assert.equal((await volumeAction(c, "uc", v.id, "os-reserve", {})).status, 202);
    assert.equal((await volumeAction(c, "uc", v.id, "os-attach", { instance_uuid: INSTANCE, mountpoint: "/dev/vdb", mode: "rw" })).status, 202);
    const before = await stateOf(v.id);
    assertFault(await volumeAction(c, "uc", v.id, "os-retype", { new_type: "limited" }), 400, RETYPE_REFUSED);
    assert.deepEqual(await stateOf(v.id), before);

    // A back-end QoS is no obstacle for an in-use volume.
    const b = await admin().post("/v3/admin/qos-specs", { qos_specs: { name: "be-limits", consumer: "back-end", total_iops_sec: "900" } });
    const backEnd = await createType("backend-limited");
    assert.equal((await admin().get(`/v3/admin/qos-specs/${b.body.qos_specs.id}/associate?vol_type_id=${backEnd}`)).status, 202);
    assert.equal((await volumeAction(c, "uc", v.id, "os-retype", { new_type: "backend-limited" })).status, 202);
  });
});
