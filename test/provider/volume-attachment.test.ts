/**
 * cinder:index:VolumeAttachment over the attachments API against a live server: a connector gives
 * a completed attachment (volume `in-use`) whose `connectionInfo` comes back as a secret on the
 * wire; no connector only reserves; import by id; delete frees the volume; a changed input replaces.
 */
import assert from "node:assert/strict";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { startServer, type TestServer } from "../helpers/server";
import { js, provproto, rpc, secret, SECRET, SIG, startPlugin, type Plugin } from "./harness";

const A = "cinder:index:VolumeAttachment";
const CONNECTOR = { initiator: "iqn.2004-10.com.example:host1", ip: "127.0.0.1", host: "host1", multipath: false, platform: "x86_64", os_type: "linux" };
const SERVER = "11111111-2222-4333-8444-555555555555";

describe("provider: VolumeAttachment (sqlite)", function () {
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

  const check = async (name: string, news: object) => {
    const r = await p.call<provproto.CheckResponse>("check", rpc.check(A, name, news));
    return { inputs: js(r.getInputs()), failures: r.getFailuresList().map((f) => f.getReason()) };
  };

  it("attach with a connector: in-use, connectionInfo secret; import; delete frees the volume", async () => {
    const v = await admin.volumes.waitFor(await admin.volumes.create({ size: 1 }), "available");
    const c = await check("att", { volumeId: v.id, instanceId: SERVER, connector: CONNECTOR, mode: "rw" });
    assert.deepEqual(c.failures, []);
    const r = await p.call<provproto.CreateResponse>("create", rpc.create(A, "att", c.inputs, { timeout: 60 }));
    const outs = js(r.getProperties());
    assert.equal(outs.status, "attached");
    assert.equal(outs.connectionInfo[SIG], SECRET, "connectionInfo is a secret on the wire");
    assert.equal(typeof outs.connectionInfo.value.driver_volume_type, "string");
    const onServer = await admin.volumes.get(v.id);
    assert.equal(onServer.status, "in-use");
    assert.equal(onServer.attachments[0].attachment_id, r.getId());

    const read = await p.call<provproto.ReadResponse>("read", rpc.read(A, "att", r.getId()));
    assert.deepEqual(js(read.getInputs()), { volumeId: v.id, instanceId: SERVER });
    const d = await p.call<provproto.DiffResponse>("diff", rpc.diff(A, "att", r.getId(), outs, { ...c.inputs, mode: "ro" }, c.inputs));
    assert.deepEqual(d.getReplacesList(), ["mode"]);

    await p.call("delete", rpc.delete(A, "att", r.getId(), outs));
    assert.equal((await admin.volumes.get(v.id)).status, "available");
    assert.equal((await p.call<provproto.ReadResponse>("read", rpc.read(A, "att", r.getId()))).getId(), "", "gone");
  });

  it("without a connector the volume is only reserved; a missing volumeId is named", async () => {
    const v = await admin.volumes.waitFor(await admin.volumes.create({ size: 1 }), "available");
    const r = await p.call<provproto.CreateResponse>("create", rpc.create(A, "res", (await check("res", { volumeId: v.id, instanceId: SERVER })).inputs));
    assert.equal(js(r.getProperties()).status, "reserved");
    assert.equal((await admin.volumes.get(v.id)).status, "reserved");
    await p.call("delete", rpc.delete(A, "res", r.getId(), js(r.getProperties())));
    assert.equal((await admin.volumes.get(v.id)).status, "available");
    assert.match((await check("bad", { instanceId: SERVER })).failures.join(), /Missing required property 'volumeId'/);
  });
});
