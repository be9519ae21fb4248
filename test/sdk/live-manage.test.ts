/** Live: manage existing through the SDK (3.8 and the legacy extension), with built-in identity and with noauth. */
import assert from "node:assert/strict";
import { truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { forEachMode, QUICK } from "./helpers";

describe("sdk live: manage existing", () => {
  forEachMode((live) => {
    it("lists a file the backend holds, adopts it as a volume, then lists it as managed", async () => {
      const { client, server } = live();
      const host = "testhost@file#file";
      for (const name of ["sdk-a.img", "sdk-b.img"]) {
        const file = path.join(server.s.dataDir, "volumes", "file", name);
        await writeFile(file, "");
        await truncate(file, 1024 ** 3 + 1);
      }
      const listed = await client.manageableVolumes.list({ host }).all();
      const a = listed.find((m) => m.reference["source-name"] === "sdk-a.img");
      assert.ok(a, JSON.stringify(listed));
      assert.equal(a.size, 2, "sizes round up to whole GiB");
      assert.equal(a.safe_to_manage, true);
      assert.ok((await client.manageableVolumes.listBriefLegacy({ host }).all()).some((m) => m.reference["source-name"] === "sdk-b.img"));

      const v = await client.manageableVolumes.manage({ host, ref: { "source-name": "sdk-a.img" }, name: "adopted" });
      const w = await client.manageableVolumes.manageLegacy({ host, ref: { "source-name": "sdk-b.img" } });
      for (const x of [v, w]) assert.equal((await client.volumes.waitFor(x.id, "available", QUICK)).size, 2);
      const after = await client.manageableVolumes.list({ host }).all();
      const managed = after.find((m) => m.cinder_id === v.id);
      assert.ok(managed, JSON.stringify(after));
      assert.equal(managed.safe_to_manage, false);
      for (const x of [v, w]) {
        await client.volumes.delete(x.id);
        await client.volumes.waitForDeleted(x.id, QUICK);
      }
    });

    it("lists a snapshot file of a volume, adopts it as a snapshot, unmanages it keeping the data", async () => {
      const { client, server } = live();
      const host = "testhost@file";
      const vol = await client.volumes.create({ size: 1 });
      await client.volumes.waitFor(vol.id, "available", QUICK);
      const name = `volume-${vol.id}@sdk`;
      const file = path.join(server.s.dataDir, "volumes", "file", name);
      await writeFile(file, "");
      await truncate(file, 1024 ** 3 + 1);
      const listed = await client.manageableSnapshots.list({ host }).all();
      const entry = listed.find((m) => m.reference["source-name"] === name);
      assert.ok(entry, JSON.stringify(listed));
      assert.deepEqual(entry.source_reference, { "source-name": `volume-${vol.id}` });
      assert.ok((await client.manageableSnapshots.listBriefLegacy({ host }).all()).some((m) => m.reference["source-name"] === name));

      const s = await client.manageableSnapshots.manage({ volume_id: vol.id, ref: { "source-name": name }, name: "adopted" });
      assert.equal((await client.snapshots.waitFor(s.id, "available", QUICK)).size, 2);
      await client.snapshots.unmanage(s.id);
      await client.snapshots.waitForDeleted(s.id, QUICK);
      const kept = `volume-${vol.id}@snapshot-${s.id}`;
      assert.ok((await client.manageableSnapshots.listLegacy({ host }).all()).some((m) => m.reference["source-name"] === kept && m.safe_to_manage));
      const again = await client.manageableSnapshots.manageLegacy({ volume_id: vol.id, ref: { "source-name": kept } });
      await client.snapshots.waitFor(again.id, "available", QUICK);
      await client.snapshots.delete(again.id);
      await client.snapshots.waitForDeleted(again.id, QUICK);
      await client.volumes.delete(vol.id);
      await client.volumes.waitForDeleted(vol.id, QUICK);
    });
  });
});
