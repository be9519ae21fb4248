/**
 * The plugin configured as a Pulumi program would be on a real cloud: Keystone password
 * authentication (the server's built-in identity), the endpoint found in the catalog, the password
 * sent as a secret; then a volume created, read and deleted through it.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { startServer, type TestServer } from "../helpers/server";
import { js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

const V = "cinder:index:Volume";

describe("provider with Keystone password authentication (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let p: Plugin;
  let admin: CinderClient;
  let password = "";

  before(async () => {
    s = await startServer("sqlite", { auth: "builtin" });
    password = (await readFile(path.join(s.dataDir, "admin-password"), "utf8")).trim();
    p = await startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "" });
    admin = await connect({
      env: {},
      auth: { type: "password", authUrl: `${s.url}/identity/v3`, username: "admin", password, projectName: "admin", userDomainName: "Default", projectDomainName: "Default" },
    });
  });
  after(async () => {
    await p?.stop();
    await s?.destroy();
  });

  it("logs in with a password, finds the endpoint in the catalog, and manages a volume", async () => {
    const config = {
      authUrl: `${s.url}/identity/v3`,
      username: "admin",
      password: secret(password),
      projectName: "admin",
      userDomainName: "Default",
      projectDomainName: "Default",
    };
    const wrong = new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", { ...config, password: secret("not-it") }).getNews()!).setAcceptsecrets(true);
    const refused = await p.call("configure", wrong).then(
      () => p.call("create", rpc.create(V, "nope", { size: 1, name: "nope" }, { timeout: 30 })),
    ).catch((e: Error) => e);
    assert.ok(refused instanceof Error, "a wrong password must not create anything");
    assert.match(refused.message, /401|authenticat/i);

    await p.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", config).getNews()!).setAcceptsecrets(true));
    const created = await p.call<provproto.CreateResponse>("create", rpc.create(V, "kv", { size: 1, name: "kv" }, { timeout: 60 }));
    const id = created.getId();
    assert.equal(js(created.getProperties()).status, "available");
    const onServer = await admin.volumes.get(id);
    assert.equal(onServer.name, "kv");
    const read = await p.call<provproto.ReadResponse>("read", rpc.read(V, "kv", id));
    assert.equal(read.getId(), id);
    await p.call("delete", rpc.delete(V, "kv", id, js(created.getProperties()), { timeout: 60 }));
    await assert.rejects(admin.volumes.get(id), { name: "NotFound" });
  });
});
