import assert from "node:assert/strict";
import { forEachDialect } from "../helpers/suite";
import { waitGone, waitStatus } from "../helpers/wait";

forEachDialect("smoke", (fx) => {
  it("creates, shows, lists and deletes a volume", async () => {
    const c = fx.s.client;
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
