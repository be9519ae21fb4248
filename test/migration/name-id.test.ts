/**
 * A volume whose storage is named after another id (name_id, as a migration leaves it): the admin
 * view shows it as os-vol-mig-status-attr:name_id, a restart does not take that storage for an
 * orphan, and a delete removes that storage, not a file named after the volume's own id.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import { openDb } from "../../server/src/db/database";
import { createVolume } from "../helpers/lifecycle";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { ADMIN, volumeFile } from "../helpers/state";
import { waitFor } from "../helpers/wait";

async function exists(file: string): Promise<boolean> {
  return fsp.stat(file).then(
    () => true,
    () => false,
  );
}

for (const dialect of DIALECTS) {
  describe(`a volume's storage found by its name_id (${dialect})`, function () {
    this.timeout(60_000);
    let server: TestServer | undefined;
    after(async () => server?.destroy());

    it("shows name_id, keeps its storage across a restart and deletes it with the volume", async () => {
      server = await startServer(dialect);
      const v = await createVolume(server.client, "p1", { size: 1 });
      const shown = (await server.client.as(ADMIN).get(`/v3/admin/volumes/${v.id}`)).body.volume;
      assert.equal(shown["os-vol-mig-status-attr:name_id"], null);
      const nameId = randomUUID();
      await fsp.rename(volumeFile(server.dataDir, v.id), volumeFile(server.dataDir, nameId));
      const db = openDb(server.db.url);
      try {
        await db.kysely.updateTable("volumes").set({ name_id: nameId }).where("id", "=", v.id).execute();
      } finally {
        await db.close();
      }
      assert.equal((await server.client.as(ADMIN).get(`/v3/admin/volumes/${v.id}`)).body.volume["os-vol-mig-status-attr:name_id"], nameId);
      const { dataDir, db: testDb } = server;
      await server.stop();
      server = await startServer(dialect, {}, { dataDir, db: testDb });
      const manageable = await server.client.as(ADMIN).get(`/v3/admin/manageable_volumes/detail?host=testhost@file`, { version: "3.8" });
      assert.equal(manageable.status, 200, JSON.stringify(manageable.body));
      const listed = manageable.body["manageable-volumes"].find((m: any) => m.reference["source-name"].includes(nameId));
      assert.equal(listed?.safe_to_manage, false, "the storage under name_id is the volume's, not an orphan to adopt");
      assert.ok(await exists(volumeFile(dataDir, nameId)), "a restart keeps the storage under name_id");
      assert.equal((await server.client.delete(`/v3/p1/volumes/${v.id}`)).status, 202);
      await waitFor(async () => ((await server!.client.get(`/v3/p1/volumes/${v.id}`)).status === 404 ? true : undefined), "the volume gone");
      assert.equal(await exists(volumeFile(dataDir, nameId)), false, "the delete removed the storage under name_id");
    });
  });
}
