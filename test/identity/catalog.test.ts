/**
 * Keystone's catalog API, read-only: the services, endpoints and region of the built-in catalog
 * with the ids of tokens' catalogs, stable across a restart; Keystone's filters, 404s and
 * policy (admins read services and endpoints, anyone authenticated the regions); no writes.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { DIALECTS, startServer } from "../helpers/server";
import { assertKsFault, type IdentityServer, login, provision, startIdentity } from "./helpers";

const V3 = "/identity/v3";
const TYPES = ["volumev3", "block-storage", "identity", "image", "compute"];

for (const dialect of DIALECTS) {
  describe(`identity: the catalog's services, endpoints and regions (${dialect})`, () => {
    let id: IdentityServer;
    let admin: Client;
    let member: Client;
    let reader: Client;
    let projectId: string;
    /** The admin token's catalog (GET /auth/catalog). */
    let tokenCatalog: any[];
    before(async () => {
      id = await startIdentity(dialect);
      admin = id.c.as(id.adminToken);
      const m = await provision(id.c, id.adminToken, { project: "cat", user: "cat-member", password: "pw-m", role: "member" });
      await provision(id.c, id.adminToken, { project: "cat", user: "cat-reader", password: "pw-r", role: "reader" });
      projectId = m.projectId;
      member = id.c.as(await login(id.c, { user: "cat-member", password: "pw-m", project: "cat" }));
      reader = id.c.as(await login(id.c, { user: "cat-reader", password: "pw-r", project: "cat" }));
      tokenCatalog = (await admin.get(`${V3}/auth/catalog`)).body.catalog;
    });
    after(async () => id?.s.destroy());

    it("services: list as Keystone renders them, with the ids of the token's catalog", async () => {
      const r = await admin.get(`${V3}/services`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.links, { self: `${id.s.url}${V3}/services`, previous: null, next: null });
      assert.deepEqual(r.body.services.map((s: any) => s.type), TYPES);
      for (const s of r.body.services) {
        assert.deepEqual(Object.keys(s).sort(), ["description", "enabled", "id", "links", "name", "type"]);
        assert.match(s.id, /^[0-9a-f]{32}$/);
        assert.equal(s.enabled, true);
        assert.equal(typeof s.description, "string");
        assert.deepEqual(s.links, { self: `${id.s.url}${V3}/services/${s.id}` });
        const inToken = tokenCatalog.find((c) => c.type === s.type);
        assert.deepEqual([inToken.id, inToken.name], [s.id, s.name]);
      }
    });

    it("services: ?type= and ?name= filters, show, unknown → 404", async () => {
      const byType = await admin.get(`${V3}/services?type=volumev3`);
      assert.deepEqual(byType.body.services.map((s: any) => s.name), ["cinderv3"]);
      assert.equal(byType.body.links.self, `${id.s.url}${V3}/services?type=volumev3`);
      assert.deepEqual((await admin.get(`${V3}/services?name=keystone`)).body.services.map((s: any) => s.type), ["identity"]);
      assert.deepEqual((await admin.get(`${V3}/services?type=object-store`)).body.services, []);
      const listed = byType.body.services[0];
      const shown = await admin.get(`${V3}/services/${listed.id}`);
      assert.equal(shown.status, 200);
      assert.deepEqual(shown.body, { service: listed });
      assertKsFault(await admin.get(`${V3}/services/nope`), 404, "Could not find service: nope.");
    });

    it("endpoints: three interfaces per service in RegionOne, the project id templated, the ids of the token's catalog", async () => {
      const r = await admin.get(`${V3}/endpoints`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.endpoints.length, TYPES.length * 3);
      assert.deepEqual(r.body.links, { self: `${id.s.url}${V3}/endpoints`, previous: null, next: null });
      const services = new Map((await admin.get(`${V3}/services`)).body.services.map((s: any) => [s.id, s.type]));
      for (const e of r.body.endpoints) {
        assert.deepEqual(Object.keys(e).sort(), ["enabled", "id", "interface", "links", "region", "region_id", "service_id", "url"]);
        assert.deepEqual([e.region, e.region_id, e.enabled], ["RegionOne", "RegionOne", true]);
        assert.deepEqual(e.links, { self: `${id.s.url}${V3}/endpoints/${e.id}` });
        const type = services.get(e.service_id);
        assert.ok(type, `the endpoint's service ${e.service_id} is listed`);
        const inToken = tokenCatalog.find((c) => c.type === type).endpoints.find((x: any) => x.interface === e.interface);
        assert.equal(inToken.id, e.id);
        const adminProject = (await admin.get(`${V3}/projects?name=admin`)).body.projects[0].id;
        assert.equal(e.url.replace("%(project_id)s", adminProject), inToken.url);
      }
      const volume = r.body.endpoints.find((e: any) => services.get(e.service_id) === "volumev3" && e.interface === "public");
      assert.equal(volume.url, `${id.s.url}/v3/%(project_id)s`);
    });

    it("endpoints: ?service_id=, ?interface=, ?region_id= filters, show, unknown → 404", async () => {
      const volumev3 = (await admin.get(`${V3}/services?type=volumev3`)).body.services[0].id;
      const ofService = (await admin.get(`${V3}/endpoints?service_id=${volumev3}`)).body.endpoints;
      assert.deepEqual(ofService.map((e: any) => e.interface), ["public", "internal", "admin"]);
      assert.ok(ofService.every((e: any) => e.service_id === volumev3));
      const pub = (await admin.get(`${V3}/endpoints?interface=public`)).body.endpoints;
      assert.equal(pub.length, TYPES.length);
      assert.ok(pub.every((e: any) => e.interface === "public"));
      const both = await admin.get(`${V3}/endpoints?service_id=${volumev3}&interface=internal&region_id=RegionOne`);
      assert.equal(both.body.endpoints.length, 1);
      assert.equal(both.body.links.self, `${id.s.url}${V3}/endpoints?service_id=${volumev3}&interface=internal&region_id=RegionOne`);
      assert.deepEqual((await admin.get(`${V3}/endpoints?region_id=RegionTwo`)).body.endpoints, []);
      assert.deepEqual((await admin.get(`${V3}/endpoints?interface=sideways`)).body.endpoints, []);
      assert.deepEqual((await admin.get(`${V3}/endpoints?service_id=nope`)).body.endpoints, []);
      const shown = await admin.get(`${V3}/endpoints/${both.body.endpoints[0].id}`);
      assert.equal(shown.status, 200);
      assert.deepEqual(shown.body, { endpoint: both.body.endpoints[0] });
      assertKsFault(await admin.get(`${V3}/endpoints/nope`), 404, "Could not find endpoint: nope.");
    });

    it("regions: RegionOne with no parent, list, ?parent_region_id=, show, unknown → 404", async () => {
      const r = await admin.get(`${V3}/regions`);
      assert.equal(r.status, 200);
      const region = { id: "RegionOne", description: "", parent_region_id: null, links: { self: `${id.s.url}${V3}/regions/RegionOne` } };
      assert.deepEqual(r.body, { regions: [region], links: { self: `${id.s.url}${V3}/regions`, previous: null, next: null } });
      assert.deepEqual((await admin.get(`${V3}/regions?parent_region_id=RegionOne`)).body.regions, []);
      assert.deepEqual((await admin.get(`${V3}/regions/RegionOne`)).body, { region });
      assertKsFault(await admin.get(`${V3}/regions/RegionTwo`), 404, "Could not find region: RegionTwo.");
    });

    it("policy: members and readers may not read services or endpoints (Keystone's system readers), anyone may read regions", async () => {
      const service = (await admin.get(`${V3}/services`)).body.services[0].id;
      const endpoint = (await admin.get(`${V3}/endpoints`)).body.endpoints[0].id;
      for (const who of [member, reader]) {
        const calls: Array<[Promise<any>, string]> = [
          [who.get(`${V3}/services`), "identity:list_services"],
          [who.get(`${V3}/services/${service}`), "identity:get_service"],
          [who.get(`${V3}/services/nope`), "identity:get_service"],
          [who.get(`${V3}/endpoints`), "identity:list_endpoints"],
          [who.get(`${V3}/endpoints/${endpoint}`), "identity:get_endpoint"],
        ];
        for (const [p, rule] of calls) assertKsFault(await p, 403, `You are not authorized to perform the requested action: ${rule}.`);
        assert.equal((await who.get(`${V3}/regions`)).status, 200);
        assert.equal((await who.get(`${V3}/regions/RegionOne`)).status, 200);
      }
      const unscoped = id.c.as(await login(id.c, { user: "cat-member", password: "pw-m", unscoped: true }));
      assert.equal((await unscoped.get(`${V3}/regions`)).status, 200);
      assertKsFault(await id.c.as(null).get(`${V3}/regions`), 401);
      assertKsFault(await id.c.as(null).get(`${V3}/services`), 401);
      assert.equal((await member.get(`/v3/${projectId}/volumes`)).status, 200, "the member's token is good");
    });

    it("no writes: creating, updating or deleting a service, endpoint or region changes nothing", async () => {
      const before_ = [(await admin.get(`${V3}/services`)).body, (await admin.get(`${V3}/endpoints`)).body, (await admin.get(`${V3}/regions`)).body];
      const service = before_[0].services[0].id;
      const endpoint = before_[1].endpoints[0].id;
      // Not in the spec: answered as any unknown route or method of the identity API.
      const writes: Array<[string, string, unknown]> = [
        ["POST", `${V3}/services`, { service: { type: "object-store", name: "swift" } }],
        ["PATCH", `${V3}/services/${service}`, { service: { enabled: false } }],
        ["DELETE", `${V3}/services/${service}`, undefined],
        ["POST", `${V3}/endpoints`, { endpoint: { service_id: service, interface: "public", url: "http://evil" } }],
        ["PATCH", `${V3}/endpoints/${endpoint}`, { endpoint: { url: "http://evil" } }],
        ["DELETE", `${V3}/endpoints/${endpoint}`, undefined],
        ["POST", `${V3}/regions`, { region: { id: "RegionTwo" } }],
        ["PATCH", `${V3}/regions/RegionOne`, { region: { description: "x" } }],
        ["DELETE", `${V3}/regions/RegionOne`, undefined],
      ];
      for (const [method, path, body] of writes) {
        const r = await admin.call(method, path, { body, noContract: true });
        assertKsFault(r, 404);
      }
      const after_ = [(await admin.get(`${V3}/services`)).body, (await admin.get(`${V3}/endpoints`)).body, (await admin.get(`${V3}/regions`)).body];
      assert.deepEqual(after_, before_);
    });

    it("the ids are the same after a restart", async () => {
      const services = (await admin.get(`${V3}/services`)).body.services.map((s: any) => s.id);
      const endpoints = (await admin.get(`${V3}/endpoints`)).body.endpoints.map((e: any) => e.id);
      await id.s.stop();
      const s = await startServer(dialect, { auth: "builtin" }, { dataDir: id.s.dataDir, db: id.s.db });
      id = { ...id, s, c: s.client.as(null) };
      const again = id.c.as(await login(id.c, { user: "admin", password: id.adminPassword, project: "admin" }));
      assert.deepEqual((await again.get(`${V3}/services`)).body.services.map((x: any) => x.id), services);
      assert.deepEqual((await again.get(`${V3}/endpoints`)).body.endpoints.map((x: any) => x.id), endpoints);
      const cat = (await again.get(`${V3}/auth/catalog`)).body.catalog;
      assert.deepEqual(cat.map((x: any) => x.id), services);
    });
  });
}
