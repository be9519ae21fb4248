/**
 * The built-in Image API (a Glance v2 subset) over HTTP: records, data with its checksums and
 * virtual size, JSON-patch updates, listing with filters, sorting and paging, tags, visibility and
 * members, protection, the per-project limit and Glance-shaped faults.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { forEachDialect } from "../helpers/suite";
import { activeImage, createImage, haveQemuImg, JSON_ACCEPT, makeQcow2, QEMU_MISSING, upload } from "./helpers";

const H = { version: null, headers: JSON_ACCEPT } as const;
const PATCH = "application/openstack-images-v2.1-json-patch";

forEachDialect("image API", { imageQuota: 8 }, function (fx) {
  before(function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
  });

  it("creates a queued record, takes data, and serves it back with Glance's checksums", async () => {
    const img = await createImage(fx.c, { name: "one", disk_format: "raw", container_format: "bare", os_distro: "debian" });
    assert.equal(img.status, "queued");
    assert.equal(img.visibility, "shared");
    assert.equal(img.owner, "p1");
    assert.equal(img.os_distro, "debian");
    const data = Buffer.alloc(3 * 65536, 7);
    assert.equal((await upload(fx.c, img.id, data)).status, 204);
    const shown = (await fx.c.get(`/image/v2/images/${img.id}`, H)).body;
    assert.equal(shown.status, "active");
    assert.equal(shown.size, data.length);
    assert.equal(shown.virtual_size, data.length);
    assert.equal(shown.checksum, createHash("md5").update(data).digest("hex"));
    assert.equal(shown.os_hash_algo, "sha512");
    assert.equal(shown.os_hash_value, createHash("sha512").update(data).digest("hex"));
    const res = await fetch(`${fx.s.url}/image/v2/images/${img.id}/file`, { headers: { "X-Auth-Token": "alice:p1" } });
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));
    const st = await fsp.stat(path.join(fx.s.dataDir, "images", img.id));
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal((await fsp.stat(path.join(fx.s.dataDir, "images"))).mode & 0o777, 0o700);
    // Only a queued image takes data.
    const again = await upload(fx.c, img.id, data);
    assert.equal(again.status, 409);
    assert.match(again.body.message, /active to saving is not allowed/);
  });

  it("reads a qcow2's virtual size, and kills an image whose data is not its disk format", async () => {
    const dir = await fsp.mkdtemp(path.join(fx.s.dataDir, "q-"));
    const q = await fsp.readFile(await makeQcow2(dir, Buffer.from("hello"), 8 * 1024 * 1024));
    const img = await createImage(fx.c, { disk_format: "qcow2", container_format: "bare" });
    assert.equal((await upload(fx.c, img.id, q)).status, 204);
    const shown = (await fx.c.get(`/image/v2/images/${img.id}`, H)).body;
    assert.equal(shown.virtual_size, 8 * 1024 * 1024);
    assert.equal(shown.size, q.length);

    const bad = await createImage(fx.c, { disk_format: "qcow2", container_format: "bare" });
    const r = await upload(fx.c, bad.id, Buffer.from("this is not a qcow2 image at all, just text"));
    assert.equal(r.status, 400);
    assert.match(r.body.message, /not a valid qcow2 image/);
    assert.equal((await fx.c.get(`/image/v2/images/${bad.id}`, H)).body.status, "killed");
    await assert.rejects(fsp.stat(path.join(fx.s.dataDir, "images", bad.id)));
  });

  it("refuses read-only attributes, unknown formats and data before the formats are set", async () => {
    let r = await fx.c.post("/image/v2/images", { disk_format: "floppy" }, H);
    assert.equal(r.status, 400);
    assert.match(r.body.message, /'floppy' is not one of/);
    assert.equal(r.body.code, "400 Bad Request");
    r = await fx.c.post("/image/v2/images", { status: "active" }, H);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /Attribute 'status' is read-only/);
    r = await fx.c.post("/image/v2/images", { visibility: "public" }, H);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /publicize_image/);
    const img = await createImage(fx.c, { name: "no formats" });
    r = await upload(fx.c, img.id, Buffer.from("x"));
    assert.equal(r.status, 400);
    assert.match(r.body.message, /disk_format, container_format must be set/);
    assert.equal((await fx.c.get(`/image/v2/images/${img.id}`, H)).body.status, "queued");
  });

  it("updates by JSON patch: add, replace and remove properties; read-only ones are refused", async () => {
    const img = await createImage(fx.c, { name: "p", disk_format: "raw", container_format: "bare" });
    const patch = (ops: unknown) => fx.c.call("PATCH", `/image/v2/images/${img.id}`, { raw: JSON.stringify(ops), contentType: PATCH, ...H });
    let r = await patch([
      { op: "replace", path: "/name", value: "renamed" },
      { op: "add", path: "/hw_disk_bus", value: "scsi" },
      { op: "add", path: "/min_disk", value: 2 },
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.body.name, "renamed");
    assert.equal(r.body.hw_disk_bus, "scsi");
    assert.equal(r.body.min_disk, 2);
    r = await patch([{ op: "remove", path: "/hw_disk_bus" }]);
    assert.equal(r.status, 200);
    assert.equal(r.body.hw_disk_bus, undefined);
    r = await patch([{ op: "replace", path: "/checksum", value: "x" }]);
    assert.equal(r.status, 403);
    r = await patch([{ op: "remove", path: "/nothing" }]);
    assert.equal(r.status, 409);
    r = await patch({ op: "add" });
    assert.equal(r.status, 400);
    // Another project cannot change it (nor see it: it is shared with nobody).
    r = await fx.c.call("PATCH", `/image/v2/images/${img.id}`, { raw: "[]", contentType: PATCH, token: "bob:p2", ...H });
    assert.equal(r.status, 404);
  });

  it("lists with filters, sorting and marker paging with a next link", async () => {
    const c = fx.c.as("carol:p3");
    const ids: string[] = [];
    for (const n of ["b", "a", "c"]) ids.push((await createImage(c, { name: `list-${n}`, disk_format: "raw", container_format: "bare", tags: [`t-${n}`] })).id);
    let r = await c.get("/image/v2/images?sort_key=name&sort_dir=asc&limit=2", H);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.images.map((i: any) => i.name), ["list-a", "list-b"]);
    assert.ok(r.body.next);
    const next = await c.get(`/image${r.body.next}`, H);
    assert.deepEqual(next.body.images.map((i: any) => i.name), ["list-c"]);
    assert.equal(next.body.next, undefined);
    r = await c.get("/image/v2/images?tag=t-c", H);
    assert.deepEqual(r.body.images.map((i: any) => i.name), ["list-c"]);
    r = await c.get("/image/v2/images?name=list-a", H);
    assert.deepEqual(r.body.images.map((i: any) => i.id), [ids[1]]);
    r = await c.get("/image/v2/images?sort_key=bogus", H);
    assert.equal(r.status, 400);
    // Another project lists none of them.
    r = await fx.c.as("dave:p4").get("/image/v2/images", H);
    assert.equal(r.body.images.length, 0);
  });

  it("shares through members, who accept before the image lists for them", async () => {
    const owner = fx.c.as("erin:p5");
    const other = fx.c.as("frank:p6");
    const img = await createImage(owner, { name: "shared-one", visibility: "shared" });
    let r = await other.get(`/image/v2/images/${img.id}`, H);
    assert.equal(r.status, 404);
    r = await owner.post(`/image/v2/images/${img.id}/members`, { member: "p6" }, H);
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "pending");
    assert.equal((await other.get(`/image/v2/images/${img.id}`, H)).status, 200);
    assert.equal((await other.get("/image/v2/images", H)).body.images.length, 0);
    // The owner cannot accept for the member.
    r = await owner.put(`/image/v2/images/${img.id}/members/p6`, { status: "accepted" }, H);
    assert.equal(r.status, 403);
    r = await other.put(`/image/v2/images/${img.id}/members/p6`, { status: "accepted" }, H);
    assert.equal(r.status, 200);
    assert.deepEqual((await other.get("/image/v2/images", H)).body.images.map((i: any) => i.id), [img.id]);
    // A member may not change the image.
    r = await other.call("PATCH", `/image/v2/images/${img.id}`, { raw: JSON.stringify([{ op: "add", path: "/x", value: "y" }]), contentType: PATCH, ...H });
    assert.equal(r.status, 403);
    assert.equal((await owner.delete(`/image/v2/images/${img.id}/members/p6`, H)).status, 204);
    assert.equal((await other.get(`/image/v2/images/${img.id}`, H)).status, 404);
    // Private images have no members.
    const priv = await createImage(owner, { visibility: "private" });
    r = await owner.post(`/image/v2/images/${priv.id}/members`, { member: "p6" }, H);
    assert.equal(r.status, 403);
  });

  it("tags, protection, delete and the per-project image limit", async () => {
    const c = fx.c.as("gina:p7");
    const img = await activeImage(c, Buffer.alloc(512, 1), { protected: true });
    assert.equal((await c.put(`/image/v2/images/${img.id}/tags/blue`, undefined, H)).status, 204);
    assert.deepEqual((await c.get(`/image/v2/images/${img.id}`, H)).body.tags, ["blue"]);
    assert.equal((await c.delete(`/image/v2/images/${img.id}/tags/green`, H)).status, 404);
    assert.equal((await c.delete(`/image/v2/images/${img.id}/tags/blue`, H)).status, 204);
    let r = await c.delete(`/image/v2/images/${img.id}`, H);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /is protected/);
    const unprotect = JSON.stringify([{ op: "replace", path: "/protected", value: false }]);
    assert.equal((await c.call("PATCH", `/image/v2/images/${img.id}`, { raw: unprotect, contentType: PATCH, ...H })).status, 200);
    assert.equal((await c.delete(`/image/v2/images/${img.id}`, H)).status, 204);
    assert.equal((await c.get(`/image/v2/images/${img.id}`, H)).status, 404);
    await assert.rejects(fsp.stat(path.join(fx.s.dataDir, "images", img.id)));
    for (let i = 0; i < 8; i++) await createImage(c, { name: `q${i}` });
    r = await c.post("/image/v2/images", { name: "one too many" }, H);
    assert.equal(r.status, 413);
    assert.match(r.body.message, /image_count_total is over limit of 8/);
  });

  it("answers faults as webob does: plain text unless JSON is accepted", async () => {
    const res = await fetch(`${fx.s.url}/image/v2/images/00000000-0000-0000-0000-000000000000`, { headers: { "X-Auth-Token": "alice:p1" } });
    assert.equal(res.status, 404);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    assert.match(await res.text(), /^404 Not Found\n\nNo image found with ID 00000000-0000-0000-0000-000000000000/);
  });
});
