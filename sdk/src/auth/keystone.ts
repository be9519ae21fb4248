/**
 * Keystone v3 token issue (`POST /v3/auth/tokens`, keystone/api/auth.py): the request bodies for
 * password, token and application-credential authentication, and the token it answers with (the
 * id is the `X-Subject-Token` header, the body carries expiry, project and catalog).
 */
import { ConfigError } from "../errors";
import type { Transport } from "../transport";
import type { CatalogService, Op, RequestBody, Schemas, Token } from "../types";
import { fillPath, normaliseAuthUrl, splitSpecPath } from "../urls";
import type { ApplicationCredentialAuth, PasswordAuth, ProjectScope, TokenAuth, UserRef } from "../config/options";

type TokensRequest = RequestBody<Op<"/identity/v3/auth/tokens", "post">>;

/**
 * Application credentials are Keystone v3's (keystone/auth/plugins/application_credential.py) but
 * not part of Cinderblock's Keystone subset, so the spec has no schema for them: this is the one
 * request shape the SDK writes itself.
 */
interface ApplicationCredentialRequest {
  auth: {
    identity: {
      methods: ["application_credential"];
      application_credential: { id?: string; name?: string; secret: string; user?: UserBody };
    };
  };
}

type UserBody = { id: string } | { name: string; domain: { id: string } | { name: string } };

/** A token the client holds. */
export interface IssuedToken {
  id: string;
  /** Epoch milliseconds of `expires_at`. */
  expiresAt?: number;
  /** Milliseconds between `issued_at` and `expires_at`. */
  lifetimeMs?: number;
  projectId?: string;
  catalog?: CatalogService[];
  body: Token;
}

/** The Keystone URL of a spec identity path (`/identity/v3/auth/tokens` → `<authUrl>/auth/tokens`). */
export function identityUrl(authUrl: string, specPath: string, params?: Record<string, unknown>): string {
  return normaliseAuthUrl(authUrl) + fillPath(splitSpecPath(specPath).rest, params);
}

function userBody(u: UserRef, what: string): UserBody {
  if (u.userId) return { id: u.userId };
  if (!u.username) throw new ConfigError(`${what} needs a user id or a user name`);
  const domain = u.userDomainId ? { id: u.userDomainId } : u.userDomainName ? { name: u.userDomainName } : { id: "default" };
  return { name: u.username, domain };
}

function scopeBody(s: ProjectScope): NonNullable<TokensRequest["auth"]["scope"]> | undefined {
  if (s.systemScope !== undefined && s.systemScope !== "") {
    // keystoneauth: system_scope "all" is the only system there is.
    if (s.systemScope.toLowerCase() !== "all") throw new ConfigError(`system scope '${s.systemScope}' is not 'all'`);
    if (s.projectId || s.projectName) throw new ConfigError("a token is scoped to a project or to the system, not both: drop the project or the system scope");
    return { system: { all: true } };
  }
  if (s.projectId) return { project: { id: s.projectId } };
  if (!s.projectName) return undefined;
  const domain = s.projectDomainId ? { id: s.projectDomainId } : s.projectDomainName ? { name: s.projectDomainName } : { id: "default" };
  return { project: { name: s.projectName, domain } };
}

export function authRequest(auth: PasswordAuth | TokenAuth | ApplicationCredentialAuth): TokensRequest | ApplicationCredentialRequest {
  switch (auth.type) {
    case "password": {
      const scope = scopeBody(auth);
      const user = { ...userBody(auth, "password auth"), password: auth.password };
      return { auth: { identity: { methods: ["password"], password: { user } }, ...(scope ? { scope } : {}) } };
    }
    case "token": {
      const scope = scopeBody(auth);
      return { auth: { identity: { methods: ["token"], token: { id: auth.token } }, ...(scope ? { scope } : {}) } };
    }
    case "application_credential": {
      const cred = auth.applicationCredentialId
        ? { id: auth.applicationCredentialId, secret: auth.applicationCredentialSecret }
        : {
            name: auth.applicationCredentialName,
            secret: auth.applicationCredentialSecret,
            user: userBody(auth, "an application credential by name"),
          };
      return { auth: { identity: { methods: ["application_credential"], application_credential: cred } } };
    }
  }
}

/** Issue a token; Keystone faults (401 for wrong credentials) are thrown as CinderApiErrors. */
export async function issueToken(
  transport: Transport,
  auth: PasswordAuth | TokenAuth | ApplicationCredentialAuth,
  signal?: AbortSignal,
): Promise<IssuedToken> {
  if (!auth.authUrl) throw new ConfigError("token exchange needs an auth URL");
  const res = await transport.send({
    method: "POST",
    url: identityUrl(auth.authUrl, "/identity/v3/auth/tokens"),
    body: authRequest(auth),
    ok: [201, 200],
    // Issuing a token changes nothing that a repeat could duplicate.
    idempotent: true,
    signal,
  });
  const id = res.headers["x-subject-token"];
  const body = (res.data as Schemas["TokenResponse"] | undefined)?.token;
  if (!id || !body) throw new ConfigError("Keystone answered without X-Subject-Token or a token body");
  const expiresAt = body.expires_at ? Date.parse(body.expires_at) : NaN;
  const issuedAt = body.issued_at ? Date.parse(body.issued_at) : NaN;
  return {
    id,
    body,
    expiresAt: Number.isNaN(expiresAt) ? undefined : expiresAt,
    lifetimeMs: Number.isNaN(expiresAt - issuedAt) ? undefined : expiresAt - issuedAt,
    projectId: body.project?.id,
    catalog: body.catalog,
  };
}
