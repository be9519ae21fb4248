/**
 * Live, on the server's built-in identity: a member creates an application credential through
 * the SDK, and the SDK then connects with it (v3applicationcredential, by id and by name plus
 * user) and works the volume API as that member — and no more.
 */
import assert from "node:assert/strict";
import { connect, Forbidden, Unauthorized, type CinderClient } from "../../sdk/src";
import { liveServer, QUICK, type LiveServer } from "./helpers";

describe("sdk live: application credentials on the built-in identity", function () {
  this.timeout(120_000);
  let live: LiveServer;
  let member: CinderClient;
  let projectId: string;
  let userId: string;
  let cred: { id: string; secret: string };

  before(async () => {
    live = await liveServer("builtin");
    const admin = await connect(live.options);
    const project = await admin.request("post", "/identity/v3/projects", { body: { project: { name: "sdk-appcred" } }, ok: [201] });
    projectId = project.data.project.id;
    const user = await admin.request("post", "/identity/v3/users", {
      body: { user: { name: "sdk-appcred-user", password: "appcred-pw", default_project_id: projectId } },
      ok: [201],
    });
    userId = user.data.user.id;
    const roles = await admin.request("get", "/identity/v3/roles", { query: { name: "member" }, ok: [200] });
    await admin.request("put", "/identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id}", {
      path: { project_id: projectId, user_id: userId, role_id: roles.data.roles[0].id },
      ok: [204],
    });
    member = await connect({
      env: {},
      auth: { type: "password", authUrl: live.env.OS_AUTH_URL, username: "sdk-appcred-user", password: "appcred-pw", projectName: "sdk-appcred" },
    });
    const made = await member.request("post", "/identity/v3/users/{user_id}/application_credentials", {
      path: { user_id: userId },
      body: { application_credential: { name: "sdk-app" } },
      ok: [201],
    });
    cred = { id: made.data.application_credential.id, secret: made.data.application_credential.secret };
  });
  after(async () => live?.s.destroy());

  it("OS_AUTH_TYPE=v3applicationcredential by id: lists and creates volumes as the member, no admin API", async () => {
    const c = await connect({
      env: {
        OS_AUTH_URL: live.env.OS_AUTH_URL,
        OS_AUTH_TYPE: "v3applicationcredential",
        OS_APPLICATION_CREDENTIAL_ID: cred.id,
        OS_APPLICATION_CREDENTIAL_SECRET: cred.secret,
      },
    });
    assert.equal(c.projectId, projectId);
    assert.equal(c.endpoint, member.endpoint);
    const v = await c.volumes.waitFor(await c.volumes.create({ size: 1, name: "via-app-cred" }), "available", QUICK);
    const listed = await c.volumes.list().all();
    assert.ok(listed.some((x) => x.id === v.id && x.name === "via-app-cred"));
    assert.equal((await member.volumes.get(v.id)).user_id, userId, "made as the credential's user");
    await assert.rejects(c.services.list(), Forbidden);
    await c.volumes.delete(v);
    await c.volumes.waitForDeleted(v, QUICK);
  });

  it("by name with the user (connect's auth option), and a wrong secret is an Unauthorized", async () => {
    const c = await connect({
      env: {},
      auth: {
        type: "application_credential",
        authUrl: live.env.OS_AUTH_URL,
        applicationCredentialName: "sdk-app",
        applicationCredentialSecret: cred.secret,
        username: "sdk-appcred-user",
        userDomainName: "Default",
      },
    });
    assert.ok(Array.isArray(await c.volumes.list().all()));
    const e = await connect({
      env: {},
      auth: { type: "application_credential", authUrl: live.env.OS_AUTH_URL, applicationCredentialId: cred.id, applicationCredentialSecret: "not-it" },
    }).catch((x) => x);
    assert.ok(e instanceof Unauthorized, String(e));
  });
});
