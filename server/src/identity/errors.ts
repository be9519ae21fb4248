/**
 * Keystone's faults (keystone/exception.py) and their body, `{"error": {"code", "message", "title"}}`
 * (keystone/server/flask/application.py `_handle_keystone_exception`). Identity code throws the
 * one error class, CinderError; the HTTP layer renders it with `keystoneBody` on the /identity and
 * /image routes and with Cinder's envelope everywhere else.
 *
 * Messages never carry a secret: not the password, and not the token (Keystone's "Could not find
 * token: <token>." would put the token into the refusal's log line, so it is left out here).
 */
import { CinderError, HTTP_TITLES } from "../contract/errors";

/** A Keystone fault with extra keys in `error` (the accepted `identity.methods` of a failed authentication). */
export class KeystoneError extends CinderError {
  constructor(
    status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(status, message);
    this.name = "KeystoneError";
  }
}

export const AUTH_METHODS = ["password", "token", "application_credential"];
export const UNAUTHORIZED_MESSAGE = "The request you have made requires authentication.";
const JSON_EXPECTED =
  "Expecting to find application/json in Content-Type header. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.";

export const ksUnauthorized = () => new KeystoneError(401, UNAUTHORIZED_MESSAGE);
/** A failed authentication plugin: 401 listing the methods offered (keystone/auth/core.py). */
export const ksAuthFailed = () => new KeystoneError(401, UNAUTHORIZED_MESSAGE, { identity: { methods: AUTH_METHODS } });
export const ksForbidden = (rule?: string) =>
  new KeystoneError(403, rule ? `You are not authorized to perform the requested action: ${rule}.` : "You are not authorized to perform the requested action.");
export const ksBadRequest = (message: string) => new KeystoneError(400, message);
export const ksNotFound = (kind: "project" | "user" | "role" | "domain" | "service" | "endpoint" | "region", id: string) =>
  new KeystoneError(404, `Could not find ${kind}: ${id}.`);
export const ksAppCredNotFound = (id: string) => new KeystoneError(404, `Could not find Application Credential: ${id}.`);
export const ksTokenNotFound = () => new KeystoneError(404, "Could not find token: the token is unknown, expired or revoked.");
export const ksNoSubjectToken = () => new KeystoneError(404, "No token in the request");
export const ksConflict = (type: string, details: string) =>
  new KeystoneError(409, `Conflict occurred attempting to store ${type} - ${details}.`);
export const ksAssignmentNotFound = (roleId: string, userId: string, projectId: string) =>
  new KeystoneError(
    404,
    `Could not find role assignment with role: ${roleId}, user or group: ${userId}, project, domain, or system: ${projectId}.`,
  );

/** The error as Keystone words it: Cinder's 415 is Keystone's 400, and unknown statuses keep their code. */
export function keystoneFault(err: CinderError): { status: number; body: Record<string, unknown> } {
  let status = err.status;
  let message = err.message;
  if (status === 415) {
    status = 400;
    message = JSON_EXPECTED;
  }
  const extra = err instanceof KeystoneError ? err.extra : {};
  return { status, body: { error: { code: status, message, title: HTTP_TITLES[status] ?? "Error", ...extra } } };
}
