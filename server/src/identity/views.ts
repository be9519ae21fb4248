/**
 * Identity rows as Keystone renders them: projects and domains (keystone/resource/core.py),
 * users (keystone/identity/core.py, no password), roles, role assignments
 * (keystone/api/role_assignments.py), tokens (keystone/common/render_token.py) and application
 * credentials (keystone/api/users.py, keystone/application_credential/core.py), and the catalog's
 * services, endpoints and regions (keystone/catalog/backends/sql.py `to_dict`, keystone/api/endpoints.py
 * `_filter_endpoint`).
 */
import type { DomainsTable, ProjectsTable, RolesTable, UsersTable } from "../db/schema";
import { catalog, type CatalogEndpoint, type CatalogService } from "./catalog";
import type { CatalogRegion } from "./catalog-api";
import type { TokenInfo } from "../contract/context";

/** The identity API's base URL as the client sees it (origin + /identity/v3). */
export const identityBase = (origin: string) => `${origin}/identity/v3`;

export function collectionLinks(self: string) {
  return { self, previous: null, next: null };
}

export function projectView(base: string, p: ProjectsTable) {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domain_id,
    description: p.description ?? "",
    enabled: p.enabled === 1,
    parent_id: p.domain_id,
    is_domain: false,
    tags: [] as string[],
    options: {},
    links: { self: `${base}/projects/${p.id}` },
  };
}

export function domainView(base: string, d: DomainsTable) {
  return {
    id: d.id,
    name: d.name,
    description: d.description ?? "",
    enabled: d.enabled === 1,
    tags: [] as string[],
    options: {},
    links: { self: `${base}/domains/${d.id}` },
  };
}

export function userView(base: string, u: UsersTable) {
  return {
    id: u.id,
    name: u.name,
    domain_id: u.domain_id,
    enabled: u.enabled === 1,
    password_expires_at: null,
    ...(u.default_project_id ? { default_project_id: u.default_project_id } : {}),
    ...(u.description !== null ? { description: u.description } : {}),
    ...(u.email !== null ? { email: u.email } : {}),
    options: {},
    links: { self: `${base}/users/${u.id}` },
  };
}

export function roleView(base: string, r: RolesTable) {
  return {
    id: r.id,
    name: r.name,
    domain_id: null,
    description: r.description,
    options: {},
    links: { self: `${base}/roles/${r.id}` },
  };
}

export function serviceView(base: string, s: CatalogService) {
  return { id: s.id, type: s.type, name: s.name, description: s.description, enabled: true, links: { self: `${base}/services/${s.id}` } };
}

/** An endpoint, with Keystone's legacy `region` beside `region_id`. */
export function endpointView(base: string, e: CatalogEndpoint) {
  return {
    id: e.id,
    interface: e.interface,
    region: e.region_id,
    region_id: e.region_id,
    service_id: e.service_id,
    url: e.url,
    enabled: true,
    links: { self: `${base}/endpoints/${e.id}` },
  };
}

export function regionView(base: string, r: CatalogRegion) {
  return { id: r.id, description: r.description, parent_region_id: r.parent_region_id, links: { self: `${base}/regions/${r.id}` } };
}

export function tokenView(origin: string, t: TokenInfo, withCatalog: boolean) {
  const token: Record<string, unknown> = {
    methods: t.methods,
    user: {
      domain: { id: t.userDomainId, name: t.userDomainName },
      id: t.userId,
      name: t.userName,
      password_expires_at: null,
    },
    audit_ids: t.auditIds,
    expires_at: t.expiresAt,
    issued_at: t.issuedAt,
  };
  if (t.projectId) {
    token.project = { domain: { id: t.projectDomainId, name: t.projectDomainName }, id: t.projectId, name: t.projectName };
    token.is_domain = false;
    token.roles = t.roles.map((r) => ({ id: r.id, name: r.name }));
    if (withCatalog) token.catalog = catalog(origin, t.projectId);
  }
  if (t.applicationCredential) token.application_credential = { ...t.applicationCredential };
  return { token };
}

interface Named {
  id: string;
  name: string;
  domainId: string;
  domainName: string;
}

/** One role assignment; names and domains only with `include_names` (keystone/api/role_assignments.py). */
export function assignmentView(
  base: string,
  a: { role: { id: string; name: string }; user: Named; project: Named; priorRoleId?: string },
  names: boolean,
) {
  const actor = (x: Named) => (names ? { id: x.id, name: x.name, domain: { id: x.domainId, name: x.domainName } } : { id: x.id });
  const granted = a.priorRoleId ?? a.role.id;
  return {
    role: names ? { id: a.role.id, name: a.role.name } : { id: a.role.id },
    user: actor(a.user),
    scope: { project: actor(a.project) },
    links: {
      assignment: `${base}/projects/${a.project.id}/users/${a.user.id}/roles/${granted}`,
      ...(a.priorRoleId ? { prior_role: `${base}/roles/${a.priorRoleId}/implies/${a.role.id}` } : {}),
    },
  };
}

/** An application credential (the secret only when just created: it is never stored). */
export function appCredView(
  base: string,
  c: { id: string; name: string; description: string | null; expires_at: string | null; project_id: string; unrestricted: number; user_id: string },
  roles: Array<{ id: string; name: string }>,
  secret?: string,
) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    expires_at: c.expires_at,
    project_id: c.project_id,
    roles: roles.map((r) => ({ id: r.id, name: r.name, domain_id: null })),
    unrestricted: c.unrestricted === 1,
    user_id: c.user_id,
    links: { self: `${base}/users/${c.user_id}/application_credentials/${c.id}` },
    ...(secret !== undefined ? { secret } : {}),
  };
}
