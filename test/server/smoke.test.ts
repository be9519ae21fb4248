import assert from "node:assert/strict";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { waitGone, waitStatus } from "../helpers/wait";

for (const dialect of DIALECTS) {
  describe(`smoke (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => s?.destroy());

    it("creates, shows, lists and deletes a volume", async () => {
      const c = s.client;
      const r = await c.post("/v3/p1/volumes", { volume: { size: 1, name: "v" } });
      assert.equal(r.status, 202);
      const id = r.body.volume.id;
      await waitStatus(c, "volumes", "p1", id, "available");
      const list = await c.get("/v3/p1/volumes/detail");
      assert.equal(list.body.volumes.length, 1);
      const d = await c.delete(`/v3/p1/volumes/${id}`);
      assert.equal(d.status, 202);
      await waitGone(c, "volumes", "p1", id);
    });
  });
}
