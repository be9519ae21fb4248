/** Token rows of the built-in identity: only the sha256 of a token is stored, never the token. */
import type { Kysely, Transaction } from "kysely";
import type { Database, TokensTable } from "../schema";

type Q = Kysely<Database> | Transaction<Database>;

export async function insertToken(db: Q, row: TokensTable): Promise<void> {
  await db.insertInto("tokens").values(row).execute();
}

/**
 * A token row with its user, the user's domain, its project and the project's domain (if scoped),
 * and the application credential it was issued with (null columns when that is deleted).
 */
export async function tokenWithOwner(db: Q, idHash: string) {
  return db
    .selectFrom("tokens")
    .innerJoin("users", "users.id", "tokens.user_id")
    .innerJoin("domains as ud", "ud.id", "users.domain_id")
    .leftJoin("projects", "projects.id", "tokens.project_id")
    .leftJoin("domains as pd", "pd.id", "projects.domain_id")
    .leftJoin("application_credentials as ac", "ac.id", "tokens.app_cred_id")
    .select([
      "tokens.app_cred_id",
      "ac.name as app_cred_name",
      "ac.unrestricted as app_cred_unrestricted",
      "tokens.user_id",
      "tokens.project_id",
      "tokens.methods",
      "tokens.audit_id",
      "tokens.issued_at",
      "tokens.expires_at",
      "tokens.revoked",
      "users.name as user_name",
      "users.domain_id as user_domain_id",
      "ud.name as user_domain_name",
      "pd.name as project_domain_name",
      "users.enabled as user_enabled",
      "projects.name as project_name",
      "projects.domain_id as project_domain_id",
      "projects.enabled as project_enabled",
    ])
    .where("tokens.id_hash", "=", idHash)
    .executeTakeFirst();
}

/** Revoke one token; false when it is unknown or already revoked. */
export async function revokeToken(db: Q, idHash: string): Promise<boolean> {
  const res = await db.updateTable("tokens").set({ revoked: 1 }).where("id_hash", "=", idHash).where("revoked", "=", 0).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function revokeUserTokens(db: Q, userId: string): Promise<void> {
  await db.updateTable("tokens").set({ revoked: 1 }).where("user_id", "=", userId).where("revoked", "=", 0).execute();
}

/** Remove the rows of tokens that expired before `time` (a token time string). */
export async function deleteExpiredTokens(db: Q, time: string): Promise<void> {
  await db.deleteFrom("tokens").where("expires_at", "<", time).execute();
}
