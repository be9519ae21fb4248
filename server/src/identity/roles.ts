/**
 * Roles, grants of a role to a user on a project, and role assignments
 * (keystone/assignment/core.py, keystone/api/role_assignments.py). Roles are global; there are no
 * groups, domain assignments or inheritance, so filters on those find nothing. Implied roles
 * (admin → member → reader) show with `effective`.
 */
import type { Kysely } from "kysely";
import type { Database, RolesTable } from "../db/schema";
import { enforce, NO_PROJECT } from "./access";
import type { RequestContext } from "../contract/context";
import { ksAssignmentNotFound, ksBadRequest, ksConflict, ksNotFound } from "./errors";
import { IMPLIED_ROLES, newId } from "./ids";
import { getProjectRow, type IdentityDeps, type ListFilters } from "./projects";
import { isUniqueViolation, now } from "./store";
import * as repo from "../db/repos/identity";
import { deleteUserAppCreds } from "../db/repos/application-credentials";
import { getUserRow } from "./users";

export interface RoleInput {
  name: string;
  description?: string | null;
  domain_id?: string | null;
}

async function getRoleRow(db: Kysely<Database>, id: string): Promise<RolesTable> {
  const r = await repo.getRole(db, id);
  if (!r) throw ksNotFound("role", id);
  return r;
}

const duplicate = (name: string) => ksConflict("role", `Duplicate entry found with name ${name}`);

export async function listRoles(deps: IdentityDeps, ctx: RequestContext, f: ListFilters): Promise<RolesTable[]> {
  enforce(ctx, "identity:list_roles");
  if (f.domain_id !== undefined) return []; // no domain-specific roles here
  return repo.listRoles(deps.db, f.name);
}

export async function showRole(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<RolesTable> {
  enforce(ctx, "identity:get_role");
  return getRoleRow(deps.db, id);
}

export async function createRole(deps: IdentityDeps, ctx: RequestContext, r: RoleInput): Promise<RolesTable> {
  enforce(ctx, "identity:create_role");
  if (r.domain_id) throw ksBadRequest("Domain-specific roles are not supported here; leave domain_id out.");
  if (await repo.roleByName(deps.db, r.name)) throw duplicate(r.name);
  const row: RolesTable = { id: newId(), name: r.name, description: r.description ?? null, created_at: now() };
  try {
    await repo.insertRole(deps.db, row);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(r.name);
    throw err;
  }
  return row;
}

/** The three rows a grant names, or Keystone's 404 for the first one missing. */
async function grantParts(db: Kysely<Database>, projectId: string, userId: string, roleId: string) {
  const project = await getProjectRow(db, projectId);
  const user = await getUserRow(db, userId);
  const role = await getRoleRow(db, roleId);
  return { project, user, role };
}

export async function grantRole(deps: IdentityDeps, ctx: RequestContext, projectId: string, userId: string, roleId: string): Promise<void> {
  enforce(ctx, "identity:create_grant");
  await grantParts(deps.db, projectId, userId, roleId);
  try {
    await repo.grant(deps.db, userId, projectId, roleId);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // a concurrent grant of the same role: already granted
  }
  deps.tokens.flush();
}

export async function checkRole(deps: IdentityDeps, ctx: RequestContext, projectId: string, userId: string, roleId: string): Promise<void> {
  enforce(ctx, "identity:check_grant");
  await grantParts(deps.db, projectId, userId, roleId);
  if (!(await repo.hasGrant(deps.db, userId, projectId, roleId))) throw ksAssignmentNotFound(roleId, userId, projectId);
}

export async function revokeRole(deps: IdentityDeps, ctx: RequestContext, projectId: string, userId: string, roleId: string): Promise<void> {
  enforce(ctx, "identity:revoke_grant");
  await grantParts(deps.db, projectId, userId, roleId);
  if (!(await repo.revoke(deps.db, userId, projectId, roleId))) throw ksAssignmentNotFound(roleId, userId, projectId);
  // As Keystone (REMOVE_APP_CREDS_FOR_USER): the user's application credentials for the project go, and their tokens.
  await deleteUserAppCreds(deps.db, userId, projectId);
  deps.tokens.flush(); // the user's tokens on the project lose the role now
}

/** The roles granted directly to the user on the project. */
export async function listGrants(deps: IdentityDeps, ctx: RequestContext, projectId: string, userId: string): Promise<RolesTable[]> {
  enforce(ctx, "identity:list_grants");
  await getProjectRow(deps.db, projectId);
  await getUserRow(deps.db, userId);
  return repo.grantedRoles(deps.db, userId, projectId);
}

export interface Assignment {
  role: { id: string; name: string };
  user: { id: string; name: string; domainId: string; domainName: string };
  project: { id: string; name: string; domainId: string; domainName: string };
  /** The role that implies this one (effective listings only). */
  priorRoleId?: string;
}

const isSet = (v: string | undefined) => v !== undefined && v !== "0";

/** GET /role_assignments with Keystone's filters; `effective` adds the implied roles. */
export async function listAssignments(deps: IdentityDeps, ctx: RequestContext, f: ListFilters): Promise<Assignment[]> {
  const projectFilter = f["scope.project.id"];
  enforce(ctx, "identity:list_role_assignments", { project_id: projectFilter ?? NO_PROJECT });
  const effective = isSet(f.effective);
  if (effective && f["group.id"] !== undefined) {
    throw ksBadRequest("Combining effective and group filter will always result in an empty list.");
  }
  if (f["group.id"] !== undefined || f["scope.domain.id"] !== undefined) return []; // no groups, no domain assignments
  const rows = await repo.listAssignments(deps.db, { userId: f["user.id"], projectId: projectFilter });
  let out: Assignment[] = rows.map((r) => ({
    role: { id: r.role_id, name: r.role_name },
    user: { id: r.user_id, name: r.user_name, domainId: r.ud_id, domainName: r.ud_name },
    project: { id: r.project_id, name: r.project_name, domainId: r.pd_id, domainName: r.pd_name },
  }));
  if (effective) out = await withImplied(deps.db, out);
  if (f["role.id"] !== undefined) out = out.filter((a) => a.role.id === f["role.id"]);
  return out;
}

/** Add the roles each assignment implies, once per user and project (a direct grant wins). */
async function withImplied(db: Kysely<Database>, direct: Assignment[]): Promise<Assignment[]> {
  const roles = await repo.roleNames(db);
  const byName = new Map(roles.map((r) => [r.name, r]));
  const key = (a: Assignment) => `${a.user.id}/${a.project.id}/${a.role.id}`;
  const seen = new Set(direct.map(key));
  const out = [...direct];
  for (const a of direct) {
    for (const name of IMPLIED_ROLES[a.role.name] ?? []) {
      const r = byName.get(name);
      if (!r) continue;
      const implied: Assignment = { ...a, role: { id: r.id, name: r.name }, priorRoleId: a.role.id };
      if (seen.has(key(implied))) continue;
      seen.add(key(implied));
      out.push(implied);
    }
  }
  return out;
}
