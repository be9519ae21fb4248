/** The built-in key manager's sealed keys (key_manager_secrets); sealing is the key manager's. */
import type { Kysely } from "kysely";
import type { Database, KeyManagerSecretsTable } from "../schema";

export async function insertSecret(db: Kysely<Database>, row: KeyManagerSecretsTable): Promise<void> {
  await db.insertInto("key_manager_secrets").values(row).execute();
}

export async function getSecret(db: Kysely<Database>, id: string): Promise<KeyManagerSecretsTable | undefined> {
  return db.selectFrom("key_manager_secrets").selectAll().where("id", "=", id).executeTakeFirst();
}

/** False when there was no such key. */
export async function deleteSecret(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db.deleteFrom("key_manager_secrets").where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
