/**
 * Requests from another service (cinder/volume/api.py `is_service_request`): Cinder looks at the
 * roles of the X-Service-Token that keystonemiddleware validated and compares them with
 * `[keystone_authtoken] service_token_roles` (default `service`). Cinderblock's identity carries
 * one token per request, so the caller's own roles are compared with that default: a user that
 * holds the `service` role (as well as a role that lets it call the operation at all) speaks for
 * a service, the way Keystone's `role:service` checks read it.
 */
import type { RequestContext } from "../contract/context";

/** keystonemiddleware's `service_token_roles` default. */
export const SERVICE_TOKEN_ROLES: readonly string[] = ["service"];

export function isServiceRequest(ctx: RequestContext): boolean {
  return ctx.roles.some((r) => SERVICE_TOKEN_ROLES.includes(r));
}
