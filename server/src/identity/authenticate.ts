/**
 * POST /identity/v3/auth/tokens: password or token methods, project scope by id or by name within
 * a domain, or unscoped (keystone/auth/core.py, keystone/auth/plugins/password.py). Every failure to
 * authenticate is the same 401, so that callers cannot probe which users exist.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { badRequest, CinderError, forbidden } from "../http/errors";
import { verifyPassword } from "./password";
import { effectiveRoles, findByRef, type Named } from "./store";
import type { TokenInfo, TokenService } from "./tokens";

export interface AuthRequest {
  identity: {
    methods: string[];
    password?: { user: Named & { password?: string } };
    token?: { id: string };
  };
  scope?: "unscoped" | { project?: Named; domain?: { id?: string; name?: string }; system?: unknown };
}

export const unauthorized401 = () => new CinderError(401, "The request you have made requires authentication.");

async function identify(db: Kysely<Database>, tokens: TokenService, req: AuthRequest): Promise<{ userId: string; auditId?: string }> {
  const methods = req.identity.methods;
  if (methods.includes("password")) {
    const ref = req.identity.password?.user;
    if (!ref || typeof ref.password !== "string") throw badRequest("Invalid input for field 'identity/password/user': a user and a password are required.");
    if (!ref.id && !(ref.name && ref.domain)) {
      throw badRequest("Invalid input for field 'identity/password/user': give the user's id, or its name and domain.");
    }
    const user = await findByRef(db, "users", ref);
    // Hash even for unknown users so that timing does not tell which names exist.
    const ok = await verifyPassword(ref.password, user?.password_hash ?? "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA");
    if (!user || !ok || user.enabled !== 1) throw unauthorized401();
    return { userId: user.id };
  }
  if (methods.includes("token")) {
    const id = req.identity.token?.id;
    if (!id) throw badRequest("Invalid input for field 'identity/token': the token id is required.");
    const info = await tokens.validate(id);
    if (!info) throw unauthorized401();
    return { userId: info.userId, auditId: info.auditId };
  }
  throw new CinderError(401, `Unsupported authentication methods: ${methods.join(", ")}. Use password or token.`);
}

export async function authenticate(
  db: Kysely<Database>,
  tokens: TokenService,
  req: AuthRequest,
): Promise<{ token: string; info: TokenInfo }> {
  const { userId } = await identify(db, tokens, req);
  const scope = req.scope;
  let projectId: string | null = null;
  if (scope && scope !== "unscoped") {
    if (scope.domain || scope.system) {
      throw forbidden("Only project-scoped and unscoped tokens are offered here; scope to a project.");
    }
    if (scope.project) {
      const project = await findByRef(db, "projects", scope.project);
      if (!project || project.enabled !== 1) throw unauthorized401();
      const roles = await effectiveRoles(db, userId, project.id);
      if (roles.length === 0) throw new CinderError(401, `User ${userId} has no access to project ${project.id}`);
      projectId = project.id;
    }
  }
  const methods = req.identity.methods.filter((m) => m === "password" || m === "token");
  return tokens.issue(userId, projectId, methods);
}
