/**
 * First start of built-in identity: the Default domain, the admin/member/reader roles, and an
 * `admin` user with the admin role on an `admin` project. The admin's random password is written
 * once to <data-dir>/admin-password (mode 0600) and printed once; it is never logged.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { now } from "../contract/time";
import { DEFAULT_DOMAIN_ID, DEFAULT_DOMAIN_NAME, newId, STANDARD_ROLES } from "./ids";
import { generatePassword, hashPassword } from "./password";
import { domainByRef, grant, insertDomain, insertProject, insertRole, insertUser, roleByName, userByName } from "../db/repos/identity";

export const ADMIN_PASSWORD_FILE = "admin-password";

export interface BootstrapResult {
  /** Set only on the start that created the admin. */
  adminPassword?: string;
  passwordFile: string;
}

export async function bootstrapIdentity(db: Kysely<Database>, dataDir: string): Promise<BootstrapResult> {
  const passwordFile = path.join(dataDir, ADMIN_PASSWORD_FILE);
  const t = now();
  if (!(await domainByRef(db, { id: DEFAULT_DOMAIN_ID }))) {
    await insertDomain(db, { id: DEFAULT_DOMAIN_ID, name: DEFAULT_DOMAIN_NAME, description: "The default domain", enabled: 1, created_at: t });
  }
  for (const name of STANDARD_ROLES) {
    if (!(await roleByName(db, name))) await insertRole(db, { id: newId(), name, description: null, created_at: t });
  }
  const existing = await userByName(db, DEFAULT_DOMAIN_ID, "admin");
  if (existing) return { passwordFile };

  const password = generatePassword();
  const projectId = newId();
  const userId = newId();
  await db.transaction().execute(async (trx) => {
    await insertProject(trx, { id: projectId, name: "admin", domain_id: DEFAULT_DOMAIN_ID, description: "Bootstrap project", enabled: 1, created_at: t });
    await insertUser(trx, {
      id: userId,
      name: "admin",
      domain_id: DEFAULT_DOMAIN_ID,
      password_hash: await hashPassword(password),
      enabled: 1,
      default_project_id: projectId,
      email: null,
      description: "Bootstrap administrator",
      created_at: t,
    });
    const admin = await roleByName(trx, "admin");
    if (!admin) throw new Error("the admin role is missing");
    await grant(trx, userId, projectId, admin.id);
  });
  await writeFile(passwordFile, password + "\n", { mode: 0o600 });
  return { adminPassword: password, passwordFile };
}
