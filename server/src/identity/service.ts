/**
 * Who a request is, in the configured mode: `builtin` (tokens of Cinderblock's own Keystone
 * subset), `keystone` (an external Keystone) or `noauth` (development).
 *
 * The identity API at /identity is served only in `builtin` mode: with `keystone` the external
 * Keystone is the identity service, and with `noauth` there are no users; both answer every
 * /identity route with 404 (Keystone's fault body) naming the mode. The /image stub is served in
 * every mode and authenticates as the Cinder API does.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { unauthorized } from "../contract/errors";
import type { RequestContext } from "../contract/context";
import { ksUnauthorized } from "./errors";
import { KeystoneValidator, type KeystoneOptions } from "./keystone";
import { LoginGuard, type LockoutOptions } from "./lockout";
import { type Identity, noauthIdentity } from "./noauth";
import type { TokenInfo } from "../contract/context";
import { TokenService } from "./tokens";

export type AuthMode = "builtin" | "keystone" | "noauth";

export interface IdentityService {
  mode: AuthMode;
  /** Built-in mode's token store (undefined in other modes). */
  tokens?: TokenService;
  /** Built-in mode's failed-login counts (lockout; undefined in other modes). */
  logins?: LoginGuard;
  identify(headers: Record<string, string | string[] | undefined>): Promise<Identity>;
}

/**
 * The caller of the built-in identity API: any valid token, scoped or not (an unscoped token may
 * list its projects and re-scope). Roles and `isAdmin` come from the token's project, so an admin's
 * unscoped token is not an admin.
 */
export async function tokenContext(
  tokens: TokenService,
  headers: Record<string, string | string[] | undefined>,
  requestId: string,
): Promise<RequestContext> {
  const token = header(headers, "x-auth-token");
  const info: TokenInfo | undefined = token ? await tokens.validate(token) : undefined;
  if (!info) throw ksUnauthorized();
  const roles = info.roles.map((r) => r.name);
  return { userId: info.userId, projectId: info.projectId ?? "", roles, isAdmin: roles.includes("admin"), requestId, version: 3000, token: info };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function createIdentity(
  mode: AuthMode,
  db: Kysely<Database>,
  opts: { tokenTtlSeconds: number; keystone?: KeystoneOptions; lockout: LockoutOptions },
): IdentityService {
  if (mode === "noauth") return { mode, identify: async (h) => noauthIdentity(h) };
  if (mode === "keystone") {
    if (!opts.keystone) throw new Error("auth mode 'keystone' needs keystone settings");
    const v = new KeystoneValidator(opts.keystone);
    return {
      mode,
      identify: async (h) => {
        const token = header(h, "x-auth-token");
        if (!token) throw unauthorized();
        return v.validate(token);
      },
    };
  }
  const tokens = new TokenService(db, opts.tokenTtlSeconds);
  return {
    mode,
    tokens,
    logins: new LoginGuard(opts.lockout),
    identify: async (h) => {
      const token = header(h, "x-auth-token");
      if (!token) throw unauthorized();
      const info = await tokens.validate(token);
      if (!info) throw unauthorized();
      if (!info.projectId) throw unauthorized("A project-scoped token is required.");
      return { userId: info.userId, projectId: info.projectId, roles: info.roles.map((r) => r.name) };
    },
  };
}
