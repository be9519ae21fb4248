/**
 * Live: the SDK's image client against Cinderblock's built-in image service — the catalog's
 * image endpoint with built-in identity, an explicit one with noauth — create, upload, show,
 * list (paged), download, delete, and Glance's faults as the SDK's errors; a volume made from the
 * uploaded image through the volume client.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { BadRequest, imagesClient, NotFound, type ImagesClient } from "../../sdk/src";
import { haveQemuImg, QEMU_MISSING } from "../images/helpers";
import { forEachMode, QUICK } from "./helpers";

describe("sdk live: images", () => {
  before(function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
  });

  forEachMode((live) => {
    let images: ImagesClient;
    before(() => {
      const { client, server } = live();
      images = server.mode === "builtin" ? imagesClient(client) : imagesClient(client, { endpoint: `${server.s.url}/image` });
    });

    it("finds the image endpoint", () => {
      assert.equal(images.endpoint, `${live().server.s.url}/image`);
    });

    it("creates, uploads, shows, lists, downloads and deletes an image", async () => {
      const data = randomBytes(3 * 65536 + 17);
      const img = await images.create({ name: "sdk-img", disk_format: "raw", container_format: "bare", os_distro: "debian" });
      assert.equal(img.status, "queued");
      assert.equal(await images.download(img.id), null, "no data yet");
      const up = await images.upload(img.id, data);
      assert.equal(up.status, "active");
      assert.equal(up.size, data.length);
      assert.equal(up.checksum, createHash("md5").update(data).digest("hex"));
      assert.equal(up.os_hash_value, createHash("sha512").update(data).digest("hex"));
      assert.equal((await images.show(img.id)).os_distro, "debian");
      assert.ok((await images.download(img.id))!.equals(data));

      // A streamed upload too.
      const streamed = await images.create({ name: "sdk-stream", disk_format: "raw", container_format: "bare" });
      const parts = [randomBytes(70_000), randomBytes(5)];
      assert.equal((await images.upload(streamed.id, Readable.from(parts))).size, 70_005);
      assert.ok((await images.download(streamed.id))!.equals(Buffer.concat(parts)));

      // Paged with limit=1: every image, once.
      const seen: string[] = [];
      for await (const i of images.list({ limit: 1, sort: "name:asc" })) seen.push(i.id);
      assert.ok(seen.includes(img.id) && seen.includes(streamed.id));
      assert.equal(new Set(seen).size, seen.length);
      const named: string[] = [];
      for await (const i of images.list({ name: "sdk-img" })) named.push(i.id);
      assert.deepEqual(named, [img.id]);

      // A volume from it, through the volume client.
      const { client } = live();
      const v = await client.volumes.create({ size: 1, imageRef: img.id, name: "from-sdk-img" });
      const done = await client.volumes.waitFor(v, "available", QUICK);
      assert.equal(done.bootable, "true");
      await client.volumes.delete(done);

      await images.delete(img.id);
      await images.delete(streamed.id);
      await assert.rejects(images.show(img.id), (e: unknown) => e instanceof NotFound && /No image found/.test(e.message));
    });

    it("turns Glance's faults into the SDK's errors", async () => {
      await assert.rejects(images.create({ disk_format: "floppy" }), (e: unknown) => e instanceof BadRequest && /floppy/.test(e.message) && e.fault === "Bad Request");
      await assert.rejects(images.delete("00000000-0000-0000-0000-000000000000"), NotFound);
    });
  });
});
