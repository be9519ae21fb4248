/**
 * Encrypted volume types through the HTTP server, on each dialect: a type's encryption specs
 * (create, show, show one field, update, delete) with Cinder's answers and faults, each refused
 * request changing nothing; a volume's encryption metadata; encrypted volumes and their keys
 * (clone, snapshot, delete, retype); the built-in key store; and the Barbican client against a
 * small Barbican the test starts itself.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { BarbicanKeyManager } from "../../server/src/keymgr/barbican";
import { openDb } from "../../server/src/db/database";
import { BuiltinKeyManager, loadMasterKey, MASTER_KEY_FILE, unseal } from "../../server/src/keymgr/builtin";
import { copyKey, KeyManagerError, KeyNotFoundError } from "../../server/src/keymgr/interface";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { createSnapshot, createVolume, deleteSnapshot, deleteVolume, volumeAction } from "../helpers/lifecycle";
import { makeDb, startChild, startServer, type TestServer } from "../helpers/server";
import { Client as HttpClient } from "../helpers/client";
import { waitStatus } from "../helpers/wait";
import { forEachDialect } from "../helpers/suite";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const LUKS = { provider: "luks", cipher: "aes-xts-plain64", key_size: 256, control_location: "front-end" };

/** The encryption rows and the volumes' key ids, for proving that a refused request changed nothing. */
async function encryptionState(s: TestServer): Promise<string[]> {
  const db = s.app.services.db.kysely;
  const specs = await db.selectFrom("volume_type_encryption").selectAll().execute();
  const keys = await db.selectFrom("key_manager_secrets").select(["id", "sealed"]).execute();
  const volumes = await db.selectFrom("volumes").select(["id", "encryption_key_id", "volume_type_id"]).execute();
  return [...specs, ...keys, ...volumes].map((r) => JSON.stringify(r)).sort();
}

forEachDialect("volume type encryption", function (fx) {
  this.timeout(60_000);
  let admin: Client;
  let alice: Client;
  const A = "/v3/admin";
  before(() => {
    admin = fx.s.client.as("admin:admin");
    alice = fx.s.client.as("alice:p1");
  });

  let n = 0;
  async function newType(): Promise<string> {
    const r = await admin.post(`${A}/types`, { volume_type: { name: `enc-${++n}` } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.volume_type.id;
  }

  async function refused(r: Promise<any>, status: number, message?: string | RegExp): Promise<void> {
    const before = await encryptionState(fx.s);
    assertFault(await r, status, message);
    assert.deepEqual(await encryptionState(fx.s), before, "a refused request changes nothing");
  }

  it("creates encryption specs, shows them flat, one field at a time, and {} for a type without", async () => {
    const t = await newType();
    assert.deepEqual((await admin.get(`${A}/types/${t}/encryption`)).body, {});
    const c = await admin.post(`${A}/types/${t}/encryption`, { encryption: { ...LUKS, key_size: "256" } });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.deepEqual(c.body, { encryption: LUKS }, "echoes the body, key_size as an integer");
    const show = await admin.get(`${A}/types/${t}/encryption`);
    assert.equal(show.status, 200);
    assert.equal(show.body.volume_type_id, t);
    assert.match(show.body.encryption_id, /^[0-9a-f-]{36}$/);
    assert.equal(show.body.deleted, false);
    for (const [k, v] of Object.entries(LUKS)) assert.equal(show.body[k], v, k);
    assert.deepEqual((await admin.get(`${A}/types/${t}/encryption/provider`)).body, { provider: "luks" });
    assert.deepEqual((await admin.get(`${A}/types/${t}/encryption/key_size`)).body, { key_size: 256 });
    assert.deepEqual((await admin.get(`${A}/types/${t}/encryption/encryption_id`)).body, { encryption_id: show.body.encryption_id });
    assertFault(await admin.get(`${A}/types/${t}/encryption/nothing`), 404, `Volume type encryption for type ${t} does not exist.`);
  });

  it("updates and deletes them; a type without specs is a 404", async () => {
    const t = await newType();
    assertFault(await admin.put(`${A}/types/${t}/encryption/x`, { encryption: { key_size: 512 } }), 404, `Volume type encryption for type ${t} does not exist.`);
    assertFault(await admin.delete(`${A}/types/${t}/encryption/x`), 404, `Volume type encryption for type ${t} does not exist.`);
    assertFault(await admin.get(`${A}/types/${t}/encryption/provider`), 404, `Volume type encryption for type ${t} does not exist.`);
    await admin.post(`${A}/types/${t}/encryption`, { encryption: { provider: "nova.volume.encryptors.luks.LuksEncryptor", control_location: "back-end" } });
    const id = (await admin.get(`${A}/types/${t}/encryption`)).body.encryption_id;
    const u = await admin.put(`${A}/types/${t}/encryption/${id}`, { encryption: { key_size: 512, cipher: null, control_location: "front-end" } });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.deepEqual(u.body, { encryption: { key_size: 512, cipher: null, control_location: "front-end" } });
    const show = (await admin.get(`${A}/types/${t}/encryption`)).body;
    assert.equal(show.key_size, 512);
    assert.equal(show.control_location, "front-end");
    assert.equal(show.provider, "nova.volume.encryptors.luks.LuksEncryptor");
    assert.ok(show.updated_at);
    assert.equal((await admin.delete(`${A}/types/${t}/encryption/${id}`)).status, 202);
    assert.deepEqual((await admin.get(`${A}/types/${t}/encryption`)).body, {});
  });

  it("refuses bad bodies, a second create and unknown types, changing nothing", async () => {
    const t = await newType();
    const post = (body: unknown) => admin.post(`${A}/types/${t}/encryption`, body);
    await refused(post({ encryption: { control_location: "front-end" } }), 400, /provider/);
    await refused(post({ encryption: { provider: "luks" } }), 400, /control_location/);
    await refused(post({ encryption: { provider: "luks", control_location: "middle" } }), 400, /control_location/);
    await refused(post({ encryption: { provider: "luks", control_location: "front-end", key_size: -1 } }), 400, /key_size/);
    await refused(post({ encryption: { provider: "luks", control_location: "front-end", key_size: "big" } }), 400, /key_size/);
    await refused(post({ encryption: { provider: "luks", control_location: "front-end", cipher: 7 } }), 400, /cipher/);
    await refused(post({ encryption: { provider: "luks", control_location: "front-end", other: 1 } }), 400);
    await refused(post({ provider: "luks", control_location: "front-end" }), 400);
    await refused(post({ encryption: { provider: "x".repeat(256), control_location: "front-end" } }), 400, /provider/);
    await refused(admin.post(`${A}/types/${UNKNOWN}/encryption`, { encryption: LUKS }), 404, `Volume type ${UNKNOWN} could not be found.`);
    await refused(admin.get(`${A}/types/${UNKNOWN}/encryption`), 404, `Volume type ${UNKNOWN} could not be found.`);
    await refused(admin.put(`${A}/types/${UNKNOWN}/encryption/x`, { encryption: { key_size: 1 } }), 404, `Volume type ${UNKNOWN} could not be found.`);
    await refused(admin.delete(`${A}/types/${UNKNOWN}/encryption/x`), 404, `Volume type encryption for type ${UNKNOWN} does not exist.`);
    assert.equal((await post({ encryption: LUKS })).status, 200);
    await refused(post({ encryption: LUKS }), 400, `Volume type encryption for type ${t} already exists.`);
    await refused(admin.put(`${A}/types/${t}/encryption/x`, { encryption: { control_location: "nowhere" } }), 400, /control_location/);
  });

  it("is for admins only (volume_extension:volume_type_encryption:*)", async () => {
    const t = await newType();
    await refused(alice.post(`/v3/p1/types/${t}/encryption`, { encryption: LUKS }), 403, /volume_type_encryption:create/);
    assert.equal((await admin.post(`${A}/types/${t}/encryption`, { encryption: LUKS })).status, 200);
    await refused(alice.get(`/v3/p1/types/${t}/encryption`), 403, /volume_type_encryption:get/);
    await refused(alice.get(`/v3/p1/types/${t}/encryption/provider`), 403, /volume_type_encryption:get/);
    await refused(alice.put(`/v3/p1/types/${t}/encryption/x`, { encryption: { key_size: 1 } }), 403, /volume_type_encryption:update/);
    await refused(alice.delete(`/v3/p1/types/${t}/encryption/x`), 403, /volume_type_encryption:delete/);
  });

  it("refuses to create, update or delete specs while a volume has the type", async () => {
    const t = await newType();
    const v = await createVolume(alice, "p1", { size: 1, volume_type: t });
    await refused(admin.post(`${A}/types/${t}/encryption`, { encryption: LUKS }), 400, "Cannot create encryption specs. Volume type in use.");
    await deleteVolume(alice, "p1", v.id);
    assert.equal((await admin.post(`${A}/types/${t}/encryption`, { encryption: LUKS })).status, 200);
    const w = await createVolume(alice, "p1", { size: 1, volume_type: t });
    await refused(admin.put(`${A}/types/${t}/encryption/x`, { encryption: { key_size: 128 } }), 400, "Cannot update encryption specs. Volume type in use.");
    await refused(admin.delete(`${A}/types/${t}/encryption/x`), 400, "Cannot delete encryption specs. Volume type in use.");
    await deleteVolume(alice, "p1", w.id);
    assert.equal((await admin.delete(`${A}/types/${t}/encryption/x`)).status, 202);
  });

  it("deletes a type's specs with the type", async () => {
    const t = await newType();
    await admin.post(`${A}/types/${t}/encryption`, { encryption: LUKS });
    assert.equal((await admin.delete(`${A}/types/${t}`)).status, 202);
    const rows = await fx.s.app.services.db.kysely.selectFrom("volume_type_encryption").selectAll().where("volume_type_id", "=", t).execute();
    assert.deepEqual(rows, []);
  });

  it("shows a plain volume's encryption metadata: no key id", async () => {
    const v = await createVolume(alice, "p1", { size: 1 });
    const r = await alice.get(`/v3/p1/volumes/${v.id}/encryption`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { encryption_key_id: null });
    const k = await alice.get(`/v3/p1/volumes/${v.id}/encryption/encryption_key_id`);
    assert.equal(k.status, 200);
    assert.equal(k.body, null);
    assertFault(await alice.get(`/v3/p1/volumes/${v.id}/encryption/provider`), 404, `Volume ${v.id} has no encryption metadata with key provider.`);
    assertFault(await fx.s.client.as("bob:p2").get(`/v3/p2/volumes/${v.id}/encryption`), 404, `Volume ${v.id} could not be found.`);
    await deleteVolume(alice, "p1", v.id);
  });

  // -------------------------------------------------------------------------------------------
  // Encrypted volumes and their keys

  async function encryptedType(specs: Record<string, unknown> = LUKS): Promise<string> {
    const t = await newType();
    assert.equal((await admin.post(`${A}/types/${t}/encryption`, { encryption: specs })).status, 200);
    return t;
  }

  const keyRow = (id: string) => fx.s.app.services.db.kysely.selectFrom("key_manager_secrets").selectAll().where("id", "=", id).executeTakeFirst();
  const material = async (id: string) => (await fx.s.app.services.keyManager.get({ projectId: "p1" }, id)).material;

  it("gives a volume of an encrypted type a key of the type's size, shown from 3.64, never the key itself", async () => {
    const t = await encryptedType({ ...LUKS, key_size: 512 });
    const v = await createVolume(alice, "p1", { size: 1, volume_type: t });
    assert.equal(v.encrypted, true);
    assert.match(v.encryption_key_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const old = await alice.get(`/v3/p1/volumes/${v.id}`, { version: "3.63" });
    assert.equal(old.body.volume.encrypted, true);
    assert.ok(!("encryption_key_id" in old.body.volume), "not before 3.64");
    const key = await material(v.encryption_key_id);
    assert.equal(key.length, 64, "key_size 512 → 64 bytes");
    const row = await keyRow(v.encryption_key_id);
    assert.equal(row?.bit_length, 512);
    assert.ok(!Buffer.from(row!.sealed, "base64").includes(key), "stored sealed, not in the clear");
    const meta = await alice.get(`/v3/p1/volumes/${v.id}/encryption`);
    assert.deepEqual(meta.body, { encryption_key_id: v.encryption_key_id, provider: "luks", cipher: "aes-xts-plain64", key_size: 512, control_location: "front-end" });
    assert.equal((await alice.get(`/v3/p1/volumes/${v.id}/encryption/provider`)).body, "luks");
    for (const r of [meta, await alice.get(`/v3/p1/volumes/${v.id}`), await alice.get(`/v3/p1/volumes/detail`)]) {
      const text = JSON.stringify(r.body);
      assert.ok(!text.includes(key.toString("base64")) && !text.includes(key.toString("hex")), "no key material in answers");
    }
    // A type without key_size: 256 bits.
    const u = await createVolume(alice, "p1", { size: 1, volume_type: await encryptedType({ provider: "luks", control_location: "front-end" }) });
    assert.equal((await material(u.encryption_key_id)).length, 32);
    await deleteVolume(alice, "p1", v.id);
    await deleteVolume(alice, "p1", u.id);
    assert.equal(await keyRow(v.encryption_key_id), undefined, "a deleted volume's key is deleted");
    assert.equal(await keyRow(u.encryption_key_id), undefined);
  });

  it("gives a clone and a volume from a snapshot a copy of the source's key; keys go with the last holder", async () => {
    const t = await encryptedType();
    const v = await createVolume(alice, "p1", { size: 1, volume_type: t });
    const key = await material(v.encryption_key_id);
    const clone = await createVolume(alice, "p1", { size: 1, source_volid: v.id });
    assert.equal(clone.encrypted, true);
    assert.notEqual(clone.encryption_key_id, v.encryption_key_id, "a new key id");
    assert.deepEqual(await material(clone.encryption_key_id), key, "the same key");
    const snap = await createSnapshot(alice, "p1", v.id);
    const snapRow = await fx.s.app.services.db.kysely.selectFrom("snapshots").select("encryption_key_id").where("id", "=", snap.id).executeTakeFirst();
    assert.equal(snapRow?.encryption_key_id, v.encryption_key_id, "a snapshot holds its volume's key");
    const fromSnap = await createVolume(alice, "p1", { size: 1, snapshot_id: snap.id });
    assert.notEqual(fromSnap.encryption_key_id, v.encryption_key_id);
    assert.deepEqual(await material(fromSnap.encryption_key_id), key);
    await deleteVolume(alice, "p1", clone.id);
    assert.equal(await keyRow(clone.encryption_key_id), undefined);
    assert.ok(await keyRow(v.encryption_key_id), "the source keeps its own");
    await deleteSnapshot(alice, "p1", snap.id);
    assert.ok(await keyRow(v.encryption_key_id), "a snapshot's delete leaves the volume's key");
    await deleteVolume(alice, "p1", fromSnap.id);
    await deleteVolume(alice, "p1", v.id);
    assert.equal(await keyRow(v.encryption_key_id), undefined);
    assert.equal(await keyRow(fromSnap.encryption_key_id), undefined);
  });

  it("never leaves a volume unkeyed in an encrypted type when the specs and the volume race", async () => {
    for (let i = 0; i < 8; i++) {
      const t = await newType();
      const [enc, vol] = await Promise.all([
        admin.post(`${A}/types/${t}/encryption`, { encryption: LUKS }),
        alice.post(`/v3/p1/volumes`, { volume: { size: 1, volume_type: t } }),
      ]);
      const encrypted = enc.status === 200;
      if (!encrypted) assertFault(enc, 400, "Cannot create encryption specs. Volume type in use.");
      if (vol.status !== 202) {
        assertFault(vol, 400, "Invalid volume type: its encryption changed while the volume was being created.");
        continue;
      }
      assert.equal(vol.body.volume.encrypted, encrypted, `round ${i}: the volume's key follows the type's encryption`);
      await waitStatus(alice, "volumes", "p1", vol.body.volume.id, "available");
      await deleteVolume(alice, "p1", vol.body.volume.id);
    }
  });

  it("refuses a retype that changes encryption, and multiattach encrypted volumes, changing nothing", async () => {
    const t = await encryptedType();
    const plain = await newType();
    const v = await createVolume(alice, "p1", { size: 1, volume_type: t });
    const p = await createVolume(alice, "p1", { size: 1, volume_type: plain });
    await refused(volumeAction(alice, "p1", v.id, "os-retype", { new_type: plain }), 400, "Invalid input received: Retype cannot change encryption requirements.");
    await refused(volumeAction(alice, "p1", p.id, "os-retype", { new_type: t }), 400, "Invalid input received: Retype cannot change encryption requirements.");
    const multi = await newType();
    await admin.post(`${A}/types/${multi}/extra_specs`, { extra_specs: { multiattach: "<is> True" } });
    await admin.post(`${A}/types/${multi}/encryption`, { encryption: LUKS });
    await refused(alice.post(`/v3/p1/volumes`, { volume: { size: 1, volume_type: multi } }), 400, "Invalid volume: Multiattach cannot be used with encrypted volumes.");
    await deleteVolume(alice, "p1", v.id);
    await deleteVolume(alice, "p1", p.id);
  });

  it("gives the copies of a group's encrypted volumes keys of their own, and a group deleted with its volumes takes their keys", async () => {
    const t = await encryptedType();
    const gt = await admin.post(`${A}/group_types`, { group_type: { name: `enc-group-${++n}` } });
    assert.equal(gt.status, 202, JSON.stringify(gt.body));
    const made = await alice.post("/v3/p1/groups", { group: { group_type: gt.body.group_type.id, volume_types: [t] } });
    assert.equal(made.status, 202, JSON.stringify(made.body));
    const g = made.body.group.id;
    await waitStatus(alice, "groups", "p1", g, "available");
    const v = await createVolume(alice, "p1", { size: 1, volume_type: t, group_id: g });
    const clone = await alice.post("/v3/p1/groups/action", { "create-from-src": { source_group_id: g } });
    assert.equal(clone.status, 202, JSON.stringify(clone.body));
    await waitStatus(alice, "groups", "p1", clone.body.group.id, "available");
    const copies = (await alice.get(`/v3/p1/volumes/detail?group_id=${clone.body.group.id}`)).body.volumes;
    assert.equal(copies.length, 1);
    assert.ok(copies[0].encryption_key_id && copies[0].encryption_key_id !== v.encryption_key_id, "the copy has a key of its own");
    assert.deepEqual(await material(copies[0].encryption_key_id), await material(v.encryption_key_id));
    for (const group of [g, clone.body.group.id]) {
      assert.equal((await alice.post(`/v3/p1/groups/${group}/action`, { delete: { "delete-volumes": true } })).status, 202);
    }
    for (const key of [v.encryption_key_id, copies[0].encryption_key_id]) assert.equal(await keyRow(key), undefined, `key ${key} is gone`);
  });

  it("transfers an encrypted volume from 3.70 only, and only with its snapshots", async () => {
    const v = await createVolume(alice, "p1", { size: 1, volume_type: await encryptedType() });
    const offer = (version: string, extra: Record<string, unknown> = {}) =>
      alice.post("/v3/p1/volume-transfers", { transfer: { volume_id: v.id, ...extra } }, { version });
    await refused(offer("3.69"), 400, "Invalid volume: transferring encrypted volume is not supported");
    await refused(offer("3.70", { no_snapshots: true }), 400, "Invalid volume: transferring an encrypted volume without its snapshots is not supported");
    assert.equal((await alice.get(`/v3/p1/volumes/${v.id}`)).body.volume.status, "available");
    const t = await offer("3.70");
    assert.equal(t.status, 202, JSON.stringify(t.body));
    const accepted = await fx.s.client.as("bob:p2").post(`/v3/p2/volume-transfers/${t.body.transfer.id}/accept`, { accept: { auth_key: t.body.transfer.auth_key } }, { version: "3.70" });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const moved = (await fx.s.client.as("bob:p2").get(`/v3/p2/volumes/${v.id}`, { version: "3.70" })).body.volume;
    assert.equal(moved.encrypted, true);
    await deleteVolume(fx.s.client.as("bob:p2"), "p2", v.id);
  });
});

forEachDialect("built-in key manager", function (fx) {
  it("seals keys under a master key in the data dir (0600, made at first use); without it a stored key does not open", async () => {
    const km = fx.s.app.services.keyManager;
    const id = await km.createKey({ projectId: "p1" }, "AES", 256);
    const file = path.join(fx.s.dataDir, MASTER_KEY_FILE);
    const st = await stat(file);
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.size, 32);
    const key = (await km.get({ projectId: "p1" }, id)).material;
    assert.equal(key.length, 32);
    const row = await fx.s.app.services.db.kysely.selectFrom("key_manager_secrets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    assert.ok(!Buffer.from(row.sealed, "base64").includes(key));
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), "cinderblock-km-"));
    try {
      const other = new BuiltinKeyManager(fx.s.app.services.db, elsewhere);
      await assert.rejects(other.get({ projectId: "p1" }, id), KeyManagerError, "another master key does not open it");
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
    const copy = await copyKey(km, { projectId: "p1" }, id);
    assert.notEqual(copy, id);
    assert.deepEqual((await km.get({ projectId: "p1" }, copy)).material, key);
    await km.delete({ projectId: "p1" }, id);
    await assert.rejects(km.get({ projectId: "p1" }, id), KeyNotFoundError);
    await assert.rejects(km.delete({ projectId: "p1" }, id), KeyNotFoundError);
  });
});

describe("keys in logs", function () {
  this.timeout(120_000);
  it("never writes a key to the log, at debug level, through create, clone, snapshot and delete", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-keylog-"));
    const db = await makeDb("sqlite", dataDir);
    const child = await startChild({ dataDir, dbUrl: db.url, logLevel: "debug" });
    try {
      const c = new HttpClient(child.url);
      const admin = c.as("admin:admin");
      const alice = c.as("alice:p1");
      const t = (await admin.post("/v3/admin/types", { volume_type: { name: "logged" } })).body.volume_type.id;
      await admin.post(`/v3/admin/types/${t}/encryption`, { encryption: LUKS });
      const v = await createVolume(alice, "p1", { size: 1, volume_type: t });
      const clone = await createVolume(alice, "p1", { size: 1, source_volid: v.id });
      const snap = await createSnapshot(alice, "p1", v.id);
      const fromSnap = await createVolume(alice, "p1", { size: 1, snapshot_id: snap.id });
      await alice.get(`/v3/p1/volumes/${v.id}/encryption`);
      const master = await loadMasterKey(dataDir);
      const store = openDb(db.url);
      const keys = await store.kysely.selectFrom("key_manager_secrets").selectAll().execute();
      await store.close();
      assert.equal(keys.length, 3);
      const materials = keys.map((k) => unseal(master, k.id, k.sealed));
      for (const id of [fromSnap.id, clone.id]) await deleteVolume(alice, "p1", id);
      await deleteSnapshot(alice, "p1", snap.id);
      await deleteVolume(alice, "p1", v.id);
      const out = child.output();
      assert.ok(out.length > 0, "the server logged");
      for (const m of materials) {
        for (const form of [m.toString("base64"), m.toString("hex"), m.toString("base64url")]) assert.ok(!out.includes(form), "a key in the log");
      }
      assert.ok(!out.includes(master.toString("base64")) && !out.includes(master.toString("hex")), "the master key in the log");
    } finally {
      await child.kill("SIGTERM");
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

/** A Barbican of three calls (POST /v1/secrets, GET /v1/secrets/{id}/payload, DELETE /v1/secrets/{id}), keeping what it was sent. */
async function fakeBarbican(): Promise<{ url: string; secrets: Map<string, { payload: Buffer; body: any }>; tokens: string[]; close(): Promise<void> }> {
  const secrets = new Map<string, { payload: Buffer; body: any }>();
  const tokens: string[] = [];
  const server = http.createServer((req, res) => {
    const token = String(req.headers["x-auth-token"] ?? "");
    tokens.push(token);
    if (token === "" || token === "bad") {
      res.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/v1\/secrets(?:\/([0-9a-f-]{36}))?(\/payload)?$/.exec(req.url ?? "");
      if (!m) return void res.writeHead(404).end();
      const [, id, payload] = m;
      if (req.method === "POST" && !id) {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        const sid = randomUUID();
        secrets.set(sid, { payload: Buffer.from(body.payload, "base64"), body });
        res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ secret_ref: `${url}/v1/secrets/${sid}` }));
      } else if (req.method === "GET" && id && payload) {
        const s = secrets.get(id);
        if (!s) return void res.writeHead(404).end();
        res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(s.payload);
      } else if (req.method === "DELETE" && id && !payload) {
        res.writeHead(secrets.delete(id) ? 204 : 404).end();
      } else {
        res.writeHead(405).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, secrets, tokens, close: () => new Promise((r) => server.close(() => r())) };
}

describe("Barbican key manager (against a small Barbican of the test's own)", function () {
  this.timeout(60_000);
  let b: Awaited<ReturnType<typeof fakeBarbican>>;
  before(async () => (b = await fakeBarbican()));
  after(async () => b?.close());

  it("stores, reads, copies and deletes keys with the request's token", async () => {
    const km = new BarbicanKeyManager(`${b.url}/v1/`);
    const ctx = { projectId: "p1", authToken: "tok-1" };
    const id = await km.createKey(ctx, "AES", 256);
    assert.ok(b.secrets.has(id));
    const sent = b.secrets.get(id)!.body;
    assert.equal(sent.secret_type, "symmetric");
    assert.equal(sent.bit_length, 256);
    assert.equal(sent.payload_content_encoding, "base64");
    const key = await km.get(ctx, id);
    assert.equal(key.material.length, 32);
    assert.deepEqual(key.material, b.secrets.get(id)!.payload);
    const copy = await copyKey(km, ctx, id);
    assert.notEqual(copy, id);
    assert.deepEqual((await km.get(ctx, copy)).material, key.material);
    await km.delete(ctx, id);
    assert.ok(!b.secrets.has(id));
    await assert.rejects(km.get(ctx, id), KeyNotFoundError);
    await assert.rejects(km.delete(ctx, id), KeyNotFoundError);
    assert.ok(b.tokens.every((t) => t === "tok-1"), "every call carries the token");
    await assert.rejects(km.get({ projectId: "p1", authToken: "bad" }, copy), KeyManagerError);
    await assert.rejects(km.createKey({ projectId: "p1" }, "AES", 256), KeyManagerError, "no token, no call");
    await assert.rejects(new BarbicanKeyManager("http://127.0.0.1:1").createKey(ctx, "AES", 256), KeyManagerError);
  });

  it("serves a Cinderblock configured with it: encrypted volumes' keys are Barbican's", async () => {
    const s = await startServer("sqlite", { keyManager: { backend: "barbican", url: b.url } });
    try {
      const admin = s.client.as("admin:admin");
      const alice = s.client.as("alice:p1");
      const t = (await admin.post("/v3/admin/types", { volume_type: { name: "barbican-luks" } })).body.volume_type.id;
      assert.equal((await admin.post(`/v3/admin/types/${t}/encryption`, { encryption: LUKS })).status, 200);
      const v = await createVolume(alice, "p1", { size: 1, volume_type: t });
      assert.ok(b.secrets.has(v.encryption_key_id), "the key is in Barbican");
      assert.equal(b.tokens.at(-1), "alice:p1", "with the request's token");
      assert.deepEqual(await s.app.services.db.kysely.selectFrom("key_manager_secrets").selectAll().execute(), [], "nothing kept locally");
      await deleteVolume(alice, "p1", v.id);
      assert.ok(!b.secrets.has(v.encryption_key_id), "deleted from Barbican with the volume");
    } finally {
      await s.destroy();
    }
  });

  it("refuses a volume when Barbican refuses its key, and makes no row", async () => {
    const s = await startServer("sqlite", { keyManager: { backend: "barbican", url: "http://127.0.0.1:1" } });
    try {
      const admin = s.client.as("admin:admin");
      const t = (await admin.post("/v3/admin/types", { volume_type: { name: "unreachable" } })).body.volume_type.id;
      await admin.post(`/v3/admin/types/${t}/encryption`, { encryption: LUKS });
      assertFault(await s.client.as("alice:p1").post("/v3/p1/volumes", { volume: { size: 1, volume_type: t } }), 500, "Key manager error.");
      assert.deepEqual(await s.app.services.db.kysely.selectFrom("volumes").select("id").execute(), []);
    } finally {
      await s.destroy();
    }
  });
});
