/**
 * The image API pieces clients use beyond records and data: Glance's JSON schemas, deactivating
 * and reactivating an image (its data then for admins only, no volume from it), and `os_hidden`.
 */
import assert from "node:assert/strict";
import { forEachDialect } from "../helpers/suite";
import { activeImage, createImage, haveQemuImg, JSON_ACCEPT, QEMU_MISSING } from "./helpers";

const H = { version: null, headers: JSON_ACCEPT } as const;
const PATCH = "application/openstack-images-v2.1-json-patch";

forEachDialect("image actions, schemas and hidden images", function (fx) {
  before(function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
  });

  it("serves Glance's image, images, member and members schemas", async () => {
    const image = await fx.c.get("/image/v2/schemas/image", H);
    assert.equal(image.status, 200);
    assert.equal(image.body.name, "image");
    assert.deepEqual(image.body.additionalProperties, { type: "string" });
    assert.deepEqual(
      image.body.links.map((l: any) => l.rel),
      ["self", "enclosure", "describedby"],
    );
    const p = image.body.properties;
    assert.deepEqual(p.disk_format.enum, [null, "raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "iso"]);
    assert.deepEqual(p.container_format.enum, [null, "bare", "ovf"]);
    assert.ok(p.status.enum.includes("deactivated"));
    assert.equal(p.status.readOnly, true);
    assert.equal(p.os_hidden.type, "boolean");
    assert.equal(p.os_distro.is_base, false);
    assert.equal(p.name.maxLength, 255);

    const images = await fx.c.get("/image/v2/schemas/images", H);
    assert.equal(images.status, 200);
    assert.equal(images.body.name, "images");
    assert.equal(images.body.properties.images.type, "array");
    assert.deepEqual(images.body.properties.images.items, image.body);
    assert.deepEqual(
      images.body.links.map((l: any) => l.href),
      ["{first}", "{next}", "{schema}"],
    );

    const member = await fx.c.get("/image/v2/schemas/member", H);
    assert.equal(member.body.name, "member");
    assert.deepEqual(member.body.properties.status.enum, ["pending", "accepted", "rejected"]);
    assert.equal(member.body.additionalProperties, false);
    const members = await fx.c.get("/image/v2/schemas/members", H);
    assert.deepEqual(members.body.properties.members.items, member.body);

    // Every image the API renders fits the schema's types.
    const img = await createImage(fx.c, { name: "fits", disk_format: "raw", container_format: "bare", os_distro: "debian" });
    for (const [k, v] of Object.entries(img)) {
      const spec = p[k] ?? image.body.additionalProperties;
      const types = ([] as string[]).concat(spec.type);
      const actual = v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
      assert.ok(types.includes(actual), `${k}: ${actual} is not ${types.join("|")}`);
    }
    // Without a token, as every Glance call.
    const anon = await fetch(`${fx.s.url}/image/v2/schemas/image`);
    assert.equal(anon.status, 401);
  });

  it("answers GET /versions with 200 and the version document of GET /", async () => {
    const explicit = await fetch(`${fx.s.url}/image/versions`);
    assert.equal(explicit.status, 200);
    const root = await fetch(`${fx.s.url}/image`);
    assert.equal(root.status, 300);
    const body: any = await explicit.json();
    assert.ok(body.versions.some((v: any) => v.id.startsWith("v2") && v.status === "CURRENT"));
    assert.deepEqual(body, await root.json());
  });

  it("deactivates and reactivates an image as Glance does", async () => {
    const data = Buffer.alloc(65536, 3);
    const img = await activeImage(fx.c, data);
    const other = fx.c.as("bob:p2");
    let r = await fx.c.post(`/image/v2/images/${img.id}/actions/deactivate`, undefined, H);
    assert.equal(r.status, 204, JSON.stringify(r.body));
    assert.equal((await fx.c.get(`/image/v2/images/${img.id}`, H)).body.status, "deactivated");
    // Again: no change.
    r = await fx.c.post(`/image/v2/images/${img.id}/actions/deactivate`, undefined, H);
    assert.equal(r.status, 204);

    // The data: admins only.
    r = await fx.c.get(`/image/v2/images/${img.id}/file`, H);
    assert.equal(r.status, 403);
    assert.equal(r.body.message, "The requested image has been deactivated. Image data download is forbidden.");
    const adminData = await fetch(`${fx.s.url}/image/v2/images/${img.id}/file`, { headers: { "X-Auth-Token": "admin:p1" } });
    assert.equal(adminData.status, 200);
    assert.ok(Buffer.from(await adminData.arrayBuffer()).equals(data));

    // No volume from it: Cinder's fault, nothing created.
    const before = (await fx.c.get("/v3/p1/volumes")).body.volumes.length;
    const v = await fx.c.post("/v3/p1/volumes", { volume: { imageRef: img.id, size: 1 } });
    assert.equal(v.status, 400);
    assert.match(v.body.badRequest.message, new RegExp(`Image ${img.id} is not active`));
    assert.equal((await fx.c.get("/v3/p1/volumes")).body.volumes.length, before);

    // Only the owner's members or an admin; others do not see a private image at all.
    await fx.c.call("PATCH", `/image/v2/images/${img.id}`, { body: [{ op: "replace", path: "/visibility", value: "private" }], contentType: PATCH, ...H });
    r = await other.post(`/image/v2/images/${img.id}/actions/reactivate`, undefined, H);
    assert.equal(r.status, 404);

    r = await fx.c.post(`/image/v2/images/${img.id}/actions/reactivate`, undefined, H);
    assert.equal(r.status, 204);
    assert.equal((await fx.c.get(`/image/v2/images/${img.id}`, H)).body.status, "active");
    r = await fx.c.post(`/image/v2/images/${img.id}/actions/reactivate`, undefined, H);
    assert.equal(r.status, 204);
    const back = await fetch(`${fx.s.url}/image/v2/images/${img.id}/file`, { headers: { "X-Auth-Token": "alice:p1" } });
    assert.equal(back.status, 200);
    await back.arrayBuffer();
  });

  it("refuses to deactivate an image without data, or for a project that does not own it", async () => {
    const queued = await createImage(fx.c, { disk_format: "raw", container_format: "bare" });
    let r = await fx.c.post(`/image/v2/images/${queued.id}/actions/deactivate`, undefined, H);
    assert.equal(r.status, 403);
    assert.equal(r.body.message, "Not allowed to deactivate image in status 'queued'");
    r = await fx.c.post(`/image/v2/images/${queued.id}/actions/reactivate`, undefined, H);
    assert.equal(r.status, 403);
    assert.equal(r.body.message, "Not allowed to reactivate image in status 'queued'");
    assert.equal((await fx.c.get(`/image/v2/images/${queued.id}`, H)).body.status, "queued");

    const pub = await activeImage(fx.admin, Buffer.alloc(512, 1), { visibility: "public" });
    r = await fx.c.as("bob:p2").post(`/image/v2/images/${pub.id}/actions/deactivate`, undefined, H);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /deactivate/);
    assert.equal((await fx.c.get(`/image/v2/images/${pub.id}`, H)).body.status, "active");
    r = await fx.c.post(`/image/v2/images/${crypto.randomUUID()}/actions/deactivate`, undefined, H);
    assert.equal(r.status, 404);
  });

  it("leaves hidden images out of lists unless os_hidden=true asks for them", async () => {
    const shown = await createImage(fx.c, { name: "hid-test-shown" });
    const hidden = await createImage(fx.c, { name: "hid-test-hidden", os_hidden: true });
    assert.equal(hidden.os_hidden, true);
    assert.equal(shown.os_hidden, false);
    const ids = async (q: string) => (await fx.c.get(`/image/v2/images?limit=1000${q}`, H)).body.images.map((i: any) => i.id);
    let listed = await ids("");
    assert.ok(listed.includes(shown.id));
    assert.ok(!listed.includes(hidden.id));
    listed = await ids("&os_hidden=true");
    assert.ok(listed.includes(hidden.id));
    assert.ok(!listed.includes(shown.id));
    assert.ok((await ids("&os_hidden=false")).includes(shown.id));
    // Shown by id as ever.
    assert.equal((await fx.c.get(`/image/v2/images/${hidden.id}`, H)).body.os_hidden, true);

    // Unhidden by a patch; a non-boolean is refused and changes nothing.
    let r = await fx.c.call("PATCH", `/image/v2/images/${hidden.id}`, { body: [{ op: "replace", path: "/os_hidden", value: "yes" }], contentType: PATCH, ...H });
    assert.equal(r.status, 400);
    assert.match(r.body.message, /os_hidden/);
    r = await fx.c.call("PATCH", `/image/v2/images/${hidden.id}`, { body: [{ op: "replace", path: "/os_hidden", value: false }], contentType: PATCH, ...H });
    assert.equal(r.status, 200);
    assert.equal(r.body.os_hidden, false);
    assert.ok((await ids("")).includes(hidden.id));

    r = await fx.c.get("/image/v2/images?os_hidden=maybe", H);
    assert.equal(r.status, 400);
    assert.equal(r.body.message, "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'.");
    r = await fx.c.post("/image/v2/images", { name: "bad", os_hidden: "true" }, H);
    assert.equal(r.status, 400);
  });
});
