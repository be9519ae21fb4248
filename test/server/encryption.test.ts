/**
 * Encrypted volume types through the HTTP server, on each dialect: a type's encryption specs
 * (create, show, show one field, update, delete) with Cinder's answers and faults, each refused
 * request changing nothing; and a volume's encryption metadata.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { createVolume, deleteVolume } from "../helpers/lifecycle";
import type { TestServer } from "../helpers/server";
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
});
