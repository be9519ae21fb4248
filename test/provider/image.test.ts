/**
 * Images through the provider, against the live server's built-in image service (Glance v2):
 * `Volume.imageId` from a raw and a qcow2 image uploaded with the SDK's images client (bootable,
 * the image's bytes on the file backend's volume file, volume_image_metadata); the `Image` resource
 * created from a local file, updated in place with Glance's JSON patch, replaced on a new path or
 * content, refused delete while protected, imported into a hand-written program without a diff;
 * bad input refused with nothing left behind; and one program (under setMocks, every registration
 * forwarded to the provider) that makes an Image and a Volume from it.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { connect, imagesClient, type CinderClient, type ImagesClient } from "@cinderblock/sdk";
import * as cinder from "../../provider/src/sdk";
import { volumeFile } from "../helpers/lifecycle";
import { startServer, type TestServer } from "../helpers/server";
import { haveQemuImg, makeQcow2, QEMU_MISSING } from "../images/helpers";
import { initFailed, js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

const I = "cinder:index:Image";
const V = "cinder:index:Volume";
const MiB = 1024 ** 2;
const DIFF_NONE = provproto.DiffResponse.DiffChanges.DIFF_NONE;
const sha512 = (b: Buffer) => createHash("sha512").update(b).digest("hex");
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

describe("provider: images and volumes from images (sqlite)", function () {
  this.timeout(180_000);
  let s: TestServer;
  let p: Plugin;
  let admin: CinderClient;
  let images: ImagesClient;
  let work: string;

  before(async function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
    s = await startServer("sqlite");
    work = await fsp.mkdtemp(path.join(s.dataDir, "work-"));
    [p, admin] = await Promise.all([
      startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "" }),
      connect({ env: {}, endpoint: s.url, auth: { type: "noauth", userId: "admin", projectId: "admin" } }),
    ]);
    images = imagesClient(admin, { endpoint: `${s.url}/image` });
    const cfg = { endpoint: s.url, projectId: "admin", token: secret("admin:admin"), endpointOverrides: { image: `${s.url}/image` } };
    await p.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("pulumi:providers:cinder", "default", cfg).getNews()!).setAcceptsecrets(true));
  });
  after(async () => {
    await p?.stop();
    await s?.destroy();
  });

  const check = async (type: string, name: string, news: object, olds: object = {}) => {
    const r = await p.call<provproto.CheckResponse>("check", rpc.check(type, name, news, olds));
    return { inputs: js(r.getInputs()), failures: r.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`) };
  };
  const checked = async (type: string, name: string, news: object, olds: object = {}) => {
    const r = await check(type, name, news, olds);
    assert.deepEqual(r.failures, []);
    return r.inputs;
  };
  const create = async (type: string, name: string, inputs: object) => {
    const r = await p.call<provproto.CreateResponse>("create", rpc.create(type, name, inputs, { timeout: 120 }));
    return { id: r.getId(), outs: js(r.getProperties()) };
  };
  const diff = async (type: string, name: string, id: string, olds: object, news: object, oldInputs: object) => {
    const d = await p.call<provproto.DiffResponse>("diff", rpc.diff(type, name, id, olds, news, oldInputs));
    const detailed: Record<string, number> = {};
    d.getDetaileddiffMap().forEach((v, k) => (detailed[k] = v.getKind()));
    return { changes: d.getChanges(), replaces: d.getReplacesList(), detailed };
  };
  const file = async (name: string, data: Buffer) => {
    const f = path.join(work, name);
    await fsp.writeFile(f, data);
    return f;
  };
  const imageIds = async () => {
    const ids: string[] = [];
    for await (const i of images.list()) ids.push(i.id);
    return ids;
  };

  /** The first `n` bytes of the volume's file on the file backend. */
  async function volumeHead(id: string, n: number, at = 0): Promise<Buffer> {
    const fh = await fsp.open(volumeFile(s, id), "r");
    try {
      const b = Buffer.alloc(n);
      await fh.read(b, 0, n, at);
      return b;
    } finally {
      await fh.close();
    }
  }

  describe("Volume.imageId", () => {
    it("makes a bootable volume holding a raw image's bytes, with its volume_image_metadata", async () => {
      const data = randomBytes(2 * MiB + 513);
      const img = await images.create({ name: "raw-src", disk_format: "raw", container_format: "bare", os_distro: "debian" });
      const up = await images.upload(img.id, data);
      assert.equal(up.status, "active");
      const inputs = await checked(V, "fromraw", { size: 1, imageId: img.id });
      const { id, outs } = await create(V, "fromraw", inputs);
      assert.equal(outs.status, "available");
      assert.equal(outs.bootable, true);
      assert.equal(outs.imageId, img.id);
      assert.equal(outs.volumeImageMetadata.image_id, img.id);
      assert.equal(outs.volumeImageMetadata.image_name, "raw-src");
      assert.equal(outs.volumeImageMetadata.checksum, md5(data));
      assert.equal(outs.volumeImageMetadata.os_distro, "debian");
      const v = (await admin.volumes.get(id)) as Awaited<ReturnType<CinderClient["volumes"]["get"]>> & { volume_image_metadata?: Record<string, string> };
      assert.equal(v.bootable, "true");
      assert.equal(v.volume_image_metadata?.image_id, img.id);
      assert.equal(v.volume_image_metadata?.disk_format, "raw");
      assert.ok((await volumeHead(id, data.length)).equals(data), "the volume starts with the image's bytes");
      assert.ok((await volumeHead(id, MiB, 512 * MiB)).equals(Buffer.alloc(MiB)), "and reads zeros past them");

      // Imported, a program naming the image is no change (imageId comes back from the image metadata).
      const read = await p.call<provproto.ReadResponse>("read", rpc.read(V, "imported", id));
      const readInputs = js(read.getInputs());
      assert.equal(readInputs.imageId, img.id);
      const news = await checked(V, "imported", { size: 1, name: outs.name, imageId: img.id }, readInputs);
      const d = await diff(V, "imported", id, js(read.getProperties()), news, readInputs);
      assert.deepEqual(d, { changes: DIFF_NONE, replaces: [], detailed: {} });
      // Another image replaces the volume.
      const other = await diff(V, "fromraw", id, outs, { ...inputs, imageId: "00000000-0000-0000-0000-000000000001" }, inputs);
      assert.deepEqual(other.replaces, ["imageId"]);
      await p.call("delete", rpc.delete(V, "fromraw", id, outs, { timeout: 60 }));
      await assert.rejects(admin.volumes.get(id), { name: "NotFound" });
    });

    it("converts a qcow2 image (qemu-img) onto the volume", async () => {
      const data = randomBytes(MiB + 7);
      const q = await fsp.readFile(await makeQcow2(work, data, 64 * MiB));
      const img = await images.create({ name: "qcow-src", disk_format: "qcow2", container_format: "bare", min_disk: 1 });
      const up = await images.upload(img.id, q);
      assert.equal(up.virtual_size, 64 * MiB);
      const { id, outs } = await create(V, "fromqcow", await checked(V, "fromqcow", { size: 1, imageId: img.id }));
      assert.equal(outs.bootable, true);
      assert.equal(outs.volumeImageMetadata.disk_format, "qcow2");
      assert.equal(outs.volumeImageMetadata.min_disk, "1");
      assert.equal(outs.volumeImageMetadata.size, String(q.length));
      assert.ok((await volumeHead(id, data.length)).equals(data), "the volume holds the qcow2's guest data, not the qcow2 file");
      assert.ok((await volumeHead(id, MiB, 32 * MiB)).equals(Buffer.alloc(MiB)));
      await p.call("delete", rpc.delete(V, "fromqcow", id, outs, { timeout: 60 }));
    });
  });

  describe("Image", () => {
    it("creates from a local file, updates in place with a JSON patch, refuses to delete while protected, deletes", async () => {
      const data = randomBytes(300_000);
      const src = await file("disk.raw", data);
      const program = {
        name: "web",
        diskFormat: "raw",
        source: src,
        minDisk: 1,
        tags: ["a", "b"],
        properties: { os_distro: "debian", os_version: "12", hw_disk_bus: "virtio" },
      };
      const inputs = await checked(I, "web", program);
      assert.equal(inputs.sourceHash, sha512(data), "Check hashes the file");
      assert.equal(inputs.containerFormat, "bare");
      const { id, outs } = await create(I, "web", inputs);
      assert.equal(outs.status, "active");
      assert.equal(outs.size, data.length);
      assert.equal(outs.checksum, md5(data));
      assert.equal(outs.osHashValue, sha512(data));
      assert.equal(outs.protected, false);
      assert.deepEqual(outs.properties, program.properties);
      let onServer = await images.show(id);
      assert.equal(onServer.status, "active");
      assert.equal(onServer.min_disk, 1);
      assert.deepEqual([...onServer.tags].sort(), ["a", "b"]);
      assert.equal(onServer.os_distro, "debian");
      assert.ok((await images.download(id))!.equals(data));

      // Someone else's property is left alone by the program.
      await images.update(id, [{ op: "add", path: "/owner_note", value: "keep" }]);

      const program2 = {
        ...program,
        name: "web2",
        visibility: "community",
        minDisk: 2,
        minRam: 512,
        protected: true,
        tags: ["b", "c"],
        properties: { os_distro: "ubuntu", hw_disk_bus: "virtio", hw_qemu_guest_agent: "yes" },
      };
      const news = await checked(I, "web", program2, inputs);
      const d = await diff(I, "web", id, outs, news, inputs);
      assert.deepEqual(d.replaces, []);
      assert.deepEqual(Object.keys(d.detailed).sort(), [
        "minDisk", "minRam", "name", "properties.hw_qemu_guest_agent", "properties.os_distro", "properties.os_version", "protected", "tags", "visibility",
      ]);
      const u = await p.call<provproto.UpdateResponse>("update", rpc.update(I, "web", id, outs, news, inputs, { timeout: 60 }));
      const outs2 = js(u.getProperties());
      onServer = await images.show(id);
      assert.equal(onServer.id, id, "the same image");
      assert.equal(onServer.name, "web2");
      assert.equal(onServer.visibility, "community");
      assert.equal(onServer.min_disk, 2);
      assert.equal(onServer.min_ram, 512);
      assert.equal(onServer.protected, true);
      assert.deepEqual([...onServer.tags].sort(), ["b", "c"]);
      assert.equal(onServer.os_distro, "ubuntu");
      assert.equal(onServer.os_version, undefined, "a property the program dropped is removed");
      assert.equal(onServer.hw_qemu_guest_agent, "yes");
      assert.equal(onServer.owner_note, "keep");
      assert.deepEqual(outs2.properties, program2.properties);
      assert.equal(outs2.allProperties.owner_note, "keep");

      // A refresh right after is clean.
      const read = await p.call<provproto.ReadResponse>("read", rpc.read(I, "web", id, outs2, news));
      const again = await diff(I, "web", id, js(read.getProperties()), await checked(I, "web", program2, js(read.getInputs())), js(read.getInputs()));
      assert.deepEqual(again, { changes: DIFF_NONE, replaces: [], detailed: {} });

      // Protected: delete refuses, clearly, and the image stays.
      const refused = await p.call("delete", rpc.delete(I, "web", id, outs2, { timeout: 30 })).catch((e: Error) => e);
      assert.ok(refused instanceof Error);
      assert.match(refused.message, new RegExp(`image ${id} \\(web2\\) is protected and cannot be deleted: set protected: false`));
      assert.equal((await images.show(id)).status, "active");

      const news3 = await checked(I, "web", { ...program2, protected: false }, news);
      const u3 = await p.call<provproto.UpdateResponse>("update", rpc.update(I, "web", id, outs2, news3, news, { timeout: 60 }));
      assert.equal((await images.show(id)).protected, false);
      await p.call("delete", rpc.delete(I, "web", id, js(u3.getProperties()), { timeout: 30 }));
      assert.ok(!(await imageIds()).includes(id), "deleted");
      // Deleting what is already gone is success.
      await p.call("delete", rpc.delete(I, "web", id, js(u3.getProperties()), { timeout: 30 }));
    });

    it("replaces on a new path, new content or another disk format; the same file again is no change", async () => {
      const data = randomBytes(4096);
      const src = await file("r.raw", data);
      const inputs = await checked(I, "r", { diskFormat: "raw", source: src });
      const { id, outs } = await create(I, "r", inputs);
      const same = await diff(I, "r", id, outs, await checked(I, "r", { diskFormat: "raw", source: src }, inputs), inputs);
      assert.deepEqual(same, { changes: DIFF_NONE, replaces: [], detailed: {} });
      // Same content, another path.
      const copy = await file("r-copy.raw", data);
      assert.deepEqual((await diff(I, "r", id, outs, await checked(I, "r", { diskFormat: "raw", source: copy }, inputs), inputs)).replaces, ["source"]);
      // Same path, new content.
      await fsp.writeFile(src, randomBytes(4096));
      const changed = await checked(I, "r", { diskFormat: "raw", source: src }, inputs);
      assert.notEqual(changed.sourceHash, inputs.sourceHash);
      assert.deepEqual((await diff(I, "r", id, outs, changed, inputs)).replaces, ["sourceHash"]);
      assert.deepEqual((await diff(I, "r", id, outs, { ...inputs, diskFormat: "qcow2" }, inputs)).replaces, ["diskFormat"]);
      // The replacement is a new image with the new data.
      const next = await create(I, "r", changed);
      assert.notEqual(next.id, id);
      assert.equal(next.outs.osHashValue, changed.sourceHash);
      await p.call("delete", rpc.delete(I, "r", id, outs, { timeout: 30 }));
      await p.call("delete", rpc.delete(I, "r", next.id, next.outs, { timeout: 30 }));
    });

    it("imports into a hand-written program without a diff, and names a different file as a replacement", async () => {
      const data = randomBytes(70_000);
      const src = await file("imp.raw", data);
      const img = await images.create({ name: "imp", disk_format: "raw", container_format: "bare", min_disk: 2, tags: ["x"], os_distro: "arch" });
      await images.upload(img.id, data);
      const importInto = async (program: object) => {
        const read = await p.call<provproto.ReadResponse>("read", rpc.read(I, "imported", img.id));
        assert.equal(read.getId(), img.id);
        const readInputs = js(read.getInputs());
        const news = await checked(I, "imported", program, readInputs);
        return diff(I, "imported", img.id, js(read.getProperties()), news, readInputs);
      };
      const clean = { changes: DIFF_NONE, replaces: [], detailed: {} };
      const program = { name: "imp", diskFormat: "raw", source: src, minDisk: 2, tags: ["x"], properties: { os_distro: "arch" } };
      assert.deepEqual(await importInto(program), clean);
      assert.deepEqual(await importInto({ name: "imp", diskFormat: "raw", minDisk: 2, tags: ["x"], properties: { os_distro: "arch" } }), clean, "without source");
      assert.deepEqual(await importInto({ ...program, containerFormat: "bare", visibility: img.visibility }), clean, "with the defaults spelled out");
      const other = await file("other.raw", randomBytes(70_000));
      assert.deepEqual((await importInto({ ...program, source: other })).replaces, ["source"], "a file with other data");
      const renamed = await importInto({ ...program, name: "imp2" });
      assert.deepEqual(renamed.replaces, []);
      assert.deepEqual(Object.keys(renamed.detailed), ["name"]);
      await images.delete(img.id);
      const gone = await p.call<provproto.ReadResponse>("read", rpc.read(I, "imported", img.id));
      assert.equal(gone.getId(), "", "Read of a deleted image reports it gone");
    });

    it("refuses bad input in Check, and removes an image whose data the service refuses", async () => {
      let r = await check(I, "bad", { diskFormat: "raw", source: path.join(work, "missing.raw") });
      assert.deepEqual(r.failures, [`source: source ${path.join(work, "missing.raw")} cannot be read: ENOENT`]);
      r = await check(I, "bad", { diskFormat: "floppy" });
      assert.match(r.failures.join(), /diskFormat must be one of "raw", "qcow2"/);
      r = await check(I, "bad", { diskFormat: "raw", properties: { name: "x", os_glance_foo: "y" }, minDisk: -1 });
      assert.deepEqual(r.failures.sort(), [
        "minDisk: minDisk must be ≥ 0, got -1",
        "properties: properties must not contain 'name': set the Image's own 'name' input instead",
        "properties: properties must not contain 'os_glance_foo': Glance reserves it",
      ]);
      r = await check(I, "bad", { source: work });
      assert.ok(r.failures.includes(`source: source ${work} is not a regular file`), r.failures.join());
      assert.ok(r.failures.includes("diskFormat: Missing required property 'diskFormat'"), r.failures.join());

      const before = await imageIds();
      const junk = await file("junk.qcow2", Buffer.from("this is not a qcow2 image".repeat(100)));
      const e = await p.call("create", rpc.create(I, "junk", await checked(I, "junk", { diskFormat: "qcow2", source: junk }), { timeout: 60 })).catch((x) => x);
      assert.ok(e instanceof Error, "create must fail");
      assert.equal(initFailed(e as never), undefined, "nothing is left to record as partial state");
      assert.match((e as Error).message, /could not be made from .*junk\.qcow2 and was removed: .*(does not match disk_format|qcow2)/);
      assert.deepEqual(await imageIds(), before, "no image is left behind");
    });
  });

  it("one program: an Image from a file and a Volume from it (setMocks, registrations forwarded to the provider)", async () => {
    const data = randomBytes(MiB);
    const src = await file("prog.raw", data);
    const made: { type: string; name: string; id: string; outs: Record<string, any> }[] = [];
    pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          const inputs = await checked(args.type, args.name, args.inputs);
          const r = await create(args.type, args.name, inputs);
          made.push({ type: args.type, name: args.name, ...r });
          return { id: r.id, state: r.outs };
        },
        call: async () => ({}),
      },
      "images",
      "test",
      false,
    );
    const img = new cinder.Image("base", { diskFormat: "raw", source: src, properties: { os_distro: "debian" } });
    const vol = new cinder.Volume("boot", { size: 1, imageId: img.id });
    const [imageId, volImage, bootable] = await Promise.all(
      [img.id, vol.imageId, vol.bootable].map((o) => new Promise<unknown>((resolve) => (o as pulumi.Output<unknown>).apply(resolve))),
    );
    assert.deepEqual(made.map((m) => `${m.type} ${m.name}`), [`${I} base`, `${V} boot`], "the image first, then the volume");
    assert.equal(volImage, imageId);
    assert.equal(bootable, true);
    const volId = made[1].id;
    assert.equal(made[1].outs.volumeImageMetadata.image_id, imageId);
    assert.equal(made[1].outs.volumeImageMetadata.os_distro, "debian");
    assert.ok((await volumeHead(volId, data.length)).equals(data));
    // Destroy in reverse.
    for (const m of made.reverse()) await p.call("delete", rpc.delete(m.type, m.name, m.id, m.outs, { timeout: 60 }));
    await assert.rejects(admin.volumes.get(volId), { name: "NotFound" });
    assert.ok(!(await imageIds()).includes(imageId as string));
  });
});

describe("provider: the Image service found in the Keystone catalog (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let p: Plugin;

  before(async function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
    s = await startServer("sqlite", { auth: "builtin" });
    p = await startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "" });
  });
  after(async () => {
    await p?.stop();
    await s?.destroy();
  });

  const configure = (cfg: object) => p.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", cfg).getNews()!).setAcceptsecrets(true));

  it("without a catalog or endpointOverrides.image, says what to set; with password auth, uses the catalog's image endpoint", async () => {
    const src = path.join(s.dataDir, "cat.raw");
    const data = randomBytes(8192);
    await fsp.writeFile(src, data);
    const inputs = js((await p.call<provproto.CheckResponse>("check", rpc.check(I, "cat", { diskFormat: "raw", source: src }))).getInputs());

    await configure({ endpoint: s.url, projectId: "admin", token: secret("admin:admin") });
    const e = await p.call("create", rpc.create(I, "cat", inputs, { timeout: 30 })).catch((x: Error) => x);
    assert.ok(e instanceof Error);
    assert.match(e.message, /no Image service \(Glance v2\) endpoint: .*set endpointOverrides\.image/);

    const password = (await fsp.readFile(path.join(s.dataDir, "admin-password"), "utf8")).trim();
    const auth = { authUrl: `${s.url}/identity/v3`, username: "admin", password, projectName: "admin", userDomainName: "Default", projectDomainName: "Default" };
    await configure({ ...auth, password: secret(password) });
    const r = await p.call<provproto.CreateResponse>("create", rpc.create(I, "cat", inputs, { timeout: 60 }));
    const outs = js(r.getProperties());
    assert.equal(outs.status, "active");
    assert.equal(outs.osHashValue, sha512(data));
    const admin = await connect({ env: {}, auth: { type: "password", ...auth } });
    const images = imagesClient(admin);
    assert.equal(images.endpoint, `${s.url}/image`);
    assert.ok((await images.download(r.getId()))!.equals(data));
    await p.call("delete", rpc.delete(I, "cat", r.getId(), outs, { timeout: 30 }));
    await assert.rejects(images.show(r.getId()), { name: "NotFound" });
  });
});
