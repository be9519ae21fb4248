/**
 * Application credentials (keystone/api/users.py `UserAppCred*Resource`,
 * keystone/application_credential/core.py): a user delegates some of its roles on the project of
 * its token to a named credential with a secret, and applications log in with that instead of the
 * password. The secret is hashed with the password KDF and shown only in the create answer.
 * Deleting a credential revokes its tokens; the user's deletion or disabling deletes all of its
 * credentials, and removing a role assignment on a project those for that project (as Keystone).
 */
import { randomBytes } from "node:crypto";
import type { RequestContext } from "../contract/context";
import { enforce } from "./access";
import { KeystoneError, ksAppCredNotFound, ksBadRequest, ksConflict, ksForbidden, ksNotFound } from "./errors";
import { newId } from "./ids";
import { hashPassword } from "./password";
import type { IdentityDeps } from "./projects";
import { isUniqueViolation, keystoneBool, now } from "./store";
import * as repo from "../db/repos/application-credentials";
import { roleByName } from "../db/repos/identity";

export interface AppCredInput {
  name: string;
  description?: string | null;
  secret?: string | null;
  expires_at?: string | null;
  roles?: Array<{ id?: string; name?: string }>;
  unrestricted?: boolean | string;
  access_rules?: unknown[];
}

/** A credential with its roles (and, just created, its secret). */
export interface AppCred {
  row: repo.AppCredRow;
  roles: Array<{ id: string; name: string }>;
  secret?: string;
}

const KEYSTONE_CLIENT_ERROR =
  "The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.";

/** keystone/api/users.py `_generate_secret`: 64 random bytes, base64url without padding. */
export function generateSecret(): string {
  return randomBytes(64).toString("base64url");
}

/** Keystone's application credential time: `%Y-%m-%dT%H:%M:%S.%f`, UTC, no zone. */
function credentialTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000");
}

/** When the credential expires (ms since the epoch), or Infinity. */
export function expiresAtMs(row: { expires_at: string | null }): number {
  return row.expires_at ? Date.parse(`${row.expires_at}Z`) : Infinity;
}

/** keystone/common/utils.py `parse_expiration_date`: an ISO time, UTC without a zone, not in the past. */
function parseExpiry(raw: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(raw) ? raw : "";
  const ms = iso ? Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`) : NaN;
  if (Number.isNaN(ms)) throw ksBadRequest(`Timestamp not in expected format. ${KEYSTONE_CLIENT_ERROR}`);
  if (ms <= Date.now()) throw ksBadRequest(`The 'expires_at' must not be before now. ${KEYSTONE_CLIENT_ERROR}`);
  return credentialTime(ms);
}

/** keystone `_check_unrestricted_application_credential`: a restricted credential's token manages none. */
function checkUnrestricted(ctx: RequestContext): void {
  if (ctx.token?.applicationCredential?.restricted) {
    throw ksForbidden("Using method 'application_credential' is not allowed for managing additional application credentials.");
  }
}

/** The requested roles, each among the token's (keystone `_get_roles`); all of the token's by default. */
async function chooseRoles(deps: IdentityDeps, ctx: RequestContext, wanted: AppCredInput["roles"]): Promise<Array<{ id: string; name: string }>> {
  const held = ctx.token?.roles ?? [];
  if (!wanted || wanted.length === 0) return held;
  const out: Array<{ id: string; name: string }> = [];
  for (const ref of wanted) {
    let id = ref.id;
    if (!id) {
      const role = await roleByName(deps.db, ref.name!);
      if (!role) throw ksNotFound("role", ref.name!);
      id = role.id;
    }
    const mine = held.find((r) => r.id === id);
    if (!mine) throw new KeystoneError(400, "Invalid application credential: Cannot create an application credential with unassigned role");
    if (!out.some((r) => r.id === mine.id)) out.push(mine);
  }
  return out;
}

export async function createAppCred(deps: IdentityDeps, ctx: RequestContext, userId: string, input: AppCredInput): Promise<AppCred> {
  enforce(ctx, "identity:create_application_credential", { user_id: userId });
  checkUnrestricted(ctx);
  // The credential is for the token's project: an unscoped token has none to give.
  const projectId = ctx.token?.projectId;
  if (!projectId) throw ksForbidden("identity:create_application_credential");
  if (input.access_rules !== undefined && input.access_rules.length > 0) {
    throw ksBadRequest("Invalid input for field 'access_rules': access rules are not supported by this server; create the application credential without them.");
  }
  const roles = await chooseRoles(deps, ctx, input.roles);
  const secret = input.secret ? input.secret : generateSecret();
  const row: repo.AppCredRow = {
    id: newId(),
    name: input.name,
    secret_hash: await hashPassword(secret),
    description: input.description ?? null,
    user_id: userId,
    project_id: projectId,
    expires_at: input.expires_at ? parseExpiry(input.expires_at) : null,
    unrestricted: input.unrestricted !== undefined && keystoneBool(input.unrestricted) ? 1 : 0,
    created_at: now(),
  };
  const duplicate = () => ksConflict("application_credential", `Duplicate entry found with name ${input.name}`);
  if (await repo.appCredByName(deps.db, userId, input.name)) throw duplicate();
  try {
    await repo.insertAppCred(deps.db, row, roles.map((r) => r.id));
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
  return { row, roles, secret };
}

export async function listAppCreds(deps: IdentityDeps, ctx: RequestContext, userId: string, name?: string): Promise<AppCred[]> {
  enforce(ctx, "identity:list_application_credentials", { user_id: userId });
  const rows = await repo.listAppCreds(deps.db, userId, name);
  const roles = await repo.appCredRoles(deps.db, rows.map((r) => r.id));
  return rows.map((row) => ({ row, roles: roles.get(row.id) ?? [] }));
}

/**
 * The credential, checked against the rule with its own user as the target (keystone
 * `_update_request_user_id_attribute`); another user's under this path is not found.
 */
async function credentialFor(deps: IdentityDeps, ctx: RequestContext, rule: string, userId: string, id: string): Promise<repo.AppCredRow> {
  const row = await repo.getAppCred(deps.db, id);
  if (!row) throw ksAppCredNotFound(id);
  enforce(ctx, rule, { user_id: row.user_id });
  if (row.user_id !== userId) throw ksAppCredNotFound(id);
  return row;
}

export async function showAppCred(deps: IdentityDeps, ctx: RequestContext, userId: string, id: string): Promise<AppCred> {
  const row = await credentialFor(deps, ctx, "identity:get_application_credential", userId, id);
  return { row, roles: (await repo.appCredRoles(deps.db, [id])).get(id) ?? [] };
}

export async function deleteAppCred(deps: IdentityDeps, ctx: RequestContext, userId: string, id: string): Promise<void> {
  await credentialFor(deps, ctx, "identity:delete_application_credential", userId, id);
  checkUnrestricted(ctx);
  if (!(await repo.deleteAppCred(deps.db, id))) throw ksAppCredNotFound(id);
  deps.tokens.flush(); // its tokens stop validating now, not after the cache
}
