/**
 * Tokens over HTTP: POST /identity/v3/auth/tokens with the password and/or token methods, project
 * scope by id or by name within a domain, unscoped, or (no scope) the user's default project
 * (keystone/api/auth.py, keystone/auth/core.py, keystone/auth/plugins/{password,token}.py), or
 * with an application credential, whose project is the scope (./app-cred-auth.ts); and
 * validation and revocation of the X-Subject-Token. Every failure to authenticate is the same
 * 401, so that callers cannot probe which users, projects or assignments exist.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { enforce } from "./access";
import type { RequestContext } from "../contract/context";
import { AUTH_METHODS, KeystoneError, ksAuthFailed, ksBadRequest, ksForbidden, ksNoSubjectToken, ksTokenNotFound, ksUnauthorized } from "./errors";
import type { LoginAttempt } from "./lockout";
import { UNMATCHABLE_HASH, verifyPassword } from "./password";
import { effectiveRoles } from "./store";
import { domainByRef, findByRef, getProject, getUser, type Named } from "../db/repos/identity";
import type { TokenInfo } from "../contract/context";
import type { TokenService } from "./tokens";
import { appCredProject, checkAppCred, type AppCredAuth, type AppCredLogin } from "./app-cred-auth";

export interface AuthRequest {
  identity: {
    methods: string[];
    password?: { user?: Named & { password?: string } };
    token?: { id?: string };
    application_credential?: AppCredAuth;
  };
  scope?: string | { project?: Named; domain?: Named; system?: unknown; "OS-TRUST:trust"?: unknown };
}

interface Who {
  userId: string;
  /** The token of the token method. */
  parent?: TokenInfo;
  /** The credential of the application_credential method. */
  appCred?: AppCredLogin;
}

/**
 * The password method, with failed-login throttling (./lockout.ts): a refused client or a
 * locked-out user is answered before the password is hashed; a wrong password or an unknown user
 * counts against both, a success resets the user's count.
 */
async function byPassword(db: Kysely<Database>, password: AuthRequest["identity"]["password"], login: LoginAttempt): Promise<Who> {
  const ref = password?.user;
  if (!ref) throw ksBadRequest("Expecting to find user in identity/password.");
  if (typeof ref.password !== "string") throw ksBadRequest("Expecting to find password in identity/password/user.");
  if (!ref.id && !ref.domain) throw ksBadRequest("Expecting to find domain in identity/password/user: a user named without its id needs its domain.");
  return { userId: await checkPassword(db, login, await findByRef(db, "users", ref), ref.password) };
}

/** A user's password, checked under the login guard; the user's id, or a 401. Shared with the password change. */
export async function checkPassword(
  db: Kysely<Database>,
  login: LoginAttempt,
  user: { id: string; password_hash: string | null; enabled: number } | undefined,
  password: string,
): Promise<string> {
  login.guard.checkClient(login.client);
  if (user) login.guard.checkUser(user.id);
  const ok = await verifyPassword(password, user?.password_hash ?? UNMATCHABLE_HASH);
  if (!user || !ok) {
    login.guard.failed(login.client, user?.id ?? null);
    throw ksUnauthorized();
  }
  // As Keystone: the right password of a disabled user is no failure (nor a success).
  if (user.enabled !== 1) throw ksUnauthorized();
  login.guard.succeeded(user.id);
  return user.id;
}

async function byToken(tokens: TokenService, token: AuthRequest["identity"]["token"]): Promise<Who> {
  if (!token?.id) throw ksBadRequest("Expecting to find id in identity/token.");
  const parent = await tokens.validate(token.id);
  if (!parent) throw ksUnauthorized();
  // Besides Keystone: a credential's token would otherwise re-scope to any of the user's projects with all its roles.
  if (parent.applicationCredential) {
    throw ksForbidden("Using an application credential token to create another token. Authenticate with the application credential instead");
  }
  return { userId: parent.userId, parent };
}

async function byAppCred(db: Kysely<Database>, cred: AppCredAuth | undefined, login: LoginAttempt): Promise<Who> {
  const found = await checkAppCred(db, login, cred);
  return { userId: found.userId, appCred: found };
}

function byMethod(db: Kysely<Database>, tokens: TokenService, req: AuthRequest, login: LoginAttempt, m: string): Promise<Who> {
  if (m === "password") return byPassword(db, req.identity.password, login);
  if (m === "application_credential") return byAppCred(db, req.identity.application_credential, login);
  return byToken(tokens, req.identity.token);
}

/** Run every named method; all must succeed, for the same user (keystone/auth/core.py AuthInfo). */
async function identify(db: Kysely<Database>, tokens: TokenService, req: AuthRequest, login: LoginAttempt): Promise<Who> {
  const methods = req.identity.methods;
  if (methods.length === 0 || methods.some((m) => !AUTH_METHODS.includes(m))) throw ksAuthFailed();
  let who: Who | undefined;
  for (const m of new Set(methods)) {
    const next = await byMethod(db, tokens, req, login, m);
    if (who && who.userId !== next.userId) throw ksUnauthorized();
    who = { userId: next.userId, parent: who?.parent ?? next.parent, appCred: who?.appCred ?? next.appCred };
  }
  return who!;
}

/** The project to scope to: explicit, none ("unscoped"), or the user's default project when it has a role there. */
async function scopeProject(db: Kysely<Database>, userId: string, scope: AuthRequest["scope"]): Promise<string | null> {
  if (scope === undefined) {
    const user = await getUser(db, userId);
    const pid = user?.default_project_id;
    if (!pid) return null;
    const project = await getProject(db, pid);
    // Keystone falls back to an unscoped token when the default project is unusable.
    if (project?.enabled !== 1 || (await effectiveRoles(db, userId, pid)).length === 0) return null;
    return pid;
  }
  if (typeof scope === "string") {
    if (scope !== "unscoped") throw ksBadRequest("Invalid input for field 'scope': a string scope must be 'unscoped'.");
    return null;
  }
  if (scope.domain || scope.system || scope["OS-TRUST:trust"]) {
    throw new KeystoneError(403, "Only project-scoped and unscoped tokens are offered here; scope the token to a project.");
  }
  if (!scope.project) return null;
  if (!scope.project.id && !scope.project.domain) {
    throw ksBadRequest("Expecting to find domain in scope/project: a project named without its id needs its domain.");
  }
  if (scope.project.domain && !(await domainByRef(db, scope.project.domain))) throw ksUnauthorized();
  const project = await findByRef(db, "projects", scope.project);
  if (!project || project.enabled !== 1) throw ksUnauthorized();
  if ((await effectiveRoles(db, userId, project.id)).length === 0) throw ksUnauthorized();
  return project.id;
}

export async function authenticate(
  db: Kysely<Database>,
  tokens: TokenService,
  req: AuthRequest,
  login: LoginAttempt,
): Promise<{ token: string; info: TokenInfo }> {
  // keystone/auth/core.py `_validate_and_normalize_scope_data`: the credential is the scope.
  if (req.identity.methods.includes("application_credential") && req.scope !== undefined) {
    throw new KeystoneError(401, "Error authenticating with application credential: Application credentials cannot request a scope.");
  }
  const who = await identify(db, tokens, req, login);
  const projectId = who.appCred ? await appCredProject(db, who.appCred) : await scopeProject(db, who.userId, req.scope);
  // A token issued with the token method keeps its parent's methods and audit chain, and expires no later.
  const methods = [...new Set([...req.identity.methods, ...(who.parent?.methods ?? [])])];
  return tokens.issue(who.userId, projectId, methods, {
    parentAuditIds: who.parent?.auditIds,
    expiresAt: who.parent?.expiresAt ?? who.appCred?.expiresAt,
    appCredId: who.appCred?.id,
  });
}

/** The X-Subject-Token's identity, after the caller is allowed to see it (`identity:validate_token` / `check_token`). */
export async function subjectToken(tokens: TokenService, ctx: RequestContext, subject: string | undefined, rule: string): Promise<TokenInfo> {
  if (!subject) throw ksNoSubjectToken();
  const info = await tokens.validate(subject);
  if (!info) throw ksTokenNotFound();
  enforce(ctx, rule, { user_id: info.userId, project_id: info.projectId ?? undefined });
  return info;
}

/** Revoke the X-Subject-Token (`identity:revoke_token`: an admin, a service, or the token's own user). */
export async function revokeSubject(tokens: TokenService, ctx: RequestContext, subject: string | undefined): Promise<void> {
  await subjectToken(tokens, ctx, subject, "identity:revoke_token");
  if (!(await tokens.revoke(subject!))) throw ksTokenNotFound();
}

/** GET /auth/catalog: the caller's project, whose catalog it is (Keystone: a project-scoped token is required). */
export function catalogProject(ctx: RequestContext): string {
  enforce(ctx, "identity:get_auth_catalog");
  if (!ctx.token?.projectId) throw ksForbidden();
  return ctx.token.projectId;
}
