/**
 * QoS specs through the API: create, list, show, set and unset keys, delete (with force),
 * associations with volume types; consumers front-end / back-end / both, and a volume's QoS being
 * its type's; bad input that changes nothing.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { createVolume, deleteVolume } from "../helpers/lifecycle";
import type { TestServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";
import { frontEndQos } from "../../server/src/volume/qos";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const A = "/v3/admin";

async function qosState(s: TestServer): Promise<Record<string, unknown[]>> {
  const db = s.app.services.db.kysely;
  const out: Record<string, unknown[]> = {};
  for (const t of ["qos_specs", "qos_spec_keys", "volume_types"] as const) {
    out[t] = (await db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

forEachDialect("QoS specs", function (fx) {
  this.timeout(60_000);
  let admin: Client;
  let alice: Client;
  before(async () => {
    admin = fx.s.client.as("admin:admin");
    alice = fx.s.client.as("alice:p1");
  });

  async function createQos(body: Record<string, unknown>): Promise<any> {
    const r = await admin.post(`${A}/qos-specs`, { qos_specs: body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.qos_specs;
  }

  async function createType(name: string): Promise<any> {
    const r = await admin.post(`${A}/types`, { volume_type: { name } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.volume_type;
  }

  it("creates QoS specs (back-end by default, name stripped) and shows and lists them", async () => {
    const r = await admin.post(`${A}/qos-specs`, { qos_specs: { name: "  silver  ", read_iops_sec: "100" } });
    assert.equal(r.status, 200);
    const q = r.body.qos_specs;
    assert.deepEqual({ ...q, id: undefined }, { id: undefined, name: "silver", consumer: "back-end", specs: { read_iops_sec: "100" } });
    assert.deepEqual(
      r.body.links.map((l: any) => [l.rel, l.href]),
      [
        ["self", `${fx.s.url}/v3/admin/qos-specs/${q.id}`],
        ["bookmark", `${fx.s.url}/admin/qos-specs/${q.id}`],
      ],
    );
    const shown = await admin.get(`${A}/qos-specs/${q.id}`);
    assert.deepEqual(shown.body.qos_specs, q);
    const fe = await createQos({ name: "frontal", consumer: "front-end", total_bytes_sec: "1000" });
    assert.equal(fe.consumer, "front-end");
    const list = (await admin.get(`${A}/qos-specs`)).body.qos_specs;
    assert.deepEqual(
      list.filter((x: any) => x.id === q.id || x.id === fe.id).map((x: any) => x.name),
      ["frontal", "silver"],
      "newest first",
    );
    assert.ok(list.every((x: any) => !("links" in x)));
    assert.deepEqual((await admin.get(`${A}/qos-specs?consumer=front-end`)).body.qos_specs.map((x: any) => x.id), [fe.id]);
    assert.deepEqual((await admin.get(`${A}/qos-specs?name=silver`)).body.qos_specs.map((x: any) => x.id), [q.id]);
    const page = await admin.get(`${A}/qos-specs?limit=1&sort=name:asc`);
    assert.equal(page.body.qos_specs.length, 1);
    const next = new URL(page.body.qos_specs_links[0].href);
    assert.equal(next.searchParams.get("marker"), page.body.qos_specs[0].id);
    const page2 = await admin.get(next.pathname + next.search);
    assert.notEqual(page2.body.qos_specs[0].id, page.body.qos_specs[0].id);
    assertFault(await admin.get(`${A}/qos-specs?marker=${UNKNOWN}`), 404, `No such QoS spec ${UNKNOWN}.`);
    assertFault(await admin.get(`${A}/qos-specs/${UNKNOWN}`), 404, `No such QoS spec ${UNKNOWN}.`);
  });

  it("is for admins only, and refuses a duplicate name", async () => {
    await createQos({ name: "only-one" });
    const before = await qosState(fx.s);
    assertFault(
      await alice.post("/v3/p1/qos-specs", { qos_specs: { name: "mine" } }),
      403,
      "Policy doesn't allow volume_extension:qos_specs_manage:create to be performed.",
    );
    assertFault(await alice.get("/v3/p1/qos-specs"), 403, "Policy doesn't allow volume_extension:qos_specs_manage:get_all to be performed.");
    assertFault(await admin.post(`${A}/qos-specs`, { qos_specs: { name: "only-one" } }), 409, "QoS Specs only-one already exists.");
    assert.deepEqual(await qosState(fx.s), before);
  });

  it("refuses keys and values over 255 characters, nulls and bad consumers, changing nothing", async () => {
    const q = await createQos({ name: "bounded", a: "1" });
    const before = await qosState(fx.s);
    const long = "x".repeat(256);
    assertFault(await admin.post(`${A}/qos-specs`, { qos_specs: { name: "big-key", [long]: "1" } }), 400, /is too long/);
    assertFault(await admin.post(`${A}/qos-specs`, { qos_specs: { name: "big-value", a: long } }), 400, /is too long/);
    assertFault(await admin.post(`${A}/qos-specs`, { qos_specs: { name: "x".repeat(300) } }), 400, /name/);
    assertFault(await admin.post(`${A}/qos-specs`, { qos_specs: { name: "bad-consumer", consumer: "middle" } }), 400, /consumer/);
    assertFault(await admin.put(`${A}/qos-specs/${q.id}`, { qos_specs: { a: long } }), 400, /is too long/);
    assertFault(await admin.put(`${A}/qos-specs/${q.id}`, { qos_specs: { [long]: "1" } }), 400, /qos_specs/);
    assertFault(await admin.put(`${A}/qos-specs/${q.id}`, { qos_specs: { a: null } }), 400, 'Invalid input received: Value for key "a" must be a string.');
    assertFault(await admin.put(`${A}/qos-specs/${q.id}/delete_keys`, { keys: ["a", "a"] }), 400, /non-unique/);
    assert.deepEqual(await qosState(fx.s), before);
    assert.deepEqual((await admin.get(`${A}/qos-specs/${q.id}`)).body.qos_specs.specs, { a: "1" });
  });

  it("sets keys (a consumer key sets the consumer) and unsets them", async () => {
    const q = await createQos({ name: "tunable", a: "1", b: "2", c: "3" });
    const set = await admin.put(`${A}/qos-specs/${q.id}`, { qos_specs: { a: "10", d: "4", consumer: "both" } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { qos_specs: { a: "10", d: "4", consumer: "both" } }, "the body is echoed");
    let shown = (await admin.get(`${A}/qos-specs/${q.id}`)).body.qos_specs;
    assert.equal(shown.consumer, "both");
    assert.deepEqual(shown.specs, { a: "10", b: "2", c: "3", d: "4" });
    assert.equal((await admin.put(`${A}/qos-specs/${q.id}/delete_keys`, { keys: ["a", "d"] })).status, 202);
    shown = (await admin.get(`${A}/qos-specs/${q.id}`)).body.qos_specs;
    assert.deepEqual(shown.specs, { b: "2", c: "3" });
    // Keys go in order until one is missing; those before it stay removed (cinder/volume/qos_specs.py delete_keys).
    assertFault(await admin.put(`${A}/qos-specs/${q.id}/delete_keys`, { keys: ["b", "zz", "c"] }), 404, `QoS spec ${q.id} has no spec with key zz.`);
    assert.deepEqual((await admin.get(`${A}/qos-specs/${q.id}`)).body.qos_specs.specs, { c: "3" });
    assertFault(await admin.put(`${A}/qos-specs/${UNKNOWN}`, { qos_specs: { a: "1" } }), 404, `No such QoS spec ${UNKNOWN}.`);
  });

  it("associates with volume types, lists and removes associations", async () => {
    const q = await createQos({ name: "assoc" });
    const other = await createQos({ name: "assoc-other" });
    const t1 = await createType("assoc-t1");
    const t2 = await createType("assoc-t2");
    assert.equal((await admin.get(`${A}/qos-specs/${q.id}/associate?vol_type_id=${t1.id}`)).status, 202);
    assert.equal((await admin.get(`${A}/qos-specs/${q.id}/associate?vol_type_id=${t2.id}`)).status, 202);
    assert.equal((await admin.get(`${A}/qos-specs/${q.id}/associate?vol_type_id=${t2.id}`)).status, 202, "again: a no-op");
    const assoc = (await admin.get(`${A}/qos-specs/${q.id}/associations`)).body.qos_associations;
    assert.deepEqual(assoc, [
      { association_type: "volume_type", name: "assoc-t1", id: t1.id },
      { association_type: "volume_type", name: "assoc-t2", id: t2.id },
    ]);
    assert.equal((await admin.get(`${A}/types/${t1.id}`)).body.volume_type.qos_specs_id, q.id);

    const before = await qosState(fx.s);
    assertFault(
      await admin.get(`${A}/qos-specs/${other.id}/associate?vol_type_id=${t1.id}`),
      400,
      `Invalid volume type: Type ${t1.id} is already associated with another qos specs: ${q.id}`,
    );
    assertFault(await admin.get(`${A}/qos-specs/${q.id}/associate`), 400, "Volume Type id must not be None.");
    assertFault(await admin.get(`${A}/qos-specs/${q.id}/associate?vol_type_id=`), 400, "Volume Type id must not be None.");
    assertFault(await admin.get(`${A}/qos-specs/${q.id}/associate?vol_type_id=${UNKNOWN}`), 404, `Volume type ${UNKNOWN} could not be found.`);
    assertFault(await admin.get(`${A}/qos-specs/${UNKNOWN}/associate?vol_type_id=${t1.id}`), 404, `No such QoS spec ${UNKNOWN}.`);
    assertFault(await admin.delete(`${A}/qos-specs/${q.id}`), 400, "Qos specs still in use.");
    assertFault(await admin.delete(`${A}/qos-specs/${q.id}?force=maybe`), 400, "Value 'maybe' for 'force' is not a boolean.");
    assert.deepEqual(await qosState(fx.s), before);

    assert.equal((await admin.get(`${A}/qos-specs/${other.id}/disassociate?vol_type_id=${t1.id}`)).status, 202, "not its type: left alone");
    assert.equal((await admin.get(`${A}/types/${t1.id}`)).body.volume_type.qos_specs_id, q.id);
    assert.equal((await admin.get(`${A}/qos-specs/${q.id}/disassociate?vol_type_id=${t1.id}`)).status, 202);
    assert.equal((await admin.get(`${A}/types/${t1.id}`)).body.volume_type.qos_specs_id, null);
    assert.equal((await admin.get(`${A}/qos-specs/${other.id}/associate?vol_type_id=${t1.id}`)).status, 202);
    assert.equal((await admin.get(`${A}/qos-specs/${q.id}/disassociate_all`)).status, 202);
    assert.deepEqual((await admin.get(`${A}/qos-specs/${q.id}/associations`)).body.qos_associations, []);
    assert.equal((await admin.get(`${A}/types/${t1.id}`)).body.volume_type.qos_specs_id, other.id, "another's association stays");
    assert.equal((await admin.delete(`${A}/qos-specs/${q.id}`)).status, 202);
    assertFault(await admin.get(`${A}/qos-specs/${q.id}`), 404, `No such QoS spec ${q.id}.`);
  });

  it("deletes QoS specs still in use only with force, which removes the associations", async () => {
    const q = await createQos({ name: "forced", a: "1" });
    const t = await createType("forced-type");
    await admin.get(`${A}/qos-specs/${q.id}/associate?vol_type_id=${t.id}`);
    assert.equal((await admin.delete(`${A}/qos-specs/${q.id}?force=true`)).status, 202);
    assertFault(await admin.get(`${A}/qos-specs/${q.id}`), 404, `No such QoS spec ${q.id}.`);
    assert.equal((await admin.get(`${A}/types/${t.id}`)).body.volume_type.qos_specs_id, null);
    const keys = await fx.s.app.services.db.kysely.selectFrom("qos_spec_keys").select("key").where("qos_specs_id", "=", q.id).execute();
    assert.deepEqual(keys, []);
  });

  it("gives a volume its type's QoS: front-end and both reach the connection, back-end does not", async () => {
    const db = fx.s.app.services.db.kysely;
    const front = await createQos({
      name: "qos-front",
      consumer: "front-end",
      read_iops_sec: "500",
      total_iops_sec_per_gb: "10",
      total_iops_sec_per_gb_min: "30",
      total_iops_sec_max: "100",
      write_bytes_sec_per_gb: "1000",
    });
    const back = await createQos({ name: "qos-back", consumer: "back-end", read_iops_sec: "500" });
    const both = await createQos({ name: "qos-both", consumer: "both", read_iops_sec: "700" });
    const types: Record<string, any> = {};
    for (const [name, q] of [["t-front", front], ["t-back", back], ["t-both", both]] as const) {
      types[name] = await createType(name);
      await admin.get(`${A}/qos-specs/${q.id}/associate?vol_type_id=${types[name].id}`);
    }
    const v = await createVolume(alice, "p1", { size: 2, volume_type: "t-front" });
    const row = { volume_type_id: v.volume_type_id as string, size: 2 };
    // total: max(30, 10 * 2) = 30, capped at 100; write: 1000 * 2.
    assert.deepEqual(await frontEndQos(db, row), { read_iops_sec: "500", total_iops_sec: 30, write_bytes_sec: 2000 });
    assert.deepEqual(await frontEndQos(db, { ...row, size: 20 }), { read_iops_sec: "500", total_iops_sec: 100, write_bytes_sec: 20000 });
    assert.equal(await frontEndQos(db, { volume_type_id: types["t-back"].id, size: 1 }), null);
    assert.deepEqual(await frontEndQos(db, { volume_type_id: types["t-both"].id, size: 1 }), { read_iops_sec: "700" });
    assert.equal(await frontEndQos(db, { volume_type_id: null, size: 1 }), null);

    // The volume's QoS follows its type: changing the type's specs changes it.
    await admin.put(`${A}/qos-specs/${front.id}`, { qos_specs: { read_iops_sec: "600" } });
    assert.equal((await frontEndQos(db, row))?.read_iops_sec, "600");
    await admin.get(`${A}/qos-specs/${front.id}/disassociate?vol_type_id=${v.volume_type_id}`);
    assert.equal(await frontEndQos(db, row), null);
    await deleteVolume(alice, "p1", v.id);
  });
});
