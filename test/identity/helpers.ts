/** Shared by the identity suites: a builtin-auth server, logging in, and Keystone fault assertions. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Client, Response } from "../helpers/client";
import { startServer, type Dialect, type TestServer } from "../helpers/server";
import type { Config } from "../../server/src/config";

export interface IdentityServer {
  s: TestServer;
  c: Client;
  adminPassword: string;
  /** A token of admin scoped to the admin project. */
  adminToken: string;
}

export async function adminPasswordOf(dataDir: string): Promise<string> {
  return (await readFile(path.join(dataDir, "admin-password"), "utf8")).trim();
}

export async function startIdentity(dialect: Dialect, overrides: Partial<Config> = {}): Promise<IdentityServer> {
  const s = await startServer(dialect, { auth: "builtin", ...overrides });
  const adminPassword = await adminPasswordOf(s.dataDir);
  const c = s.client.as(null);
  const adminToken = await login(c, { user: "admin", password: adminPassword, project: "admin" });
  return { s, c, adminPassword, adminToken };
}

export function passwordAuth(user: string, password: string, scope?: unknown) {
  return {
    auth: {
      identity: { methods: ["password"], password: { user: { name: user, domain: { name: "Default" }, password } } },
      ...(scope !== undefined ? { scope } : {}),
    },
  };
}

export const projectScope = (name: string) => ({ project: { name, domain: { name: "Default" } } });

/** Log in (project-scoped when `project` is given, else as the user's default) and return the token. */
export async function login(c: Client, o: { user: string; password: string; project?: string; unscoped?: boolean }): Promise<string> {
  const scope = o.unscoped ? "unscoped" : o.project ? projectScope(o.project) : undefined;
  const r = await c.post("/identity/v3/auth/tokens", passwordAuth(o.user, o.password, scope), { token: null });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const token = r.headers.get("x-subject-token");
  assert.ok(token, "X-Subject-Token");
  return token;
}

/** Assert Keystone's fault body `{"error": {"code", "message", "title"}}`. */
export function assertKsFault(r: Response, status: number, message?: string | RegExp): void {
  const where = `answer ${r.status} ${JSON.stringify(r.body)?.slice(0, 400)}`;
  assert.equal(r.status, status, where);
  assert.ok(r.body && typeof r.body === "object" && r.body.error, where);
  assert.equal(r.body.error.code, status, where);
  const titles: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
  };
  assert.equal(r.body.error.title, titles[status], where);
  if (typeof message === "string") assert.equal(r.body.error.message, message, where);
  else if (message) assert.match(r.body.error.message, message, where);
}

/** Create a project, a user with a password and a role on it, as the admin; return their ids. */
export async function provision(
  c: Client,
  adminToken: string,
  o: { project: string; user: string; password: string; role: string },
): Promise<{ projectId: string; userId: string; roleId: string }> {
  const admin = c.as(adminToken);
  let p = await admin.get(`/identity/v3/projects?name=${encodeURIComponent(o.project)}`);
  let projectId: string = p.body.projects[0]?.id;
  if (!projectId) {
    p = await admin.post("/identity/v3/projects", { project: { name: o.project } });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    projectId = p.body.project.id;
  }
  const u = await admin.post("/identity/v3/users", { user: { name: o.user, password: o.password, default_project_id: projectId } });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  const roles = await admin.get(`/identity/v3/roles?name=${o.role}`);
  const roleId = roles.body.roles[0].id;
  const g = await admin.put(`/identity/v3/projects/${projectId}/users/${u.body.user.id}/roles/${roleId}`);
  assert.equal(g.status, 204);
  return { projectId, userId: u.body.user.id, roleId };
}
