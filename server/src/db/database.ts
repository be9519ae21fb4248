/**
 * The database: SQLite (better-sqlite3) in the data directory by default, PostgreSQL by URL.
 * One set of kysely migrations serves both.
 */
import path from "node:path";
import { closeSync, mkdirSync, openSync } from "node:fs";
import SQLite from "better-sqlite3";
import { Pool, types as pgTypes } from "pg";
import { Kysely, Migrator, sql, PostgresDialect, SqliteDialect, type Migration, type MigrationProvider, type SqliteDatabase, type SqliteStatement, type TransactionBuilder } from "kysely";
import type { Database } from "./schema";
import { ReadCache } from "./read-cache";
import * as m0001 from "./migrations/0001_initial";
import * as m0002 from "./migrations/0002_identity";
import * as m0003 from "./migrations/0003_types_qos_quotas";
import * as m0004 from "./migrations/0004_attachments";
import * as m0005 from "./migrations/0005_clusters";
import * as m0006 from "./migrations/0006_list_indexes";
import * as m0007 from "./migrations/0007_application_credentials";
import * as m0008 from "./migrations/0008_snapshot_task";
import * as m0009 from "./migrations/0009_groups";
import * as m0010 from "./migrations/0010_encryption";
import * as m0011 from "./migrations/0011_transfers";
import * as m0012 from "./migrations/0012_messages";
import * as m0013 from "./migrations/0013_backups";
import * as m0014 from "./migrations/0014_migration";
import * as m0015 from "./migrations/0015_images";
import * as m0016 from "./migrations/0016_image_hidden";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
  /**
   * What the database holds, as a number: the same number twice means that nothing was written in
   * between, by this process or another (./read-cache.ts). Undefined where no such number is known
   * (PostgreSQL, whose other clients commit unseen; a transaction open on the SQLite connection;
   * the read cache turned off).
   */
  generation(): number | undefined;
}

// PostgreSQL answers count(*) and sum() as int8, which pg hands over as strings; Cinder's numbers
// (sizes in GiB, counts) fit in a double.
pgTypes.setTypeParser(20, (v) => Number(v));

const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_identity": m0002,
  "0003_types_qos_quotas": m0003,
  "0004_attachments": m0004,
  "0005_clusters": m0005,
  "0006_list_indexes": m0006,
  "0007_application_credentials": m0007,
  "0008_snapshot_task": m0008,
  "0009_groups": m0009,
  "0010_encryption": m0010,
  "0011_transfers": m0011,
  "0012_messages": m0012,
  "0013_backups": m0013,
  "0014_migration": m0014,
  "0015_images": m0015,
  "0016_image_hidden": m0016,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** The migrations, each telling `onStep` when it starts (for the progress of a long upgrade). */
async function reportingProvider(db: Db, onStep: MigrationStep): Promise<MigrationProvider> {
  const known = await new Migrator({ db: db.kysely, provider: new StaticProvider() }).getMigrations();
  const pending = known.filter((m) => m.executedAt === undefined).map((m) => m.name);
  const wrapped: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(migrations)) {
    wrapped[name] = {
      ...m,
      up: async (k) => {
        onStep(name, pending.indexOf(name) + 1, pending.length);
        await m.up(k);
      },
    };
  }
  return { getMigrations: async () => wrapped };
}

/** The file of a SQLite database URL (`sqlite:PATH`, `sqlite://PATH`, a bare path); null for PostgreSQL. */
export function sqlitePath(url: string): string | null {
  return /^postgres(ql)?:\/\//.test(url) ? null : url.replace(/^sqlite:(\/\/)?/, "");
}

/** PostgreSQL's answers to a transaction it chose to end so that others may go on. */
const RETRIABLE = new Set(["40P01" /* deadlock_detected */, "40001" /* serialization_failure */]);
const TRANSACTION_ATTEMPTS = 5;

/**
 * Transactions on PostgreSQL that run again, from the start, when the server ends them for a
 * deadlock or a serialization failure (oslo.db's wrap_db_retry with retry_on_deadlock, which
 * Cinder's quota and volume updates carry): a transaction rolled back changed nothing, and every
 * one here reads what it decides on inside itself. The callbacks must keep their effects in the
 * database (nothing sent or cached before the commit).
 */
class RetryingKysely<DB> extends Kysely<DB> {
  override transaction(): TransactionBuilder<DB> {
    return retrying(super.transaction());
  }
}

function retrying<DB>(b: TransactionBuilder<DB>): TransactionBuilder<DB> {
  const wrapped: Pick<TransactionBuilder<DB>, "execute" | "setAccessMode" | "setIsolationLevel"> = {
    setAccessMode: (mode) => retrying(b.setAccessMode(mode)),
    setIsolationLevel: (level) => retrying(b.setIsolationLevel(level)),
    async execute(callback) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await b.execute(callback);
        } catch (err) {
          if (attempt >= TRANSACTION_ATTEMPTS || !RETRIABLE.has((err as { code?: string }).code ?? "")) throw err;
          // A short random pause, growing with each attempt, so that the two do not meet again.
          await new Promise((res) => setTimeout(res, Math.random() * 20 * 2 ** attempt));
        }
      }
    },
  };
  return wrapped as TransactionBuilder<DB>;
}

/** `sqlite:PATH`, `sqlite://PATH`, a bare path, or `postgres://...` / `postgresql://...`. */
export function openDb(url: string, opts: { readCache?: boolean } = {}): Db {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new Pool({ connectionString: url, max: 10 });
    // An idle connection the server drops (restart, admin termination) is replaced on next use;
    // without a listener pg would turn it into an uncaught exception.
    pool.on("error", () => undefined);
    const kysely = new RetryingKysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, dialect: "postgres", close: () => kysely.destroy(), generation: () => undefined };
  }
  const file = sqlitePath(url)!;
  if (file !== ":memory:" && file !== "") {
    // The database holds password hashes and every tenant's records: the owner's only (0700/0600).
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, "a", 0o600));
  }
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 10000");
  const statements = preparedOnce(sqlite, opts.readCache !== false);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  direct.set(kysely, { sqlite, prepare: (text) => statements.prepare(text) });
  return { kysely, dialect: "sqlite", close: () => kysely.destroy(), generation: () => statements.cache.generation() };
}

/** The SQLite connection under a root kysely instance (not a transaction's), for reads that skip kysely. */
const direct = new WeakMap<object, { sqlite: SQLite.Database; prepare(sql: string): Statement }>();

/** The better-sqlite3 connection under a SQLite database (diagnostics, tests); undefined on PostgreSQL. */
export function sqliteConnection(db: Db): SQLite.Database | undefined {
  return direct.get(db.kysely)?.sqlite;
}

/**
 * Run a read on SQLite at once, synchronously, when `db` is a root instance and no transaction is
 * open on the connection (a statement run while one is open would run inside it and could see
 * its uncommitted rows); undefined when the caller must go through kysely instead.
 */
export function readDirect<R>(db: object, text: string, parameters: readonly unknown[]): R[] | undefined {
  const d = direct.get(db);
  if (!d || d.sqlite.inTransaction) return undefined;
  const stmt = d.prepare(text);
  return stmt.reader ? (stmt.all(parameters) as R[]) : undefined;
}

/** SQL texts whose statements are kept; past this the oldest is dropped (IN lists of every length). */
const STATEMENTS_KEPT = 1000;

/**
 * better-sqlite3 as kysely's SQLite dialect sees it, preparing each SQL text once: kysely asks for
 * a new statement on every query, and preparing costs as much as running a small one. A statement
 * is reused only by the next query of the same text; kysely runs one query at a time on SQLite.
 */
function preparedOnce(sqlite: SQLite.Database, keepReads: boolean): SqliteDatabase & { prepare(sql: string): Statement; cache: ReadCache } {
  const kept = new Map<string, Statement>();
  const cache = new ReadCache(sqlite, keepReads);
  return {
    cache,
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = kept.get(sql);
      if (!stmt) {
        stmt = statement(sqlite.prepare(sql), sql, cache);
        if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value as string);
        kept.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/** A prepared statement as kysely's SQLite driver uses it. */
type Statement = SqliteStatement;

/**
 * better-sqlite3 builds each result row through V8's embedder API, one property at a time, which
 * costs more than reading the row. A statement that returns rows hands them over as arrays here,
 * and a function compiled once for its column list makes the objects, all of one shape: a page of
 * a hundred volumes is read in less than half the time. Later columns of the same name win, as
 * they do in better-sqlite3's own objects.
 */
function statement(stmt: SQLite.Statement, sql: string, cache: ReadCache): Statement {
  // Whatever may write makes every kept read result doubtful (./read-cache.ts).
  const writes = !stmt.readonly;
  if (!stmt.reader) {
    return {
      reader: false,
      all: (p) => (writes && cache.forget(), stmt.all(...p)),
      run: (p) => (writes && cache.forget(), stmt.run(...p)),
      iterate: (p) => (writes && cache.forget(), stmt.iterate(...p)),
    };
  }
  stmt.raw(true);
  const toRow = rowBuilder(stmt.columns().map((c) => c.name));
  const read = (p: readonly unknown[]) => stmt.all(...p) as unknown[][];
  const all = ReadCache.keeps(stmt, sql)
    ? (p: readonly unknown[]) => cache.rows(sql, p, () => read(p)).map(toRow)
    : (p: readonly unknown[]) => {
        if (writes) cache.forget();
        return read(p).map(toRow);
      };
  return {
    reader: true,
    all,
    run: (p) => (writes && cache.forget(), stmt.run(...p)),
    iterate: function* (p) {
      if (writes) cache.forget();
      for (const r of stmt.iterate(...p) as IterableIterator<unknown[]>) yield toRow(r);
    },
  };
}

const rowBuilders = new Map<string, (r: unknown[]) => Record<string, unknown>>();

/** `(r) => ({ "col0": r[0], "col1": r[1], ... })`, compiled once per column list. */
function rowBuilder(columns: readonly string[]): (r: unknown[]) => Record<string, unknown> {
  const key = JSON.stringify(columns);
  let build = rowBuilders.get(key);
  if (!build && columns.includes("__proto__")) {
    // An object literal would set the prototype from such a key: define it as an own property.
    build = (r) => {
      const o: Record<string, unknown> = {};
      columns.forEach((c, i) => Object.defineProperty(o, c, { value: r[i], enumerable: true, writable: true, configurable: true }));
      return o;
    };
    rowBuilders.set(key, build);
  }
  if (!build) {
    // The names are JSON string literals and the values indexes: nothing of the data is compiled.
    build = new Function("r", `return { ${columns.map((c, i) => `${JSON.stringify(c)}: r[${i}]`).join(", ")} };`) as (r: unknown[]) => Record<string, unknown>;
    rowBuilders.set(key, build);
  }
  return build;
}

/** Refresh the query planner's statistics (after loading many rows at once, as a restore does). */
export async function analyze(db: Db): Promise<void> {
  await sql`analyze`.execute(db.kysely);
}

/** Told before each migration that is about to run: its name, its place among those pending (from 1), and their number. */
export type MigrationStep = (name: string, index: number, pending: number) => void;

/** Every migration runs, or none (one transaction where the database allows it, as Kysely's migrateToLatest). */
export async function migrate(db: Db, onStep?: MigrationStep): Promise<void> {
  const provider = onStep ? await reportingProvider(db, onStep) : new StaticProvider();
  const migrator = new Migrator({ db: db.kysely, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ""}: ${String(error)}`);
  }
}
