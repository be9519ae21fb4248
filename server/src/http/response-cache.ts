/**
 * Whole answers to the reads clients repeat most (a volume polled until it is available, the same
 * page of volumes listed again), kept while the database has not changed. The read cache under
 * the repositories (../db/read-cache.ts) already spares SQLite; this spares everything above it:
 * the views, the policy checks on each field and the JSON.
 *
 * An answer is kept under everything it was made from besides the rows: the operation and the URL
 * (path and query), the microversion, the origin its links name, and who asked (user, project,
 * roles, admin) — the policy decides fields and visibility from those alone. It is served again only
 * while the database's generation (`Db.generation`, ../db/database.ts) is the one it was made under,
 * which moves with every write of this process and every commit of another: a write, however
 * small, forgets every kept answer. Only answers made without a write in between are kept, only
 * successful ones, and only on SQLite (on PostgreSQL other processes commit unseen).
 *
 * Identity is checked on every request before this cache is consulted: a revoked token is refused
 * as before, whatever answers were kept for it.
 */
import type { RequestContext } from "../contract/context";

/** The operations whose answers depend on nothing but the rows and the key (no clock, no backend). */
export const CACHED_OPERATIONS: ReadonlySet<string> = new Set([
  "showVolume",
  "listVolumes",
  "listVolumesDetail",
  "showSnapshot",
  "listSnapshots",
  "listSnapshotsDetail",
]);

/** At most this many bytes of answers are kept; past it the cache starts over. */
const BUDGET_BYTES = 8 * 1024 * 1024;
/** An answer larger than this is not kept (a page of a thousand volumes). */
const LARGEST_BYTES = 512 * 1024;

export class ResponseCache {
  private entries = new Map<string, string>();
  private generation: number | undefined;
  private bytes = 0;
  /** Answers served from the cache since the start (for tests and diagnostics). */
  hits = 0;

  /** The JSON body kept for `key` at `generation`, if any. */
  get(key: string, generation: number): string | undefined {
    if (generation !== this.generation) {
      this.reset(generation);
      return undefined;
    }
    const body = this.entries.get(key);
    if (body !== undefined) this.hits++;
    return body;
  }

  /** Keep `body` for `key`, made from the database at `generation`. */
  set(key: string, generation: number, body: string): void {
    if (body.length > LARGEST_BYTES) return;
    if (generation !== this.generation || this.bytes + body.length > BUDGET_BYTES) this.reset(generation);
    this.entries.set(key, body);
    this.bytes += body.length;
  }

  private reset(generation: number): void {
    this.generation = generation;
    if (this.entries.size > 0) this.entries = new Map();
    this.bytes = 0;
  }
}

/** The key of an answer: everything besides the rows that it was made from. */
export function responseKey(operation: string, url: string, origin: string, ctx: RequestContext): string {
  return `${operation}\u0000${url}\u0000${ctx.version}\u0000${origin}\u0000${ctx.userId}\u0000${ctx.projectId}\u0000${ctx.isAdmin}\u0000${ctx.roles.join(",")}`;
}
