/**
 * `--auth keystone`: tokens are validated by an external Keystone (GET /v3/auth/tokens with a
 * service token, as keystonemiddleware's auth_token does), and the answers cached for a bounded
 * time (never past the token's own expiry).
 */
import { unauthorized } from "../contract/errors";
import type { Identity } from "./noauth";

export interface KeystoneOptions {
  /** e.g. http://keystone:5000/v3 (a trailing /v3 is added when missing). */
  url: string;
  serviceUser: string;
  servicePassword: string;
  serviceProject: string;
  serviceDomain: string;
  cacheSeconds: number;
}

interface Cached {
  identity: Identity;
  until: number;
}

const CACHE_MAX = 10_000;

export class KeystoneValidator {
  private serviceToken?: string;
  private readonly cache = new Map<string, Cached>();
  private readonly base: string;

  constructor(private readonly opts: KeystoneOptions) {
    this.base = opts.url.replace(/\/+$/, "").replace(/\/v3$/, "") + "/v3";
  }

  async validate(token: string): Promise<Identity> {
    const hit = this.cache.get(token);
    if (hit && hit.until > Date.now()) return hit.identity;
    let res = await this.check(token);
    if (res.status === 401 || res.status === 403) {
      this.serviceToken = undefined; // the service token may have expired: log in again, once
      res = await this.check(token);
    }
    if (res.status === 404 || res.status === 401) throw unauthorized();
    if (res.status !== 200) throw new Error(`Keystone answered ${res.status} when validating a token`);
    const body = (await res.json()) as {
      token: { user: { id: string }; project?: { id: string }; roles?: Array<{ name: string }>; expires_at: string };
    };
    if (!body.token.project) throw unauthorized("A project-scoped token is required.");
    const identity: Identity = {
      userId: body.token.user.id,
      projectId: body.token.project.id,
      roles: (body.token.roles ?? []).map((r) => r.name),
    };
    const until = Math.min(Date.now() + this.opts.cacheSeconds * 1000, Date.parse(body.token.expires_at));
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(token, { identity, until });
    return identity;
  }

  private async check(token: string): Promise<Response> {
    const service = await this.login();
    return fetch(`${this.base}/auth/tokens`, {
      headers: { "X-Auth-Token": service, "X-Subject-Token": token },
    });
  }

  private async login(): Promise<string> {
    if (this.serviceToken) return this.serviceToken;
    const res = await fetch(`${this.base}/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ["password"],
            password: {
              user: { name: this.opts.serviceUser, domain: { name: this.opts.serviceDomain }, password: this.opts.servicePassword },
            },
          },
          scope: { project: { name: this.opts.serviceProject, domain: { name: this.opts.serviceDomain } } },
        },
      }),
    });
    const token = res.headers.get("x-subject-token");
    if (res.status !== 201 || !token) throw new Error(`the service user could not log in to Keystone (${res.status})`);
    this.serviceToken = token;
    return token;
  }
}
