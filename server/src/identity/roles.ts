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
import { grant, isUniqueViolation, now, revoke } from "./store";
import { getUserRow } from "./users";

export interface RoleInput {
  name: string;
  description?: string | null;
  domain_id?: string | null;
}

async function getRoleRow(db: Kysely<Database>, id: string): Promise<RolesTable> {
  const r = await db.selectFrom("roles").selectAll().where("id", "=", id).executeTakeFirst();
  if (!r) throw ksNotFound("role", id);
  return r;
}

const duplicate = (name: string) => ksConflict("role", `Duplicate entry found with name ${name}`);

export async function listRoles(deps: IdentityDeps, ctx: RequestContext, f: ListFilters): Promise<RolesTable[]> {
  enforce(ctx, "identity:list_roles");
  if (f.domain_id !== undefined) return []; // no domain-specific roles here
  let q = deps.db.selectFrom("roles").selectAll().orderBy("name");
  if (f.name !== undefined) q = q.where("name", "=", f.name);
  return q.execute();
}

export async function showRole(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<RolesTable> {
  enforce(ctx, "identity:get_role");
  return getRoleRow(deps.db, id);
}

export async function createRole(deps: IdentityDeps, ctx: RequestContext, r: RoleInput): Promise<RolesTable> {
  enforce(ctx, "identity:create_role");
  if (r.domain_id) throw ksBadRequest("Domain-specific roles are not supported here; leave domain_id out.");
  if (await deps.db.selectFrom("roles").select("id").where("name", "=", r.name).executeTakeFirst()) throw duplicate(r.name);
  const row: RolesTable = { id: newId(), name: r.name, description: r.description ?? null, created_at: now() };
  try {
    await deps.db.insertInto("roles").values(row).execute();
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
    await grant(deps.db, userId, projectId, roleId);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err; // a concurrent grant of the same role: already granted
  }
  deps.tokens.flush();
}

export async function checkRole(deps: IdentityDeps, ctx: RequestContext, projectId: string, userId: string, roleId: string): Promise<void> {
  enforce(ctx, "identity:check_grant");
  await grantParts(deps.db, projectId, userId, roleId);
  const row = await deps.db
    .selectFrom("role_assignments")
    .select("role_id")
    .where("user_id", "=", userId)
    .where("project_id", "=", projectId)
    .where("role_id", "=", roleId)
    .executeTakeFirst();
  if (!row) throw ksAssignmentNotFound(roleId, userId, projectId);
}

export async function revokeRole(deps: IdentityDeps, ctx: RequestContext, projectId: string, userId: string, roleId: string): Promise<void> {
  enforce(ctx, "identity:revoke_grant");
  await grantParts(deps.db, projectId, userId, roleId);
  if (!(await revoke(deps.db, userId, projectId, roleId))) throw ksAssignmentNotFound(roleId, userId, projectId);
  deps.tokens.flush(); // the user's tokens on the project lose the role now
}

/** The roles granted directly to the user on the project. */
export async function listGrants(deps: IdentityDeps, ctx: RequestContext, projectId: string, userId: string): Promise<RolesTable[]> {
  enforce(ctx, "identity:list_grants");
  await getProjectRow(deps.db, projectId);
  await getUserRow(deps.db, userId);
  return deps.db
    .selectFrom("roles")
    .selectAll()
    .where("id", "in", deps.db.selectFrom("role_assignments").select("role_id").where("user_id", "=", userId).where("project_id", "=", projectId))
    .orderBy("name")
    .execute();
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
  let q = deps.db
    .selectFrom("role_assignments as a")
    .innerJoin("roles as r", "r.id", "a.role_id")
    .innerJoin("users as u", "u.id", "a.user_id")
    .innerJoin("domains as ud", "ud.id", "u.domain_id")
    .innerJoin("projects as p", "p.id", "a.project_id")
    .innerJoin("domains as pd", "pd.id", "p.domain_id")
    .select(["r.id as role_id", "r.name as role_name", "u.id as user_id", "u.name as user_name", "ud.id as ud_id", "ud.name as ud_name"])
    .select(["p.id as project_id", "p.name as project_name", "pd.id as pd_id", "pd.name as pd_name"])
    .orderBy("p.name")
    .orderBy("u.name")
    .orderBy("r.name");
  if (f["user.id"] !== undefined) q = q.where("a.user_id", "=", f["user.id"]);
  if (projectFilter !== undefined) q = q.where("a.project_id", "=", projectFilter);
  const rows = await q.execute();
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
  const roles = await db.selectFrom("roles").select(["id", "name"]).execute();
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
