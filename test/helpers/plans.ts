/**
 * Query plans of the SQL a server really runs: record the compiled queries that pass through its
 * kysely executor while a request is served, then ask the database how it would run each one
 * (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN (FORMAT JSON)).
 */
import type { TestServer } from "./server";

export interface RecordedQuery {
  sql: string;
  parameters: readonly unknown[];
}

type Kysely = TestServer["app"]["services"]["db"]["kysely"];
type Compiled = Parameters<Kysely["executeQuery"]>[0];

/** Every query the server's kysely instance executes while `fn` runs. */
export async function recordQueries(s: TestServer, fn: () => Promise<unknown>): Promise<RecordedQuery[]> {
  const executor = s.app.services.db.kysely.getExecutor() as unknown as {
    executeQuery(q: RecordedQuery): Promise<unknown>;
  };
  const original = executor.executeQuery;
  const seen: RecordedQuery[] = [];
  executor.executeQuery = function (q: RecordedQuery) {
    seen.push({ sql: q.sql, parameters: [...q.parameters] });
    return original.call(this, q);
  };
  try {
    await fn();
  } finally {
    executor.executeQuery = original;
  }
  return seen;
}

/** Run raw SQL with parameters on the server's database. */
export async function rawQuery<R = Record<string, unknown>>(s: TestServer, text: string, parameters: readonly unknown[] = []): Promise<R[]> {
  const compiled = { sql: text, parameters, query: { kind: "RawNode", sqlFragments: [text], parameters: [] } } as unknown as Compiled;
  const res = await s.app.services.db.kysely.executeQuery(compiled);
  return res.rows as R[];
}

/** SQLite: the `detail` lines of EXPLAIN QUERY PLAN. */
export async function sqlitePlan(s: TestServer, q: RecordedQuery): Promise<string[]> {
  const rows = await rawQuery<{ detail: string }>(s, `EXPLAIN QUERY PLAN ${q.sql}`, q.parameters);
  return rows.map((r) => r.detail);
}

export interface PgPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Plan Rows": number;
  Plans?: PgPlanNode[];
  [k: string]: unknown;
}

/** PostgreSQL: the plan tree of EXPLAIN (FORMAT JSON), flattened. */
export async function pgPlan(s: TestServer, q: RecordedQuery): Promise<PgPlanNode[]> {
  const rows = await rawQuery<{ "QUERY PLAN": Array<{ Plan: PgPlanNode }> }>(s, `EXPLAIN (FORMAT JSON) ${q.sql}`, q.parameters);
  const out: PgPlanNode[] = [];
  const walk = (n: PgPlanNode) => {
    out.push(n);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(rows[0]["QUERY PLAN"][0].Plan);
  return out;
}

/** One-line rendering of a PostgreSQL plan, for assertion messages. */
export function showPgPlan(nodes: PgPlanNode[]): string {
  return nodes
    .map((n) => [n["Node Type"], n["Relation Name"], n["Index Name"], n["Index Cond"] && `cond ${n["Index Cond"]}`, n.Filter && `filter ${n.Filter}`, `rows ${n["Plan Rows"]}`].filter(Boolean).join(" "))
    .join(" | ");
}
