/**
 * Tokens: 32 random bytes handed to the client once; only their sha256 is stored. They expire
 * (default one hour) and can be revoked. Validation reads the user's current role assignments, so
 * a revoked role takes effect on the next validation; results are cached for a few seconds. A
 * token issued with an application credential holds only the credential's roles (of those the
 * user still has) and stops validating when the credential is deleted.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import type { TokenInfo } from "../contract/context";
import { effectiveRoles } from "./store";
import { deleteExpiredTokens, insertToken, revokeToken, revokeUserTokens, tokenWithOwner } from "../db/repos/tokens";
import { appCredRoles } from "../db/repos/application-credentials";

export interface IssueOptions {
  /** The audit ids of the token this one was issued with (the token method). */
  parentAuditIds?: string[];
  /** A re-issued token never outlives its parent (keystone/token/provider.py), nor its application credential. */
  expiresAt?: string;
  /** The application credential the token is issued with. */
  appCredId?: string;
}

const CACHE_MS = 5_000;
/** Expired tokens' rows are removed at most this often, by the next issue. */
const PRUNE_EVERY_MS = 3_600_000;
const CACHE_MAX = 10_000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Keystone's token times: ISO-8601 UTC with microseconds and a Z. */
export function keystoneTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class TokenService {
  private readonly cache = new Map<string, { info: TokenInfo; until: number }>();
  private lastPrune = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlSeconds: number,
  ) {}

  async issue(userId: string, projectId: string | null, methods: string[], opts: IssueOptions = {}): Promise<{ token: string; info: TokenInfo }> {
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.prune();
    }
    const token = randomBytes(32).toString("base64url");
    const issued = new Date();
    let expires = new Date(issued.getTime() + this.ttlSeconds * 1000);
    if (opts.expiresAt && Date.parse(opts.expiresAt) < expires.getTime()) expires = new Date(Date.parse(opts.expiresAt));
    const auditIds = [randomBytes(16).toString("base64url"), ...(opts.parentAuditIds ?? []).slice(-1)];
    await insertToken(this.db, {
      id_hash: hashToken(token),
      user_id: userId,
      project_id: projectId,
      methods: methods.join(","),
      audit_id: auditIds.join(","),
      issued_at: keystoneTime(issued),
      expires_at: keystoneTime(expires),
      revoked: 0,
      app_cred_id: opts.appCredId ?? null,
    });
    const info = await this.validate(token);
    if (!info) throw new Error("a token just issued does not validate");
    return { token, info };
  }

  /** The token's identity, or undefined when it is unknown, expired, revoked or its user or project is disabled. */
  async validate(token: string): Promise<TokenInfo | undefined> {
    // The cache, in this process's memory only, is keyed by the token itself: no hash per request.
    const hit = this.cache.get(token);
    if (hit && hit.until > Date.now()) return hit.info;
    const row = await tokenWithOwner(this.db, hashToken(token));
    if (!row || row.revoked || row.user_enabled !== 1 || Date.parse(row.expires_at) <= Date.now()) return undefined;
    if (row.project_id && row.project_enabled !== 1) return undefined;
    // An application credential's token: gone with the credential, and only the credential's roles.
    if (row.app_cred_id && row.app_cred_name === null) return undefined;
    let roles = row.project_id ? await effectiveRoles(this.db, row.user_id, row.project_id) : [];
    if (row.app_cred_id) {
      const allowed = new Set(((await appCredRoles(this.db, [row.app_cred_id])).get(row.app_cred_id) ?? []).map((r) => r.id));
      roles = roles.filter((r) => allowed.has(r.id));
    }
    if (row.project_id && roles.length === 0) return undefined; // no role left on the project
    const info: TokenInfo = {
      userId: row.user_id,
      userName: row.user_name,
      userDomainId: row.user_domain_id,
      userDomainName: row.user_domain_name,
      projectId: row.project_id,
      projectName: row.project_name ?? null,
      projectDomainId: row.project_domain_id ?? null,
      projectDomainName: row.project_domain_name ?? null,
      roles,
      methods: row.methods.split(","),
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      auditIds: row.audit_id.split(","),
      ...(row.app_cred_id
        ? { applicationCredential: { id: row.app_cred_id, name: row.app_cred_name!, restricted: row.app_cred_unrestricted !== 1 } }
        : {}),
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    // Kept for a few seconds, and never past the token's own expiry.
    this.cache.set(token, { info, until: Math.min(Date.now() + CACHE_MS, Date.parse(row.expires_at)) });
    return info;
  }

  async revoke(token: string): Promise<boolean> {
    this.cache.delete(token);
    return revokeToken(this.db, hashToken(token));
  }

  /** Revoke every token of a user (password changed, user disabled or deleted). */
  async revokeUser(userId: string): Promise<void> {
    await revokeUserTokens(this.db, userId);
    this.flush();
  }

  /** Forget cached validations (after a role, user or project change). */
  flush(): void {
    this.cache.clear();
  }

  /** Remove expired tokens' rows. */
  async prune(): Promise<void> {
    await deleteExpiredTokens(this.db, keystoneTime(new Date()));
  }
}
