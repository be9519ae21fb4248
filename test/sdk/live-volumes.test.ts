/**
 * Live: the lifecycle of volumes and snapshots driven only through the SDK, against a Cinderblock
 * server with built-in identity and with noauth.
 */
import assert from "node:assert/strict";
import { BadRequest, MicroversionError, NotFound, ResourceStatusError } from "../../sdk/src";
import { forEachMode, QUICK } from "./helpers";

describe("sdk live: volumes and snapshots", () => {
  forEachMode((live) => {
    it("connects from the OS_* environment and negotiates the highest microversion", async () => {
      const { client, server } = live();
      assert.equal(client.microversion, "3.71");
      assert.equal(client.pinned, false);
      assert.ok(client.endpoint.startsWith(`${server.s.url}/v3/`), client.endpoint);
      assert.ok(client.projectId);
      if (server.mode === "builtin") assert.equal(client.token?.project?.name, "admin");
    });

    it("volume lifecycle: create, wait, show, update, metadata, actions, delete", async () => {
      const { client } = live();
      const created = await client.volumes.create({ size: 1, name: "life", description: "sdk", metadata: { tier: "a" } });
      assert.equal(created.status, "creating");
      const v = await client.volumes.waitFor(created, "available", QUICK);
      assert.equal(v.size, 1);
      assert.equal(v.name, "life");

      const updated = await client.volumes.update(v, { name: "life2", description: "renamed" });
      assert.equal(updated.name, "life2");

      assert.deepEqual(await client.volumes.setMetadata(v, { b: "2" }), { tier: "a", b: "2" });
      assert.deepEqual(await client.volumes.replaceMetadata(v, { c: "3" }), { c: "3" });
      await client.volumes.setMetadataItem(v, "d", "4");
      assert.equal(await client.volumes.getMetadataItem(v, "d"), "4");
      await client.volumes.deleteMetadataItem(v, "d");
      assert.deepEqual(await client.volumes.getMetadata(v), { c: "3" });
      await assert.rejects(client.volumes.getMetadataItem(v, "d"), NotFound);

      await client.volumes.extend(v, 2);
      assert.equal((await client.volumes.waitFor(v, "available", QUICK)).size, 2);
      await client.volumes.setBootable(v, true);
      assert.equal((await client.volumes.get(v)).bootable, "true");
      await client.volumes.setReadonly(v, true);
      await client.volumes.setReadonly(v, false);

      const found = await client.volumes.list({ name: "life2" }).all();
      assert.deepEqual(found.map((x) => x.id), [v.id]);
      assert.ok((await client.volumes.listBrief().all()).some((x) => x.id === v.id));
      const summary = await client.volumes.summary();
      assert.ok(summary.total_count >= 1 && summary.total_size >= 2);

      await client.volumes.delete(v);
      await client.volumes.waitForDeleted(v, QUICK);
      await assert.rejects(client.volumes.get(v), NotFound);
    });

    it("admin actions: reset status (the waiter fails fast on error), force delete", async () => {
      const { client } = live();
      const v = await client.volumes.waitFor(await client.volumes.create({ size: 1, name: "admin-actions" }), "available", QUICK);
      await client.volumes.resetStatus(v, { status: "error" });
      const e = await client.volumes.waitFor(v, "in-use", QUICK).catch((x) => x);
      assert.ok(e instanceof ResourceStatusError, String(e));
      assert.equal(e.status, "error");
      assert.equal((await client.volumes.waitFor(v, "error", QUICK)).status, "error");
      await client.volumes.forceDelete(v);
      await client.volumes.waitForDeleted(v, QUICK);
    });

    it("pagination across pages of a live server", async () => {
      const { client } = live();
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await client.volumes.create({ size: 1, name: `page-${i}`, metadata: { batch: "paging" } }));
      const ids: string[] = [];
      for await (const v of client.volumes.list({ limit: 2, metadata: { batch: "paging" } })) ids.push(v.id);
      assert.deepEqual(ids.sort(), made.map((v) => v.id).sort());
      const pages = [];
      for await (const page of client.volumes.list({ limit: 2, metadata: { batch: "paging" }, with_count: true }).pages()) pages.push(page);
      assert.deepEqual(pages.map((p) => p.items.length), [2, 2, 1]);
      assert.equal(pages[0].count, 5);
      for (const v of made) await client.volumes.waitFor(v, "available", QUICK);
      for (const v of made) await client.volumes.delete(v);
      for (const v of made) await client.volumes.waitForDeleted(v, QUICK);
    });

    it("snapshot lifecycle: create, wait, update, metadata, revert, volume from snapshot, delete", async () => {
      const { client } = live();
      const vol = await client.volumes.waitFor(await client.volumes.create({ size: 1, name: "snap-source" }), "available", QUICK);
      const snap = await client.snapshots.waitFor(await client.snapshots.create({ volume_id: vol.id, name: "s1", metadata: { k: "v" } }), "available", QUICK);
      assert.equal(snap.volume_id, vol.id);
      assert.equal((await client.snapshots.update(snap, { name: "s1b" })).name, "s1b");
      assert.deepEqual(await client.snapshots.setMetadata(snap, { k2: "v2" }), { k: "v", k2: "v2" });
      assert.deepEqual(await client.snapshots.replaceMetadata(snap, { only: "1" }), { only: "1" });
      await client.snapshots.setMetadataItem(snap, "x", "y");
      assert.equal(await client.snapshots.getMetadataItem(snap, "x"), "y");
      await client.snapshots.deleteMetadataItem(snap, "x");
      assert.deepEqual(await client.snapshots.getMetadata(snap), { only: "1" });
      assert.deepEqual((await client.snapshots.list({ volume_id: vol.id }).all()).map((s) => s.id), [snap.id]);
      assert.ok((await client.snapshots.listBrief().all()).some((s) => s.id === snap.id));

      await client.volumes.revert(vol, snap);
      await client.volumes.waitFor(vol, "available", QUICK);

      const copy = await client.volumes.waitFor(await client.volumes.create({ snapshot_id: snap.id, name: "from-snap" }), "available", QUICK);
      assert.equal(copy.snapshot_id, snap.id);

      await client.snapshots.resetStatus(snap, "error");
      assert.equal((await client.snapshots.waitFor(snap, "error", QUICK)).status, "error");
      await client.snapshots.forceDelete(snap);
      await client.snapshots.waitForDeleted(snap, QUICK);

      const snap2 = await client.snapshots.waitFor(await client.snapshots.create({ volume_id: vol.id }), "available", QUICK);
      await client.snapshots.delete(snap2);
      await client.snapshots.waitForDeleted(snap2, QUICK);
      for (const v of [copy, vol]) {
        await client.volumes.delete(v);
        await client.volumes.waitForDeleted(v, QUICK);
      }
    });

    it("server errors arrive typed with the request id; microversion limits apply before sending", async () => {
      const { client } = live();
      const e = await client.volumes.get("00000000-0000-0000-0000-000000000000").catch((x) => x);
      assert.ok(e instanceof NotFound);
      assert.equal(e.fault, "itemNotFound");
      assert.equal(e.message, "Volume 00000000-0000-0000-0000-000000000000 could not be found.");
      assert.match(e.requestId ?? "", /^req-/);
      await assert.rejects(client.volumes.create({ size: 0 }), BadRequest);
      const old = client.withMicroversion("3.30");
      await assert.rejects(old.volumes.revert("00000000-0000-0000-0000-000000000000", "s"), MicroversionError);
      await assert.rejects(client.withMicroversion("3.11").volumes.summary(), { name: "MicroversionError", required: "3.12" });
      assert.ok((await old.volumes.summary()).total_count >= 0, "3.30 has the summary");
    });
  });
});
