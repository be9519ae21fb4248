/**
 * Development identity: `X-Auth-Token: user:project` acts as that user with the member role on
 * that project (reader implied); the user `admin` has the admin role. A token without a colon
 * names the user, and the project comes from `X-Auth-Project-Id`.
 *
 * Cinder's own noauth makes every caller an admin (cinder/api/middleware/auth.py NoAuthMiddleware);
 * this one is stricter so that project isolation can be exercised without an identity service.
 */
import { unauthorized } from "../contract/errors";

export interface Identity {
  userId: string;
  projectId: string;
  roles: string[];
}

export function noauthIdentity(headers: Record<string, string | string[] | undefined>): Identity {
  const token = first(headers["x-auth-token"]);
  if (!token) throw unauthorized();
  const idx = token.indexOf(":");
  const userId = idx >= 0 ? token.slice(0, idx) : token;
  const projectId = idx >= 0 ? token.slice(idx + 1) : first(headers["x-auth-project-id"]) ?? userId;
  if (!userId || !projectId) throw unauthorized("The token must be user:project.");
  // Both are stored with what the caller creates (255-character columns, as Cinder's).
  if (userId.length > 255 || projectId.length > 255) throw unauthorized("The user and the project of the token must be at most 255 characters each.");
  const roles = userId === "admin" ? ["admin", "member", "reader"] : ["member", "reader"];
  return { userId, projectId, roles };
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
