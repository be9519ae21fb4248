/**
 * Upload to image (os-volume_upload_image) and a volume's image metadata actions
 * (os-show_image_metadata, os-set_image_metadata, os-unset_image_metadata): the image made from a
 * volume holds the volume's data in the asked disk format, and a volume made back from it reads the same.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { forEachDialect } from "../helpers/suite";
import { waitStatus } from "../helpers/wait";
import { createVolume, volumeAction } from "../helpers/lifecycle";
import { activeImage, haveQemuImg, JSON_ACCEPT, QEMU_MISSING } from "./helpers";

const MiB = 1024 ** 2;
const H = { version: null, headers: JSON_ACCEPT } as const;

async function volumeFile(dataDir: string, id: string): Promise<string> {
  for (const e of await fsp.readdir(path.join(dataDir, "volumes"), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.startsWith("volume-") && e.name.includes(id)) return path.join(e.parentPath, e.name);
  }
  throw new Error(`no file for volume ${id}`);
}

forEachDialect("volume to image", function (fx) {
  before(function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
  });

  it("uploads a volume as a qcow2 image that holds its data, and the volume returns to available", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1 });
    const data = randomBytes(2 * MiB);
    const fh = await fsp.open(await volumeFile(fx.s.dataDir, v.id), "r+");
    await fh.write(data, 0, data.length, 4 * MiB);
    await fh.close();
    const r = await volumeAction(fx.c, "p1", v.id, "os-volume_upload_image", { image_name: "from-vol", disk_format: "qcow2", visibility: "private" }, "3.1");
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const up = r.body["os-volume_upload_image"];
    assert.equal(up.status, "uploading");
    assert.equal(up.disk_format, "qcow2");
    await waitStatus(fx.c, "volumes", "p1", v.id, "available");
    const img = (await fx.c.get(`/image/v2/images/${up.image_id}`, H)).body;
    assert.equal(img.status, "active");
    assert.equal(img.disk_format, "qcow2");
    assert.equal(img.virtual_size, 1024 ** 3);
    assert.equal(img.min_disk, 1);
    // The image's data, converted back to raw, is the volume's.
    const back = path.join(fx.s.dataDir, `back-${v.id}.raw`);
    execFileSync("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", path.join(fx.s.dataDir, "images", img.id), back]);
    const got = Buffer.alloc(data.length);
    const bh = await fsp.open(back, "r");
    await bh.read(got, 0, got.length, 4 * MiB);
    await bh.close();
    assert.ok(got.equals(data));
    assert.deepEqual(await fsp.readdir(path.join(fx.s.dataDir, "image-conversion")), []);
  });

  it("refuses an in-use volume without force, and an unknown disk format", async () => {
    const v = await createVolume(fx.c, "p1", { size: 1 });
    let r = await volumeAction(fx.c, "p1", v.id, "os-volume_upload_image", { image_name: "x", disk_format: "floppy" });
    assert.equal(r.status, 400);
    r = await volumeAction(fx.c, "p1", v.id, "os-volume_upload_image", { image_name: "x", force: true }, "3.0");
    assert.equal(r.status, 400);
  });

  it("shows, sets and unsets a volume's image metadata", async () => {
    const img = await activeImage(fx.c, Buffer.alloc(MiB, 3), { name: "meta", os_type: "linux" });
    const r0 = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: img.id, size: 1 } });
    const v = await waitStatus(fx.c, "volumes", "p1", r0.body.volume.id, "available");
    let r = await volumeAction(fx.c, "p1", v.id, "os-show_image_metadata", null);
    assert.equal(r.status, 200);
    assert.equal(r.body.metadata.os_type, "linux");
    assert.equal(r.body.metadata.image_id, img.id);
    r = await volumeAction(fx.c, "p1", v.id, "os-set_image_metadata", { metadata: { hw_qemu_guest_agent: "yes" } });
    assert.equal(r.status, 200);
    assert.equal(r.body.metadata.hw_qemu_guest_agent, "yes");
    r = await volumeAction(fx.c, "p1", v.id, "os-unset_image_metadata", { key: "os_type" });
    assert.equal(r.status, 200);
    r = await volumeAction(fx.c, "p1", v.id, "os-unset_image_metadata", { key: "os_type" });
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, `Glance metadata for volume ${v.id} with key os_type not found`);
    const shown = (await fx.c.get(`/v3/p1/volumes/${v.id}`)).body.volume;
    assert.equal(shown.volume_image_metadata.os_type, undefined);
    assert.equal(shown.volume_image_metadata.hw_qemu_guest_agent, "yes");
  });
});
