/**
 * The attachments API (3.27+; cinder/api/v3/attachments.py): reserve, connect, complete, list,
 * show, delete, with the volume's status walk, Cinder's refusals and the microversion gates. The
 * server has no target helper, so connections are of the `local` type (no tgtd needed).
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault, createVolume, volumeAction } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";

const INSTANCE = "8a3e1f4c-3b0e-4b8e-9d6e-2f1b7c9a0d11";
const INSTANCE2 = "0c7d5e2a-6f1b-4a3c-8e9d-1b2c3d4e5f60";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:cad181614cec", ip: "192.168.1.20", host: "compute-1", platform: "x86_64", os_type: "linux", multipath: false };

forEachDialect("attachments", (fx) => {
  const create = (cl: Client, project: string, attachment: Record<string, unknown>, version?: string) =>
    cl.post(`/v3/${project}/attachments`, { attachment }, version ? { version } : {});
  const volume = async (cl: Client, project: string, id: string) => (await cl.get(`/v3/${project}/volumes/${id}`)).body.volume;

  it("walks reserve → connect → complete → delete with the volume's statuses", async () => {
    const v = await createVolume(fx.c, "p1");
    const r = await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const a = r.body.attachment;
    assert.equal(a.status, "reserved");
    assert.equal(a.instance, INSTANCE);
    assert.equal(a.volume_id, v.id);
    assert.deepEqual(a.connection_info, {});
    assert.equal(a.attached_at, "");
    assert.equal(a.detached_at, "");
    assert.equal((await volume(fx.c, "p1", v.id)).status, "reserved");

    const u = await fx.c.put(`/v3/p1/attachments/${a.id}`, { attachment: { connector: CONNECTOR } });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    const ci = u.body.attachment.connection_info;
    assert.equal(u.body.attachment.status, "attaching");
    assert.equal(ci.driver_volume_type, "local");
    assert.equal(ci.attachment_id, a.id);
    assert.equal(ci.enforce_multipath, false);
    assert.equal(ci.access_mode, "rw");
    assert.equal(typeof ci.device_path, "string");
    assert.equal(ci.data, undefined, "flattened");
    assert.equal(u.body.attachment.attach_mode, "rw");

    const done = await fx.c.post(`/v3/p1/attachments/${a.id}/action`, { "os-complete": null });
    assert.equal(done.status, 204);
    assert.equal(done.body, undefined);
    const shown = (await fx.c.get(`/v3/p1/attachments/${a.id}`)).body.attachment;
    assert.equal(shown.status, "attached");
    assert.notEqual(shown.attached_at, "");
    const inUse = await volume(fx.c, "p1", v.id);
    assert.equal(inUse.status, "in-use");
    assert.equal(inUse.attachments.length, 1);
    assert.equal(inUse.attachments[0].attachment_id, a.id);
    assert.equal(inUse.attachments[0].server_id, INSTANCE);

    // Connected to a server: only a service or an admin ends it (attachment-deletion.test.ts).
    const d = await fx.admin.delete(`/v3/p1/attachments/${a.id}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.deepEqual(d.body, { attachments: [] });
    const after = await volume(fx.c, "p1", v.id);
    assert.equal(after.status, "available");
    assert.deepEqual(after.attachments, []);
    assertFault(await fx.c.get(`/v3/p1/attachments/${a.id}`), 404, `VolumeAttachment ${a.id} could not be found.`);
  });

  it("create with a connector connects at once", async () => {
    const v = await createVolume(fx.c, "p1");
    const r = await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE, connector: CONNECTOR, mode: "ro" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.attachment.status, "attaching");
    assert.equal(r.body.attachment.attach_mode, "ro");
    assert.equal(r.body.attachment.connection_info.driver_volume_type, "local");
    assert.equal(r.body.attachment.connection_info.attachment_id, r.body.attachment.id);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "reserved");
    await fx.admin.delete(`/v3/p1/attachments/${r.body.attachment.id}`);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "available");
  });

  it("refuses a second attachment on a non-multiattach volume, and an error volume", async () => {
    const v = await createVolume(fx.c, "p1");
    const a = (await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE })).body.attachment;
    assertFault(
      await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE2 }),
      400,
      `Invalid volume: Volume ${v.id} status must be available or downloading to reserve, but the current status is reserved.`,
    );
    await fx.c.post(`/v3/p1/attachments/${a.id}/action`, { "os-complete": {} });
    assertFault(
      await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE2 }),
      400,
      `Invalid volume: Volume ${v.id} status must be available or downloading to reserve, but the current status is in-use.`,
    );
    // The same instance may attach again (Cinder's override for re-attach).
    const again = await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE });
    assert.equal(again.status, 200);
    await fx.c.delete(`/v3/p1/attachments/${again.body.attachment.id}`);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "in-use", "one attachment remains");
    await fx.c.delete(`/v3/p1/attachments/${a.id}`);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "available");

    const e = await createVolume(fx.c, "p1");
    assert.equal((await volumeAction(fx.admin, "p1", e.id, "os-reset_status", { status: "error" })).status, 202);
    assertFault(
      await create(fx.c, "p1", { volume_uuid: e.id }),
      400,
      `Invalid volume: Volume attachments can not be created if the volume is in an error state. The Volume ${e.id} currently has a status of: error `,
    );
    assertFault(await create(fx.c, "p1", { volume_uuid: "6a2e1f4c-3b0e-4b8e-9d6e-2f1b7c9a0d99" }), 404);
  });

  it("a multiattach volume takes a second attachment and stays in-use until the last goes", async () => {
    const t = await fx.admin.post("/v3/p1/types", { volume_type: { name: "shared", extra_specs: { multiattach: "<is> True" } } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const v = await createVolume(fx.c, "p1", { size: 1, volume_type: "shared" });
    assert.equal(v.multiattach, true);
    const a1 = (await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE, connector: CONNECTOR })).body.attachment;
    assert.equal((await fx.c.post(`/v3/p1/attachments/${a1.id}/action`, { "os-complete": null })).status, 204);
    const r2 = await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE2, connector: { ...CONNECTOR, host: "compute-2" } });
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    const a2 = r2.body.attachment;
    assert.equal((await fx.c.post(`/v3/p1/attachments/${a2.id}/action`, { "os-complete": null })).status, 204);
    assert.equal((await volume(fx.c, "p1", v.id)).attachments.length, 2);
    const d = await fx.admin.delete(`/v3/p1/attachments/${a1.id}`);
    assert.deepEqual(d.body.attachments.map((x: any) => x.id), [a2.id]);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "in-use");
    await fx.admin.delete(`/v3/p1/attachments/${a2.id}`);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "available");
  });

  it("lists, details and shows within the project; admins see all with all_tenants", async () => {
    const mine = await createVolume(fx.c, "p1");
    const theirs = await createVolume(fx.c.as("bob:p2"), "p2");
    const a1 = (await create(fx.c, "p1", { volume_uuid: mine.id, instance_uuid: INSTANCE })).body.attachment;
    const a2 = (await create(fx.c.as("bob:p2"), "p2", { volume_uuid: theirs.id, instance_uuid: INSTANCE2 })).body.attachment;

    const list = (await fx.c.get("/v3/p1/attachments")).body.attachments;
    assert.ok(list.some((x: any) => x.id === a1.id));
    assert.ok(!list.some((x: any) => x.id === a2.id));
    assert.deepEqual(Object.keys(list[0]).sort(), ["id", "instance", "status", "volume_id"]);
    const detail = (await fx.c.get("/v3/p1/attachments/detail")).body.attachments;
    assert.ok(detail.some((x: any) => x.id === a1.id && x.connection_info !== undefined));
    const filtered = (await fx.c.get(`/v3/p1/attachments?volume_id=${mine.id}`)).body.attachments;
    assert.deepEqual(filtered.map((x: any) => x.id), [a1.id]);
    assertFault(await fx.c.get(`/v3/p1/attachments/${a2.id}`), 404, `VolumeAttachment ${a2.id} could not be found.`);

    // Ignored for a member; an admin lists across projects.
    const memberAll = (await fx.c.get("/v3/p1/attachments?all_tenants=1")).body.attachments;
    assert.ok(!memberAll.some((x: any) => x.id === a2.id));
    const adminAll = (await fx.admin.get("/v3/p1/attachments?all_tenants=1")).body.attachments;
    assert.ok(adminAll.some((x: any) => x.id === a1.id) && adminAll.some((x: any) => x.id === a2.id));
    const adminOwn = (await fx.admin.get("/v3/p1/attachments")).body.attachments;
    assert.ok(!adminOwn.some((x: any) => x.id === a2.id));
    assert.equal((await fx.admin.get(`/v3/p1/attachments/${a2.id}`)).status, 200);

    await fx.c.delete(`/v3/p1/attachments/${a1.id}`);
    await fx.c.as("bob:p2").delete(`/v3/p2/attachments/${a2.id}`);
  });

  it("is not there below 3.27; os-complete not below 3.44", async () => {
    const v = await createVolume(fx.c, "p1");
    assertFault(await create(fx.c, "p1", { volume_uuid: v.id }, "3.26"), 404);
    assertFault(await fx.c.get("/v3/p1/attachments", { version: "3.26" }), 404);
    const a = (await create(fx.c, "p1", { volume_uuid: v.id }, "3.27")).body.attachment;
    assert.equal(a.attach_mode, "null", "Cinder's default mode is the string 'null'");
    assertFault(await fx.c.post(`/v3/p1/attachments/${a.id}/action`, { "os-complete": null }, { version: "3.43" }), 404);
    assert.equal((await fx.c.post(`/v3/p1/attachments/${a.id}/action`, { "os-complete": null }, { version: "3.44" })).status, 204);
    // `mode` is a 3.54 field.
    assertFault(await create(fx.c, "p1", { volume_uuid: v.id, mode: "rw" }, "3.53"), 400);
    await fx.c.delete(`/v3/p1/attachments/${a.id}`);
  });

  it("os-reset_status to in-use is allowed when the volume has attachments", async () => {
    const v = await createVolume(fx.c, "p1");
    assertFault(
      await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "in-use" }),
      400,
      "Cannot reset-state to in-use because volume does not have any attachments.",
    );
    const a = (await create(fx.c, "p1", { volume_uuid: v.id, instance_uuid: INSTANCE })).body.attachment;
    assert.equal((await volumeAction(fx.admin, "p1", v.id, "os-reset_status", { status: "in-use" })).status, 202);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "in-use");
    await fx.c.delete(`/v3/p1/attachments/${a.id}`);
    assert.equal((await volume(fx.c, "p1", v.id)).status, "available");
  });
});
