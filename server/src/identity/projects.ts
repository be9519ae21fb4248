/**
 * Projects and domains of the built-in identity (keystone/resource/core.py): flat projects whose
 * parent is their domain; the one Default domain (domains are listed and shown, not managed).
 */
import type { PasswordRules } from "./password-rules";
import type { Kysely } from "kysely";
import type { Database, ProjectsTable } from "../db/schema";
import { enforce, NO_PROJECT } from "./access";
import type { RequestContext } from "../contract/context";
import { ksBadRequest, ksConflict, ksNotFound } from "./errors";
import { DEFAULT_DOMAIN_ID, newId } from "./ids";
import { enabledFilter, isUniqueViolation, keystoneBool, now } from "./store";
import * as repo from "../db/repos/identity";
import type { TokenService } from "./tokens";

export interface IdentityDeps {
  db: Kysely<Database>;
  tokens: TokenService;
  /** What a new password must meet (none when absent). */
  passwordRules?: PasswordRules;
}

export interface ProjectInput {
  name?: string;
  description?: string | null;
  domain_id?: string | null;
  enabled?: boolean | string;
  is_domain?: boolean | string;
  parent_id?: string | null;
}

export interface ListFilters {
  [key: string]: string | undefined;
}

const duplicate = (name: string, id: string) =>
  ksConflict(
    "project",
    `it is not permitted to have two projects with either the same name or same id in the same domain: name is ${name}, project id ${id}`,
  );

export async function getProjectRow(db: Kysely<Database>, id: string): Promise<ProjectsTable> {
  const p = await repo.getProject(db, id);
  if (!p) throw ksNotFound("project", id);
  return p;
}

export async function listProjects(deps: IdentityDeps, ctx: RequestContext, f: ListFilters): Promise<ProjectsTable[]> {
  enforce(ctx, "identity:list_projects");
  // Projects acting as domains are not kept here, so `is_domain=true` finds none.
  if (f.is_domain !== undefined && f.is_domain.toLowerCase() === "true") return [];
  // A project's parent is its domain: parent_id filters on the domain too.
  if (f.domain_id !== undefined && f.parent_id !== undefined && f.domain_id !== f.parent_id) return [];
  const domainId = f.domain_id ?? f.parent_id;
  return repo.listProjects(deps.db, { domainId, name: f.name, enabled: enabledFilter(f.enabled) });
}

export async function showProject(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<ProjectsTable> {
  enforce(ctx, "identity:get_project", { project_id: id });
  return getProjectRow(deps.db, id);
}

export async function createProject(deps: IdentityDeps, ctx: RequestContext, p: ProjectInput & { name: string }): Promise<ProjectsTable> {
  enforce(ctx, "identity:create_project");
  const domainId = p.domain_id ?? ctx.token?.projectDomainId ?? DEFAULT_DOMAIN_ID;
  if (!(await repo.domainByRef(deps.db, { id: domainId }))) throw ksNotFound("domain", domainId);
  if (p.is_domain !== undefined && keystoneBool(p.is_domain)) throw ksBadRequest("Projects acting as domains are not supported here.");
  if (p.parent_id && p.parent_id !== domainId) {
    await getProjectRow(deps.db, p.parent_id);
    throw ksBadRequest("Nested projects are not supported here: a project's parent is its domain.");
  }
  const taken = await repo.projectByName(deps.db, domainId, p.name);
  if (taken) throw duplicate(p.name, taken.id);
  const row: ProjectsTable = {
    id: newId(),
    name: p.name,
    domain_id: domainId,
    description: p.description ?? "",
    enabled: p.enabled === undefined || keystoneBool(p.enabled) ? 1 : 0,
    created_at: now(),
  };
  try {
    await repo.insertProject(deps.db, row);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(p.name, row.id);
    throw err;
  }
  return row;
}

export async function updateProject(deps: IdentityDeps, ctx: RequestContext, id: string, p: ProjectInput): Promise<ProjectsTable> {
  enforce(ctx, "identity:update_project");
  const row = await getProjectRow(deps.db, id);
  if (p.domain_id !== undefined && p.domain_id !== row.domain_id) throw ksBadRequest("Update of `domain_id` is not allowed.");
  if (p.is_domain !== undefined && keystoneBool(p.is_domain)) throw ksBadRequest("Update of `is_domain` is not allowed.");
  if (p.parent_id !== undefined && p.parent_id !== row.domain_id) throw ksBadRequest("Update of `parent_id` is not allowed.");
  const set: Partial<ProjectsTable> = {};
  if (p.name !== undefined && p.name !== row.name) {
    const taken = await repo.projectByName(deps.db, row.domain_id, p.name);
    if (taken) throw duplicate(p.name, taken.id);
    set.name = p.name;
  }
  if (p.description !== undefined) set.description = p.description ?? "";
  if (p.enabled !== undefined) set.enabled = keystoneBool(p.enabled) ? 1 : 0;
  if (Object.keys(set).length > 0) {
    try {
      await repo.updateProject(deps.db, id, set);
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(p.name ?? row.name, id);
      throw err;
    }
    deps.tokens.flush(); // a disabled project's tokens stop validating now, not after the cache
  }
  return { ...row, ...set };
}

/** Delete a project and its role assignments; tokens scoped to it stop validating. */
export async function deleteProject(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<void> {
  enforce(ctx, "identity:delete_project");
  await getProjectRow(deps.db, id);
  await repo.deleteProject(deps.db, id);
  deps.tokens.flush();
}

/** GET /auth/projects: the enabled projects the caller's user has a role on. */
export async function authProjects(deps: IdentityDeps, ctx: RequestContext): Promise<ProjectsTable[]> {
  enforce(ctx, "identity:get_auth_projects");
  return repo.enabledProjectsOfUser(deps.db, ctx.userId);
}

export async function listDomains(deps: IdentityDeps, ctx: RequestContext, f: ListFilters) {
  enforce(ctx, "identity:list_domains");
  return repo.listDomains(deps.db, { name: f.name, enabled: enabledFilter(f.enabled) });
}

export async function showDomain(deps: IdentityDeps, ctx: RequestContext, id: string) {
  // Readers of a project of the domain may see it (and admins any).
  enforce(ctx, "identity:get_domain", { project_id: ctx.token?.projectDomainId === id ? ctx.projectId : NO_PROJECT });
  const d = await repo.domainByRef(deps.db, { id });
  if (!d) throw ksNotFound("domain", id);
  return d;
}
