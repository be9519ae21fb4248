/** Identity rows: domains, projects, users, roles and role assignments. */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { now } from "../db/time";
import { IMPLIED_ROLES } from "./ids";

type Db = Kysely<Database>;

export interface Named {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

export async function domainByRef(db: Db, ref: { id?: string; name?: string } | undefined) {
  if (!ref) return undefined;
  let q = db.selectFrom("domains").selectAll();
  if (ref.id) q = q.where("id", "=", ref.id);
  else if (ref.name) q = q.where("name", "=", ref.name);
  else return undefined;
  return q.executeTakeFirst();
}

/** A user or project named by id, or by name within a domain named by id or name. */
export async function findByRef(db: Db, table: "users" | "projects", ref: Named) {
  if (ref.id) return db.selectFrom(table).selectAll().where("id", "=", ref.id).executeTakeFirst();
  if (!ref.name) return undefined;
  const domain = await domainByRef(db, ref.domain);
  if (!domain) return undefined;
  return db.selectFrom(table).selectAll().where("name", "=", ref.name).where("domain_id", "=", domain.id).executeTakeFirst();
}

/** Role names the user holds on the project, with the roles they imply. */
export async function effectiveRoles(db: Db, userId: string, projectId: string): Promise<Array<{ id: string; name: string }>> {
  const direct = await db
    .selectFrom("role_assignments")
    .innerJoin("roles", "roles.id", "role_assignments.role_id")
    .select(["roles.id", "roles.name"])
    .where("role_assignments.user_id", "=", userId)
    .where("role_assignments.project_id", "=", projectId)
    .execute();
  const names = new Set(direct.map((r) => r.name));
  for (const r of direct) for (const implied of IMPLIED_ROLES[r.name] ?? []) names.add(implied);
  const all = names.size
    ? await db.selectFrom("roles").select(["id", "name"]).where("name", "in", [...names]).execute()
    : [];
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

export async function roleByName(db: Db, name: string) {
  return db.selectFrom("roles").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function grant(db: Db, userId: string, projectId: string, roleId: string): Promise<void> {
  const exists = await db
    .selectFrom("role_assignments")
    .select("role_id")
    .where("user_id", "=", userId)
    .where("project_id", "=", projectId)
    .where("role_id", "=", roleId)
    .executeTakeFirst();
  if (!exists) await db.insertInto("role_assignments").values({ user_id: userId, project_id: projectId, role_id: roleId }).execute();
}

export async function revoke(db: Db, userId: string, projectId: string, roleId: string): Promise<boolean> {
  const res = await db
    .deleteFrom("role_assignments")
    .where("user_id", "=", userId)
    .where("project_id", "=", projectId)
    .where("role_id", "=", roleId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
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
