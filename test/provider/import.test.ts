/**
 * `pulumi import` into a hand-written program: the engine Reads the resource with its id only, then
 * Checks the program's inputs (olds = Read's inputs) and Diffs them against Read's state. Every
 * resource kind is made on the server directly through the SDK (not by the provider), and every
 * program below is written by hand, naming only required inputs and some optional ones, never
 * copied from Read. Each must diff clean: server defaults the program did not set (the default
 * volume type, empty metadata, isPublic, the QoS consumer, the other quotas) are not differences.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { startServer, type TestServer } from "../helpers/server";
import { js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

const DIFF_NONE = provproto.DiffResponse.DiffChanges.DIFF_NONE;

describe("provider import into hand-written programs (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let p: Plugin;
  let admin: CinderClient;

  before(async () => {
    s = await startServer("sqlite");
    [p, admin] = await Promise.all([
      startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "" }),
      connect({ env: {}, endpoint: s.url, auth: { type: "noauth", userId: "admin", projectId: "admin" } }),
    ]);
    const cfg = rpc.check("pulumi:providers:cinder", "default", { endpoint: s.url, projectId: "admin", token: secret("admin:admin") }).getNews()!;
    await p.call("configure", new provproto.ConfigureRequest().setArgs(cfg).setAcceptsecrets(true));
  });
  after(async () => {
    await p?.stop();
    await s?.destroy();
  });

  /** The engine's import: Read(id) → Check(program, olds = Read's inputs) → Diff. */
  async function importInto(type: string, id: string, program: Record<string, unknown>) {
    const read = await p.call<provproto.ReadResponse>("read", rpc.read(type, "imported", id));
    assert.equal(read.getId(), id, `${type} ${id} was not found by Read`);
    const readInputs = js(read.getInputs());
    const checked = await p.call<provproto.CheckResponse>("check", rpc.check(type, "imported", program, readInputs));
    assert.deepEqual(checked.getFailuresList().map((f) => f.getReason()), []);
    const d = await p.call<provproto.DiffResponse>("diff", rpc.diff(type, "imported", id, js(read.getProperties()), js(checked.getInputs()), readInputs));
    const detailed: Record<string, number> = {};
    d.getDetaileddiffMap().forEach((v, k) => (detailed[k] = v.getKind()));
    return { changes: d.getChanges(), replaces: d.getReplacesList(), detailed, readInputs };
  }
  const clean = async (type: string, id: string, program: Record<string, unknown>) => {
    const d = await importInto(type, id, program);
    assert.deepEqual({ changes: d.changes, detailed: d.detailed, replaces: d.replaces }, { changes: DIFF_NONE, detailed: {}, replaces: [] }, `${type}: ${JSON.stringify(program)}`);
    return d;
  };

  it("Volume: {size, name} on a default-typed volume, and {size, name, volumeType, metadata} on a typed one", async () => {
    const v = await admin.volumes.create({ size: 1, name: "plain" });
    await admin.volumes.waitFor(v.id, "available");
    const d = await clean("cinder:index:Volume", v.id, { size: 1, name: "plain" });
    assert.equal(d.readInputs.volumeType, "__DEFAULT__", "Read still reports the server's type");

    await admin.volumeTypes.create({ name: "silver" });
    const t = await admin.volumes.create({ size: 2, name: "typed", volume_type: "silver", metadata: { team: "a", cost: "b" } });
    await admin.volumes.waitFor(t.id, "available");
    await clean("cinder:index:Volume", t.id, { size: 2, name: "typed", volumeType: "silver", metadata: { team: "a", cost: "b" } });
    await clean("cinder:index:Volume", t.id, { size: 2, name: "typed" });
    // A real difference still shows: the program wants another size.
    const grow = await importInto("cinder:index:Volume", t.id, { size: 3, name: "typed" });
    assert.deepEqual(Object.keys(grow.detailed), ["size"]);
  });

  it("Snapshot: {volumeId, name}", async () => {
    const v = await admin.volumes.create({ size: 1, name: "src" });
    await admin.volumes.waitFor(v.id, "available");
    const sn = await admin.snapshots.create({ volume_id: v.id, name: "snap" });
    await admin.snapshots.waitFor(sn.id, "available");
    await clean("cinder:index:Snapshot", sn.id, { volumeId: v.id, name: "snap" });
  });

  it("VolumeType: {name} on a public type, {name, isPublic, extraSpecs} on a private one; GroupType: {name}", async () => {
    const pub = await admin.volumeTypes.create({ name: "bronze", extra_specs: { "x:tier": "3" } });
    await clean("cinder:index:VolumeType", pub.id, { name: "bronze", extraSpecs: { "x:tier": "3" } });
    const priv = await admin.volumeTypes.create({ name: "hidden", "os-volume-type-access:is_public": false });
    await clean("cinder:index:VolumeType", priv.id, { name: "hidden" });
    await clean("cinder:index:VolumeType", priv.id, { name: "hidden", isPublic: false });
    const g = await admin.groupTypes.create({ name: "grp" });
    await clean("cinder:index:GroupType", g.id, { name: "grp" });
  });

  it("VolumeTypeAccess, VolumeTypeEncryption: only their required inputs", async () => {
    const priv = await admin.volumeTypes.create({ name: "shared", "os-volume-type-access:is_public": false });
    const project = randomUUID();
    await admin.volumeTypes.addProjectAccess(priv.id, project);
    await clean("cinder:index:VolumeTypeAccess", `${priv.id}/${project}`, { volumeTypeId: priv.id, projectId: project });
    await admin.volumeTypes.createEncryption(priv.id, { provider: "luks", control_location: "front-end" });
    await clean("cinder:index:VolumeTypeEncryption", priv.id, { volumeTypeId: priv.id, provider: "luks", controlLocation: "front-end" });
  });

  it("QosSpec: {name, specs} without consumer (server default and a non-default one); QosAssociation", async () => {
    const q = await admin.qosSpecs.create({ name: "fast", total_iops_sec: "500" } as never);
    await clean("cinder:index:QosSpec", q.id, { name: "fast", specs: { total_iops_sec: "500" } });
    const fe = await admin.qosSpecs.create({ name: "edge", consumer: "front-end" } as never);
    await clean("cinder:index:QosSpec", fe.id, { name: "edge" });
    // Naming another consumer is an in-place update, not a replacement.
    const d = await importInto("cinder:index:QosSpec", fe.id, { name: "edge", consumer: "both" });
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(Object.keys(d.detailed), ["consumer"]);
    const read = await p.call<provproto.ReadResponse>("read", rpc.read("cinder:index:QosSpec", "imported", fe.id));
    const news = { name: "edge", consumer: "both" };
    await p.call("update", rpc.update("cinder:index:QosSpec", "imported", fe.id, js(read.getProperties()), news, js(read.getInputs())));
    const after = await admin.qosSpecs.get(fe.id);
    assert.equal(after.consumer, "both", "the same QoS spec, updated in place");
    const t = await admin.volumeTypes.create({ name: "qos-typed" });
    await admin.qosSpecs.associate(q.id, t.id);
    await clean("cinder:index:QosAssociation", `${q.id}/${t.id}`, { qosSpecId: q.id, volumeTypeId: t.id });
  });

  it("QuotaSet: {projectId, volumes}", async () => {
    const project = randomUUID();
    await admin.quotas.update(project, { volumes: 9 } as never);
    await clean("cinder:index:QuotaSet", project, { projectId: project, volumes: 9 });
  });
});
