/** Live: group types, groups and group snapshots through the SDK, with built-in identity and with noauth. */
import assert from "node:assert/strict";
import { isBadRequest } from "../../sdk/src";
import { forEachMode, QUICK } from "./helpers";

describe("sdk live: generic volume groups", () => {
  forEachMode((live) => {
    it("makes a group type with specs, a group with a volume, a group snapshot and a group from it, then removes them", async () => {
      const { client } = live();
      const gt = await client.groupTypes.create({ name: `sdk-gt-${Date.now()}` });
      await client.groupTypes.setGroupSpecs(gt, { k: "v" });
      assert.deepEqual(await client.groupTypes.getGroupSpecs(gt), { k: "v" });
      assert.ok((await client.groupTypes.list().all()).some((t) => t.id === gt.id));
      const vt = await client.volumeTypes.create({ name: `sdk-vt-${Date.now()}` });

      const made = await client.groups.create({ group_type: gt.id, volume_types: [vt.id], name: "sdk-group" });
      const g = await client.groups.waitFor(made, "available", QUICK);
      assert.deepEqual(g.volume_types, [vt.id]);
      const vol = await client.volumes.create({ size: 1, volume_type: vt.id, group_id: g.id });
      await client.volumes.waitFor(vol, "available", QUICK);
      await client.groups.update(g, { description: "with a volume" });
      assert.deepEqual((await client.groups.get(g, { query: { list_volume: "true" } })).volumes, [vol.id]);

      const gs = await client.groupSnapshots.create({ group_id: g.id, name: "sdk-gs" });
      await client.groupSnapshots.waitFor(gs, "available", QUICK);
      const restored = await client.groups.createFromGroupSnapshot(gs, { name: "sdk-restored" });
      await client.groups.waitFor(restored, "available", QUICK);
      await assert.rejects(client.groups.delete(g, { deleteVolumes: true }), isBadRequest, "a group with snapshots stays");

      await client.groups.delete(restored, { deleteVolumes: true });
      await client.groups.waitForDeleted(restored, QUICK);
      await client.groupSnapshots.delete(gs);
      await client.groupSnapshots.waitForDeleted(gs, QUICK);
      await client.groups.delete(g, { deleteVolumes: true });
      await client.groups.waitForDeleted(g, QUICK);
      await client.volumes.waitForDeleted(vol, QUICK);
      await client.groupTypes.delete(gt);
      await client.volumeTypes.delete(vt);
    });
  });
});
