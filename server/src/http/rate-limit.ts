/**
 * Rate limits of the volume API's writes (cf. Cinder's legacy ratelimit middleware,
 * cinder/api/v2/limits.py RateLimitingMiddleware): POST and PUT requests, each verb at most
 * `perMinute` a minute per project, as a token bucket (a burst of `perMinute`, then one every
 * 60/perMinute seconds). A request over the limit gets Cinder's 413 overLimit with Retry-After;
 * GET /limits shows each verb's limit, what remains and when the next request is allowed, in
 * Cinder's `rate` format.
 */
import { overLimit } from "../contract/errors";

export const LIMITED_VERBS = ["POST", "PUT"] as const;
type Verb = (typeof LIMITED_VERBS)[number];

/** Buckets kept at most; the oldest are dropped first (a dropped bucket starts full again). */
const BUCKETS_KEPT = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateView {
  verb: Verb;
  value: number;
  remaining: number;
  unit: "MINUTE";
  "next-available": string;
}

export class WriteRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** `perMinute` 0: no limit. */
  constructor(readonly perMinute: number) {}

  get enabled(): boolean {
    return this.perMinute > 0;
  }

  /** Take one request of `verb` for `project`, or throw the 413 that says when to retry. */
  take(project: string, verb: string, now = Date.now()): void {
    if (!this.enabled || !(LIMITED_VERBS as readonly string[]).includes(verb)) return;
    const b = this.refilled(`${project} ${verb}`, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const seconds = Math.max(1, Math.ceil(((1 - b.tokens) * 60_000) / this.perMinute / 1000));
    throw overLimit(`This request was rate-limited. Only ${this.perMinute} ${verb} request(s) can be made to * every minute.`, String(seconds));
  }

  /** The project's limits as GET /limits shows them (empty when there is no limit). */
  view(project: string, now = Date.now()): Array<{ uri: string; regex: string; limit: RateView[] }> {
    if (!this.enabled) return [];
    const limit = LIMITED_VERBS.map((verb): RateView => {
      const b = this.peek(`${project} ${verb}`, now);
      const wait = b.tokens >= 1 ? 0 : ((1 - b.tokens) * 60_000) / this.perMinute;
      return {
        verb,
        value: this.perMinute,
        remaining: Math.floor(b.tokens),
        unit: "MINUTE",
        "next-available": new Date(now + wait).toISOString().replace(/\.\d{3}Z$/, "Z"),
      };
    });
    return [{ uri: "*", regex: ".*", limit }];
  }

  private peek(key: string, now: number): Bucket {
    const b = this.buckets.get(key);
    if (!b) return { tokens: this.perMinute, at: now };
    return { tokens: Math.min(this.perMinute, b.tokens + ((now - b.at) * this.perMinute) / 60_000), at: now };
  }

  private refilled(key: string, now: number): Bucket {
    const b = this.peek(key, now);
    this.buckets.delete(key);
    if (this.buckets.size >= BUCKETS_KEPT) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(key, b);
    return b;
  }
}
