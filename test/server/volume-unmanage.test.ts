/**
 * Unmanage volumes (`os-unmanage`, cinder/api/contrib/volume_unmanage.py) on the file driver,
 * through the API: the row and its quota go, the data stays on the backend as
 * `unmanaged-volume-<id>` (never counted as the driver's orphan), listed as safe to manage and
 * adopted again with its bytes; Cinder's refusals change nothing; a restart finishes an unmanage
 * a kill cut short.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { findOrphans } from "../../server/src/volume/manager/orphans";
import { assertFault, backendDir, createSnapshot, createVolume, exists, readAt, volumeAction, volumeFile, writeAt } from "../helpers/lifecycle";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { captureState } from "../helpers/state";
import { forEachDialect } from "../helpers/suite";
import { waitGone, waitStatus } from "../helpers/wait";

const HOST = "testhost@file";
const kept = (s: TestServer, id: string) => path.join(backendDir(s), `unmanaged-volume-${id}`);

forEachDialect("unmanage volumes", (fx) => {
  const usage = async (project: string) => {
    const q = (await fx.admin.get(`/v3/p1/os-quota-sets/${project}?usage=true`)).body.quota_set;
    return { volumes: q.volumes.in_use as number, gigabytes: q.gigabytes.in_use as number };
  };

  it("removes the volume and gives its quota back, keeps its data, and manage adopts it again", async () => {
    const alice = fx.c.as("alice:pu1");
    const stays = await createVolume(alice, "pu1", { size: 3 });
    const before = await usage("pu1");
    const v = await createVolume(alice, "pu1", { size: 2, name: "going" });
    const data = Buffer.from("bytes the unmanaged volume keeps");
    await writeAt(volumeFile(fx.s, v.id), 4096, data);
    assert.deepEqual(await usage("pu1"), { volumes: before.volumes + 1, gigabytes: before.gigabytes + 2 });

    const r = await volumeAction(fx.admin, "p1", v.id, "os-unmanage", null);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body, undefined, "no body");
    await waitGone(alice, "volumes", "pu1", v.id);
    assert.deepEqual(await usage("pu1"), before, "the quota comes back once");
    assert.equal(await exists(volumeFile(fx.s, v.id)), false);
    assert.deepEqual(await readAt(kept(fx.s, v.id), 4096, data.length), data, "the data stays on the backend");
    const orphans = await findOrphans(fx.s.app.services.db.kysely, fx.s.app.managers[0].driver);
    assert.equal(orphans.volumes.includes(v.id), false, "an unmanaged volume is not the driver's orphan");

    const listed = await fx.admin.get(`/v3/p1/manageable_volumes/detail?host=${HOST}`, { version: "3.8" });
    const entry = listed.body["manageable-volumes"].find((e: any) => e.reference["source-name"] === `unmanaged-volume-${v.id}`);
    assert.deepEqual(entry, { reference: { "source-name": `unmanaged-volume-${v.id}` }, size: 2, safe_to_manage: true, reason_not_safe: null, cinder_id: null, extra_info: null });

    const m = await fx.admin.post("/v3/p1/manageable_volumes", { volume: { host: HOST, ref: { "source-name": `unmanaged-volume-${v.id}` } } }, { version: "3.8" });
    assert.equal(m.status, 202, JSON.stringify(m.body));
    const back = await waitStatus(fx.admin, "volumes", "p1", m.body.volume.id, "available");
    assert.equal(back.size, 2);
    assert.deepEqual(await readAt(volumeFile(fx.s, back.id), 4096, data.length), data, "the adopted volume holds the same bytes");
    assert.equal(await exists(kept(fx.s, v.id)), false);
    assert.ok(stays.id);
  });

  it("refuses what Cinder refuses, changing nothing", async () => {
    const alice = fx.c.as("alice:pu2");
    const v = await createVolume(alice, "pu2");
    await createSnapshot(alice, "pu2", v.id);
    const reserved = await createVolume(alice, "pu2");
    assert.equal((await volumeAction(alice, "pu2", reserved.id, "os-reserve", {})).status, 202);
    const missing = "00000000-0000-4000-8000-000000000000";
    const state = await captureState(fx.s);

    assertFault(await volumeAction(alice, "pu2", v.id, "os-unmanage", {}), 403, "Policy doesn't allow volume_extension:volume_unmanage to be performed.");
    assertFault(await volumeAction(fx.admin, "p1", missing, "os-unmanage", {}), 404, `Volume ${missing} could not be found.`);
    const refusal =
      "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, " +
      "attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.";
    assertFault(await volumeAction(fx.admin, "p1", v.id, "os-unmanage", {}), 400, refusal);
    assertFault(await volumeAction(fx.admin, "p1", reserved.id, "os-unmanage", {}), 400, refusal);
    assertFault(await fx.admin.post(`/v3/p1/volumes/${v.id}/action`, { "os-unmanage": {}, "os-extend": { new_size: 3 } }), 400);
    assert.deepEqual(await captureState(fx.s), state, "a refused unmanage changes nothing");
  });

  it("refuses an encrypted volume with Cinder's message and a user message", async () => {
    const t = await fx.admin.post("/v3/p1/types", { volume_type: { name: "unmanage-luks" } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const enc = { provider: "luks", cipher: "aes-xts-plain64", key_size: 256, control_location: "front-end" };
    assert.equal((await fx.admin.post(`/v3/p1/types/${t.body.volume_type.id}/encryption`, { encryption: enc })).status, 200);
    const alice = fx.c.as("alice:pu3");
    const v = await createVolume(alice, "pu3", { size: 1, volume_type: "unmanage-luks" });
    const r = await volumeAction(fx.admin, "p1", v.id, "os-unmanage", {});
    assertFault(r, 400, "Unmanaging encrypted volumes is not supported.");
    assert.equal((await alice.get(`/v3/pu3/volumes/${v.id}`)).body.volume.status, "available");
    const messages = (await alice.get("/v3/pu3/messages", { version: "3.3" })).body.messages;
    const m = messages.find((x: any) => x.resource_uuid === v.id);
    assert.equal(m?.user_message, "unmanage volume:Unmanaging encrypted volumes is not supported.");
    assert.equal(m?.request_id, r.headers.get("x-openstack-request-id"));
  });
});

for (const dialect of DIALECTS) {
  describe(`unmanage volumes across a restart (${dialect})`, function () {
    this.timeout(120_000);
    let s: TestServer | undefined;
    after(async () => s?.destroy());

    it("a restart finishes an unmanage a kill cut short: the data is kept, the row and quota go", async () => {
      s = await startServer(dialect);
      const alice = s.client.as("alice:pu4");
      const v = await createVolume(alice, "pu4", { size: 2 });
      const data = Buffer.from("kept across the restart");
      await writeAt(volumeFile(s, v.id), 8192, data);
      // What a kill leaves of an unmanage accepted just before it: the row in unmanaging, nothing
      // done on the backend yet.
      await s.app.services.db.kysely.updateTable("volumes").set({ status: "unmanaging" }).where("id", "=", v.id).execute();
      const { dataDir, db } = s;
      await s.stop();
      s = await startServer(dialect, {}, { dataDir, db });
      await waitGone(s.client.as("alice:pu4"), "volumes", "pu4", v.id);
      assert.deepEqual(await readAt(kept(s, v.id), 8192, data.length), data);
      const q = (await s.client.as("admin:p1").get("/v3/p1/os-quota-sets/pu4?usage=true")).body.quota_set;
      assert.deepEqual([q.volumes.in_use, q.gigabytes.in_use], [0, 0]);
    });
  });
}
