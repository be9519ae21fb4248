/**
 * The application_credential authentication method (keystone/auth/plugins/application_credential.py,
 * keystone/auth/core.py `_lookup_app_cred`, keystone/application_credential/backends/sql.py
 * `authenticate`): the credential by id, or by name and its user; its secret checked with the
 * password KDF under the login guard (a wrong secret counts as a wrong password); then the
 * credential's project is the token's scope. Every failure is the same 401.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { appCredByName, appCredRoles, getAppCred, type AppCredRow } from "../db/repos/application-credentials";
import { findByRef, getProject, getUser, type Named } from "../db/repos/identity";
import { expiresAtMs } from "./application-credentials";
import { ksBadRequest, ksUnauthorized } from "./errors";
import type { LoginAttempt } from "./lockout";
import { UNMATCHABLE_HASH, verifyPassword } from "./password";
import { effectiveRoles } from "./store";

/** `auth.identity.application_credential`. */
export interface AppCredAuth {
  id?: string;
  name?: string;
  secret?: string;
  user?: Named;
}

/** A credential that authenticated. */
export interface AppCredLogin {
  id: string;
  userId: string;
  projectId: string;
  /** When the credential expires, as a token time (its tokens expire no later); undefined = never. */
  expiresAt?: string;
}

/** The credential named by the request, undefined when there is none (or no such user). */
async function lookup(db: Kysely<Database>, cred: AppCredAuth): Promise<AppCredRow | undefined> {
  if (cred.id) return getAppCred(db, cred.id);
  if (!cred.name) throw ksBadRequest("Expecting to find name or ID in application credential.");
  if (!cred.user) throw ksBadRequest("Expecting to find user in application credential.");
  if (!cred.user.id && !cred.user.domain) throw ksBadRequest("Expecting to find domain in user.");
  const user = await findByRef(db, "users", cred.user);
  return user ? appCredByName(db, user.id, cred.name) : undefined;
}

export async function checkAppCred(db: Kysely<Database>, login: LoginAttempt, cred: AppCredAuth | undefined): Promise<AppCredLogin> {
  if (!cred) throw ksBadRequest("Expecting to find application_credential in identity.");
  if (typeof cred.secret !== "string") throw ksBadRequest("Expecting to find secret in application credential.");
  const row = await lookup(db, cred);
  login.guard.checkClient(login.client);
  if (row) login.guard.checkUser(row.user_id);
  const ok = await verifyPassword(cred.secret, row?.secret_hash ?? UNMATCHABLE_HASH);
  if (!row || !ok) {
    login.guard.failed(login.client, row?.user_id ?? null);
    throw ksUnauthorized();
  }
  const expires = expiresAtMs(row);
  if (expires <= Date.now()) throw ksUnauthorized();
  const user = await getUser(db, row.user_id);
  if (user?.enabled !== 1) throw ksUnauthorized();
  login.guard.succeeded(row.user_id);
  return {
    id: row.id,
    userId: row.user_id,
    projectId: row.project_id,
    expiresAt: Number.isFinite(expires) ? new Date(expires).toISOString() : undefined,
  };
}

/** The credential's project, when it is enabled and the user still holds one of the credential's roles there. */
export async function appCredProject(db: Kysely<Database>, cred: AppCredLogin): Promise<string> {
  const project = await getProject(db, cred.projectId);
  if (project?.enabled !== 1) throw ksUnauthorized();
  const allowed = new Set(((await appCredRoles(db, [cred.id])).get(cred.id) ?? []).map((r) => r.id));
  const held = await effectiveRoles(db, cred.userId, cred.projectId);
  if (!held.some((r) => allowed.has(r.id))) throw ksUnauthorized();
  return project.id;
}
