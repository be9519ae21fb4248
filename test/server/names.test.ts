/** Volume names and descriptions are stripped, then limited to 255 characters (Cinder's *_remove_white_spaces formats). */
import assert from "node:assert/strict";
import { assertFault } from "../helpers/faults";
import { startServer, type TestServer } from "../helpers/server";

describe("volume names", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer("sqlite");
  });
  after(async () => s?.destroy());

  it("strips surrounding white space before checking the length", async () => {
    const padded = `   ${"n".repeat(255)}   `;
    const r = await s.client.post("/v3/p1/volumes", { volume: { size: 1, name: padded, description: "  d  " } });
    assert.equal(r.status, 202);
    assert.equal(r.body.volume.name, "n".repeat(255));
    assert.equal(r.body.volume.description, "d");
  });

  it("refuses 256 characters with Cinder's message, on create and update", async () => {
    assertFault(
      await s.client.post("/v3/p1/volumes", { volume: { size: 1, name: "x".repeat(256) } }),
      400,
      "Invalid input received: name has 256 characters, more than 255.",
    );
    const v = await s.client.post("/v3/p1/volumes", { volume: { size: 1 } });
    assertFault(
      await s.client.put(`/v3/p1/volumes/${v.body.volume.id}`, { volume: { description: "y".repeat(300) } }),
      400,
      "Invalid input received: description has 300 characters, more than 255.",
    );
  });
});
