/**
 * Volumes from images (imageRef): a real qcow2 made with qemu-img is converted onto a volume and
 * read back bit for bit; the volume is bootable and keeps the image's metadata by Cinder's rules.
 * A wrong checksum fails the volume with a user message and leaves no storage or download behind;
 * an image that does not fit, a corrupt qcow2 and a format Glance does not take are refused with
 * Cinder's and Glance's messages.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { forEachDialect } from "../helpers/suite";
import { waitStatus } from "../helpers/wait";
import { activeImage, createImage, haveQemuImg, JSON_ACCEPT, makeQcow2, QEMU_MISSING, upload } from "./helpers";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Every file under `dir` whose name contains `id`. */
async function filesNamed(dir: string, id: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile() && e.name.includes(id)) out.push(path.join(e.parentPath, e.name));
  }
  return out;
}

forEachDialect("volume from image", function (fx) {
  let work: string;
  before(async function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
    work = await fsp.mkdtemp(path.join(fx.s.dataDir, "work-"));
  });

  it("converts a qcow2 onto the volume, bit for bit, bootable, with the image's metadata", async () => {
    const data = randomBytes(3 * MiB);
    const q = await fsp.readFile(await makeQcow2(work, data, 512 * MiB));
    const img = await activeImage(fx.c, q, { name: "deb", disk_format: "qcow2", os_distro: "debian", min_disk: 1 });
    const r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: img.id } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.volume.size, 1, "the size defaults to the image's, rounded up to GiB");
    const v = await waitStatus(fx.c, "volumes", "p1", r.body.volume.id, "available");
    assert.equal(v.bootable, "true");
    assert.deepEqual(
      { ...v.volume_image_metadata },
      {
        image_id: img.id, image_name: "deb", os_distro: "debian", checksum: img.checksum, container_format: "bare",
        disk_format: "qcow2", min_disk: "1", min_ram: "0", size: String(q.length),
      },
    );
    const [file] = (await filesNamed(path.join(fx.s.dataDir, "volumes"), v.id)).filter((f) => path.basename(f).startsWith("volume-"));
    const fh = await fsp.open(file, "r");
    try {
      const head = Buffer.alloc(data.length);
      await fh.read(head, 0, head.length, 0);
      assert.ok(head.equals(data), "the volume starts with the image's data");
      const tail = Buffer.alloc(MiB);
      await fh.read(tail, 0, MiB, 256 * MiB);
      assert.ok(tail.equals(Buffer.alloc(MiB)), "and reads zeros past it");
      assert.equal((await fh.stat()).size, GiB);
    } finally {
      await fh.close();
    }
    assert.deepEqual(await fsp.readdir(path.join(fx.s.dataDir, "image-conversion")), [], "no download is left");
    // The metadata shows in the list and filters it.
    const listed = await fx.c.get(`/v3/p1/volumes/detail?glance_metadata=${encodeURIComponent(JSON.stringify({ os_distro: "debian" }))}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.volumes.map((x: any) => x.id), [v.id]);
    const none = await fx.c.get(`/v3/p1/volumes/detail?glance_metadata=${encodeURIComponent(JSON.stringify({ os_distro: "arch" }))}`);
    assert.deepEqual(none.body.volumes, []);
  });

  it("fails the volume on a checksum mismatch, with a user message, and leaves nothing behind", async () => {
    const img = await activeImage(fx.c, Buffer.alloc(MiB, 9), { name: "tampered" });
    // The stored data changes under the image (same size): its checksum no longer matches.
    await fsp.writeFile(path.join(fx.s.dataDir, "images", img.id), Buffer.alloc(MiB, 8));
    const r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: img.id, size: 1 } });
    assert.equal(r.status, 202);
    const v = await waitStatus(fx.c, "volumes", "p1", r.body.volume.id, "error");
    assert.equal(v.bootable, "false");
    assert.equal(v.volume_image_metadata, undefined);
    const msgs = (await fx.c.get(`/v3/p1/messages?resource_uuid=${v.id}`, { version: "3.3" })).body.messages;
    assert.equal(msgs.length, 1);
    assert.match(msgs[0].user_message, /copy image to volume/);
    assert.deepEqual(await filesNamed(path.join(fx.s.dataDir, "volumes"), v.id), [], "no storage is left");
    assert.deepEqual(await fsp.readdir(path.join(fx.s.dataDir, "image-conversion")), [], "no download is left");
  });

  it("refuses an image larger than the volume, below min_disk, or not active, with Cinder's messages", async () => {
    const big = await activeImage(fx.c, await fsp.readFile(await makeQcow2(work, Buffer.from("x"), 2 * GiB)), { disk_format: "qcow2" });
    let r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: big.id, size: 1 } });
    assert.equal(r.status, 400);
    assert.equal(
      r.body.badRequest.message,
      `Invalid input received: Image ${big.id} is unacceptable: Image virtual size is 2GB and doesn't fit in a volume of size 1GB.`,
    );
    const min = await activeImage(fx.c, Buffer.alloc(4096), { min_disk: 3 });
    r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: min.id, size: 2 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, "Invalid input received: Volume size 2GB cannot be smaller than the image minDisk size 3GB.");
    const queued = await createImage(fx.c, { name: "empty" });
    r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: queued.id, size: 1 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, `Invalid input received: Image ${queued.id} is not active.`);
    r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: "00000000-0000-0000-0000-00000000abcd", size: 1 } });
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, "Image 00000000-0000-0000-0000-00000000abcd could not be found.");
    // Another project's private image is not found either.
    const priv = await activeImage(fx.c.as("zed:p9"), Buffer.alloc(512), { visibility: "private" });
    r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: priv.id, size: 1 } });
    assert.equal(r.status, 404);
    const vols = (await fx.c.get("/v3/p1/volumes")).body.volumes.length;
    r = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: big.id, size: 1 } });
    assert.equal((await fx.c.get("/v3/p1/volumes")).body.volumes.length, vols, "a refused create makes no volume");
  });

  it("a corrupt qcow2 is refused at upload (killed), and an unsupported disk format at create", async () => {
    const q = await fsp.readFile(await makeQcow2(work, Buffer.from("y"), 64 * MiB));
    // The L1 table offset (bytes 40-47 of the header) points far beyond the file.
    q.writeBigUInt64BE(0x7fff_ffff_ffff_0000n, 40);
    const img = await createImage(fx.c, { disk_format: "qcow2", container_format: "bare" });
    const r = await upload(fx.c, img.id, q);
    assert.equal(r.status, 400);
    assert.match(r.body.message, /not a valid qcow2 image/);
    const v = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: img.id, size: 1 } });
    assert.equal(v.status, 400);
    assert.match(v.body.badRequest.message, /is not active/);
    const bad = await fx.c.post("/image/v2/images", { disk_format: "ploop", container_format: "bare" }, { version: null, headers: JSON_ACCEPT });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /'ploop' is not one of/);
    assert.equal(createHash("md5").update("").digest("hex").length, 32);
  });
});
