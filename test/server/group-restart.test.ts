/**
 * Group work cut short by a stop: after a restart on the same data directory and database, a group
 * left `creating` (with volumes to make from a source), a group left `deleting` and a group snapshot
 * left `creating` are finished by the volume service, and an interrupted update is ended.
 */
import assert from "node:assert/strict";
import { createVolume } from "../helpers/lifecycle";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { waitGroup, waitGroupGone } from "../helpers/groups";
import { waitFor, waitGone } from "../helpers/wait";

for (const dialect of DIALECTS) {
  describe(`groups across a restart (${dialect})`, function () {
    this.timeout(60_000);
    let s: TestServer;
    after(async () => s?.destroy());

    it("finishes group creates, deletes, snapshots and updates a stop interrupted", async () => {
      s = await startServer(dialect);
      let admin = s.client.as("admin:admin");
      let alice = s.client.as("alice:p1");
      const gt = (await admin.post("/v3/admin/group_types", { group_type: { name: "rs-gt" } })).body.group_type;
      const vt = (await admin.post("/v3/admin/types", { volume_type: { name: "rs-vt" } })).body.volume_type;
      const made = async () => {
        const r = await alice.post("/v3/p1/groups", { group: { group_type: gt.id, volume_types: [vt.id] } });
        return waitGroup(alice, "p1", r.body.group.id, "available");
      };
      const toDelete = await made();
      const v = await createVolume(alice, "p1", { size: 1, volume_type: vt.id, group_id: toDelete.id });
      const toSnap = await made();
      const toCreate = await made();
      const toUpdate = await made();
      const gs = (await alice.post("/v3/p1/group_snapshots", { group_snapshot: { group_id: toSnap.id } })).body.group_snapshot;
      await waitFor(async () => ((await alice.get(`/v3/p1/group_snapshots/${gs.id}`)).body.group_snapshot.status === "available" ? true : undefined), "gs");
      // The rows as a stop in the middle of each operation leaves them (no message is sent for them).
      const kysely = s.app.services.db.kysely;
      await kysely.updateTable("groups").set({ status: "deleting" }).where("id", "=", toDelete.id).execute();
      await kysely.updateTable("volumes").set({ status: "deleting" }).where("id", "=", v.id).execute();
      await kysely.updateTable("groups").set({ status: "creating" }).where("id", "=", toCreate.id).execute();
      await kysely.updateTable("groups").set({ status: "updating" }).where("id", "=", toUpdate.id).execute();
      await kysely.updateTable("group_snapshots").set({ status: "deleting" }).where("id", "=", gs.id).execute();
      await kysely.updateTable("snapshots").set({ status: "deleting" }).where("group_snapshot_id", "=", gs.id).execute();
      await s.stop();
      const reuse = { dataDir: s.dataDir, db: s.db };
      s = await startServer(dialect, {}, reuse);
      admin = s.client.as("admin:admin");
      alice = s.client.as("alice:p1");
      await waitGroupGone(alice, "p1", toDelete.id);
      await waitGone(alice, "volumes", "p1", v.id);
      await waitGroup(alice, "p1", toCreate.id, "available");
      await waitGroup(alice, "p1", toUpdate.id, "available");
      await waitFor(async () => ((await alice.get(`/v3/p1/group_snapshots/${gs.id}`)).status === 404 ? true : undefined), "group snapshot deleted");
      assert.ok(admin);
    });
  });
}
