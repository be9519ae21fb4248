/**
 * Who is asking: the request context every layer below http receives (cf. cinder/context.py).
 * Identity backends (noauth, the built-in Keystone, an external Keystone) produce it; policy and
 * the domain read it.
 */

export interface RequestContext {
  userId: string;
  projectId: string;
  roles: readonly string[];
  /** Cinder's context_is_admin: the admin role on any project makes a cloud admin. */
  isAdmin: boolean;
  requestId: string;
  /** The microversion the request asked for (major*1000+minor). */
  version: number;
  /** The policy in force (the server's, from its policy file); Cinder's defaults when absent. */
  policy?: { allowed(ctx: RequestContext, rule: string, target?: { project_id?: string; user_id?: string }): boolean };
  /** On the built-in identity API: the caller's token (which may be unscoped; projectId is then ""). */
  token?: TokenInfo;
  /** The request's Keystone token (X-Auth-Token), passed on to Barbican; never logged. */
  authToken?: string;
  /** The peer address of the connection (not X-Forwarded-For), where a handler needs it (login throttling). */
  clientIp?: string;
}

/** What a validated token says (Keystone's token body, before rendering). */
export interface TokenInfo {
  userId: string;
  userName: string;
  userDomainId: string;
  userDomainName: string;
  projectId: string | null;
  projectName: string | null;
  projectDomainId: string | null;
  projectDomainName: string | null;
  roles: Array<{ id: string; name: string }>;
  methods: string[];
  issuedAt: string;
  expiresAt: string;
  /** This token's audit id, then its parent's (a token issued with the token method). */
  auditIds: string[];
  /** The application credential the token was issued with (its roles limit the token's). */
  applicationCredential?: { id: string; name: string; restricted: boolean };
}
