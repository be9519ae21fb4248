/**
 * Deleting an attached volume: with `detachOnDelete: false` the provider fails at once and names
 * the attachment (a `reserved` or `in-use` volume never settles by itself, so no timeout is waited
 * out); by default it ends the attachments first, says so in the engine's log, and deletes.
 */
import assert from "node:assert/strict";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { startServer, type TestServer } from "../helpers/server";
import { startEngineStub, type EngineStub } from "./engine-stub";
import { js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

const V = "cinder:index:Volume";
const SERVER = "11111111-2222-4333-8444-555555555555";

describe("provider: deleting an attached volume (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let engine: EngineStub;
  let p: Plugin;
  let admin: CinderClient;

  before(async () => {
    [s, engine] = await Promise.all([startServer("sqlite"), startEngineStub()]);
    [p, admin] = await Promise.all([
      startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "" }, [engine.address]),
      connect({ env: {}, endpoint: s.url, auth: { type: "noauth", userId: "admin", projectId: "admin" } }),
    ]);
    const cfg = rpc.check("pulumi:providers:cinder", "default", { endpoint: s.url, projectId: "admin", token: secret("admin:admin") }).getNews()!;
    await p.call("configure", new provproto.ConfigureRequest().setArgs(cfg).setAcceptsecrets(true));
  });
  after(async () => {
    await p?.stop();
    await engine?.stop();
    await s?.destroy();
  });

  async function volume(name: string, extra: object = {}) {
    const checked = js((await p.call<provproto.CheckResponse>("check", rpc.check(V, name, { size: 1, ...extra }))).getInputs());
    const r = await p.call<provproto.CreateResponse>("create", rpc.create(V, name, checked, { timeout: 60 }));
    return { id: r.getId(), outs: js(r.getProperties()) };
  }
  /** Delete with the engine's default timeout (none given: the resource's 600 s), timed. */
  async function timedDelete(name: string, v: { id: string; outs: object }) {
    const t0 = Date.now();
    try {
      await p.call("delete", rpc.delete(V, name, v.id, v.outs));
      return { ms: Date.now() - t0 };
    } catch (e) {
      return { ms: Date.now() - t0, error: (e as Error).message };
    }
  }

  it("detachOnDelete: false fails fast on an in-use volume, naming the attachment and its server", async () => {
    const v = await volume("pinned", { detachOnDelete: false });
    const a = await admin.attachments.create({ volume_uuid: v.id, instance_uuid: SERVER, connector: { initiator: "iqn.2004-10.com.example:t", ip: "127.0.0.1", host: "h" } });
    await admin.attachments.complete(a);
    assert.equal((await admin.volumes.get(v.id)).status, "in-use");
    const r = await timedDelete("pinned", v);
    assert.ok(r.ms < 10_000, `failed after ${r.ms} ms`);
    assert.match(r.error ?? "", new RegExp(`volume ${v.id} is in-use \\(attachment ${a.id} \\(server ${SERVER}\\)`));
    assert.match(r.error ?? "", /detachOnDelete: true/);
    assert.equal((await admin.volumes.get(v.id)).status, "in-use", "nothing changed");
    await admin.attachments.delete(a);
  });

  it("detachOnDelete: false fails fast on a reserved volume too", async () => {
    const v = await volume("reserved", { detachOnDelete: false });
    const a = await admin.attachments.create({ volume_uuid: v.id, instance_uuid: SERVER });
    assert.equal((await admin.volumes.get(v.id)).status, "reserved");
    const r = await timedDelete("reserved", v);
    assert.ok(r.ms < 10_000, `failed after ${r.ms} ms`);
    assert.match(r.error ?? "", new RegExp(`volume ${v.id} is reserved \\(attachment ${a.id}`));
    await admin.attachments.delete(a);
  });

  it("by default: reserved and in-use volumes are detached, the engine is told, then deleted", async () => {
    const reserved = await volume("r2");
    const ra = await admin.attachments.create({ volume_uuid: reserved.id, instance_uuid: SERVER });
    const inUse = await volume("u2");
    const ua = await admin.attachments.create({ volume_uuid: inUse.id, instance_uuid: SERVER, connector: { initiator: "iqn.2004-10.com.example:t", ip: "127.0.0.1", host: "h" } });
    await admin.attachments.complete(ua);
    for (const [name, v, a] of [["r2", reserved, ra], ["u2", inUse, ua]] as const) {
      const r = await timedDelete(name, v);
      assert.equal(r.error, undefined);
      await assert.rejects(admin.volumes.get(v.id), { name: "NotFound" });
      const said = await engine.waitFor(new RegExp(`volume ${v.id}: detaching attachment ${a.id}`));
      assert.match(said.urn, new RegExp(`::${name}$`));
    }
  });

  it("a legacy reserve (attaching, no attachment) is unreserved, then deleted", async () => {
    const v = await volume("legacy");
    await admin.volumes.reserve(v.id);
    const r = await timedDelete("legacy", v);
    assert.equal(r.error, undefined);
    assert.ok(r.ms < 30_000);
    await assert.rejects(admin.volumes.get(v.id), { name: "NotFound" });
  });
});
