/**
 * Live: volume types (+ extra specs, access, default types), QoS specs (+ associations), quotas,
 * limits, availability zones, services, pools and extensions, only through the SDK, with built-in
 * identity and with noauth.
 */
import assert from "node:assert/strict";
import { BadRequest, NotFound } from "../../sdk/src";
import { forEachMode, QUICK } from "./helpers";

describe("sdk live: types, QoS, quotas and the admin API", () => {
  forEachMode((live) => {
    it("volume type lifecycle: create, show, update, extra specs, access, delete", async () => {
      const { client, otherProject } = live();
      const t = await client.volumeTypes.create({ name: "sdk-type", description: "d", extra_specs: { "sdk:a": "1" }, "os-volume-type-access:is_public": false });
      assert.equal(t.name, "sdk-type");
      assert.equal(t.is_public, false);
      assert.equal((await client.volumeTypes.get(t)).id, t.id);
      assert.equal((await client.volumeTypes.update(t, { description: "d2" })).description, "d2");

      // Scoped keys other than capabilities: are not matched against the backend (CapabilitiesFilter).
      assert.deepEqual(await client.volumeTypes.setExtraSpecs(t, { "sdk:b": "2" }), { "sdk:b": "2" });
      assert.deepEqual(await client.volumeTypes.getExtraSpecs(t), { "sdk:a": "1", "sdk:b": "2" });
      await client.volumeTypes.setExtraSpec(t, "sdk:c", "3");
      assert.equal(await client.volumeTypes.getExtraSpec(t, "sdk:c"), "3");
      await client.volumeTypes.deleteExtraSpec(t, "sdk:c");
      await assert.rejects(client.volumeTypes.getExtraSpec(t, "sdk:c"), NotFound);

      await client.volumeTypes.addProjectAccess(t, otherProject);
      assert.deepEqual(await client.volumeTypes.listAccess(t), [{ volume_type_id: t.id, project_id: otherProject }]);
      await client.volumeTypes.removeProjectAccess(t, otherProject);
      assert.deepEqual(await client.volumeTypes.listAccess(t), []);

      assert.ok((await client.volumeTypes.list({ is_public: "None" }).all()).some((x) => x.id === t.id));
      assert.equal((await client.volumeTypes.getDefault()).name, "__DEFAULT__");

      // A type in use cannot go; after its volume is deleted it can.
      const v = await client.volumes.waitFor(await client.volumes.create({ size: 1, volume_type: t.id }), "available", QUICK);
      assert.equal(v.volume_type, "sdk-type");
      await assert.rejects(client.volumeTypes.delete(t), BadRequest);
      await client.volumes.delete(v);
      await client.volumes.waitForDeleted(v, QUICK);
      await client.volumeTypes.delete(t);
      await assert.rejects(client.volumeTypes.get(t), NotFound);
    });

    it("encrypted types: encryption specs, an encrypted volume, its encryption metadata", async () => {
      const { client } = live();
      const t = await client.volumeTypes.create({ name: "sdk-luks" });
      assert.deepEqual(await client.volumeTypes.getEncryption(t), {});
      const specs = { provider: "luks", cipher: "aes-xts-plain64", key_size: 256, control_location: "front-end" as const };
      assert.deepEqual(await client.volumeTypes.createEncryption(t, specs), specs);
      const enc = await client.volumeTypes.getEncryption(t);
      assert.equal(enc.provider, "luks");
      assert.equal(await client.volumeTypes.getEncryptionSpec(t, "key_size"), 256);
      assert.deepEqual(await client.volumeTypes.updateEncryption(t, enc.encryption_id!, { key_size: 512 }), { key_size: 512 });
      const v = await client.volumes.waitFor(await client.volumes.create({ size: 1, volume_type: t.id }), "available", QUICK);
      assert.equal(v.encrypted, true);
      assert.ok(v.encryption_key_id);
      const meta = await client.volumes.getEncryptionMetadata(v);
      assert.deepEqual(meta, { encryption_key_id: v.encryption_key_id, provider: "luks", cipher: "aes-xts-plain64", key_size: 512, control_location: "front-end" });
      assert.equal(await client.volumes.getEncryptionMetadataItem(v, "control_location"), "front-end");
      await assert.rejects(client.volumeTypes.deleteEncryption(t, enc.encryption_id!), BadRequest);
      await client.volumes.delete(v);
      await client.volumes.waitForDeleted(v, QUICK);
      await client.volumeTypes.deleteEncryption(t, enc.encryption_id!);
      assert.deepEqual(await client.volumeTypes.getEncryption(t), {});
      await client.volumeTypes.delete(t);
    });

    it("default types (3.62): set, show, list, unset", async () => {
      const { client, otherProject } = live();
      const t = await client.volumeTypes.create({ name: "sdk-default" });
      const d = await client.defaultTypes.set(otherProject, t.id);
      assert.deepEqual(d, { project_id: otherProject, volume_type_id: t.id });
      assert.deepEqual(await client.defaultTypes.get(otherProject), d);
      assert.ok((await client.defaultTypes.list()).some((x) => x.project_id === otherProject));
      await client.defaultTypes.unset(otherProject);
      await assert.rejects(client.defaultTypes.get(otherProject), NotFound);
      await client.volumeTypes.delete(t);
    });

    it("QoS lifecycle: create, show, keys, associations, delete", async () => {
      const { client } = live();
      const q = await client.qosSpecs.create({ name: "sdk-qos", consumer: "back-end", total_iops_sec: "500" });
      assert.deepEqual(q.specs, { total_iops_sec: "500" });
      assert.equal((await client.qosSpecs.get(q)).name, "sdk-qos");
      assert.deepEqual(await client.qosSpecs.setKeys(q, { read_iops_sec: "100" }), { read_iops_sec: "100" });
      await client.qosSpecs.unsetKeys(q, ["total_iops_sec"]);
      assert.deepEqual((await client.qosSpecs.get(q)).specs, { read_iops_sec: "100" });
      assert.ok((await client.qosSpecs.list({ name: "sdk-qos" }).all()).some((x) => x.id === q.id));

      const t1 = await client.volumeTypes.create({ name: "sdk-qos-t1" });
      const t2 = await client.volumeTypes.create({ name: "sdk-qos-t2" });
      await client.qosSpecs.associate(q, t1);
      await client.qosSpecs.associate(q, t2);
      const names = (await client.qosSpecs.listAssociations(q)).map((a) => a.name).sort();
      assert.deepEqual(names, ["sdk-qos-t1", "sdk-qos-t2"]);
      assert.equal((await client.volumeTypes.get(t1)).qos_specs_id, q.id);
      await client.qosSpecs.disassociate(q, t1);
      assert.deepEqual((await client.qosSpecs.listAssociations(q)).map((a) => a.name), ["sdk-qos-t2"]);
      await assert.rejects(client.qosSpecs.delete(q), BadRequest, "an associated spec needs force");
      await client.qosSpecs.disassociateAll(q);
      assert.deepEqual(await client.qosSpecs.listAssociations(q), []);
      await client.qosSpecs.delete(q);
      await assert.rejects(client.qosSpecs.get(q), NotFound);
      await client.volumeTypes.delete(t1);
      await client.volumeTypes.delete(t2);

      const forced = await client.qosSpecs.create({ name: "sdk-qos-forced" });
      const t3 = await client.volumeTypes.create({ name: "sdk-qos-t3" });
      await client.qosSpecs.associate(forced, t3);
      await client.qosSpecs.delete(forced, { force: true });
      await client.volumeTypes.delete(t3);
    });

    it("quotas: show, usage, defaults, update, delete; quota classes", async () => {
      const { client, otherProject } = live();
      const defaults = await client.quotas.defaults(otherProject);
      const updated = await client.quotas.update(otherProject, { volumes: 42, snapshots: 7 });
      assert.equal(updated.volumes, 42);
      assert.equal((await client.quotas.get(otherProject)).volumes, 42);
      const usage = await client.quotas.usage(client.projectId!);
      assert.equal(typeof usage.volumes.in_use, "number");
      await client.quotas.delete(otherProject);
      assert.equal((await client.quotas.get(otherProject)).volumes, defaults.volumes);

      const cls = await client.quotas.getClass("default");
      assert.equal(cls.id, "default");
      const changed = await client.quotas.updateClass("default", { backups: cls.backups + 1 });
      assert.equal(changed.backups, cls.backups + 1);
      await client.quotas.updateClass("default", { backups: cls.backups });
    });

    it("limits, availability zones, services, pools, extensions", async () => {
      const { client } = live();
      const limits = await client.limits.get();
      assert.equal(typeof limits.absolute.maxTotalVolumes, "number");
      assert.deepEqual(await client.availabilityZones.list(), [{ zoneName: "nova", zoneState: { available: true } }]);

      const services = await client.services.list();
      const volume = services.find((s) => s.binary === "cinder-volume");
      assert.ok(volume, JSON.stringify(services));
      assert.ok((await client.services.list({ binary: "cinder-scheduler" })).every((s) => s.binary === "cinder-scheduler"));
      const off = await client.services.disable(volume.host, "cinder-volume", "sdk test");
      assert.equal(off.status, "disabled");
      assert.equal((await client.services.list({ host: volume.host, binary: "cinder-volume" }))[0].disabled_reason, "sdk test");
      assert.equal((await client.services.enable(volume.host, "cinder-volume")).status, "enabled");
      assert.equal((await client.services.disable(volume.host, "cinder-volume")).status, "disabled");
      await client.services.enable(volume.host, "cinder-volume");

      await client.services.freeze(volume.host);
      const frozen = (await client.services.list({ host: volume.host, binary: "cinder-volume" }))[0];
      assert.deepEqual([frozen.frozen, frozen.disabled_reason], [true, "frozen"]);
      await assert.rejects(client.services.freeze(volume.host), /must be False to failover/);
      await client.services.thaw(volume.host);
      assert.equal((await client.services.list({ host: volume.host, binary: "cinder-volume" }))[0].frozen, false);
      // This server runs no cluster.
      assert.deepEqual(await client.clusters.list(), []);
      await assert.rejects(client.clusters.get("none@file"), NotFound);
      await assert.rejects(client.services.freeze({ cluster: "none@file" }), BadRequest);
      await assert.rejects(client.services.failover(volume.host, "secondary"), /replication_status in .* must be/);
      await assert.rejects(client.services.failoverCluster("none@file"), /No service found with cluster=none@file/);

      const pools = await client.pools.list({ detail: true });
      assert.ok(pools.length >= 1 && pools[0].capabilities, JSON.stringify(pools));
      assert.ok(Array.isArray(await client.extensions.list()));
    });
  });
});
