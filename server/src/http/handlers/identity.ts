/**
 * The built-in Keystone v3 subset at /identity (keystone/api/*.py) and the Image service's version
 * document at /image (glance/api/versions.py). Thin: each handler calls one function
 * of server/src/identity (which checks policy and state) and renders a view.
 */
import { authenticate, type AuthRequest, catalogProject, revokeSubject, subjectToken } from "../../identity/authenticate";
import { catalog } from "../../identity/catalog";
import * as catalogApi from "../../identity/catalog-api";
import * as projects from "../../identity/projects";
import * as roles from "../../identity/roles";
import * as users from "../../identity/users";
import {
  assignmentView,
  collectionLinks,
  domainView,
  endpointView,
  identityBase,
  projectView,
  regionView,
  roleView,
  serviceView,
  tokenView,
  userView,
} from "../../identity/views";
import type { LoginAttempt } from "../../identity/lockout";
import type { Handlers, HandlerRequest } from "../handler";

type IdentityOperation =
  | "listIdentityVersions"
  | "showIdentityVersion"
  | "getAuthCatalog"
  | "listAuthProjects"
  | "revokeToken"
  | "validateToken"
  | "checkToken"
  | "issueToken"
  | "listDomains"
  | "showDomain"
  | "listProjects"
  | "createProject"
  | "deleteProject"
  | "showProject"
  | "updateProject"
  | "listProjectUserRoles"
  | "revokeProjectRole"
  | "checkProjectRole"
  | "grantProjectRole"
  | "listRoleAssignments"
  | "listRoles"
  | "createRole"
  | "showRole"
  | "listUsers"
  | "createUser"
  | "deleteUser"
  | "showUser"
  | "updateUser"
  | "changeUserPassword"
  | "listIdentityServices"
  | "showIdentityService"
  | "listEndpoints"
  | "showEndpoint"
  | "listRegions"
  | "showRegion"
  | "listImageVersions";

function deps(req: HandlerRequest<unknown>): projects.IdentityDeps {
  const tokens = req.svc.identity.tokens;
  // The HTTP layer serves /identity only in builtin mode, where the token service exists.
  if (!tokens) throw new Error("the identity API needs the built-in token service");
  const c = req.svc.config;
  return { db: req.svc.db.kysely, tokens, passwordRules: { regex: c.passwordRegex, description: c.passwordRegexDescription, minLength: c.passwordMinLength } };
}

/** A password check's caller, for the login guard (failed-login throttling). */
function loginAttempt(req: HandlerRequest<unknown>): LoginAttempt {
  const guard = req.svc.identity.logins;
  if (!guard) throw new Error("the identity API needs the built-in login guard");
  return { guard, client: req.ctx.clientIp ?? "unknown" };
}

const base = (req: HandlerRequest<unknown>) => identityBase(req.link.origin);

/** A collection's `links.self`: the URL that was asked, query included. */
function self(req: HandlerRequest<unknown>, path: string): string {
  const qs = new URLSearchParams(req.query).toString();
  return `${base(req)}${path}${qs ? `?${qs}` : ""}`;
}

function header(req: HandlerRequest<unknown>, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** keystone/api/discovery.py: Identity API v3.14. */
function identityVersion(origin: string) {
  return {
    id: "v3.14",
    status: "stable" as const,
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${identityBase(origin)}/` }],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
  };
}

/** glance/api/versions.py: v2.0 to v2.16, newest first. */
export function imageVersions(origin: string) {
  const minors = Array.from({ length: 17 }, (_, i) => 16 - i);
  return minors.map((m) => ({
    id: `v2.${m}`,
    status: m === 16 ? ("CURRENT" as const) : ("SUPPORTED" as const),
    links: [{ rel: "self", href: `${origin}/image/v2/` }],
  }));
}

export const identityHandlers: Pick<Handlers, IdentityOperation> = {
  listIdentityVersions: async (req) => ({ body: { versions: { values: [identityVersion(req.link.origin)] } } }),
  showIdentityVersion: async (req) => ({ body: { version: identityVersion(req.link.origin) } }),

  issueToken: async (req) => {
    const { token, info } = await authenticate(req.svc.db.kysely, deps(req).tokens, req.body.auth as unknown as AuthRequest, loginAttempt(req));
    return { headers: { "X-Subject-Token": token }, body: tokenView(req.link.origin, info, req.query.nocatalog === undefined) };
  },
  validateToken: async (req) => {
    const subject = header(req, "x-subject-token");
    const info = await subjectToken(deps(req).tokens, req.ctx, subject, "identity:validate_token");
    return { headers: { "X-Subject-Token": subject! }, body: tokenView(req.link.origin, info, req.query.nocatalog === undefined) };
  },
  checkToken: async (req) => {
    const subject = header(req, "x-subject-token");
    await subjectToken(deps(req).tokens, req.ctx, subject, "identity:check_token");
    return { headers: { "X-Subject-Token": subject! } };
  },
  revokeToken: async (req) => {
    await revokeSubject(deps(req).tokens, req.ctx, header(req, "x-subject-token"));
    return {};
  },
  getAuthCatalog: async (req) => ({
    body: { catalog: catalog(req.link.origin, catalogProject(req.ctx)), links: collectionLinks(self(req, "/auth/catalog")) },
  }),
  listAuthProjects: async (req) => {
    const rows = await projects.authProjects(deps(req), req.ctx);
    return { body: { projects: rows.map((p) => projectView(base(req), p)), links: collectionLinks(self(req, "/auth/projects")) } };
  },

  listDomains: async (req) => {
    const rows = await projects.listDomains(deps(req), req.ctx, req.query);
    return { body: { domains: rows.map((d) => domainView(base(req), d)), links: collectionLinks(self(req, "/domains")) } };
  },
  showDomain: async (req) => ({ body: { domain: domainView(base(req), await projects.showDomain(deps(req), req.ctx, req.params.domain_id)) } }),

  listProjects: async (req) => {
    const rows = await projects.listProjects(deps(req), req.ctx, req.query);
    return { body: { projects: rows.map((p) => projectView(base(req), p)), links: collectionLinks(self(req, "/projects")) } };
  },
  showProject: async (req) => ({ body: { project: projectView(base(req), await projects.showProject(deps(req), req.ctx, req.params.project_id)) } }),
  createProject: async (req) => {
    const row = await projects.createProject(deps(req), req.ctx, req.body.project as projects.ProjectInput & { name: string });
    return { body: { project: projectView(base(req), row) } };
  },
  updateProject: async (req) => {
    const row = await projects.updateProject(deps(req), req.ctx, req.params.project_id, req.body.project as projects.ProjectInput);
    return { body: { project: projectView(base(req), row) } };
  },
  deleteProject: async (req) => {
    await projects.deleteProject(deps(req), req.ctx, req.params.project_id);
    return {};
  },

  listUsers: async (req) => {
    const rows = await users.listUsers(deps(req), req.ctx, req.query);
    return { body: { users: rows.map((u) => userView(base(req), u)), links: collectionLinks(self(req, "/users")) } };
  },
  showUser: async (req) => ({ body: { user: userView(base(req), await users.showUser(deps(req), req.ctx, req.params.user_id)) } }),
  createUser: async (req) => {
    const row = await users.createUser(deps(req), req.ctx, req.body.user as users.UserInput & { name: string });
    return { body: { user: userView(base(req), row) } };
  },
  updateUser: async (req) => {
    const row = await users.updateUser(deps(req), req.ctx, req.params.user_id, req.body.user as users.UserInput);
    return { body: { user: userView(base(req), row) } };
  },
  deleteUser: async (req) => {
    await users.deleteUser(deps(req), req.ctx, req.params.user_id);
    return {};
  },
  changeUserPassword: async (req) => {
    await users.changePassword(deps(req), loginAttempt(req), req.params.user_id, req.body.user.original_password, req.body.user.password);
    return {};
  },

  listRoles: async (req) => {
    const rows = await roles.listRoles(deps(req), req.ctx, req.query);
    return { body: { roles: rows.map((r) => roleView(base(req), r)), links: collectionLinks(self(req, "/roles")) } };
  },
  showRole: async (req) => ({ body: { role: roleView(base(req), await roles.showRole(deps(req), req.ctx, req.params.role_id)) } }),
  createRole: async (req) => {
    const row = await roles.createRole(deps(req), req.ctx, req.body.role as roles.RoleInput);
    return { body: { role: roleView(base(req), row) } };
  },
  grantProjectRole: async (req) => {
    await roles.grantRole(deps(req), req.ctx, req.params.project_id, req.params.user_id, req.params.role_id);
    return {};
  },
  checkProjectRole: async (req) => {
    await roles.checkRole(deps(req), req.ctx, req.params.project_id, req.params.user_id, req.params.role_id);
    return {};
  },
  revokeProjectRole: async (req) => {
    await roles.revokeRole(deps(req), req.ctx, req.params.project_id, req.params.user_id, req.params.role_id);
    return {};
  },
  listProjectUserRoles: async (req) => {
    const rows = await roles.listGrants(deps(req), req.ctx, req.params.project_id, req.params.user_id);
    return {
      body: {
        roles: rows.map((r) => roleView(base(req), r)),
        links: collectionLinks(self(req, `/projects/${req.params.project_id}/users/${req.params.user_id}/roles`)),
      },
    };
  },
  listRoleAssignments: async (req) => {
    const rows = await roles.listAssignments(deps(req), req.ctx, req.query);
    const names = req.query.include_names !== undefined && req.query.include_names !== "0";
    return {
      body: { role_assignments: rows.map((a) => assignmentView(base(req), a, names)), links: collectionLinks(self(req, "/role_assignments")) },
    };
  },

  listIdentityServices: async (req) => {
    const rows = catalogApi.listServices(req.ctx, req.query);
    return { body: { services: rows.map((s) => serviceView(base(req), s)), links: collectionLinks(self(req, "/services")) } };
  },
  showIdentityService: async (req) => ({ body: { service: serviceView(base(req), catalogApi.showService(req.ctx, req.params.service_id)) } }),
  listEndpoints: async (req) => {
    const rows = catalogApi.listEndpoints(req.ctx, req.link.origin, req.query);
    return { body: { endpoints: rows.map((e) => endpointView(base(req), e)), links: collectionLinks(self(req, "/endpoints")) } };
  },
  showEndpoint: async (req) => ({
    body: { endpoint: endpointView(base(req), catalogApi.showEndpoint(req.ctx, req.link.origin, req.params.endpoint_id)) },
  }),
  listRegions: async (req) => {
    const rows = catalogApi.listRegions(req.ctx, req.query);
    return { body: { regions: rows.map((r) => regionView(base(req), r)), links: collectionLinks(self(req, "/regions")) } };
  },
  showRegion: async (req) => ({ body: { region: regionView(base(req), catalogApi.showRegion(req.ctx, req.params.region_id)) } }),

  listImageVersions: async (req) => ({ body: { versions: imageVersions(req.link.origin) } }),
};
