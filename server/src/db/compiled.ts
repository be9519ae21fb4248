/**
 * Queries of a fixed shape built and compiled once per dialect, then run with new values: the hot
 * reads (a volume by id, a view's metadata) skip kysely's builder and compiler, whose immutable
 * nodes cost more than SQLite takes to answer them. A query is built with named placeholders as
 * its values (`":id"`); each run puts the values in their places by name. On SQLite, outside a
 * transaction, the statement runs directly (database.ts readDirect).
 */
import type { Compilable, CompiledQuery, Kysely, Transaction } from "kysely";
import type { Database } from "./schema";
import { readDirect } from "./database";

type Q = Kysely<Database> | Transaction<Database>;

const compiled = new Map<string, CompiledQuery<unknown>>();

/**
 * Run the query `key` (built by `build` the first time this dialect runs it) with `values` for its
 * placeholders. `key` must name one shape: include in it whatever changes the SQL text (the
 * length of an IN list).
 */
export async function runCompiled<R>(db: Q, key: string, build: () => Compilable<R>, values: Record<string, unknown>): Promise<R[]> {
  const q = compiledFor(db, key, build) as CompiledQuery<R>;
  const parameters = parametersOf(q, key, values);
  return readDirect<R>(db, q.sql, parameters) ?? (await db.executeQuery<R>({ ...q, parameters })).rows;
}

function compiledFor(db: Q, key: string, build: () => Compilable<unknown>): CompiledQuery<unknown> {
  const dialectKey = `${db.getExecutor().adapter.constructor.name}:${key}`;
  let q = compiled.get(dialectKey);
  if (!q) {
    q = build().compile();
    compiled.set(dialectKey, q);
  }
  return q;
}

function parametersOf(q: CompiledQuery<unknown>, key: string, values: Record<string, unknown>): unknown[] {
  return q.parameters.map((p) => {
    if (typeof p !== "string" || !(p in values)) throw new Error(`compiled query ${key}: no value for parameter ${String(p)}`);
    return values[p];
  });
}

/** runCompiled for a statement that changes rows: the number of rows it changed. */
export async function runCompiledWrite(db: Q, key: string, build: () => Compilable<unknown>, values: Record<string, unknown>): Promise<number> {
  const q = compiledFor(db, key, build);
  const res = await db.executeQuery({ ...q, parameters: parametersOf(q, key, values) });
  return Number(res.numAffectedRows ?? 0n);
}

/** Placeholder names for an IN list of `n` values: `:prefix0`, `:prefix1`, ... */
export function listPlaceholders(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `:${prefix}${i}`);
}

/** The values of an IN list under the names listPlaceholders gives. */
export function listValues(prefix: string, values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  values.forEach((v, i) => (out[`:${prefix}${i}`] = v));
  return out;
}
