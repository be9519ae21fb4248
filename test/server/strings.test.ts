/**
 * Strings the database cannot hold: U+0000 anywhere in a body, a path or a query (PostgreSQL
 * refuses it), and values longer than their column. Each is refused with a 400 fault that names
 * the field, before anything is written — including the legacy attach, whose attachment row used
 * to be written before the value failed — on SQLite and PostgreSQL alike. Bodies nested beyond any
 * request of the API are refused as malformed rather than exhausting the stack.
 */
import assert from "node:assert/strict";
import type { Client, Response } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { tableSnapshot } from "../helpers/tables";
import { assertKsFault, startIdentity } from "../identity/helpers";

const NUL = "a\u0000b";
const NUL_VALUE = (field: string) => `Invalid input for field/attribute ${field}. The value contains a NUL character (U+0000), which is not allowed.`;
const NUL_KEY = (field: string) => `Invalid input for field/attribute ${field}. A key contains a NUL character (U+0000), which is not allowed.`;
const NUL_URL = "Malformed request url: a path segment contains a NUL character (U+0000), which is not allowed.";
const LONG_UUID = "-".repeat(300) + "0".repeat(32);

interface Ids {
  volume: string;
  snapshot: string;
  type: string;
  qos: string;
}

interface Case {
  title: string;
  send: (c: Client, admin: Client, ids: Ids) => Promise<Response>;
  status: number;
  message: string | RegExp;
}

const cases: Case[] = [
  { title: "volume create: name", send: (c) => c.post("/v3/p1/volumes", { volume: { size: 1, name: NUL } }), status: 400, message: NUL_VALUE("name") },
  { title: "volume create: description", send: (c) => c.post("/v3/p1/volumes", { volume: { size: 1, description: NUL } }), status: 400, message: NUL_VALUE("description") },
  { title: "volume create: volume_type", send: (c) => c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: NUL } }), status: 400, message: NUL_VALUE("volume_type") },
  { title: "volume create: metadata value", send: (c) => c.post("/v3/p1/volumes", { volume: { size: 1, metadata: { k: NUL } } }), status: 400, message: NUL_VALUE("k") },
  { title: "volume create: metadata key", send: (c) => c.post("/v3/p1/volumes", { volume: { size: 1, metadata: { [NUL]: "v" } } }), status: 400, message: NUL_KEY("metadata") },
  { title: "volume update: name", send: (c, _a, i) => c.put(`/v3/p1/volumes/${i.volume}`, { volume: { name: NUL } }), status: 400, message: NUL_VALUE("name") },
  { title: "volume metadata: create", send: (c, _a, i) => c.post(`/v3/p1/volumes/${i.volume}/metadata`, { metadata: { k: NUL } }), status: 400, message: NUL_VALUE("k") },
  { title: "volume metadata: item", send: (c, _a, i) => c.put(`/v3/p1/volumes/${i.volume}/metadata/k`, { meta: { k: NUL } }), status: 400, message: NUL_VALUE("k") },
  {
    title: "os-attach: a mountpoint with NUL writes no attachment",
    send: (c, _a, i) => c.post(`/v3/p1/volumes/${i.volume}/action`, { "os-attach": { mountpoint: NUL, host_name: "compute-1" } }),
    status: 400,
    message: NUL_VALUE("mountpoint"),
  },
  {
    title: "os-attach: an instance_uuid longer than its column writes no attachment",
    send: (c, _a, i) => c.post(`/v3/p1/volumes/${i.volume}/action`, { "os-attach": { mountpoint: "/dev/vdb", instance_uuid: LONG_UUID } }),
    status: 400,
    message: `Invalid input for field/attribute instance_uuid. Value: ${LONG_UUID}. '${LONG_UUID}' is too long`,
  },
  {
    title: "attachment create: an instance_uuid longer than its column",
    send: (c, _a, i) => c.post("/v3/p1/attachments", { attachment: { volume_uuid: i.volume, instance_uuid: LONG_UUID } }),
    status: 400,
    message: `Invalid input for field/attribute instance_uuid. Value: ${LONG_UUID}. '${LONG_UUID}' is too long`,
  },
  {
    title: "attachment create: a connector with NUL",
    send: (c, _a, i) => c.post("/v3/p1/attachments", { attachment: { volume_uuid: i.volume, connector: { initiator: NUL } } }),
    status: 400,
    message: NUL_VALUE("initiator"),
  },
  { title: "snapshot create: name", send: (c, _a, i) => c.post("/v3/p1/snapshots", { snapshot: { volume_id: i.volume, name: NUL } }), status: 400, message: NUL_VALUE("name") },
  { title: "snapshot update: name", send: (c, _a, i) => c.put(`/v3/p1/snapshots/${i.snapshot}`, { snapshot: { name: NUL } }), status: 400, message: NUL_VALUE("name") },
  { title: "snapshot metadata", send: (c, _a, i) => c.post(`/v3/p1/snapshots/${i.snapshot}/metadata`, { metadata: { k: NUL } }), status: 400, message: NUL_VALUE("k") },
  { title: "type create: name", send: (_c, a) => a.post("/v3/admin/types", { volume_type: { name: NUL } }), status: 400, message: NUL_VALUE("name") },
  { title: "type create: extra spec", send: (_c, a) => a.post("/v3/admin/types", { volume_type: { name: "t2", extra_specs: { k: NUL } } }), status: 400, message: NUL_VALUE("k") },
  { title: "type update: name", send: (_c, a, i) => a.put(`/v3/admin/types/${i.type}`, { volume_type: { name: NUL } }), status: 400, message: NUL_VALUE("name") },
  { title: "extra specs", send: (_c, a, i) => a.post(`/v3/admin/types/${i.type}/extra_specs`, { extra_specs: { k: NUL } }), status: 400, message: NUL_VALUE("k") },
  { title: "QoS create: name", send: (_c, a) => a.post("/v3/admin/qos-specs", { qos_specs: { name: NUL } }), status: 400, message: NUL_VALUE("name") },
  { title: "QoS create: spec", send: (_c, a) => a.post("/v3/admin/qos-specs", { qos_specs: { name: "q2", k: NUL } }), status: 400, message: NUL_VALUE("k") },
  { title: "QoS set", send: (_c, a, i) => a.put(`/v3/admin/qos-specs/${i.qos}`, { qos_specs: { k: NUL } }), status: 400, message: NUL_VALUE("k") },
  {
    title: "QoS unset: the keys before a NUL one stay",
    send: (_c, a, i) => a.put(`/v3/admin/qos-specs/${i.qos}/delete_keys`, { keys: ["k", NUL] }),
    status: 400,
    message: NUL_VALUE("keys"),
  },
  {
    title: "service disable reason",
    send: (_c, a) => a.put("/v3/admin/os-services/disable-log-reason", { host: "testhost@file", binary: "cinder-volume", disabled_reason: NUL }),
    status: 400,
    message: NUL_VALUE("disabled_reason"),
  },
  { title: "path: volume id", send: (c) => c.get(`/v3/p1/volumes/${encodeURIComponent(NUL)}`), status: 400, message: NUL_URL },
  { title: "path: snapshot id", send: (c) => c.get(`/v3/p1/snapshots/${encodeURIComponent(NUL)}`), status: 400, message: NUL_URL },
  { title: "path: type id", send: (c) => c.get(`/v3/p1/types/${encodeURIComponent(NUL)}`), status: 400, message: NUL_URL },
  { title: "path: quota class", send: (_c, a) => a.put(`/v3/admin/os-quota-class-sets/${encodeURIComponent(NUL)}`, { quota_class_set: { volumes: 5 } }), status: 400, message: NUL_URL },
  { title: "path: quota project", send: (_c, a) => a.put(`/v3/admin/os-quota-sets/${encodeURIComponent(NUL)}`, { quota_set: { volumes: 5 } }), status: 400, message: NUL_URL },
  { title: "query: name filter", send: (c) => c.get(`/v3/p1/volumes?name=${encodeURIComponent(NUL)}`), status: 400, message: "Invalid filter or parameter name: it contains a NUL character (U+0000), which is not allowed." },
  { title: "query: marker", send: (c) => c.get(`/v3/p1/volumes/detail?marker=${encodeURIComponent(NUL)}`), status: 400, message: /^Invalid filter or parameter marker: it contains a NUL/ },
  {
    title: "path: a quota class name longer than 255 characters",
    send: (_c, a) => a.put(`/v3/admin/os-quota-class-sets/${"c".repeat(300)}`, { quota_class_set: { volumes: 5 } }),
    status: 400,
    message: "Invalid input received: quota_class_name has 300 characters, more than 255.",
  },
  {
    title: "path: a default-type project longer than 255 characters",
    send: (_c, a, i) => a.put(`/v3/admin/default-types/${"p".repeat(300)}`, { default_type: { volume_type: i.type } }),
    status: 404,
    message: `Project with id ${"p".repeat(300)} not found.`,
  },
  {
    title: "noauth: a user longer than 255 characters",
    send: (c) => c.as(`${"u".repeat(300)}:p1`).post("/v3/p1/volumes", { volume: { size: 1 } }),
    status: 401,
    message: "The user and the project of the token must be at most 255 characters each.",
  },
  {
    title: "a body nested deeper than any request",
    send: (c) => c.call("POST", "/v3/p1/volumes", { raw: '{"volume":' + "[".repeat(5000) + "]".repeat(5000) + "}" }),
    status: 400,
    message: "Malformed request body: JSON nested more than 32 levels deep",
  },
  {
    title: "a connector nested deeper than any request",
    send: (c, _a, i) => c.call("POST", `/v3/p1/volumes/${i.volume}/action`, { raw: '{"os-initialize_connection":{"connector":' + '{"a":'.repeat(40) + "1" + "}".repeat(40) + "}}" }),
    status: 400,
    message: "Malformed request body: JSON nested more than 32 levels deep",
  },
];

for (const dialect of DIALECTS) {
  describe(`strings the database cannot hold are refused before it (${dialect})`, () => {
    let s: TestServer;
    let ids: Ids;
    before(async () => {
      s = await startServer(dialect);
      const c = s.client;
      const admin = c.as("admin:admin");
      const volume = (await c.post("/v3/p1/volumes", { volume: { size: 1, metadata: { k: "v" } } })).body.volume.id;
      for (let i = 0; i < 100 && (await c.get(`/v3/p1/volumes/${volume}`)).body.volume.status !== "available"; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const snapshot = (await c.post("/v3/p1/snapshots", { snapshot: { volume_id: volume } })).body.snapshot.id;
      const type = (await admin.post("/v3/admin/types", { volume_type: { name: "t1" } })).body.volume_type.id;
      const qos = (await admin.post("/v3/admin/qos-specs", { qos_specs: { name: "q1", k: "v" } })).body.qos_specs.id;
      ids = { volume, snapshot, type, qos };
    });
    after(async () => s?.destroy());

    for (const k of cases) {
      it(`${k.title}: ${k.status}, and nothing changes`, async () => {
        const before = await tableSnapshot(s);
        const r = await k.send(s.client, s.client.as("admin:admin"), ids);
        assertFault(r, k.status, k.message);
        assert.equal(await tableSnapshot(s), before, "the database is as it was");
      });
    }

    it("still takes 255-character names and metadata (the limits are the columns')", async () => {
      const long = "n".repeat(255);
      const r = await s.client.post("/v3/p1/volumes", { volume: { size: 1, name: long, description: long, metadata: { [long]: long } } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.volume.name, long);
    });
  });

  describe(`identity: strings the database cannot hold are refused before it (${dialect})`, () => {
    let s: TestServer;
    let admin: Client;
    before(async () => {
      const id = await startIdentity(dialect);
      s = id.s;
      admin = id.c.as(id.adminToken);
    });
    after(async () => s?.destroy());

    const ksCases: Array<{ title: string; send: () => Promise<Response>; status: number; message: string | RegExp }> = [
      { title: "project name with NUL", send: () => admin.post("/identity/v3/projects", { project: { name: NUL } }), status: 400, message: "Invalid input for field 'name': the value contains a NUL character (U+0000), which is not allowed." },
      { title: "project description over 255", send: () => admin.post("/identity/v3/projects", { project: { name: "p2", description: "d".repeat(256) } }), status: 400, message: "Invalid input for field 'description': the value is longer than 255 characters." },
      { title: "user name with NUL", send: () => admin.post("/identity/v3/users", { user: { name: NUL } }), status: 400, message: /^Invalid input for field 'name': the value contains a NUL/ },
      { title: "user email over 255", send: () => admin.post("/identity/v3/users", { user: { name: "u2", email: "e".repeat(256) } }), status: 400, message: "Invalid input for field 'email': the value is longer than 255 characters." },
      { title: "user password over 4096", send: () => admin.post("/identity/v3/users", { user: { name: "u3", password: "p".repeat(4097) } }), status: 400, message: "Invalid input for field 'password': the value is longer than 4096 characters." },
      { title: "role description over 255", send: () => admin.post("/identity/v3/roles", { role: { name: "r2", description: "d".repeat(256) } }), status: 400, message: "Invalid input for field 'description': the value is longer than 255 characters." },
      { title: "password login with a NUL user name", send: () => s.client.as(null).post("/identity/v3/auth/tokens", { auth: { identity: { methods: ["password"], password: { user: { name: NUL, domain: { id: "default" }, password: "x" } } } } }), status: 400, message: /^Invalid input for field 'identity\/password\/user\/name': the value contains a NUL/ },
      { title: "a user id with NUL in the path", send: () => admin.get(`/identity/v3/users/${encodeURIComponent(NUL)}`), status: 404, message: /^Could not find the resource: a path segment contains a NUL/ },
      { title: "a project name filter with NUL", send: () => admin.get(`/identity/v3/projects?name=${encodeURIComponent(NUL)}`), status: 400, message: /^Invalid input for query parameter 'name': it contains a NUL/ },
    ];
    for (const k of ksCases) {
      it(`${k.title}: ${k.status} in Keystone's words, and nothing changes`, async () => {
        const before = await tableSnapshot(s);
        assertKsFault(await k.send(), k.status, k.message);
        assert.equal(await tableSnapshot(s), before, "the database is as it was");
      });
    }
  });
}
