/** The scheduler's filters, extra-spec operators and weighers as Cinder defines them. */
import assert from "node:assert/strict";
import type { PoolStats } from "../../server/src/drivers/interface";
import { matches } from "../../server/src/scheduler/extra-specs-ops";
import { availabilityZoneFilter } from "../../server/src/scheduler/filters/availability-zone";
import { capabilitiesFilter } from "../../server/src/scheduler/filters/capabilities";
import { capacityFilter } from "../../server/src/scheduler/filters/capacity";
import type { PoolState, RequestSpec } from "../../server/src/scheduler/types";
import { rank } from "../../server/src/scheduler/weigh";
import { allocatedCapacityWeigher } from "../../server/src/scheduler/weighers/allocated-capacity";
import { capacityWeigher } from "../../server/src/scheduler/weighers/capacity";

function pool(name: string, p: Partial<PoolStats>, caps: Record<string, string | number | boolean> = {}, az = "nova"): PoolState {
  const stats: PoolStats = {
    poolName: name,
    totalCapacityGb: 100,
    freeCapacityGb: 100,
    provisionedCapacityGb: 0,
    thinProvisioningSupport: false,
    thickProvisioningSupport: true,
    reservedPercentage: 0,
    maxOverSubscriptionRatio: 1,
    capabilities: {},
    ...p,
  };
  return { host: `h@${name}#${name}`, backend: `h@${name}`, availabilityZone: az, pool: stats, capabilities: { volume_backend_name: name, ...caps } };
}

const spec = (size: number, extraSpecs: Record<string, string> = {}, az = "nova"): RequestSpec => ({ size, availabilityZone: az, extraSpecs });

describe("scheduler", () => {
  it("matches extra specs with Cinder's operators", () => {
    assert.equal(matches(10, "= 5"), true, "'=' is numeric at-least");
    assert.equal(matches(4, "= 5"), false);
    assert.equal(matches(5, "== 5.0"), true);
    assert.equal(matches(5, "!= 5"), false);
    assert.equal(matches(7, ">= 7"), true);
    assert.equal(matches(7, "<= 6"), false);
    assert.equal(matches("abc", "s== abc"), true);
    assert.equal(matches("abc", "s!= abc"), false);
    assert.equal(matches("abc", "s< abd"), true);
    assert.equal(matches("gold silver", "<in> silver"), true);
    assert.equal(matches(true, "<is> True"), true);
    assert.equal(matches(false, "<is> True"), false);
    assert.equal(matches("ssd", "<or> hdd <or> ssd"), true);
    assert.equal(matches("nvme", "<or> hdd <or> ssd"), false);
    assert.equal(matches("fast", "fast"), true, "no operator: equal as text");
    assert.equal(matches(undefined, "<is> True"), false, "a missing capability never matches");
  });

  it("does not ask a backend for room for a volume already on it (a retype: vol_exists_on)", () => {
    const full = pool("f", { freeCapacityGb: 0 });
    assert.equal(capacityFilter.passes(full, spec(5)), false);
    assert.equal(capacityFilter.passes(full, { ...spec(5), volExistsOn: "h@f" }), true);
    assert.equal(capacityFilter.passes(full, { ...spec(5), volExistsOn: "h@other" }), false, "only the backend it lives on");
  });

  it("filters by availability zone, capacity (thick and thin) and capabilities", () => {
    assert.equal(availabilityZoneFilter.passes(pool("a", {}, {}, "az1"), spec(1, {}, "az1")), true);
    assert.equal(availabilityZoneFilter.passes(pool("a", {}, {}, "az1"), spec(1, {}, "az2")), false);
    // Thick: free space after the reserved percentage.
    const thick = pool("t", { freeCapacityGb: 30, reservedPercentage: 10 });
    assert.equal(capacityFilter.passes(thick, spec(20)), true, "30 free - 10 reserved = 20");
    assert.equal(capacityFilter.passes(thick, spec(21)), false);
    // Thin: provisioned + requested may reach total × ratio, with some real free space left.
    const thin = pool("n", { thinProvisioningSupport: true, thickProvisioningSupport: false, freeCapacityGb: 10, provisionedCapacityGb: 180, maxOverSubscriptionRatio: 2 });
    assert.equal(capacityFilter.passes(thin, spec(20)), true, "(180 + 20) / 100 = 2.0 <= 2");
    assert.equal(capacityFilter.passes(thin, spec(21)), false, "over-subscribed beyond the ratio");
    assert.equal(capacityFilter.passes(pool("z", { totalCapacityGb: 0 }), spec(1)), false);
    // Capabilities: unscoped and capabilities: keys must match; other scopes are for others.
    const p = pool("gold", {}, { vendor_name: "Cinderblock", storage_protocol: "iSCSI" });
    assert.equal(capabilitiesFilter.passes(p, spec(1, { volume_backend_name: "gold" })), true);
    assert.equal(capabilitiesFilter.passes(p, spec(1, { volume_backend_name: "silver" })), false, "volume_backend_name pins a backend");
    assert.equal(capabilitiesFilter.passes(p, spec(1, { "capabilities:storage_protocol": "<in> iSCSI" })), true);
    assert.equal(capabilitiesFilter.passes(p, spec(1, { "qos:total_iops_sec": "100", "RESKEY:availability_zones": "az9" })), true);
    assert.equal(capabilitiesFilter.passes(p, spec(1, { dedup: "<is> True" })), false);
  });

  it("weighs by free capacity by default, and by allocation with AllocatedCapacityWeigher", () => {
    const roomy = pool("roomy", { freeCapacityGb: 90, provisionedCapacityGb: 50 });
    const tight = pool("tight", { freeCapacityGb: 20, provisionedCapacityGb: 5 });
    assert.deepEqual(rank([tight, roomy], spec(1), [capacityWeigher(1)]).map((p) => p.pool.poolName), ["roomy", "tight"]);
    assert.deepEqual(rank([tight, roomy], spec(1), [capacityWeigher(-1)]).map((p) => p.pool.poolName), ["tight", "roomy"], "a negative multiplier stacks");
    assert.deepEqual(rank([roomy, tight], spec(1), [allocatedCapacityWeigher(-1)]).map((p) => p.pool.poolName), ["tight", "roomy"], "least allocated first");
  });
});
