/**
 * Multiattach volume types (cinder/volume/flows/api/create_volume.py, cinder/volume/api.py
 * `_is_multiattach`, `retype`, `_attachment_reserve`, `reserve_volume`): a type whose extra spec
 * `multiattach` is `<is> True` makes multiattach volumes (policy `volume:multiattach`), which take
 * several attachments - through the attachments API and through os-reserve / os-attach - and stay
 * in-use until the last one is gone; a volume of another type refuses the second. A retype that
 * changes multiattach needs an available volume.
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { assertFault, createVolume, volumeAction } from "../helpers/lifecycle";
import { startServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";
import { waitFor } from "../helpers/wait";

const SERVER_A = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const SERVER_B = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
const SERVER_C = "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f";
const connector = (host: string) => ({ initiator: `iqn.1993-08.org.debian:01:${host}`, ip: "192.168.1.50", host, platform: "x86_64", os_type: "linux", multipath: false });

forEachDialect("multiattach volume types", (fx) => {
  before(async () => {
    for (const [name, specs] of [
      ["ma-shared", { multiattach: "<is> True" }],
      ["ma-spelled-true", { multiattach: "True" }],
      ["ma-plain", {}],
      ["ma-plain-2", {}],
    ] as const) {
      const t = await fx.admin.post("/v3/p1/types", { volume_type: { name, extra_specs: specs } });
      assert.equal(t.status, 200, JSON.stringify(t.body));
    }
  });

  const volume = async (id: string) => (await fx.c.get(`/v3/p1/volumes/${id}`)).body.volume;
  const reserveAttachment = (volumeId: string, instance: string, host: string) =>
    fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: volumeId, instance_uuid: instance, connector: connector(host) } });
  const complete = async (id: string) => assert.equal((await fx.c.post(`/v3/p1/attachments/${id}/action`, { "os-complete": null })).status, 204);

  it("takes multiattach from the type's extra spec `<is> True` only", async () => {
    const shared = await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-shared" });
    assert.equal(shared.multiattach, true);
    assert.equal((await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-spelled-true" })).multiattach, false);
    assert.equal((await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-plain" })).multiattach, false);
    assert.equal((await createVolume(fx.c, "p1")).multiattach, false, "the default type");
    // A clone keeps its source's type, and with it multiattach.
    assert.equal((await createVolume(fx.c, "p1", { size: 1, source_volid: shared.id })).multiattach, true);
    // The removed create flag still answers Cinder's 400.
    assertFault(await fx.c.post("/v3/p1/volumes", { volume: { size: 1, multiattach: true } }), 400, /^multiattach parameter has been removed/);
  });

  it("attachments API: two servers on a multiattach volume, in-use until the last attachment goes", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-shared" });
    const a1 = await reserveAttachment(v.id, SERVER_A, "compute-a");
    assert.equal(a1.status, 200, JSON.stringify(a1.body));
    await complete(a1.body.attachment.id);
    const a2 = await reserveAttachment(v.id, SERVER_B, "compute-b");
    assert.equal(a2.status, 200, JSON.stringify(a2.body));
    await complete(a2.body.attachment.id);
    const both = await volume(v.id);
    assert.equal(both.status, "in-use");
    assert.deepEqual(both.attachments.map((x: any) => x.server_id).sort(), [SERVER_A, SERVER_B].sort());

    const d1 = await fx.admin.delete(`/v3/p1/attachments/${a1.body.attachment.id}`);
    assert.equal(d1.status, 200, JSON.stringify(d1.body));
    assert.deepEqual(d1.body.attachments.map((x: any) => x.id), [a2.body.attachment.id]);
    assert.equal((await volume(v.id)).status, "in-use");
    assert.equal((await fx.admin.delete(`/v3/p1/attachments/${a2.body.attachment.id}`)).status, 200);
    assert.equal((await volume(v.id)).status, "available");
  });

  it("attachments API: a volume of a non-multiattach type refuses the second server", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-plain" });
    const a1 = await reserveAttachment(v.id, SERVER_A, "compute-a");
    await complete(a1.body.attachment.id);
    assertFault(
      await reserveAttachment(v.id, SERVER_B, "compute-b"),
      400,
      `Invalid volume: Volume ${v.id} status must be available or downloading to reserve, but the current status is in-use.`,
    );
    assert.equal((await fx.admin.delete(`/v3/p1/attachments/${a1.body.attachment.id}`)).status, 200);
  });

  it("legacy flow: os-reserve and os-attach take a second server on a multiattach volume only", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-shared" });
    for (const [server, dev] of [[SERVER_A, "/dev/vdb"], [SERVER_B, "/dev/vdc"]]) {
      assert.equal((await volumeAction(fx.c, "p1", v.id, "os-reserve", {})).status, 202);
      const r = await volumeAction(fx.c, "p1", v.id, "os-attach", { instance_uuid: server, mountpoint: dev, mode: "rw" });
      assert.equal(r.status, 202, JSON.stringify(r.body));
    }
    const both = await volume(v.id);
    assert.equal(both.status, "in-use");
    assert.equal(both.attachments.length, 2);
    // Without attachment_id nothing says which attachment ends: a member meets Cinder's attachment
    // check (no single attachment to clear), an admin the manager's refusal.
    assertFault(await volumeAction(fx.c, "p1", v.id, "os-detach", {}), 409, "Detach volume from instance  using the Compute API");
    assertFault(
      await volumeAction(fx.admin, "p1", v.id, "os-detach", {}),
      400,
      "Error detaching volume - InvalidVolume: Invalid volume: Detach volume failed: More than one attachment, but no attachment_id provided.",
    );
    const [first, second] = both.attachments.map((x: any) => x.attachment_id);
    assert.equal((await volumeAction(fx.c, "p1", v.id, "os-detach", { attachment_id: first })).status, 202);
    assert.equal((await volume(v.id)).status, "in-use");
    assert.equal((await volumeAction(fx.c, "p1", v.id, "os-detach", { attachment_id: second })).status, 202);
    assert.equal((await volume(v.id)).status, "available");

    const plain = await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-plain" });
    assert.equal((await volumeAction(fx.c, "p1", plain.id, "os-reserve", {})).status, 202);
    assert.equal((await volumeAction(fx.c, "p1", plain.id, "os-attach", { instance_uuid: SERVER_A, mountpoint: "/dev/vdb" })).status, 202);
    assertFault(
      await volumeAction(fx.c, "p1", plain.id, "os-reserve", {}),
      400,
      "Invalid volume: Volume status must be available to reserve, but the status is in-use.",
    );
    assertFault(
      await volumeAction(fx.c, "p1", plain.id, "os-attach", { instance_uuid: SERVER_C, mountpoint: "/dev/vdc" }),
      400,
      "Error attaching volume - InvalidVolume: Invalid volume: volume is already attached and multiple attachments are not enabled",
    );
    assert.equal((await volumeAction(fx.c, "p1", plain.id, "os-detach", {})).status, 202);
  });

  it("retype: multiattach follows the new type, and may change only while the volume is available", async () => {
    const retype = (id: string, newType: string) => volumeAction(fx.c, "p1", id, "os-retype", { new_type: newType });
    const settled = (id: string, type: string) =>
      waitFor(async () => {
        const v = await volume(id);
        return v.status !== "retyping" && v.volume_type === type ? v : undefined;
      }, `volume ${id} retyped to ${type}`);

    const v = await createVolume(fx.c, "p1", { size: 1, volume_type: "ma-plain" });
    assert.equal((await retype(v.id, "ma-shared")).status, 202);
    const shared = await settled(v.id, "ma-shared");
    assert.equal(shared.status, "available");
    assert.equal(shared.multiattach, true);

    const a = await reserveAttachment(v.id, SERVER_A, "compute-a");
    await complete(a.body.attachment.id);
    const refused = (status: string) =>
      "Invalid input received: Invalid volume_type passed, retypes affecting multiattach are only allowed on available volumes, " +
      `the specified volume however currently has a status of: ${status}.`;
    assertFault(await retype(v.id, "ma-plain"), 400, refused("in-use"));
    assert.equal((await volume(v.id)).multiattach, true);
    assert.equal((await fx.admin.delete(`/v3/p1/attachments/${a.body.attachment.id}`)).status, 200);
    assert.equal((await retype(v.id, "ma-plain")).status, 202);
    assert.equal((await settled(v.id, "ma-plain")).multiattach, false);

    // In-use, between two types that are not multiattach: allowed.
    const b = await reserveAttachment(v.id, SERVER_B, "compute-b");
    await complete(b.body.attachment.id);
    assertFault(await retype(v.id, "ma-shared"), 400, refused("in-use"));
    assert.equal((await retype(v.id, "ma-plain-2")).status, 202);
    const moved = await settled(v.id, "ma-plain-2");
    assert.equal(moved.status, "in-use");
    assert.equal(moved.multiattach, false);
    assert.equal((await fx.admin.delete(`/v3/p1/attachments/${b.body.attachment.id}`)).status, 200);
  });

  it("volume:multiattach governs creating and retyping to a multiattach type", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-multiattach-"));
    const file = path.join(dir, "policy.yaml");
    await writeFile(file, '"volume:multiattach": "rule:admin_api"\n');
    const s2 = await startServer(fx.dialect, { policyFile: file });
    try {
      const a2 = s2.client.as("admin:p1");
      assert.equal((await a2.post("/v3/p1/types", { volume_type: { name: "ma-shared", extra_specs: { multiattach: "<is> True" } } })).status, 200);
      const m = s2.client;
      assertFault(await m.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "ma-shared" } }), 403, "Policy doesn't allow volume:multiattach to be performed.");
      const v = await createVolume(m, "p1");
      assertFault(await volumeAction(m, "p1", v.id, "os-retype", { new_type: "ma-shared" }), 403, "Policy doesn't allow volume:multiattach to be performed.");
      assert.equal((await m.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "available", "nothing changed");
      assert.equal((await createVolume(a2, "p1", { size: 1, volume_type: "ma-shared" })).multiattach, true);
    } finally {
      await s2.destroy();
    }
  });
});
