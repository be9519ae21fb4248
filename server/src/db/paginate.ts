/**
 * Keyset pagination over (sort keys..., id): a page after `marker` is a range scan on an index,
 * never an OFFSET over the whole table (cf. cinder/db/sqlalchemy/api.py _generate_paginate_query,
 * which builds the same OR-chain from the marker row's values).
 */
import { type ExpressionBuilder, type Expression, type SqlBool, sql } from "kysely";
import type { SortKey } from "../contract/paging";


/** The expression a sort key orders and compares by. */
export function sortExpr(key: SortKey): Expression<unknown> {
  return key.nullable ? sql`coalesce(${sql.ref(key.column)}, '')` : sql.ref(key.column);
}

/** Rows strictly after the marker row in (keys..., id) order. */
export function afterMarker<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  keys: readonly SortKey[],
  marker: Record<string, unknown>,
): Expression<SqlBool> {
  // Keys in one direction on plain columns (the default created_at desc, id desc): one row-value
  // comparison, which SQLite and PostgreSQL both turn into a range on the matching index
  // ("(created_at, id) < (?, ?)"). The equivalent OR-chain below is only a filter, so a page deep
  // in the list would read every index entry before its marker.
  const dir = keys[0]?.dir;
  if (keys.length > 0 && keys.every((k) => k.dir === dir && !k.nullable)) {
    const op = dir === "asc" ? sql.raw(">") : sql.raw("<");
    const columns = sql.join(keys.map((k) => sql.ref(k.column)));
    const values = sql.join(keys.map((k) => markerValue(k, marker)));
    return sql<SqlBool>`(${columns}) ${op} (${values})`;
  }
  const ors: Expression<SqlBool>[] = [];
  for (let i = 0; i < keys.length; i++) {
    const ands: Expression<SqlBool>[] = [];
    for (let j = 0; j < i; j++) {
      ands.push(sql<SqlBool>`${sortExpr(keys[j])} = ${markerValue(keys[j], marker)}`);
    }
    const op = keys[i].dir === "asc" ? sql.raw(">") : sql.raw("<");
    ands.push(sql<SqlBool>`${sortExpr(keys[i])} ${op} ${markerValue(keys[i], marker)}`);
    ors.push(eb.and(ands));
  }
  return eb.or(ors);
}

function markerValue(key: SortKey, marker: Record<string, unknown>): unknown {
  const v = marker[key.column];
  return key.nullable && (v === null || v === undefined) ? "" : v;
}

/** Keys with `id` appended (in the direction of the last key) so that the order is total. */
export function withIdTiebreak(keys: readonly SortKey[]): SortKey[] {
  if (keys.some((k) => k.column === "id")) return [...keys];
  const dir = keys.length > 0 ? keys[keys.length - 1].dir : "desc";
  return [...keys, { column: "id", dir }];
}
