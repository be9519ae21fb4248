/**
 * The plugin configured with an application credential of the server's built-in identity (as a
 * Pulumi program on a real cloud would be, the secret sent as a secret): a member's credential
 * logs in, the endpoint comes from the catalog, and a volume is created, read and deleted in the
 * member's project; a wrong secret creates nothing.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { startServer, type TestServer } from "../helpers/server";
import { js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

const V = "cinder:index:Volume";

describe("provider with application-credential authentication (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let p: Plugin;
  let member: CinderClient;
  let projectId: string;
  let cred: { id: string; secret: string };

  before(async () => {
    s = await startServer("sqlite", { auth: "builtin" });
    const password = (await readFile(path.join(s.dataDir, "admin-password"), "utf8")).trim();
    const authUrl = `${s.url}/identity/v3`;
    const admin = await connect({
      env: {},
      auth: { type: "password", authUrl, username: "admin", password, projectName: "admin", userDomainName: "Default", projectDomainName: "Default" },
    });
    const project = await admin.request("post", "/identity/v3/projects", { body: { project: { name: "prov-appcred" } }, ok: [201] });
    projectId = project.data.project.id;
    const user = await admin.request("post", "/identity/v3/users", { body: { user: { name: "prov-appcred", password: "prov-pw" } }, ok: [201] });
    const roles = await admin.request("get", "/identity/v3/roles", { query: { name: "member" }, ok: [200] });
    await admin.request("put", "/identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id}", {
      path: { project_id: projectId, user_id: user.data.user.id, role_id: roles.data.roles[0].id },
      ok: [204],
    });
    member = await connect({ env: {}, auth: { type: "password", authUrl, username: "prov-appcred", password: "prov-pw", projectName: "prov-appcred" } });
    const made = await member.request("post", "/identity/v3/users/{user_id}/application_credentials", {
      path: { user_id: user.data.user.id },
      body: { application_credential: { name: "pulumi" } },
      ok: [201],
    });
    cred = { id: made.data.application_credential.id, secret: made.data.application_credential.secret };
    p = await startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "", OS_CLOUD: "", OS_APPLICATION_CREDENTIAL_ID: "", OS_APPLICATION_CREDENTIAL_SECRET: "" });
  });
  after(async () => {
    await p?.stop();
    await s?.destroy();
  });

  it("logs in with the credential, finds the endpoint in the catalog, and manages a volume in its project", async () => {
    const config = { authUrl: `${s.url}/identity/v3`, applicationCredentialId: cred.id, applicationCredentialSecret: secret(cred.secret) };
    const wrong = new provproto.ConfigureRequest()
      .setArgs(rpc.check("x", "x", { ...config, applicationCredentialSecret: secret("not-it") }).getNews()!)
      .setAcceptsecrets(true);
    const refused = await p.call("configure", wrong).then(
      () => p.call("create", rpc.create(V, "nope", { size: 1, name: "nope" }, { timeout: 30 })),
    ).catch((e: Error) => e);
    assert.ok(refused instanceof Error, "a wrong secret must not create anything");
    assert.match(refused.message, /401|authenticat/i);

    await p.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", config).getNews()!).setAcceptsecrets(true));
    const created = await p.call<provproto.CreateResponse>("create", rpc.create(V, "ac", { size: 1, name: "ac" }, { timeout: 60 }));
    const id = created.getId();
    assert.equal(js(created.getProperties()).status, "available");
    const onServer = await member.volumes.get(id);
    assert.equal(onServer.name, "ac");
    assert.equal(member.projectId, projectId);
    const read = await p.call<provproto.ReadResponse>("read", rpc.read(V, "ac", id));
    assert.equal(read.getId(), id);
    await p.call("delete", rpc.delete(V, "ac", id, js(created.getProperties()), { timeout: 60 }));
    await assert.rejects(member.volumes.get(id), { name: "NotFound" });
  });
});
