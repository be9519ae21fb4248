/**
 * No secret in a log line: with every log level on, a run of logins (good and bad), validations,
 * revocations, user creation, password changes and application credentials (created, used, listed)
 * must leave no password, no secret and no token in the log.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "../helpers/client";
import { DIALECTS, makeDb } from "../helpers/server";
import { buildApp } from "../../server/src/app";
import { defaults } from "../../server/src/config";
import { createLogger } from "../../server/src/log";
import { adminPasswordOf, passwordAuth, projectScope } from "./helpers";

const TOKENS = "/identity/v3/auth/tokens";

for (const dialect of DIALECTS) {
  describe(`identity: no secret in the logs (${dialect})`, () => {
    it("passwords and tokens never reach a log line, at level trace", async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-secrets-"));
      const db = await makeDb(dialect, dataDir);
      const lines: string[] = [];
      const log = createLogger("trace", { write: (s: string) => void lines.push(s) });
      const app = await buildApp({ ...defaults(dataDir), host: "testhost", auth: "builtin", db: db.url, statsIntervalMs: 1000 }, log);
      try {
        await app.http.listen({ port: 0, host: "127.0.0.1" });
        const url = `http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`;
        const c = new Client(url, null);
        const adminPassword = await adminPasswordOf(dataDir);
        const secrets = [adminPassword, "user-secret-1", "user-secret-2", "wrong-secret-3", "typed-secret-4"];

        const ok = await c.post(TOKENS, passwordAuth("admin", adminPassword, projectScope("admin")));
        const adminToken = ok.headers.get("x-subject-token")!;
        const admin = c.as(adminToken);
        await c.post(TOKENS, passwordAuth("admin", "wrong-secret-3"));
        await c.post(TOKENS, { auth: { identity: { methods: ["password"], password: { user: { name: "admin", domain: { name: "Default" }, password: ["typed-secret-4"] } } } } });
        const project = (await admin.post("/identity/v3/projects", { project: { name: "logs" } })).body.project;
        const user = (await admin.post("/identity/v3/users", { user: { name: "u", password: "user-secret-1", default_project_id: project.id } })).body.user;
        const roles = (await admin.get("/identity/v3/roles?name=member")).body.roles;
        await admin.put(`/identity/v3/projects/${project.id}/users/${user.id}/roles/${roles[0].id}`);
        const userOk = await c.post(TOKENS, passwordAuth("u", "user-secret-1"));
        const userToken = userOk.headers.get("x-subject-token")!;
        secrets.push(adminToken, userToken);
        await admin.get(TOKENS, { headers: { "X-Subject-Token": userToken } });
        await admin.call("HEAD", TOKENS, { headers: { "X-Subject-Token": userToken } });
        await c.as(userToken).get(`/v3/${project.id}/volumes`);
        await c.as(userToken).get(`/v3/${project.id}/volumes`, { headers: { "X-Subject-Token": userToken } });
        await c.as(userToken).get(TOKENS, { headers: { "X-Subject-Token": adminToken } }); // 403
        // Application credentials: a given and a generated secret, logins with them (right and wrong), list and show.
        const ACS = `/identity/v3/users/${user.id}/application_credentials`;
        const given = (await c.as(userToken).post(ACS, { application_credential: { name: "logs-1", secret: "appcred-secret-5" } })).body.application_credential;
        const generated = (await c.as(userToken).post(ACS, { application_credential: { name: "logs-2" } })).body.application_credential;
        secrets.push("appcred-secret-5", "wrong-appcred-6", generated.secret);
        const acAuth = (cred: Record<string, unknown>) => ({ auth: { identity: { methods: ["application_credential"], application_credential: cred } } });
        const acOk = await c.post(TOKENS, acAuth({ id: generated.id, secret: generated.secret }));
        secrets.push(acOk.headers.get("x-subject-token")!);
        await c.post(TOKENS, acAuth({ id: given.id, secret: "wrong-appcred-6" }));
        await c.post(TOKENS, acAuth({ name: "logs-1", secret: "appcred-secret-5", user: { id: user.id } }));
        await c.post(TOKENS, acAuth({ id: given.id, secret: ["wrong-appcred-6"] }));
        await c.as(userToken).get(ACS);
        await c.as(userToken).get(`${ACS}/${given.id}`);
        await c.post(`/identity/v3/users/${user.id}/password`, { user: { original_password: "user-secret-1", password: "user-secret-2" } });
        await c.post(`/identity/v3/users/${user.id}/password`, { user: { original_password: "wrong-secret-3", password: "user-secret-2" } });
        await admin.delete(TOKENS, { headers: { "X-Subject-Token": userToken } });
        await c.as(userToken).get(`/v3/${project.id}/volumes`); // revoked: 401
        await c.post(TOKENS, { auth: { identity: { methods: ["token"], token: { id: userToken } } } });

        const text = lines.join("");
        assert.ok(lines.length > 20, `the log was written (${lines.length} lines)`);
        assert.match(text, /request refused/, "refusals are logged at debug");
        assert.match(text, /identity\/password\/user\/password/, "the refused password's field is named in the log (its value is not)");
        for (const s of secrets) assert.ok(!text.includes(s), `a secret (${s.slice(0, 4)}...) appears in the log`);
      } finally {
        await app.close();
        await db.drop();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}
