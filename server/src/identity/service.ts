/**
 * Who a request is, in the configured mode: `builtin` (tokens of Cinderblock's own Keystone
 * subset), `keystone` (an external Keystone) or `noauth` (development).
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { unauthorized } from "../http/errors";
import { KeystoneValidator, type KeystoneOptions } from "./keystone";
import { type Identity, noauthIdentity } from "./noauth";
import { TokenService } from "./tokens";

export type AuthMode = "builtin" | "keystone" | "noauth";

export interface IdentityService {
  mode: AuthMode;
  /** Built-in mode's token store (undefined in other modes). */
  tokens?: TokenService;
  identify(headers: Record<string, string | string[] | undefined>): Promise<Identity>;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function createIdentity(
  mode: AuthMode,
  db: Kysely<Database>,
  opts: { tokenTtlSeconds: number; keystone?: KeystoneOptions },
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
