/** Identity helpers shared by users, projects, roles and tokens: effective roles and input parsing. */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema";
import { directRoles, roleNames } from "../db/repos/identity";
import { now } from "../contract/time";
import { IMPLIED_ROLES } from "./ids";

/** Role names the user holds on the project, with the roles they imply. */
export async function effectiveRoles(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
  projectId: string,
): Promise<Array<{ id: string; name: string }>> {
  const direct = await directRoles(db, userId, projectId);
  const names = new Set(direct.map((r) => r.name));
  for (const r of direct) for (const implied of IMPLIED_ROLES[r.name] ?? []) names.add(implied);
  const all = await roleNames(db, [...names]);
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

/** A unique constraint refused the row (SQLite or PostgreSQL): a concurrent create of the same name. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY" || /UNIQUE constraint failed/.test(e?.message ?? "");
}

/** keystone parameter_types `boolean`: true, "True", "TRUE", "true" (the schema has refused anything else). */
export function keystoneBool(v: unknown): boolean {
  return v === true || (typeof v === "string" && v.toLowerCase() === "true");
}

/** The `enabled` query filter: `0` or `false` (any case) mean disabled, anything else enabled (keystone/api/*.py). */
export function enabledFilter(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  return raw === "0" || raw.toLowerCase() === "false" ? 0 : 1;
}

export { now };
