/**
 * Layer 2: the gRPC contract. Spawns the plugin binary and drives every RPC in the engine's order
 * (GetPluginInfo, GetSchema, CheckConfig, DiffConfig, Configure, Check, Diff, Create, Read,
 * Update, Delete, Invoke, Cancel) against a live Cinderblock server, checking the server after each.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type * as grpc from "@grpc/grpc-js";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { startServer, type TestServer } from "../helpers/server";
import { holdLocks } from "../helpers/lifecycle";
import { empty, initFailed, js, provproto, rpc, secret, startPlugin, UNKNOWN, type Plugin } from "./harness";

const V = "cinder:index:Volume";
const DIFF_SOME = provproto.DiffResponse.DiffChanges.DIFF_SOME;
const DIFF_NONE = provproto.DiffResponse.DiffChanges.DIFF_NONE;

describe("provider gRPC contract (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let p: Plugin;
  let admin: CinderClient;
  const config = () => ({ endpoint: s.url, projectId: "admin", token: secret("admin:admin") });

  before(async () => {
    s = await startServer("sqlite");
    [p, admin] = await Promise.all([
      startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "" }),
      connect({ env: {}, endpoint: s.url, auth: { type: "noauth", userId: "admin", projectId: "admin" } }),
    ]);
  });
  after(async () => {
    await p?.stop();
    await s?.destroy();
  });

  const check = async (type: string, name: string, news: object, olds: object = {}) => {
    const r = await p.call<provproto.CheckResponse>("check", rpc.check(type, name, news, olds));
    return { inputs: js(r.getInputs()), failures: r.getFailuresList().map((f) => [f.getProperty(), f.getReason()]) };
  };
  const create = async (type: string, name: string, props: object, opts = {}) => {
    const r = await p.call<provproto.CreateResponse>("create", rpc.create(type, name, props, opts));
    return { id: r.getId(), outs: js(r.getProperties()) };
  };
  const diff = async (type: string, id: string, olds: object, news: object, oldInputs: object) => {
    const r = await p.call<provproto.DiffResponse>("diff", rpc.diff(type, "x", id, olds, news, oldInputs));
    const detailed: Record<string, number> = {};
    r.getDetaileddiffMap().forEach((v, k) => (detailed[k] = v.getKind()));
    return { changes: r.getChanges(), replaces: r.getReplacesList(), dbr: r.getDeletebeforereplace(), detailed };
  };
  const volumesOnServer = async () => {
    const out = [];
    for await (const v of admin.volumes.list()) out.push(v);
    return out;
  };

  it("plugin info and schema", async () => {
    const info = await p.call<any>("getPluginInfo", empty());
    assert.equal(info.getVersion(), "0.1.0");
    const schema = JSON.parse((await p.call<provproto.GetSchemaResponse>("getSchema", new provproto.GetSchemaRequest().setVersion(0))).getSchema());
    assert.equal(schema.name, "cinder");
    assert.ok(schema.resources[V] && schema.functions["cinder:index:getVolume"]);
    await assert.rejects(p.call("getSchema", new provproto.GetSchemaRequest().setVersion(1)), /unsupported schema version/);
  });

  it("CheckConfig names what is missing and keeps secrets secret; DiffConfig; Configure", async () => {
    const bad = await p.call<provproto.CheckResponse>("checkConfig", rpc.check("pulumi:providers:cinder", "default", { username: "u", password: secret("p") }));
    const reasons = bad.getFailuresList().map((f) => f.getReason()).join("\n");
    assert.match(reasons, /authUrl is required .*OS_AUTH_URL/);
    assert.match(reasons, /projectName or projectId/);
    assert.deepEqual(js(bad.getInputs()).password, secret("p"));

    const ok = await p.call<provproto.CheckResponse>("checkConfig", rpc.check("pulumi:providers:cinder", "default", config()));
    assert.deepEqual(ok.getFailuresList(), []);
    assert.deepEqual(js(ok.getInputs()).token, secret("admin:admin"));

    const d = await p.call<provproto.DiffResponse>("diffConfig", rpc.diff("pulumi:providers:cinder", "default", "id", config(), { ...config(), region: "r2" }, config()));
    assert.equal(d.getChanges(), DIFF_SOME);
    assert.deepEqual(d.getReplacesList(), []);

    // Before Configure, nothing can reach Cinder.
    await assert.rejects(p.call("create", rpc.create(V, "early", { size: 1, name: "early" })), /not configured/);
    const cfgReq = new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", config()).getNews()!).setAcceptsecrets(true);
    await assert.rejects(p.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", { token: "t" }).getNews()!)), /endpoint/);
    const res = await p.call<provproto.ConfigureResponse>("configure", cfgReq);
    assert.equal(res.getAcceptsecrets(), true);
    assert.equal(res.getSupportspreview(), true);
  });

  it("preview: Check with unknowns, Create(preview) has no side effects and reports unknowns", async () => {
    const c = await check(V, "prev", { size: 1, volumeType: UNKNOWN });
    assert.deepEqual(c.failures, []);
    const before = (await volumesOnServer()).length;
    const r = await create(V, "prev", c.inputs, { preview: true });
    assert.equal(r.id, "");
    assert.equal(r.outs.status, UNKNOWN);
    assert.equal(r.outs.size, 1);
    assert.equal((await volumesOnServer()).length, before);
  });

  let typeId = "";
  let vol: { id: string; outs: Record<string, any>; inputs: Record<string, any> };

  it("create a type and a volume, then read it back", async () => {
    const t = await check("cinder:index:VolumeType", "gold", { name: "gold", extraSpecs: { "x:tier": "1" } });
    const tr = await create("cinder:index:VolumeType", "gold", t.inputs);
    typeId = tr.id;
    assert.deepEqual(tr.outs.extraSpecs, { "x:tier": "1" });
    const c = await check(V, "data", { size: 1, volumeType: "gold", metadata: { team: "a" }, description: "d" });
    assert.match(c.inputs.name, /^data-[0-9a-f]{7}$/);
    const r = await create(V, "data", c.inputs, { timeout: 60 });
    vol = { ...r, inputs: c.inputs };
    assert.equal(r.outs.status, "available");
    assert.deepEqual(r.outs.metadata, { team: "a" });
    const onServer = await admin.volumes.get(r.id);
    assert.equal(onServer.volume_type, "gold");
    assert.equal(onServer.name, c.inputs.name);
    const read = await p.call<provproto.ReadResponse>("read", rpc.read(V, "data", r.id, r.outs, c.inputs));
    assert.equal(read.getId(), r.id);
    assert.equal(js(read.getInputs()).size, 1);
    assert.equal((await diff(V, r.id, js(read.getProperties()), c.inputs, js(read.getInputs()))).changes, DIFF_NONE);
  });

  it("Check rejects a shrink; Diff + Update grow the volume and change metadata per key", async () => {
    await admin.volumes.setMetadataItem(vol.id, "owner-by-someone-else", "x");
    const shrink = await check(V, "data", { ...vol.inputs, size: 0 }, vol.inputs);
    assert.ok(shrink.failures.some(([k, r]) => k === "size" && /whole number/.test(r)));
    const c = await check(V, "data", { ...vol.inputs, size: 2, metadata: { team: "b", env: "prod" }, bootable: true }, vol.inputs);
    assert.equal(c.inputs.name, vol.inputs.name, "the autoname is stable");
    const d = await diff(V, vol.id, vol.outs, c.inputs, vol.inputs);
    assert.equal(d.changes, DIFF_SOME);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.detailed, { size: 4, "metadata.team": 4, "metadata.env": 0, bootable: 0 });

    const before = await admin.volumes.get(vol.id);
    const prev = await p.call<provproto.UpdateResponse>("update", rpc.update(V, "data", vol.id, vol.outs, c.inputs, vol.inputs, { preview: true }));
    assert.equal(js(prev.getProperties()).size, 2);
    assert.equal((await admin.volumes.get(vol.id)).size, before.size, "preview changed nothing");

    const u = await p.call<provproto.UpdateResponse>("update", rpc.update(V, "data", vol.id, vol.outs, c.inputs, vol.inputs, { timeout: 60 }));
    const outs = js(u.getProperties());
    const v = await admin.volumes.get(vol.id);
    assert.equal(v.size, 2);
    assert.equal(v.bootable, "true");
    assert.deepEqual(v.metadata, { team: "b", env: "prod", "owner-by-someone-else": "x" });
    assert.deepEqual(outs.metadata, { team: "b", env: "prod" }, "only managed keys");
    assert.equal(outs.allMetadata["owner-by-someone-else"], "x");
    vol = { id: vol.id, outs, inputs: c.inputs };
  });

  it("replace: a new snapshot source replaces; a new type does not (it is a retype)", async () => {
    const snapC = await check("cinder:index:Snapshot", "snap", { volumeId: vol.id, metadata: { k: "v" } });
    const snap = await create("cinder:index:Snapshot", "snap", snapC.inputs);
    assert.equal(snap.outs.status, "available");
    assert.equal((await admin.snapshots.get(snap.id)).metadata.k, "v");

    const d = await diff(V, vol.id, vol.outs, { ...vol.inputs, snapshotId: snap.id, volumeType: "other" }, vol.inputs);
    assert.deepEqual(d.replaces.sort(), ["snapshotId"]);
    assert.equal(d.detailed.volumeType, 4 /* UPDATE: a retype in place */);
    assert.equal(d.detailed.snapshotId, 1 /* ADD_REPLACE */);

    // Engine order for create-before-delete: Create the replacement, then Delete the old one.
    const c = await check(V, "restored", { size: 2, snapshotId: snap.id });
    const r = await create(V, "restored", c.inputs, { timeout: 60 });
    assert.equal((await admin.volumes.get(r.id)).snapshot_id, snap.id);
    await p.call("delete", rpc.delete(V, "restored", r.id, r.outs, { timeout: 60 }));
    await assert.rejects(admin.volumes.get(r.id), { name: "NotFound" });
    await p.call("delete", rpc.delete("cinder:index:Snapshot", "snap", snap.id, snap.outs));
  });

  it("import: Read with only the id yields inputs that diff clean", async () => {
    const r = await p.call<provproto.ReadResponse>("read", rpc.read(V, "imported", vol.id));
    const inputs = js(r.getInputs());
    assert.equal(inputs.size, 2);
    assert.equal(inputs.volumeType, "gold");
    assert.equal(inputs.bootable, true);
    assert.deepEqual(inputs.metadata, { team: "b", env: "prod", "owner-by-someone-else": "x" });
    const c = await check(V, "imported", inputs);
    assert.deepEqual(c.failures, []);
    assert.equal((await diff(V, vol.id, js(r.getProperties()), c.inputs, inputs)).changes, DIFF_NONE);
    const t = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:VolumeType", "gold", typeId));
    assert.deepEqual(js(t.getInputs()).extraSpecs, { "x:tier": "1" });
  });

  it("partial state: a volume that ends in error is reported with its id, not orphaned", async () => {
    const c = await check(V, "huge", { size: 1_000_000 });
    const e = (await p.call("create", rpc.create(V, "huge", c.inputs, { timeout: 60 })).catch((x) => x)) as grpc.ServiceError;
    assert.ok(e instanceof Error, "create failed");
    const d = initFailed(e);
    assert.ok(d, `ErrorResourceInitFailed detail, got ${e.message}`);
    assert.equal(d.properties.status, "error");
    assert.match(d.reasons[0], /status 'error'/);
    assert.equal((await admin.volumes.get(d.id)).status, "error");
    await p.call("delete", rpc.delete(V, "huge", d.id, d.properties, { timeout: 60 }));
    await assert.rejects(admin.volumes.get(d.id));
  });

  it("timeouts: the engine's timeout bounds the wait, and a timed-out create is partial state", async () => {
    // Hold the volume manager's lock on a snapshot: a volume created from it stays `creating`
    // until released, so the provider's wait must end on the engine's timeout.
    const src = await admin.volumes.create({ size: 1 });
    await admin.volumes.waitFor(src.id, "available");
    const snap = await admin.snapshots.create({ volume_id: src.id });
    await admin.snapshots.waitFor(snap.id, "available");
    const release = await holdLocks(s, [snap.id]);
    let partial: ReturnType<typeof initFailed>;
    try {
      const c = await check(V, "slow", { size: 1, snapshotId: snap.id });
      const e = (await p.call("create", rpc.create(V, "slow", c.inputs, { timeout: 1 })).catch((x) => x)) as grpc.ServiceError;
      assert.ok(e instanceof Error, "the create must time out");
      partial = initFailed(e);
      assert.ok(partial, e.message);
      assert.match(partial.reasons[0], /timed out after 1 s/);
      assert.equal(partial.properties.status, "creating", "the partial state is what the server had");
      assert.equal((await admin.volumes.get(partial.id)).status, "creating", "nothing hidden: the volume exists");
    } finally {
      await release();
    }
    await admin.volumes.waitFor(partial!.id, "available");
    await p.call("delete", rpc.delete(V, "slow", partial!.id, partial!.properties, { timeout: 60 }));
    await admin.snapshots.delete(snap.id);
    await admin.snapshots.waitForDeleted(snap.id);
    await admin.volumes.delete(src.id);
  });

  it("invoke: functions and their failures", async () => {
    const inv = async (tok: string, args: object) => {
      const r = await p.call<provproto.InvokeResponse>("invoke", rpc.invoke(tok, args));
      return { ret: js(r.getReturn()), failures: r.getFailuresList().map((f) => f.getReason()) };
    };
    assert.equal((await inv("cinder:index:getVolume", { id: vol.id })).ret.size, 2);
    const byName = await inv("cinder:index:getVolume", { name: vol.inputs.name });
    assert.equal(byName.ret.id, vol.id, JSON.stringify(byName));
    assert.match((await inv("cinder:index:getVolume", { name: "nope" })).failures[0], /0 volumes/);
    assert.equal((await inv("cinder:index:getVolumeType", { name: "gold" })).ret.id, typeId);
    assert.ok((await inv("cinder:index:getAvailabilityZones", {})).ret.names.includes("nova"));
    assert.equal(typeof (await inv("cinder:index:getQuotaSet", { projectId: "admin" })).ret.volumes, "number");
    await assert.rejects(inv("cinder:index:nope", {}), /unknown function/);
  });

  it("QoS spec, association, type access, type encryption and quotas: create, update per key, import, delete", async () => {
    const q = await create("cinder:index:QosSpec", "fast", (await check("cinder:index:QosSpec", "fast", { name: "fast", specs: { total_iops_sec: "100", x: "1" } })).inputs);
    const qIn = { name: "fast", specs: { total_iops_sec: "100", x: "1" } };
    const u = await p.call<provproto.UpdateResponse>("update", rpc.update("cinder:index:QosSpec", "fast", q.id, q.outs, { name: "fast", specs: { total_iops_sec: "200" } }, qIn));
    assert.deepEqual(js(u.getProperties()).specs, { total_iops_sec: "200" });
    assert.deepEqual((await admin.qosSpecs.get(q.id)).specs, { total_iops_sec: "200" });

    const a = await create("cinder:index:QosAssociation", "fast-gold", { qosSpecId: q.id, volumeTypeId: typeId });
    assert.equal(a.id, `${q.id}/${typeId}`);
    assert.deepEqual((await admin.qosSpecs.listAssociations(q.id)).map((x) => x.id), [typeId]);
    const imported = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:QosAssociation", "x", a.id));
    assert.equal(imported.getId(), a.id);
    const qsImported = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:QosSpec", "x", q.id));
    assert.equal(qsImported.getId(), q.id);
    assert.deepEqual(js(qsImported.getInputs()).specs, { total_iops_sec: "200" });

    const priv = await create("cinder:index:VolumeType", "private", { name: "private", isPublic: false });
    const other = randomUUID();
    const acc = await create("cinder:index:VolumeTypeAccess", "share", { volumeTypeId: priv.id, projectId: other });
    assert.deepEqual((await admin.volumeTypes.listAccess(priv.id)).map((x) => x.project_id), [other]);
    const accImported = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:VolumeTypeAccess", "x", acc.id));
    assert.equal(accImported.getId(), `${priv.id}/${other}`);
    assert.deepEqual(js(accImported.getInputs()), { volumeTypeId: priv.id, projectId: other });

    const enc = await create("cinder:index:VolumeTypeEncryption", "luks", { volumeTypeId: priv.id, provider: "luks", controlLocation: "front-end", keySize: 256 });
    assert.equal(enc.id, priv.id);
    assert.equal((await admin.volumeTypes.getEncryption(priv.id)).provider, "luks");
    const encIn = { volumeTypeId: priv.id, provider: "luks", controlLocation: "front-end", keySize: 256 };
    const encNew = { ...encIn, keySize: 512, cipher: "aes-xts-plain64" };
    const eu = await p.call<provproto.UpdateResponse>("update", rpc.update("cinder:index:VolumeTypeEncryption", "luks", enc.id, enc.outs, encNew, encIn));
    assert.equal(js(eu.getProperties()).keySize, 512);
    assert.equal((await admin.volumeTypes.getEncryption(priv.id)).cipher, "aes-xts-plain64");
    const encImported = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:VolumeTypeEncryption", "x", priv.id));
    assert.deepEqual(js(encImported.getInputs()), encNew);
    await p.call("delete", rpc.delete("cinder:index:VolumeTypeEncryption", "luks", enc.id, js(eu.getProperties())));
    assert.deepEqual(await admin.volumeTypes.getEncryption(priv.id), {});
    const encGone = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:VolumeTypeEncryption", "x", priv.id));
    assert.equal(encGone.getId(), "");

    const quota = await create("cinder:index:QuotaSet", "q", { projectId: "proj-q", volumes: 7, gigabytes: 70 });
    assert.equal((await admin.quotas.get("proj-q")).volumes, 7);
    const qi = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:QuotaSet", "q", "proj-q"));
    assert.equal(js(qi.getInputs()).gigabytes, 70);

    await p.call("delete", rpc.delete("cinder:index:QuotaSet", "q", quota.id, quota.outs));
    assert.notEqual((await admin.quotas.get("proj-q")).volumes, 7, "reset to defaults");
    await p.call("delete", rpc.delete("cinder:index:VolumeTypeAccess", "share", acc.id, acc.outs));
    assert.deepEqual(await admin.volumeTypes.listAccess(priv.id), []);
    await p.call("delete", rpc.delete("cinder:index:VolumeType", "private", priv.id, priv.outs));
    await p.call("delete", rpc.delete("cinder:index:QosAssociation", "fast-gold", a.id, a.outs));
    const gone = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:QosAssociation", "x", a.id));
    assert.equal(gone.getId(), "");
    await p.call("delete", rpc.delete("cinder:index:QosSpec", "fast", q.id, q.outs));
  });

  it("GroupType: create with specs, update in place per key, import, delete", async () => {
    const T = "cinder:index:GroupType";
    const c = await check(T, "grp", { name: "grp", groupSpecs: { a: "1", b: "2" } });
    assert.deepEqual(c.failures, []);
    const g = await create(T, "grp", c.inputs);
    assert.deepEqual(g.outs.groupSpecs, { a: "1", b: "2" });
    assert.equal(g.outs.isPublic, true);
    const news = { name: "grp", description: "d", groupSpecs: { a: "1", c: "3" } };
    const d = await diff(T, g.id, g.outs, news, c.inputs);
    assert.deepEqual(d.replaces, []);
    const u = await p.call<provproto.UpdateResponse>("update", rpc.update(T, "grp", g.id, g.outs, news, c.inputs));
    assert.deepEqual(js(u.getProperties()).groupSpecs, { a: "1", c: "3" });
    assert.deepEqual(await admin.groupTypes.getGroupSpecs(g.id), { a: "1", c: "3" });
    assert.equal((await admin.groupTypes.get(g.id)).description, "d");
    const imported = await p.call<provproto.ReadResponse>("read", rpc.read(T, "x", g.id));
    assert.deepEqual(js(imported.getInputs()), { name: "grp", isPublic: true, description: "d", groupSpecs: { a: "1", c: "3" } });
    await p.call("delete", rpc.delete(T, "grp", g.id, g.outs));
    const gone = await p.call<provproto.ReadResponse>("read", rpc.read(T, "x", g.id));
    assert.equal(gone.getId(), "");
  });

  it("delete: volume (cascade), type; Read of a deleted id answers gone; Cancel", async () => {
    const sn = await admin.snapshots.create({ volume_id: vol.id, name: "kept" });
    await admin.snapshots.waitFor(sn, "available");
    const snImported = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:Snapshot", "x", sn.id));
    assert.equal(snImported.getId(), sn.id);
    assert.equal(js(snImported.getInputs()).volumeId, vol.id);
    await p.call("delete", rpc.delete(V, "data", vol.id, { ...vol.outs, cascade: true }, { timeout: 60 }));
    const r = await p.call<provproto.ReadResponse>("read", rpc.read(V, "data", vol.id, vol.outs, vol.inputs));
    assert.equal(r.getId(), "");
    await p.call("delete", rpc.delete(V, "data", vol.id, vol.outs)); // deleting again is fine
    await p.call("delete", rpc.delete("cinder:index:VolumeType", "gold", typeId, {}));
    await assert.rejects(admin.volumeTypes.get(typeId));
    await p.call("cancel", empty());
  });
});
