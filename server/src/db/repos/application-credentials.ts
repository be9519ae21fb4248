/**
 * Application credential rows of the built-in identity, with the roles each may use. Only the
 * secret's hash is stored. Removing credentials also revokes the tokens issued with them.
 */
import type { Kysely, Transaction } from "kysely";
import type { ApplicationCredentialsTable, Database } from "../schema";

type Q = Kysely<Database> | Transaction<Database>;

export type AppCredRow = ApplicationCredentialsTable;

/** Insert a credential with its roles, in one transaction. */
export async function insertAppCred(db: Kysely<Database>, row: AppCredRow, roleIds: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("application_credentials").values(row).execute();
    for (const roleId of new Set(roleIds)) {
      await trx.insertInto("application_credential_roles").values({ application_credential_id: row.id, role_id: roleId }).execute();
    }
  });
}

export async function getAppCred(db: Q, id: string): Promise<AppCredRow | undefined> {
  return db.selectFrom("application_credentials").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The user's credential of that name. */
export async function appCredByName(db: Q, userId: string, name: string): Promise<AppCredRow | undefined> {
  return db.selectFrom("application_credentials").selectAll().where("user_id", "=", userId).where("name", "=", name).executeTakeFirst();
}

/** The user's credentials (the one of that name when `name` is given), by name. */
export async function listAppCreds(db: Q, userId: string, name?: string): Promise<AppCredRow[]> {
  let q = db.selectFrom("application_credentials").selectAll().where("user_id", "=", userId).orderBy("name");
  if (name !== undefined) q = q.where("name", "=", name);
  return q.execute();
}

/** The roles of each credential (id and name), by role name. */
export async function appCredRoles(db: Q, ids: readonly string[]): Promise<Map<string, Array<{ id: string; name: string }>>> {
  const out = new Map<string, Array<{ id: string; name: string }>>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom("application_credential_roles as acr")
    .innerJoin("roles", "roles.id", "acr.role_id")
    .select(["acr.application_credential_id as cred", "roles.id", "roles.name"])
    .where("acr.application_credential_id", "in", [...ids])
    .orderBy("roles.name")
    .execute();
  for (const r of rows) out.get(r.cred)?.push({ id: r.id, name: r.name });
  return out;
}

/** Remove credentials (and their roles), and revoke the tokens issued with them. */
async function removeWhere(trx: Transaction<Database>, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  await trx.updateTable("tokens").set({ revoked: 1 }).where("app_cred_id", "in", ids).where("revoked", "=", 0).execute();
  await trx.deleteFrom("application_credential_roles").where("application_credential_id", "in", ids).execute();
  const res = await trx.deleteFrom("application_credentials").where("id", "in", ids).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Delete one credential; false when it did not exist. */
export async function deleteAppCred(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => (await removeWhere(trx, [id])) > 0);
}

/**
 * Delete the user's credentials: all of them (the user deleted or disabled), or those for one
 * project (a role assignment there removed), as keystone/application_credential/core.py does.
 */
export async function deleteUserAppCreds(db: Q, userId: string, projectId?: string): Promise<void> {
  const run = async (trx: Transaction<Database>) => {
    let q = trx.selectFrom("application_credentials").select("id").where("user_id", "=", userId);
    if (projectId !== undefined) q = q.where("project_id", "=", projectId);
    await removeWhere(trx, (await q.execute()).map((r) => r.id));
  };
  if (db.isTransaction) await run(db as Transaction<Database>);
  else await (db as Kysely<Database>).transaction().execute(run);
}
