/**
 * os-force_detach (admin; cinder/api/contrib/admin_actions.py `_force_detach`): terminate the
 * connection and end the given attachment (or the volume's only one), whether it came from the
 * legacy os-attach or from the attachments API; the volume becomes available, or stays in-use
 * while a multiattach volume has other attachments. Cinder's refusals: admin-only policy, several
 * attachments without an attachment_id, the request schema, and (for a caller let in by the
 * operator's policy) the check that no server still uses the attachment.
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Client } from "../helpers/client";
import { assertFault, createVolume, volumeAction } from "../helpers/lifecycle";
import { startServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";

const INSTANCE = "5b7e2a1c-0d4f-4c3a-9e8b-7a6f5e4d3c21";
const INSTANCE2 = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:feedface0001", ip: "192.168.1.30", host: "compute-7", platform: "x86_64", os_type: "linux", multipath: false };

forEachDialect("os-force_detach", (fx) => {
  before(async () => {
    const t = await fx.admin.post("/v3/p1/types", { volume_type: { name: "fd-shared", extra_specs: { multiattach: "<is> True" } } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
  });

  const volume = async (id: string) => (await fx.c.get(`/v3/p1/volumes/${id}`)).body.volume;
  const forceDetach = (cl: Client, id: string, body: unknown) => volumeAction(cl, "p1", id, "os-force_detach", body);
  /** An attachment made through the attachments API, connected and completed. */
  async function attach(volumeId: string, instance: string, host: string): Promise<string> {
    const r = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: volumeId, instance_uuid: instance, connector: { ...CONNECTOR, host } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await fx.c.post(`/v3/p1/attachments/${r.body.attachment.id}/action`, { "os-complete": null })).status, 204);
    return r.body.attachment.id;
  }

  it("ends a legacy attachment: the volume becomes available and detached", async () => {
    const v = await createVolume(fx.c, "p1");
    assert.equal((await volumeAction(fx.c, "p1", v.id, "os-reserve", {})).status, 202);
    const att = await volumeAction(fx.c, "p1", v.id, "os-attach", { instance_uuid: INSTANCE, mountpoint: "/dev/vdb", mode: "rw" });
    assert.equal(att.status, 202, JSON.stringify(att.body));
    const inUse = await volume(v.id);
    assert.equal(inUse.status, "in-use");
    assert.equal(inUse.attachments.length, 1);

    const r = await forceDetach(fx.admin, v.id, { connector: CONNECTOR });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body, undefined);
    const after = (await fx.admin.get(`/v3/p1/volumes/${v.id}`)).body.volume;
    assert.equal(after.status, "available");
    assert.deepEqual(after.attachments, []);
    assert.equal(after.metadata.attached_mode, undefined, "attached_mode goes with the last attachment");
    const shown = await fx.s.app.services.db.kysely.selectFrom("volumes").select("attach_status").where("id", "=", v.id).executeTakeFirstOrThrow();
    assert.equal(shown.attach_status, "detached");
  });

  it("ends an attachments-API attachment a server is connected to (an admin is not held back)", async () => {
    const v = await createVolume(fx.c, "p1");
    const a = await attach(v.id, INSTANCE, "compute-7");
    assert.equal((await volume(v.id)).status, "in-use");
    const r = await forceDetach(fx.admin, v.id, { attachment_id: a, connector: CONNECTOR });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal((await volume(v.id)).status, "available");
    assertFault(await fx.c.get(`/v3/p1/attachments/${a}`), 404);
    // With no body members at all: the only attachment (none here) is meant.
    assert.equal((await forceDetach(fx.admin, v.id, {})).status, 202);
    assert.equal((await volume(v.id)).status, "available");
  });

  it("ends one attachment of a multiattach volume, which stays in-use until the last goes", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1, volume_type: "fd-shared" });
    const a1 = await attach(v.id, INSTANCE, "compute-7");
    const a2 = await attach(v.id, INSTANCE2, "compute-8");
    assert.deepEqual((await volume(v.id)).attachments.map((x: any) => x.attachment_id).sort(), [a1, a2].sort());

    assertFault(
      await forceDetach(fx.admin, v.id, { connector: null }),
      400,
      "Error force detaching volume - InvalidVolume: Invalid volume: Detach volume failed: More than one attachment, but no attachment_id provided.",
    );
    assert.equal((await forceDetach(fx.admin, v.id, { attachment_id: a1, connector: CONNECTOR })).status, 202);
    const one = await volume(v.id);
    assert.equal(one.status, "in-use");
    assert.deepEqual(one.attachments.map((x: any) => x.attachment_id), [a2]);
    assert.equal((await forceDetach(fx.admin, v.id, { attachment_id: a2, connector: "a string connector terminates nothing in particular" })).status, 202);
    const none = await volume(v.id);
    assert.equal(none.status, "available");
    assert.deepEqual(none.attachments, []);
  });

  it("an attachment_id the volume does not have only settles the status", async () => {
    const v = await createVolume(fx.c, "p1");
    const a = await attach(v.id, INSTANCE, "compute-7");
    assert.equal((await forceDetach(fx.admin, v.id, { attachment_id: "0e4a3f2b-1c0d-4e9f-8a7b-6c5d4e3f2a10" })).status, 202);
    const after = await volume(v.id);
    assert.equal(after.status, "in-use");
    assert.deepEqual(after.attachments.map((x: any) => x.attachment_id), [a]);
    assert.equal((await forceDetach(fx.admin, v.id, { attachment_id: a })).status, 202);
    assert.equal((await volume(v.id)).status, "available");
  });

  it("is admin-only, looks the volume up first, and checks its body", async () => {
    const v = await createVolume(fx.c, "p1");
    assertFault(await forceDetach(fx.c, v.id, {}), 403, "Policy doesn't allow volume_extension:volume_admin_actions:force_detach to be performed.");
    const unknown = "3f2e1d0c-9b8a-4765-8432-10fedcba9876";
    assertFault(await forceDetach(fx.admin, unknown, {}), 404, `Volume ${unknown} could not be found.`);
    assertFault(await forceDetach(fx.admin, v.id, { attachment: "x" }), 400);
    assertFault(await forceDetach(fx.admin, v.id, null), 400);
    assertFault(await forceDetach(fx.admin, v.id, { attachment_id: 7 }), 400);
    assert.equal((await forceDetach(fx.admin, v.id, {})).status, 202, "a volume with no attachment is simply detached");
    assert.equal((await volume(v.id)).status, "available");
  });

  it("a member the operator's policy lets in still may not end an attachment a server uses", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-force-detach-"));
    const file = path.join(dir, "policy.yaml");
    await writeFile(file, '"volume_extension:volume_admin_actions:force_detach": "rule:xena_system_admin_or_project_member"\n');
    const s2 = await startServer(fx.dialect, { policyFile: file });
    try {
      const m = s2.client;
      const v = await createVolume(m, "p1");
      const r = await m.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE, connector: CONNECTOR } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const a = r.body.attachment.id;
      assertFault(
        await volumeAction(m, "p1", v.id, "os-force_detach", { attachment_id: a, connector: CONNECTOR }),
        409,
        `Detach volume from instance ${INSTANCE} using the Compute API`,
      );
      assert.equal((await m.get(`/v3/p1/attachments/${a}`)).status, 200, "the attachment is still there");
      // A reservation without a connection is nothing a host holds on to.
      const v2 = await createVolume(m, "p1");
      const reserved = await m.post("/v3/p1/attachments", { attachment: { volume_uuid: v2.id, instance_uuid: INSTANCE } });
      assert.equal((await volumeAction(m, "p1", v2.id, "os-force_detach", { attachment_id: reserved.body.attachment.id })).status, 202);
      assert.equal((await m.get(`/v3/p1/volumes/${v2.id}`)).body.volume.status, "available");
    } finally {
      await s2.destroy();
    }
  });
});
