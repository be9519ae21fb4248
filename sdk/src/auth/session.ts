/**
 * Sessions hold the credentials of a client. A Keystone session re-authenticates when its token is
 * about to expire (before sending) or was refused (a 401, after which the client repeats the call
 * once); concurrent callers share one re-authentication.
 */
import type { ApplicationCredentialAuth, PasswordAuth, TokenAuth } from "../config/options";
import type { Transport } from "../transport";
import type { CatalogService, Token } from "../types";
import { issueToken, type IssuedToken } from "./keystone";

/** Renew a token this long before its `expires_at` (at most a quarter of its lifetime). */
export const EXPIRY_MARGIN_MS = 60_000;

export interface Session {
  /** The project the session acts in, when known. */
  readonly projectId?: string;
  /** The Keystone URL, when the session has one. */
  readonly authUrl?: string;
  /** The catalog of the current token. */
  readonly catalog?: CatalogService[];
  /** The current token's body (Keystone sessions). */
  readonly token?: Token;
  /** Headers that authenticate a request; renews a token that is about to expire. */
  authHeaders(signal?: AbortSignal): Promise<Record<string, string>>;
  /** After a 401 for a request sent with `headers`: true when a fresh token is ready to retry with. */
  reauthenticate(headers: Record<string, string>, signal?: AbortSignal): Promise<boolean>;
}

/** noauth (`<user>:<project>`) or a token given as is: nothing to renew. */
export class StaticSession implements Session {
  constructor(
    private readonly tokenValue: string | undefined,
    readonly projectId?: string,
  ) {}

  async authHeaders(): Promise<Record<string, string>> {
    return this.tokenValue ? { "X-Auth-Token": this.tokenValue } : {};
  }

  async reauthenticate(): Promise<boolean> {
    return false;
  }
}

export class KeystoneSession implements Session {
  private pending?: Promise<IssuedToken>;

  private constructor(
    private readonly transport: Transport,
    private readonly auth: PasswordAuth | TokenAuth | ApplicationCredentialAuth,
    private current: IssuedToken,
    private readonly now: () => number,
  ) {}

  /** Authenticate; throws Unauthorized for wrong credentials. */
  static async create(
    transport: Transport,
    auth: PasswordAuth | TokenAuth | ApplicationCredentialAuth,
    opts: { signal?: AbortSignal; now?: () => number } = {},
  ): Promise<KeystoneSession> {
    const first = await issueToken(transport, auth, opts.signal);
    return new KeystoneSession(transport, auth, first, opts.now ?? Date.now);
  }

  get projectId(): string | undefined {
    return this.current.projectId;
  }
  get authUrl(): string | undefined {
    return this.auth.authUrl;
  }
  get catalog(): CatalogService[] | undefined {
    return this.current.catalog;
  }
  get token(): Token {
    return this.current.body;
  }

  async authHeaders(signal?: AbortSignal): Promise<Record<string, string>> {
    const { expiresAt, lifetimeMs } = this.current;
    const margin = Math.min(EXPIRY_MARGIN_MS, (lifetimeMs ?? Infinity) / 4);
    if (expiresAt !== undefined && expiresAt - this.now() < margin) await this.renew(this.current.id, signal);
    return { "X-Auth-Token": this.current.id };
  }

  async reauthenticate(headers: Record<string, string>, signal?: AbortSignal): Promise<boolean> {
    const used = headers["X-Auth-Token"];
    // Another call renewed the token meanwhile: retry with that one.
    if (used !== this.current.id) return true;
    await this.renew(used, signal);
    return true;
  }

  /** One renewal at a time; callers that saw the same old token share it. */
  private async renew(old: string, signal?: AbortSignal): Promise<void> {
    if (this.current.id !== old) return;
    this.pending ??= issueToken(this.transport, this.auth, signal).finally(() => (this.pending = undefined));
    this.current = await this.pending;
  }
}
