/**
 * The external-Glance client (image/glance-client.ts) against a Glance v2 over HTTP — the built-in
 * one of another server — through the ImageService interface the volume service uses: create,
 * upload, show, download and delete, with Glance's faults coming back as errors with its status.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { GlanceClient } from "../../server/src/image/glance-client";
import { startServer, type TestServer } from "../helpers/server";
import { haveQemuImg, QEMU_MISSING } from "./helpers";

describe("image service: the external Glance client", () => {
  let glance: TestServer;
  const alice = { projectId: "p1", isAdmin: false, roles: ["member"], authToken: "alice:p1" };
  const bob = { projectId: "p2", isAdmin: false, roles: ["member"], authToken: "bob:p2" };

  before(async function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
    glance = await startServer("sqlite");
  });
  after(async () => glance?.destroy());

  it("creates, uploads, shows, downloads and deletes through the same interface", async () => {
    const client = new GlanceClient(`${glance.url}/image`);
    const img = await client.create(alice, { name: "ext", disk_format: "raw", container_format: "bare", visibility: "private" });
    assert.equal(img.status, "queued");
    const data = Buffer.alloc(256 * 1024, 5);
    const done = await client.upload(alice, img.id, Readable.from([data]));
    assert.equal(done.status, "active");
    assert.equal(done.size, data.length);
    const chunks: Buffer[] = [];
    for await (const c of await client.download(alice, img.id)) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(data));
    await assert.rejects(client.show(bob, img.id), (e: any) => e.status === 404 && /No image found/.test(e.message));
    await client.remove(alice, img.id);
    await assert.rejects(client.show(alice, img.id), (e: any) => e.status === 404);
  });
});
