/** Identity rows of the built-in Keystone: domains, projects, users, roles and role assignments (application credentials: ./application-credentials.ts). */
import type { Kysely, Transaction } from "kysely";
import type { Database, DomainsTable, ProjectsTable, RolesTable, UsersTable } from "../schema";
import { deleteUserAppCreds } from "./application-credentials";

type Q = Kysely<Database> | Transaction<Database>;

/** A user or project named by id, or by name within a domain named by id or name. */
export interface Named {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

/** Filters of the identity listings; an unset field does not filter. */
export interface IdentityFilter {
  domainId?: string;
  name?: string;
  enabled?: number;
}

// Domains

export async function domainByRef(db: Q, ref: { id?: string; name?: string } | undefined): Promise<DomainsTable | undefined> {
  if (!ref) return undefined;
  let q = db.selectFrom("domains").selectAll();
  if (ref.id) q = q.where("id", "=", ref.id);
  else if (ref.name) q = q.where("name", "=", ref.name);
  else return undefined;
  return q.executeTakeFirst();
}

export async function listDomains(db: Q, f: IdentityFilter): Promise<DomainsTable[]> {
  let q = db.selectFrom("domains").selectAll().orderBy("name");
  if (f.name !== undefined) q = q.where("name", "=", f.name);
  if (f.enabled !== undefined) q = q.where("enabled", "=", f.enabled);
  return q.execute();
}

export async function insertDomain(db: Q, row: DomainsTable): Promise<void> {
  await db.insertInto("domains").values(row).execute();
}

/** A user or project named by id, or by name within its domain. */
export async function findByRef(db: Q, table: "users", ref: Named): Promise<UsersTable | undefined>;
export async function findByRef(db: Q, table: "projects", ref: Named): Promise<ProjectsTable | undefined>;
export async function findByRef(db: Q, table: "users" | "projects", ref: Named): Promise<UsersTable | ProjectsTable | undefined> {
  if (ref.id) return db.selectFrom(table).selectAll().where("id", "=", ref.id).executeTakeFirst();
  if (!ref.name) return undefined;
  const domain = await domainByRef(db, ref.domain);
  if (!domain) return undefined;
  return db.selectFrom(table).selectAll().where("name", "=", ref.name).where("domain_id", "=", domain.id).executeTakeFirst();
}

// Users

export async function getUser(db: Q, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The user of that name in the domain. */
export async function userByName(db: Q, domainId: string, name: string): Promise<UsersTable | undefined> {
  return db.selectFrom("users").selectAll().where("domain_id", "=", domainId).where("name", "=", name).executeTakeFirst();
}

export async function listUsers(db: Q, f: IdentityFilter): Promise<UsersTable[]> {
  let q = db.selectFrom("users").selectAll().orderBy("name");
  if (f.domainId !== undefined) q = q.where("domain_id", "=", f.domainId);
  if (f.name !== undefined) q = q.where("name", "=", f.name);
  if (f.enabled !== undefined) q = q.where("enabled", "=", f.enabled);
  return q.execute();
}

export async function insertUser(db: Q, row: UsersTable): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

export async function updateUser(db: Q, id: string, set: Partial<UsersTable>): Promise<void> {
  await db.updateTable("users").set(set).where("id", "=", id).execute();
}

/** Remove a user with its role assignments, application credentials and tokens, in one transaction. */
export async function deleteUser(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteUserAppCreds(trx, id);
    await trx.deleteFrom("role_assignments").where("user_id", "=", id).execute();
    await trx.deleteFrom("tokens").where("user_id", "=", id).execute();
    await trx.deleteFrom("users").where("id", "=", id).execute();
  });
}

// Projects

export async function getProject(db: Q, id: string): Promise<ProjectsTable | undefined> {
  return db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The project of that name in the domain. */
export async function projectByName(db: Q, domainId: string, name: string): Promise<ProjectsTable | undefined> {
  return db.selectFrom("projects").selectAll().where("domain_id", "=", domainId).where("name", "=", name).executeTakeFirst();
}

export async function listProjects(db: Q, f: IdentityFilter): Promise<ProjectsTable[]> {
  let q = db.selectFrom("projects").selectAll().orderBy("name");
  if (f.domainId !== undefined) q = q.where("domain_id", "=", f.domainId);
  if (f.name !== undefined) q = q.where("name", "=", f.name);
  if (f.enabled !== undefined) q = q.where("enabled", "=", f.enabled);
  return q.execute();
}

export async function insertProject(db: Q, row: ProjectsTable): Promise<void> {
  await db.insertInto("projects").values(row).execute();
}

export async function updateProject(db: Q, id: string, set: Partial<ProjectsTable>): Promise<void> {
  await db.updateTable("projects").set(set).where("id", "=", id).execute();
}

/** Remove a project with its role assignments, in one transaction. */
export async function deleteProject(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("role_assignments").where("project_id", "=", id).execute();
    await trx.deleteFrom("projects").where("id", "=", id).execute();
  });
}

/** The enabled projects the user has a role on, by name. */
export async function enabledProjectsOfUser(db: Q, userId: string): Promise<ProjectsTable[]> {
  return db
    .selectFrom("projects")
    .selectAll()
    .where("enabled", "=", 1)
    .where("id", "in", db.selectFrom("role_assignments").select("project_id").where("user_id", "=", userId))
    .orderBy("name")
    .execute();
}

// Roles

export async function getRole(db: Q, id: string): Promise<RolesTable | undefined> {
  return db.selectFrom("roles").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function roleByName(db: Q, name: string): Promise<RolesTable | undefined> {
  return db.selectFrom("roles").selectAll().where("name", "=", name).executeTakeFirst();
}

/** Every role, or the one of that name, by name. */
export async function listRoles(db: Q, name?: string): Promise<RolesTable[]> {
  let q = db.selectFrom("roles").selectAll().orderBy("name");
  if (name !== undefined) q = q.where("name", "=", name);
  return q.execute();
}

/** The ids and names of the roles with these names (all roles when `names` is undefined). */
export async function roleNames(db: Q, names?: readonly string[]): Promise<Array<{ id: string; name: string }>> {
  if (names === undefined) return db.selectFrom("roles").select(["id", "name"]).execute();
  if (names.length === 0) return [];
  return db.selectFrom("roles").select(["id", "name"]).where("name", "in", [...names]).execute();
}

export async function insertRole(db: Q, row: RolesTable): Promise<void> {
  await db.insertInto("roles").values(row).execute();
}

// Role assignments

/** The roles granted directly to the user on the project. */
export async function directRoles(db: Q, userId: string, projectId: string): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom("role_assignments")
    .innerJoin("roles", "roles.id", "role_assignments.role_id")
    .select(["roles.id", "roles.name"])
    .where("role_assignments.user_id", "=", userId)
    .where("role_assignments.project_id", "=", projectId)
    .execute();
}

/** The full rows of the roles granted directly to the user on the project, by name. */
export async function grantedRoles(db: Q, userId: string, projectId: string): Promise<RolesTable[]> {
  return db
    .selectFrom("roles")
    .selectAll()
    .where("id", "in", db.selectFrom("role_assignments").select("role_id").where("user_id", "=", userId).where("project_id", "=", projectId))
    .orderBy("name")
    .execute();
}

export async function hasGrant(db: Q, userId: string, projectId: string, roleId: string): Promise<boolean> {
  const row = await db
    .selectFrom("role_assignments")
    .select("role_id")
    .where("user_id", "=", userId)
    .where("project_id", "=", projectId)
    .where("role_id", "=", roleId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Grant the role (nothing when it is already granted). */
export async function grant(db: Q, userId: string, projectId: string, roleId: string): Promise<void> {
  if (!(await hasGrant(db, userId, projectId, roleId))) {
    await db.insertInto("role_assignments").values({ user_id: userId, project_id: projectId, role_id: roleId }).execute();
  }
}

/** Take the role back; false when it was not granted. */
export async function revoke(db: Q, userId: string, projectId: string, roleId: string): Promise<boolean> {
  const res = await db
    .deleteFrom("role_assignments")
    .where("user_id", "=", userId)
    .where("project_id", "=", projectId)
    .where("role_id", "=", roleId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export interface AssignmentRow {
  role_id: string;
  role_name: string;
  user_id: string;
  user_name: string;
  ud_id: string;
  ud_name: string;
  project_id: string;
  project_name: string;
  pd_id: string;
  pd_name: string;
}

/** Role assignments with their role, user, project and both domains, by project, user and role name. */
export async function listAssignments(db: Q, f: { userId?: string; projectId?: string }): Promise<AssignmentRow[]> {
  let q = db
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
  if (f.userId !== undefined) q = q.where("a.user_id", "=", f.userId);
  if (f.projectId !== undefined) q = q.where("a.project_id", "=", f.projectId);
  return q.execute();
}

/** Every assignment as user, project and role names, by user, project and role. */
export async function assignmentNames(db: Q): Promise<Array<{ user: string; project: string; role: string }>> {
  return db
    .selectFrom("role_assignments")
    .innerJoin("users", "users.id", "role_assignments.user_id")
    .innerJoin("projects", "projects.id", "role_assignments.project_id")
    .innerJoin("roles", "roles.id", "role_assignments.role_id")
    .select(["users.name as user", "projects.name as project", "roles.name as role"])
    .orderBy("users.name")
    .orderBy("projects.name")
    .orderBy("roles.name")
    .execute();
}
