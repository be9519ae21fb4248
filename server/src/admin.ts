/**
 * `cinderblock admin ...`: provisioning on the database of a data directory, without a running
 * server (cf. keystone-manage bootstrap / cinder-manage):
 *
 *   admin create-project NAME [--description TEXT]
 *   admin create-user NAME [--project NAME] [--role ROLE] [--password-stdin]   (else a password is generated and printed)
 *   admin grant ROLE --user NAME --project NAME
 *   admin revoke ROLE --user NAME --project NAME
 *   admin list (projects|users|roles|assignments)
 *   admin openrc --url http://HOST:PORT [--user NAME --project NAME]
 *
 * Common options: --data-dir DIR, --db URL, --config FILE (as for serve).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "./config";
import { migrate, openDb, type Db } from "./db/database";
import { now } from "./db/time";
import { ADMIN_PASSWORD_FILE, bootstrapIdentity } from "./identity/bootstrap";
import { DEFAULT_DOMAIN_ID, newId } from "./identity/ids";
import { generatePassword, hashPassword } from "./identity/password";
import { grant, revoke, roleByName } from "./identity/store";

export class AdminError extends Error {}

type Out = (line: string) => void;

async function projectByName(db: Db, name: string) {
  const p = await db.kysely.selectFrom("projects").selectAll().where("name", "=", name).where("domain_id", "=", DEFAULT_DOMAIN_ID).executeTakeFirst();
  if (!p) throw new AdminError(`no project named '${name}' in the Default domain`);
  return p;
}

async function userByName(db: Db, name: string) {
  const u = await db.kysely.selectFrom("users").selectAll().where("name", "=", name).where("domain_id", "=", DEFAULT_DOMAIN_ID).executeTakeFirst();
  if (!u) throw new AdminError(`no user named '${name}' in the Default domain`);
  return u;
}

async function role(db: Db, name: string) {
  const r = await roleByName(db.kysely, name);
  if (!r) throw new AdminError(`no role named '${name}' (roles: admin, member, reader, and any created)`);
  return r;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const COMMANDS: Record<string, (db: Db, args: string[], flags: Record<string, string | boolean | undefined>, out: Out, dataDir: string) => Promise<void>> = {
  "create-project": async (db, [name], f, out) => {
    if (!name) throw new AdminError("usage: admin create-project NAME [--description TEXT]");
    const id = newId();
    await db.kysely
      .insertInto("projects")
      .values({ id, name, domain_id: DEFAULT_DOMAIN_ID, description: (f.description as string) ?? null, enabled: 1, created_at: now() })
      .execute()
      .catch(() => {
        throw new AdminError(`a project named '${name}' already exists`);
      });
    out(`created project ${name} (${id})`);
  },
  "create-user": async (db, [name], f, out) => {
    if (!name) throw new AdminError("usage: admin create-user NAME [--project NAME] [--role ROLE] [--password-stdin]");
    const password = f["password-stdin"] ? readFileSync(0, "utf8").replace(/\r?\n$/, "") : generatePassword();
    if (!password) throw new AdminError("the password read from standard input is empty");
    const project = f.project ? await projectByName(db, f.project as string) : undefined;
    const id = newId();
    await db.kysely
      .insertInto("users")
      .values({
        id,
        name,
        domain_id: DEFAULT_DOMAIN_ID,
        password_hash: await hashPassword(password),
        enabled: 1,
        default_project_id: project?.id ?? null,
        email: null,
        description: null,
        created_at: now(),
      })
      .execute()
      .catch(() => {
        throw new AdminError(`a user named '${name}' already exists`);
      });
    if (project) await grant(db.kysely, id, project.id, (await role(db, (f.role as string) ?? "member")).id);
    out(`created user ${name} (${id})${project ? ` with role ${(f.role as string) ?? "member"} on project ${project.name}` : ""}`);
    if (!f["password-stdin"]) out(`password: ${password}`);
  },
  grant: async (db, [roleName], f, out) => {
    if (!roleName || !f.user || !f.project) throw new AdminError("usage: admin grant ROLE --user NAME --project NAME");
    const [u, p, r] = [await userByName(db, f.user as string), await projectByName(db, f.project as string), await role(db, roleName)];
    await grant(db.kysely, u.id, p.id, r.id);
    out(`granted ${r.name} to ${u.name} on ${p.name}`);
  },
  revoke: async (db, [roleName], f, out) => {
    if (!roleName || !f.user || !f.project) throw new AdminError("usage: admin revoke ROLE --user NAME --project NAME");
    const [u, p, r] = [await userByName(db, f.user as string), await projectByName(db, f.project as string), await role(db, roleName)];
    if (!(await revoke(db.kysely, u.id, p.id, r.id))) throw new AdminError(`${u.name} has no ${r.name} role on ${p.name}`);
    out(`revoked ${r.name} from ${u.name} on ${p.name}`);
  },
  list: async (db, [what], _f, out) => {
    const k = db.kysely;
    if (what === "projects") for (const p of await k.selectFrom("projects").selectAll().orderBy("name").execute()) out(`${p.id}  ${p.name}`);
    else if (what === "users") for (const u of await k.selectFrom("users").selectAll().orderBy("name").execute()) out(`${u.id}  ${u.name}`);
    else if (what === "roles") for (const r of await k.selectFrom("roles").selectAll().orderBy("name").execute()) out(`${r.id}  ${r.name}`);
    else if (what === "assignments") {
      const rows = await k
        .selectFrom("role_assignments")
        .innerJoin("users", "users.id", "role_assignments.user_id")
        .innerJoin("projects", "projects.id", "role_assignments.project_id")
        .innerJoin("roles", "roles.id", "role_assignments.role_id")
        .select(["users.name as user", "projects.name as project", "roles.name as role"])
        .orderBy("users.name")
        .orderBy("projects.name")
        .orderBy("roles.name")
        .execute();
      for (const r of rows) out(`${r.user}  ${r.project}  ${r.role}`);
    } else throw new AdminError("usage: admin list (projects|users|roles|assignments)");
  },
  openrc: async (db, _args, f, out, dataDir) => {
    if (typeof f.url !== "string") throw new AdminError("usage: admin openrc --url http://HOST:PORT [--user NAME --project NAME]");
    const user = (f.user as string) ?? "admin";
    const project = (f.project as string) ?? (user === "admin" ? "admin" : undefined);
    if (!project) throw new AdminError("give --project with --user");
    await userByName(db, user);
    await projectByName(db, project);
    out(`export OS_AUTH_URL=${shellQuote(f.url.replace(/\/+$/, "") + "/identity/v3")}`);
    out(`export OS_IDENTITY_API_VERSION=3`);
    out(`export OS_USERNAME=${shellQuote(user)}`);
    if (user === "admin") {
      const password = readFileSync(path.join(dataDir, ADMIN_PASSWORD_FILE), "utf8").trim();
      out(`export OS_PASSWORD=${shellQuote(password)}`);
    } else {
      out(`# set OS_PASSWORD to ${user}'s password`);
    }
    out(`export OS_PROJECT_NAME=${shellQuote(project)}`);
    out(`export OS_USER_DOMAIN_NAME=Default`);
    out(`export OS_PROJECT_DOMAIN_NAME=Default`);
    out(`export OS_REGION_NAME=RegionOne`);
    // 3.70 is the newest version python-cinderclient 9 (Debian 12's openstack CLI) knows; the server speaks 3.71.
    out(`export OS_VOLUME_API_VERSION=3.70`);
  },
};

export async function admin(argv: string[], out: Out = (l) => console.log(l)): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "data-dir": { type: "string" },
      db: { type: "string" },
      config: { type: "string" },
      description: { type: "string" },
      project: { type: "string" },
      user: { type: "string" },
      role: { type: "string" },
      url: { type: "string" },
      "password-stdin": { type: "boolean" },
    },
  });
  const [cmd, ...args] = positionals;
  const run = cmd ? COMMANDS[cmd] : undefined;
  if (!run) throw new AdminError(`usage: cinderblock admin (${Object.keys(COMMANDS).join("|")}) ...`);
  const flags: Record<string, string> = {};
  for (const k of ["data-dir", "db", "config"] as const) if (typeof values[k] === "string") flags[k] = values[k] as string;
  const config = loadConfig(flags);
  const db = openDb(config.db);
  try {
    await migrate(db);
    const boot = await bootstrapIdentity(db.kysely, config.dataDir);
    if (boot.adminPassword) out(`# created the admin user (project admin); its password is ${boot.adminPassword} (also in ${boot.passwordFile})`);
    await run(db, args, values, out, config.dataDir);
  } finally {
    await db.close();
  }
}
