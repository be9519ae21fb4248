/**
 * What every SDK function sends — method, URL, body, headers — through an injected transport (an
 * axios adapter that records the request and answers it; nothing is mocked), in the manner of
 * gophercloud's Mock<Op>Response fixtures.
 */
import assert from "node:assert/strict";
import type { AxiosAdapter, InternalAxiosRequestConfig } from "axios";
import { connect, type CinderClient } from "../../sdk/src";
import { resources } from "../../sdk/src/resources";

const ENDPOINT = "http://cinder.local:8776/v3/p1";

interface Seen {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, unknown>;
}

/** A client whose every request is recorded and answered with `status` and `body`. */
async function observedClient(): Promise<{ c: CinderClient; seen: Seen[]; answer: (status: number, body?: unknown) => void }> {
  const seen: Seen[] = [];
  let next: { status: number; body?: unknown } = { status: 200, body: {} };
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    seen.push({
      method: config.method!.toUpperCase(),
      url: config.url!,
      body: config.data === undefined ? undefined : JSON.parse(config.data as string),
      headers: config.headers.toJSON() as Record<string, unknown>,
    });
    const data = next.body === undefined ? "" : JSON.stringify(next.body);
    return { data, status: next.status, statusText: "", headers: {}, config };
  };
  const c = await connect({ env: {}, endpoint: ENDPOINT, auth: { type: "noauth", userId: "u", projectId: "p1" }, microversion: "3.71", adapter });
  return { c, seen, answer: (status, body) => (next = { status, body }) };
}

type Case = [name: string, call: (c: CinderClient) => Promise<unknown>, status: number, reply: unknown, method: string, path: string, body?: unknown];

const vol = { volume: { id: "v1" } };
const CASES: Case[] = [
  ["volumes.get", (c) => c.volumes.get("v1"), 200, vol, "GET", "/volumes/v1"],
  ["volumes.create", (c) => c.volumes.create({ size: 1, name: "n" }), 202, vol, "POST", "/volumes", { volume: { size: 1, name: "n" } }],
  [
    "volumes.create with scheduler hints",
    (c) => c.volumes.create({ size: 1 }, { schedulerHints: { same_host: ["v0"] } }),
    202,
    vol,
    "POST",
    "/volumes",
    { volume: { size: 1 }, "OS-SCH-HNT:scheduler_hints": { same_host: ["v0"] } },
  ],
  ["volumes.update", (c) => c.volumes.update("v1", { name: "m" }), 200, vol, "PUT", "/volumes/v1", { volume: { name: "m" } }],
  ["volumes.delete", (c) => c.volumes.delete("v1", { cascade: true }), 202, undefined, "DELETE", "/volumes/v1?cascade=true"],
  ["volumes.summary", (c) => c.volumes.summary({ all_tenants: 1 }), 200, { "volume-summary": {} }, "GET", "/volumes/summary?all_tenants=1"],
  ["volumes.list metadata filter", (c) => c.volumes.list({ metadata: { k: "v" } }).firstPage(), 200, { volumes: [] }, "GET", "/volumes/detail?metadata=%7B%22k%22%3A%22v%22%7D"],
  ["volumes.getMetadata", (c) => c.volumes.getMetadata("v1"), 200, { metadata: {} }, "GET", "/volumes/v1/metadata"],
  ["volumes.setMetadata", (c) => c.volumes.setMetadata("v1", { a: "1" }), 200, { metadata: {} }, "POST", "/volumes/v1/metadata", { metadata: { a: "1" } }],
  ["volumes.replaceMetadata", (c) => c.volumes.replaceMetadata("v1", { a: "1" }), 200, { metadata: {} }, "PUT", "/volumes/v1/metadata", { metadata: { a: "1" } }],
  ["volumes.getMetadataItem", (c) => c.volumes.getMetadataItem("v1", "a"), 200, { meta: { a: "1" } }, "GET", "/volumes/v1/metadata/a"],
  ["volumes.setMetadataItem", (c) => c.volumes.setMetadataItem("v1", "a b", "1"), 200, { meta: {} }, "PUT", "/volumes/v1/metadata/a%20b", { meta: { "a b": "1" } }],
  ["volumes.deleteMetadataItem", (c) => c.volumes.deleteMetadataItem("v1", "a"), 200, undefined, "DELETE", "/volumes/v1/metadata/a"],
  ["volumes.extend", (c) => c.volumes.extend("v1", 5), 202, undefined, "POST", "/volumes/v1/action", { "os-extend": { new_size: 5 } }],
  ["volumes.resetStatus", (c) => c.volumes.resetStatus("v1", { status: "available" }), 202, undefined, "POST", "/volumes/v1/action", { "os-reset_status": { status: "available" } }],
  ["volumes.forceDelete", (c) => c.volumes.forceDelete("v1"), 202, undefined, "POST", "/volumes/v1/action", { "os-force_delete": {} }],
  ["volumes.unmanage", (c) => c.volumes.unmanage("v1"), 202, undefined, "POST", "/volumes/v1/action", { "os-unmanage": {} }],
  ["volumes.setBootable", (c) => c.volumes.setBootable("v1", true), 200, undefined, "POST", "/volumes/v1/action", { "os-set_bootable": { bootable: true } }],
  ["volumes.setReadonly", (c) => c.volumes.setReadonly("v1", false), 202, undefined, "POST", "/volumes/v1/action", { "os-update_readonly_flag": { readonly: false } }],
  ["volumes.revert", (c) => c.volumes.revert("v1", { id: "s1" }), 202, undefined, "POST", "/volumes/v1/action", { revert: { snapshot_id: "s1" } }],
  ["volumes.migrate", (c) => c.volumes.migrate("v1", { host: "h@b#p", lock_volume: true }), 202, undefined, "POST", "/volumes/v1/action", { "os-migrate_volume": { host: "h@b#p", lock_volume: true } }],
  [
    "volumes.migrateCompletion",
    (c) => c.volumes.migrateCompletion("v1", { id: "v2" }, true),
    200,
    { save_volume_id: "v1" },
    "POST",
    "/volumes/v1/action",
    { "os-migrate_volume_completion": { new_volume: "v2", error: true } },
  ],
  ["snapshots.create", (c) => c.snapshots.create({ volume_id: "v1", force: true }), 202, { snapshot: {} }, "POST", "/snapshots", { snapshot: { volume_id: "v1", force: true } }],
  ["snapshots.update", (c) => c.snapshots.update("s1", { name: "x" }), 200, { snapshot: {} }, "PUT", "/snapshots/s1", { snapshot: { name: "x" } }],
  ["snapshots.delete", (c) => c.snapshots.delete("s1"), 202, undefined, "DELETE", "/snapshots/s1"],
  ["snapshots.setMetadata", (c) => c.snapshots.setMetadata("s1", { a: "1" }), 200, { metadata: {} }, "POST", "/snapshots/s1/metadata", { metadata: { a: "1" } }],
  ["snapshots.resetStatus", (c) => c.snapshots.resetStatus("s1", "error"), 202, undefined, "POST", "/snapshots/s1/action", { "os-reset_status": { status: "error" } }],
  ["snapshots.forceDelete", (c) => c.snapshots.forceDelete("s1"), 202, undefined, "POST", "/snapshots/s1/action", { "os-force_delete": {} }],
  ["snapshots.unmanage", (c) => c.snapshots.unmanage("s1"), 202, undefined, "POST", "/snapshots/s1/action", { "os-unmanage": {} }],
  [
    "manageableSnapshots.list",
    (c) => c.manageableSnapshots.list({ host: "h@b", sort: "size:asc", limit: 2 }).firstPage(),
    200,
    { "manageable-snapshots": [] },
    "GET",
    "/manageable_snapshots/detail?host=h%40b&sort=size%3Aasc&limit=2",
  ],
  ["manageableSnapshots.listBriefLegacy", (c) => c.manageableSnapshots.listBriefLegacy({ host: "h@b" }).firstPage(), 200, { "manageable-snapshots": [] }, "GET", "/os-snapshot-manage?host=h%40b"],
  [
    "manageableSnapshots.manage",
    (c) => c.manageableSnapshots.manage({ volume_id: "v1", ref: { "source-name": "volume-v1@n" }, name: "n" }),
    202,
    { snapshot: { id: "s1" } },
    "POST",
    "/manageable_snapshots",
    { snapshot: { volume_id: "v1", ref: { "source-name": "volume-v1@n" }, name: "n" } },
  ],
  [
    "manageableSnapshots.manageLegacy",
    (c) => c.manageableSnapshots.manageLegacy({ volume_id: "v1", ref: { "source-name": "volume-v1@n" } }),
    202,
    { snapshot: { id: "s1" } },
    "POST",
    "/os-snapshot-manage",
    { snapshot: { volume_id: "v1", ref: { "source-name": "volume-v1@n" } } },
  ],
  ["volumeTypes.create", (c) => c.volumeTypes.create({ name: "t", extra_specs: { a: "b" } }), 200, { volume_type: {} }, "POST", "/types", { volume_type: { name: "t", extra_specs: { a: "b" } } }],
  ["volumeTypes.update", (c) => c.volumeTypes.update("t1", { description: "d" }), 200, { volume_type: {} }, "PUT", "/types/t1", { volume_type: { description: "d" } }],
  ["volumeTypes.delete", (c) => c.volumeTypes.delete("t1"), 202, undefined, "DELETE", "/types/t1"],
  ["volumeTypes.getDefault", (c) => c.volumeTypes.getDefault(), 200, { volume_type: {} }, "GET", "/types/default"],
  ["volumeTypes.setExtraSpecs", (c) => c.volumeTypes.setExtraSpecs("t1", { k: "v" }), 200, { extra_specs: {} }, "POST", "/types/t1/extra_specs", { extra_specs: { k: "v" } }],
  ["volumeTypes.setExtraSpec", (c) => c.volumeTypes.setExtraSpec("t1", "k", "v"), 200, { k: "v" }, "PUT", "/types/t1/extra_specs/k", { k: "v" }],
  ["volumeTypes.getEncryption", (c) => c.volumeTypes.getEncryption("t1"), 200, {}, "GET", "/types/t1/encryption"],
  ["volumeTypes.getEncryptionSpec", (c) => c.volumeTypes.getEncryptionSpec("t1", "provider"), 200, { provider: "luks" }, "GET", "/types/t1/encryption/provider"],
  [
    "volumeTypes.createEncryption",
    (c) => c.volumeTypes.createEncryption("t1", { provider: "luks", control_location: "front-end", cipher: "aes-xts-plain64", key_size: 256 }),
    200,
    { encryption: {} },
    "POST",
    "/types/t1/encryption",
    { encryption: { provider: "luks", control_location: "front-end", cipher: "aes-xts-plain64", key_size: 256 } },
  ],
  ["volumeTypes.updateEncryption", (c) => c.volumeTypes.updateEncryption("t1", "e1", { key_size: 512 }), 200, { encryption: {} }, "PUT", "/types/t1/encryption/e1", { encryption: { key_size: 512 } }],
  ["volumeTypes.deleteEncryption", (c) => c.volumeTypes.deleteEncryption("t1", "e1"), 202, undefined, "DELETE", "/types/t1/encryption/e1"],
  ["volumes.getEncryptionMetadata", (c) => c.volumes.getEncryptionMetadata("v1"), 200, { encryption_key_id: null }, "GET", "/volumes/v1/encryption"],
  ["volumes.getEncryptionMetadataItem", (c) => c.volumes.getEncryptionMetadataItem("v1", "provider"), 200, "luks", "GET", "/volumes/v1/encryption/provider"],
  ["volumeTypes.deleteExtraSpec", (c) => c.volumeTypes.deleteExtraSpec("t1", "k"), 202, undefined, "DELETE", "/types/t1/extra_specs/k"],
  ["volumeTypes.listAccess", (c) => c.volumeTypes.listAccess("t1"), 200, { volume_type_access: [] }, "GET", "/types/t1/os-volume-type-access"],
  ["volumeTypes.addProjectAccess", (c) => c.volumeTypes.addProjectAccess("t1", "p2"), 202, undefined, "POST", "/types/t1/action", { addProjectAccess: { project: "p2" } }],
  ["volumeTypes.removeProjectAccess", (c) => c.volumeTypes.removeProjectAccess("t1", "p2"), 202, undefined, "POST", "/types/t1/action", { removeProjectAccess: { project: "p2" } }],
  ["defaultTypes.set", (c) => c.defaultTypes.set("p2", "t1"), 200, { default_type: {} }, "PUT", "/default-types/p2", { default_type: { volume_type: "t1" } }],
  ["defaultTypes.unset", (c) => c.defaultTypes.unset("p2"), 204, undefined, "DELETE", "/default-types/p2"],
  ["groupTypes.list", (c) => c.groupTypes.list({ is_public: "none" }).all(), 200, { group_types: [] }, "GET", "/group_types?is_public=none"],
  ["groupTypes.get", (c) => c.groupTypes.get("g1"), 200, { group_type: {} }, "GET", "/group_types/g1"],
  ["groupTypes.getDefault", (c) => c.groupTypes.getDefault(), 200, { group_type: {} }, "GET", "/group_types/default"],
  ["groupTypes.create", (c) => c.groupTypes.create({ name: "g", is_public: false }), 202, { group_type: {} }, "POST", "/group_types", { group_type: { name: "g", is_public: false } }],
  ["groupTypes.update", (c) => c.groupTypes.update("g1", { description: "d" }), 200, { group_type: {} }, "PUT", "/group_types/g1", { group_type: { description: "d" } }],
  ["groupTypes.delete", (c) => c.groupTypes.delete("g1"), 202, undefined, "DELETE", "/group_types/g1"],
  ["groupTypes.getGroupSpecs", (c) => c.groupTypes.getGroupSpecs("g1"), 200, { group_specs: {} }, "GET", "/group_types/g1/group_specs"],
  ["groupTypes.setGroupSpecs", (c) => c.groupTypes.setGroupSpecs("g1", { k: "v" }), 202, { group_specs: { k: "v" } }, "POST", "/group_types/g1/group_specs", { group_specs: { k: "v" } }],
  ["groupTypes.getGroupSpec", (c) => c.groupTypes.getGroupSpec("g1", "k"), 200, { k: "v" }, "GET", "/group_types/g1/group_specs/k"],
  ["groupTypes.setGroupSpec", (c) => c.groupTypes.setGroupSpec("g1", "k", "v"), 200, { k: "v" }, "PUT", "/group_types/g1/group_specs/k", { k: "v" }],
  ["groupTypes.deleteGroupSpec", (c) => c.groupTypes.deleteGroupSpec("g1", "k"), 202, undefined, "DELETE", "/group_types/g1/group_specs/k"],
  ["groups.list", (c) => c.groups.list({ list_volume: "true" }).all(), 200, { groups: [] }, "GET", "/groups/detail?list_volume=true"],
  ["groups.listBrief", (c) => c.groups.listBrief().all(), 200, { groups: [] }, "GET", "/groups"],
  ["groups.get", (c) => c.groups.get("g1"), 200, { group: {} }, "GET", "/groups/g1"],
  ["groups.create", (c) => c.groups.create({ group_type: "gt", volume_types: ["t1"], name: "g" }), 202, { group: {} }, "POST", "/groups", { group: { group_type: "gt", volume_types: ["t1"], name: "g" } }],
  ["groups.update", (c) => c.groups.update("g1", { name: "n", addVolumes: ["v1", { id: "v2" }], removeVolumes: ["v3"] }), 202, undefined, "PUT", "/groups/g1", { group: { name: "n", add_volumes: "v1,v2", remove_volumes: "v3" } }],
  ["groups.delete", (c) => c.groups.delete("g1", { deleteVolumes: true }), 202, undefined, "POST", "/groups/g1/action", { delete: { "delete-volumes": true } }],
  ["groups.resetStatus", (c) => c.groups.resetStatus("g1", "error"), 202, undefined, "POST", "/groups/g1/action", { reset_status: { status: "error" } }],
  ["groups.createFromGroupSnapshot", (c) => c.groups.createFromGroupSnapshot("gs1", { name: "n" }), 202, { group: {} }, "POST", "/groups/action", { "create-from-src": { group_snapshot_id: "gs1", name: "n" } }],
  ["groups.cloneGroup", (c) => c.groups.cloneGroup({ id: "g1" }), 202, { group: {} }, "POST", "/groups/action", { "create-from-src": { source_group_id: "g1" } }],
  ["groupSnapshots.list", (c) => c.groupSnapshots.list({ group_id: "g1" }).all(), 200, { group_snapshots: [] }, "GET", "/group_snapshots/detail?group_id=g1"],
  ["groupSnapshots.listBrief", (c) => c.groupSnapshots.listBrief().all(), 200, { group_snapshots: [] }, "GET", "/group_snapshots"],
  ["groupSnapshots.get", (c) => c.groupSnapshots.get("gs1"), 200, { group_snapshot: {} }, "GET", "/group_snapshots/gs1"],
  ["groupSnapshots.create", (c) => c.groupSnapshots.create({ group_id: "g1", name: "s" }), 202, { group_snapshot: {} }, "POST", "/group_snapshots", { group_snapshot: { group_id: "g1", name: "s" } }],
  ["groupSnapshots.delete", (c) => c.groupSnapshots.delete("gs1"), 202, undefined, "DELETE", "/group_snapshots/gs1"],
  ["groupSnapshots.resetStatus", (c) => c.groupSnapshots.resetStatus("gs1", "error"), 202, undefined, "POST", "/group_snapshots/gs1/action", { reset_status: { status: "error" } }],
  ["qosSpecs.create", (c) => c.qosSpecs.create({ name: "q", consumer: "back-end", iops: "9" }), 200, { qos_specs: {} }, "POST", "/qos-specs", { qos_specs: { name: "q", consumer: "back-end", iops: "9" } }],
  ["qosSpecs.setKeys", (c) => c.qosSpecs.setKeys("q1", { iops: "10" }), 200, { qos_specs: {} }, "PUT", "/qos-specs/q1", { qos_specs: { iops: "10" } }],
  ["qosSpecs.unsetKeys", (c) => c.qosSpecs.unsetKeys("q1", ["iops"]), 202, undefined, "PUT", "/qos-specs/q1/delete_keys", { keys: ["iops"] }],
  ["qosSpecs.delete force", (c) => c.qosSpecs.delete("q1", { force: true }), 202, undefined, "DELETE", "/qos-specs/q1?force=true"],
  ["qosSpecs.associate", (c) => c.qosSpecs.associate("q1", "t1"), 202, undefined, "GET", "/qos-specs/q1/associate?vol_type_id=t1"],
  ["qosSpecs.disassociate", (c) => c.qosSpecs.disassociate("q1", { id: "t1" }), 202, undefined, "GET", "/qos-specs/q1/disassociate?vol_type_id=t1"],
  ["qosSpecs.disassociateAll", (c) => c.qosSpecs.disassociateAll("q1"), 202, undefined, "GET", "/qos-specs/q1/disassociate_all"],
  ["qosSpecs.listAssociations", (c) => c.qosSpecs.listAssociations("q1"), 200, { qos_associations: [] }, "GET", "/qos-specs/q1/associations"],
  ["quotas.get", (c) => c.quotas.get("p2"), 200, { quota_set: {} }, "GET", "/os-quota-sets/p2"],
  ["quotas.usage", (c) => c.quotas.usage("p2"), 200, { quota_set: {} }, "GET", "/os-quota-sets/p2?usage=true"],
  ["quotas.defaults", (c) => c.quotas.defaults("p2"), 200, { quota_set: {} }, "GET", "/os-quota-sets/p2/defaults"],
  ["quotas.update", (c) => c.quotas.update("p2", { volumes: 5 }), 200, { quota_set: {} }, "PUT", "/os-quota-sets/p2", { quota_set: { volumes: 5 } }],
  ["quotas.delete", (c) => c.quotas.delete("p2"), 200, undefined, "DELETE", "/os-quota-sets/p2"],
  ["quotas.getClass", (c) => c.quotas.getClass("default"), 200, { quota_class_set: {} }, "GET", "/os-quota-class-sets/default"],
  ["quotas.updateClass", (c) => c.quotas.updateClass("default", { gigabytes: 9 }), 200, { quota_class_set: {} }, "PUT", "/os-quota-class-sets/default", { quota_class_set: { gigabytes: 9 } }],
  ["limits.get", (c) => c.limits.get({ project_id: "p2" }), 200, { limits: {} }, "GET", "/limits?project_id=p2"],
  ["availabilityZones.list", (c) => c.availabilityZones.list(), 200, { availabilityZoneInfo: [] }, "GET", "/os-availability-zone"],
  ["services.list", (c) => c.services.list({ binary: "cinder-volume" }), 200, { services: [] }, "GET", "/os-services?binary=cinder-volume"],
  ["services.enable", (c) => c.services.enable("h@b", "cinder-volume"), 200, {}, "PUT", "/os-services/enable", { host: "h@b", binary: "cinder-volume" }],
  ["services.disable", (c) => c.services.disable("h@b", "cinder-volume"), 200, {}, "PUT", "/os-services/disable", { host: "h@b", binary: "cinder-volume" }],
  [
    "services.disable with a reason",
    (c) => c.services.disable("h@b", "cinder-volume", "maintenance"),
    200,
    {},
    "PUT",
    "/os-services/disable-log-reason",
    { host: "h@b", binary: "cinder-volume", disabled_reason: "maintenance" },
  ],
  ["pools.list", (c) => c.pools.list({ detail: true }), 200, { pools: [] }, "GET", "/scheduler-stats/get_pools?detail=true"],
  ["hosts.list", (c) => c.hosts.list("nova"), 200, { hosts: [] }, "GET", "/os-hosts?zone=nova"],
  ["hosts.show", (c) => c.hosts.show("h@b"), 200, { host: [] }, "GET", "/os-hosts/h%40b"],
  ["hosts.capabilities", (c) => c.hosts.capabilities("h@b"), 200, {}, "GET", "/capabilities/h%40b"],
  ["hosts.resourceFilters", (c) => c.hosts.resourceFilters("volume"), 200, { resource_filters: [] }, "GET", "/resource_filters?resource=volume"],
  ["extensions.list", (c) => c.extensions.list(), 200, { extensions: [] }, "GET", "/extensions"],
  ["messages.list", (c) => c.messages.list({ event_id: "VOLUME_VOLUME_001_003", limit: 5 }).firstPage(), 200, { messages: [] }, "GET", "/messages?event_id=VOLUME_VOLUME_001_003&limit=5"],
  ["messages.get", (c) => c.messages.get("m1"), 200, { message: {} }, "GET", "/messages/m1"],
  ["messages.delete", (c) => c.messages.delete("m1"), 204, undefined, "DELETE", "/messages/m1"],
  ["backups.list", (c) => c.backups.list({ volume_id: "v1", limit: 5 }).firstPage(), 200, { backups: [] }, "GET", "/backups/detail?volume_id=v1&limit=5"],
  ["backups.listBrief", (c) => c.backups.listBrief().firstPage(), 200, { backups: [] }, "GET", "/backups"],
  ["backups.get", (c) => c.backups.get("b1"), 200, { backup: {} }, "GET", "/backups/b1"],
  ["backups.create", (c) => c.backups.create({ volume_id: "v1", incremental: true }), 202, { backup: {} }, "POST", "/backups", { backup: { volume_id: "v1", incremental: true } }],
  ["backups.update", (c) => c.backups.update("b1", { name: "n" }), 200, { backup: {} }, "PUT", "/backups/b1", { backup: { name: "n" } }],
  ["backups.delete", (c) => c.backups.delete("b1"), 202, undefined, "DELETE", "/backups/b1"],
  ["backups.restore", (c) => c.backups.restore("b1", { volume_id: "v1" }), 202, { restore: {} }, "POST", "/backups/b1/restore", { restore: { volume_id: "v1" } }],
  ["backups.exportRecord", (c) => c.backups.exportRecord("b1"), 200, { "backup-record": {} }, "GET", "/backups/b1/export_record"],
  ["backups.importRecord", (c) => c.backups.importRecord({ backup_service: "s", backup_url: "u" }), 201, { backup: {} }, "POST", "/backups/import_record", { "backup-record": { backup_service: "s", backup_url: "u" } }],
  ["backups.resetStatus", (c) => c.backups.resetStatus("b1", "error"), 202, undefined, "POST", "/backups/b1/action", { "os-reset_status": { status: "error" } }],
  ["backups.forceDelete", (c) => c.backups.forceDelete("b1"), 202, undefined, "POST", "/backups/b1/action", { "os-force_delete": {} }],
];

describe("sdk: requests (injected transport)", () => {
  for (const [name, call, status, reply, method, path, body] of CASES) {
    it(`${name} → ${method} ${path}`, async () => {
      const { c, seen, answer } = await observedClient();
      answer(status, reply);
      await call(c);
      assert.equal(seen.length, 1);
      assert.equal(seen[0].method, method);
      assert.equal(seen[0].url, ENDPOINT + path);
      assert.deepEqual(seen[0].body, body);
      assert.equal(seen[0].headers["X-Auth-Token"], "u:p1");
      assert.equal(seen[0].headers["OpenStack-API-Version"], "volume 3.71");
      if (body !== undefined) assert.equal(seen[0].headers["Content-Type"], "application/json");
      else assert.ok(!seen[0].headers["Content-Type"], "no Content-Type without a body");
    });
  }

  it("every spec operation under /v3/{project_id} has an SDK function", async () => {
    const { readFileSync } = await import("node:fs");
    const spec = JSON.parse(readFileSync(`${__dirname}/../../openapi/dist/cinder-v3.json`, "utf8"));
    const { c, seen, answer } = await observedClient();
    answer(200, {});
    // Call every function with placeholder arguments; errors from the placeholder answer don't matter.
    for (const name of Object.keys(resources)) {
      const resource = c[name as keyof typeof resources] as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const [fn, f] of Object.entries(resource)) {
        if (fn.startsWith("waitFor")) continue;
        for (const args of [["x1", "x2", "x3"], ["x1", "x2"]]) {
          const r = f.call(resource, ...args) as { firstPage?: () => Promise<unknown> } | Promise<unknown>;
          await Promise.resolve("firstPage" in r && r.firstPage ? r.firstPage() : r).catch(() => undefined);
        }
      }
    }
    const called = new Set(seen.map((s) => `${s.method} ${new URL(s.url).pathname.replace("/v3/p1", "").replace(/x[123]/g, "{}")}`));
    const missing: string[] = [];
    for (const [p, item] of Object.entries<Record<string, unknown>>(spec.paths)) {
      if (!p.startsWith("/v3/{project_id}/")) continue;
      for (const m of ["get", "put", "post", "delete"]) {
        if (!item[m]) continue;
        const key = `${m.toUpperCase()} ${p.replace("/v3/{project_id}", "").replace(/\{[^}]+\}/g, "{}")}`;
        if (!called.has(key)) missing.push(key);
      }
    }
    assert.deepEqual(missing, []);
  });
});
