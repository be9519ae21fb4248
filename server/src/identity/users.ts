/**
 * Users of the built-in identity (keystone/identity/core.py): passwords hashed with scrypt and
 * never returned; disabling a user, changing its password or deleting it revokes its tokens
 * (disabling or deleting it also deletes its application credentials, as Keystone does).
 */
import type { Database, UsersTable } from "../db/schema";
import type { Kysely } from "kysely";
import { enforce } from "./access";
import type { RequestContext } from "../contract/context";
import { ksBadRequest, ksConflict, ksNotFound } from "./errors";
import { DEFAULT_DOMAIN_ID, newId } from "./ids";
import { checkPassword } from "./authenticate";
import type { LoginAttempt } from "./lockout";
import { hashPassword } from "./password";
import { checkPasswordRules } from "./password-rules";
import type { IdentityDeps, ListFilters } from "./projects";
import { enabledFilter, isUniqueViolation, keystoneBool, now } from "./store";
import * as repo from "../db/repos/identity";
import { deleteUserAppCreds } from "../db/repos/application-credentials";

export interface UserInput {
  name?: string;
  password?: string | null;
  default_project_id?: string | null;
  description?: string | null;
  domain_id?: string;
  enabled?: boolean | string;
  email?: string | null;
}

const duplicate = (name: string, domainId: string) =>
  ksConflict("user", `Duplicate entry found with name ${name} at domain ID ${domainId}`);

/** keystone/identity/core.py `_validate_password_expires_at_query`: `<op>:<YYYY-MM-DDTHH:mm:ssZ>`. */
const EXPIRES_FILTER = /^(lt|lte|gt|gte|eq|neq):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/;

export async function getUserRow(db: Kysely<Database>, id: string): Promise<UsersTable> {
  const u = await repo.getUser(db, id);
  if (!u) throw ksNotFound("user", id);
  return u;
}

export async function listUsers(deps: IdentityDeps, ctx: RequestContext, f: ListFilters): Promise<UsersTable[]> {
  enforce(ctx, "identity:list_users");
  if (f.password_expires_at !== undefined) {
    const m = EXPIRES_FILTER.exec(f.password_expires_at);
    const op = f.password_expires_at.split(":")[0];
    if (!["lt", "lte", "gt", "gte", "eq", "neq"].includes(op)) {
      throw ksBadRequest(`The given operator ${op} is not valid. It must be one of the following: 'eq', 'neq', 'lt', 'lte', 'gt', or 'gte'.`);
    }
    if (!m || Number.isNaN(Date.parse(m[2]))) {
      throw ksBadRequest(
        "Timestamp not in expected format. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.",
      );
    }
    return []; // passwords never expire here, and a null expiry matches no comparison (as in SQL)
  }
  return repo.listUsers(deps.db, { domainId: f.domain_id, name: f.name, enabled: enabledFilter(f.enabled) });
}

export async function showUser(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<UsersTable> {
  enforce(ctx, "identity:get_user", { user_id: id });
  return getUserRow(deps.db, id);
}

export async function createUser(deps: IdentityDeps, ctx: RequestContext, u: UserInput & { name: string }): Promise<UsersTable> {
  enforce(ctx, "identity:create_user");
  const domainId = u.domain_id ?? ctx.token?.projectDomainId ?? DEFAULT_DOMAIN_ID;
  if (!(await repo.domainByRef(deps.db, { id: domainId }))) throw ksNotFound("domain", domainId);
  if (await repo.userByName(deps.db, domainId, u.name)) throw duplicate(u.name, domainId);
  if (typeof u.password === "string") checkPasswordRules(deps.passwordRules, u.password);
  const row: UsersTable = {
    id: newId(),
    name: u.name,
    domain_id: domainId,
    password_hash: typeof u.password === "string" ? await hashPassword(u.password) : null,
    enabled: u.enabled === undefined || keystoneBool(u.enabled) ? 1 : 0,
    default_project_id: u.default_project_id ?? null,
    email: u.email ?? null,
    description: u.description ?? null,
    created_at: now(),
  };
  try {
    await repo.insertUser(deps.db, row);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(u.name, domainId);
    throw err;
  }
  return row;
}

export async function updateUser(deps: IdentityDeps, ctx: RequestContext, id: string, u: UserInput): Promise<UsersTable> {
  enforce(ctx, "identity:update_user");
  const row = await getUserRow(deps.db, id);
  if (u.domain_id !== undefined && u.domain_id !== row.domain_id) throw ksBadRequest("Update of `domain_id` is not allowed.");
  const set: Partial<UsersTable> = {};
  if (u.name !== undefined && u.name !== row.name) {
    if (await repo.userByName(deps.db, row.domain_id, u.name)) throw duplicate(u.name, row.domain_id);
    set.name = u.name;
  }
  if (typeof u.password === "string") checkPasswordRules(deps.passwordRules, u.password);
  if (u.password !== undefined) set.password_hash = u.password === null ? null : await hashPassword(u.password);
  if (u.enabled !== undefined) set.enabled = keystoneBool(u.enabled) ? 1 : 0;
  if (u.default_project_id !== undefined) set.default_project_id = u.default_project_id;
  if (u.description !== undefined) set.description = u.description;
  if (u.email !== undefined) set.email = u.email;
  if (Object.keys(set).length > 0) {
    try {
      await repo.updateUser(deps.db, id, set);
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(u.name ?? row.name, row.domain_id);
      throw err;
    }
  }
  // As Keystone (the user's `disabled` notification): a disabled user's application credentials are deleted.
  if (set.enabled === 0) await deleteUserAppCreds(deps.db, id);
  if (set.password_hash !== undefined || set.enabled === 0) await deps.tokens.revokeUser(id);
  else deps.tokens.flush();
  return { ...row, ...set };
}

/** Delete a user with its role assignments, application credentials and tokens. */
export async function deleteUser(deps: IdentityDeps, ctx: RequestContext, id: string): Promise<void> {
  enforce(ctx, "identity:delete_user");
  await getUserRow(deps.db, id);
  await repo.deleteUser(deps.db, id);
  deps.tokens.flush();
}

/**
 * POST /users/{id}/password: the original password is the credential (no token, no policy). Any
 * failure is the same 401, so that it tells nothing about which users exist; the original password
 * is checked under the login guard, as a login is (Keystone's change_password authenticates).
 */
export async function changePassword(deps: IdentityDeps, login: LoginAttempt, id: string, original: string, password: string): Promise<void> {
  const user = await repo.getUser(deps.db, id);
  await checkPassword(deps.db, login, user, original);
  // After the original password, as Keystone does: the rules are told only to the user.
  checkPasswordRules(deps.passwordRules, password);
  await repo.updateUser(deps.db, id, { password_hash: await hashPassword(password) });
  await deps.tokens.revokeUser(id);
}
