/**
 * Live: attachments through the SDK, with built-in identity and with noauth: a multiattach volume
 * attached to three servers, listed page by page through `attachments_links`, then ended with
 * the admin's `volumes.forceDetach`.
 */
import assert from "node:assert/strict";
import { forEachMode, QUICK } from "./helpers";

describe("sdk live: attachments", () => {
  forEachMode((live) => {
    it("pages attachments through their links and force-detaches them", async () => {
      const { client } = live();
      const t = await client.volumeTypes.create({ name: `sdk-shared-${Date.now()}`, extra_specs: { multiattach: "<is> True" } });
      const v = await client.volumes.waitFor(await client.volumes.create({ size: 1, volume_type: t.id }), "available", QUICK);
      assert.equal(v.multiattach, true);
      const made = [];
      for (let i = 0; i < 3; i++) {
        const a = await client.attachments.create({ volume_uuid: v.id, instance_uuid: `0000000${i}-0000-4000-8000-000000000000` });
        await client.attachments.complete(a);
        made.push(a);
      }
      const paged = await client.attachments.list({ volume_id: v.id, limit: 1 }).all();
      assert.deepEqual(paged.map((a) => a.id).sort(), made.map((a) => a.id).sort(), "every page, one attachment each");
      const brief = await client.attachments.listBrief({ volume_id: v.id, limit: 2, sort: "created_at:asc" }).all();
      assert.equal(brief.length, 3);

      for (const a of made) await client.volumes.forceDetach(v, { attachment_id: a.id });
      const after = await client.volumes.get(v);
      assert.equal(after.status, "available");
      assert.deepEqual(await client.attachments.list({ volume_id: v.id }).all(), []);
      await client.volumes.delete(v);
      await client.volumes.waitForDeleted(v, QUICK);
      await client.volumeTypes.delete(t);
    });
  });
});
