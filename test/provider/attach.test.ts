/**
 * PULUMI_DEBUG_PROVIDERS=cinder:<port>: the provider is started first (no engine address), then
 * the engine dials it and calls Handshake and Attach with its own address, exactly in that order
 * (pulumi sdk/go/common/resource/plugin/provider_plugin.go). The engine here is a real gRPC Engine
 * service; the test checks that the provider logs to it and then serves a whole lifecycle.
 */
import assert from "node:assert/strict";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import { startServer, type TestServer } from "../helpers/server";
import { startEngineStub, type EngineStub } from "./engine-stub";
import { empty, js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

const V = "cinder:index:Volume";

describe("provider attach (PULUMI_DEBUG_PROVIDERS)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let engine: EngineStub;
  let p: Plugin;

  before(async () => {
    [s, engine] = await Promise.all([startServer("sqlite"), startEngineStub()]);
    p = await startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "" }, []);
  });
  after(async () => {
    await p?.stop();
    await engine?.stop();
    await s?.destroy();
  });

  it("Handshake names the protocol features; Attach connects to the engine and logs there", async () => {
    const hs = await p.call<provproto.ProviderHandshakeResponse>(
      "handshake",
      new provproto.ProviderHandshakeRequest().setEngineAddress(engine.address).setRootDirectory("/tmp").setProgramDirectory("/tmp"),
    );
    assert.equal(hs.getAcceptSecrets(), true);
    assert.equal(hs.getAcceptResources(), true);
    await p.call("attach", new plugproto.PluginAttach().setAddress(engine.address));
    const hello = await engine.waitFor(/attached to the engine at 127\.0\.0\.1:\d+/);
    assert.match(hello.message, /cinder provider 0\.1\.0/);
    await assert.rejects(p.call("attach", new plugproto.PluginAttach().setAddress("")), /engine's address/);
  });

  it("after attaching, the engine drives a lifecycle as usual", async () => {
    const info = await p.call<plugproto.PluginInfo>("getPluginInfo", empty());
    assert.equal(info.getVersion(), "0.1.0");
    const cfg = rpc.check("pulumi:providers:cinder", "default", { endpoint: s.url, projectId: "admin", token: secret("admin:admin") }).getNews()!;
    await p.call("configure", new provproto.ConfigureRequest().setArgs(cfg).setAcceptsecrets(true));
    const checked = js((await p.call<provproto.CheckResponse>("check", rpc.check(V, "dbg", { size: 1 }))).getInputs());
    const created = await p.call<provproto.CreateResponse>("create", rpc.create(V, "dbg", checked, { timeout: 60 }));
    assert.equal(js(created.getProperties()).status, "available");
    await p.call("delete", rpc.delete(V, "dbg", created.getId(), js(created.getProperties()), { timeout: 60 }));
  });
});
