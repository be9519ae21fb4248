/**
 * What every call shares: version discovery, microversion negotiation and its echo, request ids,
 * project-less URLs and links, isolation between projects, the admin's all_tenants, and the small
 * read-only resources (availability zones, limits with real usage).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { assertFault, createSnapshot, createVolume, deleteSnapshot, volumeAction } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";
import { DEFAULT_QUOTAS } from "../../server/src/config";

const REQ_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Cinder's default quotas: the limits test reads them back.
forEachDialect("API basics", { quotas: { ...DEFAULT_QUOTAS } }, (fx) => {
  let vol: any;
  before(async () => {
    vol = await createVolume(fx.c, "p1", { size: 1, name: "basic" });
  });

  describe("versions", () => {
    it("GET / answers 300 without a token, GET /v3/ 200, both with the v3 document", async () => {
      const root = await fx.c.get("/", { token: null, version: null });
      assert.equal(root.status, 300);
      const [v] = root.body.versions;
      assert.equal(root.body.versions.length, 1);
      assert.equal(v.id, "v3.0");
      assert.equal(v.status, "CURRENT");
      assert.equal(v.version, "3.71");
      assert.equal(v.min_version, "3.0");
      assert.equal(v.links.find((l: any) => l.rel === "self").href, `${fx.s.url}/v3/`);

      const v3 = await fx.c.get("/v3/");
      assert.equal(v3.status, 200);
      assert.deepEqual(v3.body, root.body);
    });
  });

  describe("microversions", () => {
    it("echoes the effective version with Vary on success: none means 3.0, latest means 3.71", async () => {
      const cases: Array<[string | null, string]> = [
        [null, "volume 3.0"],
        ["3.0", "volume 3.0"],
        ["3.45", "volume 3.45"],
        ["latest", "volume 3.71"],
      ];
      for (const [asked, echoed] of cases) {
        const r = await fx.c.get(`/v3/p1/volumes/${vol.id}`, { version: asked });
        assert.equal(r.status, 200);
        assert.equal(r.headers.get("openstack-api-version"), echoed, `asked ${asked}`);
        assert.match(r.headers.get("vary") ?? "", /OpenStack-API-Version/i);
      }
      const multi = await fx.c.get(`/v3/p1/volumes/${vol.id}`, {
        version: null,
        headers: { "OpenStack-API-Version": "compute 2.1, volume 3.50" },
      });
      assert.equal(multi.headers.get("openstack-api-version"), "volume 3.50");
    });

    it("echoes the version on faults too", async () => {
      const r = await fx.c.get(`/v3/p1/volumes/${randomUUID()}`, { version: "3.50" });
      assertFault(r, 404);
      assert.equal(r.headers.get("openstack-api-version"), "volume 3.50");
    });

    it("answers 406 computeFault outside [3.0, 3.71] and 400 for a malformed version", async () => {
      for (const v of ["3.99", "4.0", "2.0"]) {
        const r = await fx.c.get("/v3/p1/volumes", { version: v });
        assert.equal(r.status, 406, v);
        assert.deepEqual(r.body, {
          computeFault: { code: 406, message: `Version ${v} is not supported by the API. Minimum is 3.0 and maximum is 3.71.` },
        });
      }
      assertFault(await fx.c.get("/v3/p1/volumes", { version: "3.x" }), 400);
    });

    it("shows fields from the microversion that added them", async () => {
      const at = async (version: string) => (await fx.c.get(`/v3/p1/volumes/${vol.id}`, { version })).body.volume;
      const v30 = await at("3.0");
      for (const k of ["group_id", "shared_targets", "service_uuid", "volume_type_id", "consumes_quota"]) {
        assert.ok(!(k in v30), `${k} must not appear at 3.0`);
      }
      assert.ok("group_id" in (await at("3.13")));
      const v348 = await at("3.48");
      assert.equal(v348.shared_targets, true);
      assert.ok(!("volume_type_id" in v348));
      const v363 = await at("3.63");
      assert.equal(typeof v363.volume_type_id, "string");
      assert.ok(!("consumes_quota" in v363));
      assert.equal((await at("3.65")).consumes_quota, true);
    });

    it("hides operations below their microversion with a 404", async () => {
      assertFault(await fx.c.get("/v3/p1/volumes/summary", { version: "3.11" }), 404, "The resource could not be found.");
      assert.equal((await fx.c.get("/v3/p1/volumes/summary", { version: "3.12" })).status, 200);
      assertFault(
        await volumeAction(fx.c, "p1", vol.id, "revert", { snapshot_id: randomUUID() }, "3.39"),
        404,
        "The resource could not be found.",
      );
    });
  });

  describe("request ids", () => {
    it("gives every response its own req-<uuid>, as x-openstack-request-id and x-compute-request-id", async () => {
      const a = await fx.c.get(`/v3/p1/volumes/${vol.id}`);
      const b = await fx.c.get(`/v3/p1/volumes/${randomUUID()}`);
      const root = await fx.c.get("/", { token: null });
      const ids = [a, b, root].map((r) => r.headers.get("x-openstack-request-id"));
      for (const id of ids) assert.match(id ?? "", REQ_ID);
      assert.equal(new Set(ids).size, 3);
      assert.equal(a.headers.get("x-compute-request-id"), ids[0]);
      assert.equal(b.headers.get("x-compute-request-id"), ids[1]);
    });

    it("takes an inbound X-OpenStack-Request-ID as the global id, not as this request's id", async () => {
      // oslo_middleware/request_id.py: the response carries a fresh local id; the inbound one is
      // the global request id, shared by every service a user action went through.
      const global = `req-${randomUUID()}`;
      const ids = new Set<string>();
      for (let i = 0; i < 2; i++) {
        const r = await fx.c.get(`/v3/p1/volumes/${vol.id}`, { headers: { "X-OpenStack-Request-ID": global } });
        assert.equal(r.status, 200);
        const id = r.headers.get("x-openstack-request-id") ?? "";
        assert.match(id, REQ_ID);
        assert.notEqual(id, global);
        ids.add(id);
      }
      assert.equal(ids.size, 2, "two requests sharing a global id still get distinct ids");
    });
  });

  describe("URLs and links", () => {
    it("serves project-less URLs for the token's project, with links without the project", async () => {
      const r = await fx.c.post("/v3/volumes", { volume: { size: 1, name: "projectless" } });
      assert.equal(r.status, 202);
      const id = r.body.volume.id;
      assert.deepEqual(r.body.volume.links, [
        { rel: "self", href: `${fx.s.url}/v3/volumes/${id}` },
        { rel: "bookmark", href: `${fx.s.url}/volumes/${id}` },
      ]);
      const withProject = await fx.c.get(`/v3/p1/volumes/${id}`);
      assert.equal(withProject.status, 200);
      assert.deepEqual(withProject.body.volume.links, [
        { rel: "self", href: `${fx.s.url}/v3/p1/volumes/${id}` },
        { rel: "bookmark", href: `${fx.s.url}/p1/volumes/${id}` },
      ]);
      const list = await fx.c.get("/v3/volumes");
      assert.ok(list.body.volumes.some((v: any) => v.id === id && v.links[0].href === `${fx.s.url}/v3/volumes/${id}`));
      const snaps = await fx.c.get("/v3/snapshots");
      assert.equal(snaps.status, 200);
    });

    it("refuses a URL project other than the token's with 400, and no token with 401", async () => {
      assertFault(await fx.c.get("/v3/p2/volumes"), 400, "Malformed request url");
      assertFault(await fx.c.get(`/v3/p2/volumes/${vol.id}`), 400, "Malformed request url");
      const r = await fx.c.get("/v3/p1/volumes", { token: null });
      assert.equal(r.status, 401);
      assert.equal(r.body.unauthorized.code, 401);
    });
  });

  describe("isolation between projects", () => {
    it("shows another project's volume to nobody but its project and admins", async () => {
      const bob = fx.c.as("bob:p2");
      const theirs = await createVolume(bob, "p2", { size: 1, name: "bobs" });
      const notFound = `Volume ${vol.id} could not be found.`;
      assertFault(await bob.get(`/v3/p2/volumes/${vol.id}`), 404, notFound);
      assertFault(await bob.put(`/v3/p2/volumes/${vol.id}`, { volume: { name: "x" } }), 404, notFound);
      assertFault(await bob.delete(`/v3/p2/volumes/${vol.id}`), 404, notFound);
      assertFault(await volumeAction(bob, "p2", vol.id, "os-extend", { new_size: 5 }), 404, notFound);
      assertFault(await bob.post("/v3/p2/volumes", { volume: { source_volid: vol.id } }), 404, notFound);
      const bobs = await bob.get("/v3/p2/volumes/detail");
      assert.deepEqual(
        bobs.body.volumes.map((v: any) => v.id),
        [theirs.id],
      );
      // all_tenants from a member is dropped silently.
      const sneaky = await bob.get("/v3/p2/volumes/detail?all_tenants=1");
      assert.deepEqual(
        sneaky.body.volumes.map((v: any) => v.id),
        [theirs.id],
      );
      const mine = await fx.c.get(`/v3/p1/volumes/${vol.id}`);
      assert.equal(mine.body.volume.name, "basic", "nothing bob tried changed it");
      assert.equal(mine.body.volume.size, 1);
    });

    it("lets an admin list every project with all_tenants, or one with project_id", async () => {
      const bob = fx.c.as("bob:p2");
      const theirs = await createVolume(bob, "p2", { size: 1, name: "for-admin" });
      const admin = fx.c.as("admin:adm");
      const own = await admin.get("/v3/adm/volumes");
      assert.deepEqual(own.body.volumes, [], "without all_tenants an admin sees its own project");
      const all = await admin.get("/v3/adm/volumes/detail?all_tenants=1");
      const ids = all.body.volumes.map((v: any) => v.id);
      assert.ok(ids.includes(vol.id) && ids.includes(theirs.id));
      const tenants = new Set(all.body.volumes.map((v: any) => v["os-vol-tenant-attr:tenant_id"]));
      assert.ok(tenants.has("p1") && tenants.has("p2"));
      const p2 = await admin.get("/v3/adm/volumes/detail?all_tenants=1&project_id=p2");
      assert.ok(p2.body.volumes.length > 0);
      assert.ok(p2.body.volumes.every((v: any) => v["os-vol-tenant-attr:tenant_id"] === "p2"));
      const show = await admin.get(`/v3/adm/volumes/${vol.id}`);
      assert.equal(show.status, 200);
      assert.equal(show.body.volume["os-vol-tenant-attr:tenant_id"], "p1");
    });
  });

  describe("availability zones and limits", () => {
    it("lists the availability zones of the volume services", async () => {
      const r = await fx.c.get("/v3/p1/os-availability-zone");
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { availabilityZoneInfo: [{ zoneName: "nova", zoneState: { available: true } }] });
    });

    it("reports usage from the project's real volumes and snapshots", async () => {
      const carol = fx.c.as("carol:p3");
      const limits = async () => {
        const r = await carol.get("/v3/p3/limits");
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.limits.rate, []);
        return r.body.limits.absolute;
      };
      const empty = await limits();
      assert.equal(empty.maxTotalVolumes, 10);
      assert.equal(empty.maxTotalSnapshots, 10);
      assert.equal(empty.maxTotalVolumeGigabytes, 1000);
      assert.equal(empty.totalVolumesUsed, 0);
      assert.equal(empty.totalGigabytesUsed, 0);
      assert.equal(empty.totalSnapshotsUsed, 0);

      await createVolume(carol, "p3", { size: 1 });
      const two = await createVolume(carol, "p3", { size: 2 });
      const snap = await createSnapshot(carol, "p3", two.id);
      const used = await limits();
      assert.equal(used.totalVolumesUsed, 2);
      assert.equal(used.totalSnapshotsUsed, 1);
      assert.equal(used.totalGigabytesUsed, 1 + 2 + 2, "snapshot gigabytes count toward gigabytes");
      assert.equal(used.totalBackupsUsed, 0);

      await deleteSnapshot(carol, "p3", snap.id);
      const after = await limits();
      assert.equal(after.totalSnapshotsUsed, 0);
      assert.equal(after.totalGigabytesUsed, 3);

      // Another project's numbers are its own; an admin may ask for them from 3.39.
      const p1 = (await fx.c.get("/v3/p1/limits")).body.limits.absolute;
      const p1Volumes = (await fx.c.get("/v3/p1/volumes/detail")).body.volumes;
      assert.equal(p1.totalVolumesUsed, p1Volumes.length);
      assert.equal(p1.totalGigabytesUsed, p1Volumes.reduce((n: number, v: any) => n + v.size, 0));
      const admin = fx.c.as("admin:adm");
      const asked = await admin.get("/v3/adm/limits?project_id=p3", { version: "3.39" });
      assert.equal(asked.body.limits.absolute.totalVolumesUsed, 2);
      assert.equal(asked.body.limits.absolute.totalGigabytesUsed, 3);
    });
  });
});
