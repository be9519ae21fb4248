/** os-retype: in place when the volume's backend satisfies the new type; refused and rolled back otherwise. */
import assert from "node:assert/strict";
import { DEFAULT_QUOTAS } from "../../server/src/config";
import { assertFault } from "../helpers/faults";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { waitFor, waitStatus } from "../helpers/wait";

for (const dialect of DIALECTS) {
  describe(`retype (${dialect})`, function () {
    this.timeout(60_000);
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect, { quotas: { ...DEFAULT_QUOTAS } });
      const admin = s.client.as("admin:admin");
      for (const [name, specs] of [
        ["gold", { volume_backend_name: "file" }],
        ["elsewhere", { volume_backend_name: "nosuchbackend" }],
        ["shared-elsewhere", { volume_backend_name: "nosuchbackend", multiattach: "<is> True" }],
      ] as const) {
        const t = await admin.post("/v3/admin/types", { volume_type: { name, extra_specs: specs } });
        assert.equal(t.status, 200, JSON.stringify(t.body));
      }
    });
    after(async () => s?.destroy());

    const c = () => s.client.as("u:p1");
    const usage = async () => (await c().get("/v3/p1/os-quota-sets/p1?usage=true")).body.quota_set;
    const retype = (id: string, body: unknown) => c().post(`/v3/p1/volumes/${id}/action`, { "os-retype": body });

    it("changes the type in place and moves the per-type quota", async () => {
      const v = await c().post("/v3/p1/volumes", { volume: { size: 2 } });
      await waitStatus(c(), "volumes", "p1", v.body.volume.id, "available");
      assert.equal((await retype(v.body.volume.id, { new_type: "gold" })).status, 202);
      const done = await waitFor(async () => {
        const r = (await c().get(`/v3/p1/volumes/${v.body.volume.id}`)).body.volume;
        return r.status === "available" && r.volume_type === "gold" ? r : undefined;
      }, "the retype");
      assert.equal(done.size, 2);
      const u = await usage();
      assert.equal(u.volumes___DEFAULT__.in_use, 0);
      assert.equal(u.gigabytes___DEFAULT__.in_use, 0);
      assert.equal(u.volumes_gold.in_use, 1);
      assert.equal(u.gigabytes_gold.in_use, 2);
      assert.equal(u.volumes.in_use, 1, "the project total does not change");
    });

    it("refuses a type the backend cannot satisfy, and puts everything back", async () => {
      const v = await c().post("/v3/p1/volumes", { volume: { size: 1, volume_type: "gold" } });
      const id = v.body.volume.id;
      await waitStatus(c(), "volumes", "p1", id, "available");
      const before = await usage();
      assert.equal((await retype(id, { new_type: "elsewhere", migration_policy: "never" })).status, 202);
      await waitFor(async () => {
        const r = (await c().get(`/v3/p1/volumes/${id}`)).body.volume;
        return r.status === "available" ? r : undefined;
      }, "the refused retype to settle");
      const after = (await c().get(`/v3/p1/volumes/${id}`)).body.volume;
      assert.equal(after.volume_type, "gold");
      const u = await usage();
      assert.deepEqual([u.volumes_gold.in_use, u.volumes_elsewhere?.in_use ?? 0], [before.volumes_gold.in_use, 0]);
    });

    it("puts multiattach back to the old type's when the retype is refused", async () => {
      const v = await c().post("/v3/p1/volumes", { volume: { size: 1 } });
      const id = v.body.volume.id;
      await waitStatus(c(), "volumes", "p1", id, "available");
      assert.equal((await c().get(`/v3/p1/volumes/${id}`)).body.volume.multiattach, false);
      assert.equal((await retype(id, { new_type: "shared-elsewhere", migration_policy: "never" })).status, 202);
      const after = await waitFor(async () => {
        const r = (await c().get(`/v3/p1/volumes/${id}`)).body.volume;
        return r.status === "available" ? r : undefined;
      }, "the refused retype to settle");
      assert.equal(after.volume_type, "__DEFAULT__");
      assert.equal(after.multiattach, false);
    });

    it("is refused while the volume's backend is disabled: the scheduler places nothing on a disabled backend", async () => {
      const admin = s.client.as("admin:admin");
      const v = await c().post("/v3/p1/volumes", { volume: { size: 1 } });
      const id = v.body.volume.id;
      await waitStatus(c(), "volumes", "p1", id, "available");
      const off = await admin.put("/v3/admin/os-services/disable", { host: "testhost@file", binary: "cinder-volume" });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      try {
        assert.equal((await retype(id, { new_type: "gold" })).status, 202);
        const after = await waitFor(async () => {
          const r = (await c().get(`/v3/p1/volumes/${id}`)).body.volume;
          return r.status === "available" ? r : undefined;
        }, "the refused retype to settle");
        assert.equal(after.volume_type, "__DEFAULT__");
      } finally {
        await admin.put("/v3/admin/os-services/enable", { host: "testhost@file", binary: "cinder-volume" });
      }
      assert.equal((await retype(id, { new_type: "gold" })).status, 202);
      const done = await waitFor(async () => {
        const r = (await c().get(`/v3/p1/volumes/${id}`)).body.volume;
        return r.status === "available" && r.volume_type === "gold" ? r : undefined;
      }, "the retype once the backend is enabled again");
      assert.equal(done.volume_type, "gold");
    });

    it("answers Cinder's faults for the same type, an unknown type, a bad body and a volume in error", async () => {
      const v = await c().post("/v3/p1/volumes", { volume: { size: 1, volume_type: "gold" } });
      const id = v.body.volume.id;
      await waitStatus(c(), "volumes", "p1", id, "available");
      assertFault(await retype(id, { new_type: "gold" }), 400, "Invalid input received: New volume_type same as original: gold.");
      assertFault(await retype(id, { new_type: "nope" }), 400, "Invalid input received: Invalid volume_type passed: nope.");
      assertFault(await retype(id, { new_type: "gold", migration_policy: "sometimes" }), 400, /migration_policy/);
      await s.client.as("admin:admin").post(`/v3/admin/volumes/${id}/action`, { "os-reset_status": { status: "error" } });
      assertFault(await retype(id, { new_type: "__DEFAULT__" }), 400, /^Invalid volume: Retype needs volume to be in available or in-use state/);
      assert.equal((await c().get(`/v3/p1/volumes/${id}`)).body.volume.volume_type, "gold");
    });
  });
}
