/**
 * Results of SQLite reads, kept while the database has not changed. A status poll, a token check
 * or a page read again asks SQLite for rows it has already given; running the statement again
 * costs more than everything else the request does. A kept result is valid while
 *   - this connection has run no statement that can write (every such statement empties the
 *     cache before it runs), and
 *   - no other connection has committed since (`PRAGMA data_version` is the same: other processes
 *     on the same file, an admin command).
 * It is used only outside a transaction (inside one a read must see the transaction's own rows, and
 * those are never kept), and only for read-only statements whose result depends on nothing but the
 * database and their parameters (no clock, no random numbers). Rows are kept as arrays; each hit
 * builds new objects, so a caller that changes a row changes only its own copy.
 */
import type SQLite from "better-sqlite3";

/** Results kept at most; past this the cache starts over (a few thousand rows of pages and lookups). */
const ENTRIES_KEPT = 2000;

/** SQL functions whose result changes without the database changing. */
const VOLATILE = /\b(random|randomblob|changes|total_changes|last_insert_rowid|date|time|datetime|julianday|unixepoch|strftime|timediff)\s*\(|\bcurrent_(date|time|timestamp)\b/i;

export class ReadCache {
  private entries = new Map<string, unknown[][]>();
  private version: unknown;
  /** Counts the times the database may have changed under what was read (./database.ts `generation`). */
  private epoch = 0;
  private readonly versionOf: SQLite.Statement;

  constructor(
    private readonly sqlite: SQLite.Database,
    /** False: nothing is kept, and no generation is known (every read runs its statement). */
    private readonly enabled = true,
  ) {
    this.versionOf = sqlite.prepare("PRAGMA data_version").pluck();
    this.version = this.versionOf.get();
  }

  /** Whether results of `sql` (a statement better-sqlite3 found read-only) may be kept at all. */
  static keeps(stmt: SQLite.Statement, sql: string): boolean {
    return stmt.reader && stmt.readonly && !VOLATILE.test(sql);
  }

  /** A statement that can write is about to run on this connection: nothing kept is sure any more. */
  forget(): void {
    this.epoch++;
    if (this.entries.size > 0) this.entries = new Map();
  }

  /**
   * A number that stays the same exactly while nothing kept from a read could have changed: it
   * moves with every statement that can write on this connection and with every commit of another
   * connection. Undefined while a transaction is open on the connection (a read would see its
   * uncommitted rows, and a rollback writes nothing that would move the number).
   */
  generation(): number | undefined {
    if (!this.enabled || this.sqlite.inTransaction) return undefined;
    // Another process's commit is looked for once a turn of the event loop: what this process
    // writes moves the number at once, another's from the next turn (as if the request that asks
    // had come a few microseconds sooner), and the pragma is not run for every request of a turn.
    if (!this.checkedThisTurn) {
      this.checkVersion();
      this.checkedThisTurn = true;
      setImmediate(this.nextTurn);
    }
    return this.epoch;
  }

  private checkedThisTurn = false;
  private readonly nextTurn = () => {
    this.checkedThisTurn = false;
  };

  private checkVersion(): void {
    const version = this.versionOf.get();
    if (version !== this.version) {
      this.version = version;
      this.forget();
    }
  }

  /**
   * The rows of `stmt` (kept under `sql`) for `params`: from the cache when they are there and
   * still valid, else read now and kept. `read` runs the statement and returns raw rows.
   */
  rows(sql: string, params: readonly unknown[], read: () => unknown[][]): unknown[][] {
    if (!this.enabled || this.sqlite.inTransaction) return read();
    const key = keyOf(sql, params);
    if (key === undefined) return read();
    this.checkVersion();
    let rows = this.entries.get(key);
    if (rows === undefined) {
      rows = read();
      if (this.entries.size >= ENTRIES_KEPT) this.entries = new Map();
      this.entries.set(key, rows);
    }
    return rows;
  }
}

/** `sql` and its parameters as one string, each part length-prefixed; undefined for values not kept (blobs). */
function keyOf(sql: string, params: readonly unknown[]): string | undefined {
  let key = sql;
  for (const p of params) {
    if (typeof p === "string") key += `\u0000s${p.length}:${p}`;
    else if (typeof p === "number" || typeof p === "bigint") key += `\u0000n${p}`;
    else if (p === null || p === undefined) key += "\u0000z";
    else return undefined;
  }
  return key;
}
