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
 *   admin orphans list                 backend data (volumes, snapshots) without a database row
 *   admin orphans purge [--yes]        delete it (without --yes: only say what would be deleted)
 *
 * Common options: --data-dir DIR, --db URL, --config FILE (as for serve).
 */
import { readFileSync } from "node:fs";
import { MICROVERSIONS } from "@cinderblock/openapi";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "./config";
import { migrate, openDb, type Db } from "./db/database";
import { splitBackendOptions } from "./targets/options";
import { createDriver } from "./drivers/registry";
import type { VolumeDriver } from "./drivers/interface";
import { ProcessExecutor } from "./exec/executor";
import { prepareDataDir } from "./data-dir";
import { findOrphans, purgeOrphan, type OrphanKind } from "./volume/manager/orphans";
import { now } from "./contract/time";
import { ADMIN_PASSWORD_FILE, bootstrapIdentity } from "./identity/bootstrap";
import { DEFAULT_DOMAIN_ID, newId } from "./identity/ids";
import { generatePassword, hashPassword } from "./identity/password";
import * as identity from "./db/repos/identity";
import { Progress } from "./lib/progress";

export class AdminError extends Error {}

/** The volume API microversion `admin openrc` prints (why this one: see the openrc command). */
export const OPENRC_VOLUME_API_VERSION = MICROVERSIONS.USE_QUOTA;

type Out = (line: string) => void;

async function projectByName(db: Db, name: string) {
  const p = await identity.projectByName(db.kysely, DEFAULT_DOMAIN_ID, name);
  if (!p) throw new AdminError(`no project named '${name}' in the Default domain`);
  return p;
}

async function userByName(db: Db, name: string) {
  const u = await identity.userByName(db.kysely, DEFAULT_DOMAIN_ID, name);
  if (!u) throw new AdminError(`no user named '${name}' in the Default domain`);
  return u;
}

async function role(db: Db, name: string) {
  const r = await identity.roleByName(db.kysely, name);
  if (!r) throw new AdminError(`no role named '${name}' (roles: admin, member, reader, and any created)`);
  return r;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Every configured backend's orphans: data of the driver's own naming whose id has no row in this
 * database. Drivers are only asked to list (not set up: that would sweep the temporary files of a
 * server running on the same data).
 */
async function orphansOf(db: Db, config: Config): Promise<{ backend: string; driver: VolumeDriver; kind: OrphanKind; id: string }[]> {
  const executor = new ProcessExecutor({ rootHelper: config.rootHelper?.trim().split(/\s+/) });
  const out = [];
  const progress = new Progress("looking for orphans", config.backends.length);
  for (const [i, b] of config.backends.entries()) {
    progress.update(i, `backend ${b.name}`);
    const { driver: options } = splitBackendOptions(b.options, config);
    const driver = createDriver(b.driver, { backendName: b.name, dataDir: config.dataDir, executor, options });
    const found = await findOrphans(db.kysely, driver);
    for (const id of found.volumes) out.push({ backend: b.name, driver, kind: "volume" as const, id });
    for (const id of found.snapshots) out.push({ backend: b.name, driver, kind: "snapshot" as const, id });
  }
  progress.finish(`${out.length} found in ${config.backends.length} backend(s)`);
  return out;
}

type Command = (db: Db, args: string[], flags: Record<string, string | boolean | undefined>, out: Out, dataDir: string, config: Config) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  "create-project": async (db, [name], f, out) => {
    if (!name) throw new AdminError("usage: admin create-project NAME [--description TEXT]");
    const id = newId();
    await identity
      .insertProject(db.kysely, { id, name, domain_id: DEFAULT_DOMAIN_ID, description: (f.description as string) ?? null, enabled: 1, created_at: now() })
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
    await identity
      .insertUser(db.kysely, {
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
      .catch(() => {
        throw new AdminError(`a user named '${name}' already exists`);
      });
    if (project) await identity.grant(db.kysely, id, project.id, (await role(db, (f.role as string) ?? "member")).id);
    out(`created user ${name} (${id})${project ? ` with role ${(f.role as string) ?? "member"} on project ${project.name}` : ""}`);
    if (!f["password-stdin"]) out(`password: ${password}`);
  },
  grant: async (db, [roleName], f, out) => {
    if (!roleName || !f.user || !f.project) throw new AdminError("usage: admin grant ROLE --user NAME --project NAME");
    const [u, p, r] = [await userByName(db, f.user as string), await projectByName(db, f.project as string), await role(db, roleName)];
    await identity.grant(db.kysely, u.id, p.id, r.id);
    out(`granted ${r.name} to ${u.name} on ${p.name}`);
  },
  revoke: async (db, [roleName], f, out) => {
    if (!roleName || !f.user || !f.project) throw new AdminError("usage: admin revoke ROLE --user NAME --project NAME");
    const [u, p, r] = [await userByName(db, f.user as string), await projectByName(db, f.project as string), await role(db, roleName)];
    if (!(await identity.revoke(db.kysely, u.id, p.id, r.id))) throw new AdminError(`${u.name} has no ${r.name} role on ${p.name}`);
    out(`revoked ${r.name} from ${u.name} on ${p.name}`);
  },
  list: async (db, [what], _f, out) => {
    const k = db.kysely;
    if (what === "projects") for (const p of await identity.listProjects(k, {})) out(`${p.id}  ${p.name}`);
    else if (what === "users") for (const u of await identity.listUsers(k, {})) out(`${u.id}  ${u.name}`);
    else if (what === "roles") for (const r of await identity.listRoles(k)) out(`${r.id}  ${r.name}`);
    else if (what === "assignments") {
      for (const r of await identity.assignmentNames(k)) out(`${r.user}  ${r.project}  ${r.role}`);
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
    // 3.65 (USE_QUOTA) is the newest version with which every `openstack volume ...` command of
    // Debian 12's python3-openstackclient 6.0 works: from 3.66 (SNAPSHOT_IN_USE) python-cinderclient 9
    // refuses the force=False that `openstack volume snapshot create` always sends ("Since microversion
    // 3.66 ... the 'force' option is invalid"), so a plain snapshot create fails there. The CLI itself
    // needs at most 3.55 (volume transfer --no-snapshots); 3.65 keeps what came up to it (volume
    // show's cluster_name, encryption_key_id, consumes_quota). A command that needs more takes
    // --os-volume-api-version (transferring an encrypted volume needs 3.70). The suites in
    // test/cli run every command the CLI offers and Cinderblock serves with this openrc
    // (test/cli/README.md).
    out(`# volume API ${OPENRC_VOLUME_API_VERSION}: the openstack CLI's snapshot create fails from 3.66 (python-cinderclient refuses its force flag)`);
    out(`export OS_VOLUME_API_VERSION=${OPENRC_VOLUME_API_VERSION}`);
  },
  orphans: async (db, [what], f, out, _dataDir, config) => {
    if (what !== "list" && what !== "purge") throw new AdminError("usage: admin orphans (list|purge [--yes])");
    const found = await orphansOf(db, config);
    if (what === "list") {
      for (const o of found) out(`${o.backend}  ${o.kind}  ${o.id}${o.kind === "volume" ? `  ${o.driver.localPath({ id: o.id, size: 0 })}` : ""}`);
      return;
    }
    if (!f.yes) {
      for (const o of found) out(`would delete ${o.backend} ${o.kind} ${o.id}`);
      out(`${found.length} orphan(s) would be deleted; run again with --yes to delete them (this cannot be undone)`);
      return;
    }
    // Snapshots first: a thick LVM origin cannot go while its snapshots are there.
    const failed: string[] = [];
    const progress = new Progress("purging orphans", found.length);
    for (const [i, o] of [...found].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "snapshot" ? -1 : 1)).entries()) {
      progress.update(i, `${o.backend} ${o.kind} ${o.id}`);
      try {
        if (await purgeOrphan(db.kysely, o.driver, o.kind, o.id)) out(`purged ${o.backend} ${o.kind} ${o.id}`);
        else out(`kept ${o.backend} ${o.kind} ${o.id}: the database knows it now`);
      } catch (err) {
        failed.push(`${o.backend} ${o.kind} ${o.id}: ${(err as Error).message}`);
      }
    }
    progress.finish(`${found.length - failed.length} of ${found.length} purged`);
    if (failed.length) throw new AdminError(`could not purge ${failed.length} orphan(s):\n  ${failed.join("\n  ")}`);
  },
};

/** Migrations, with a progress line when there are any to run (a new database, an upgrade). */
async function migrateShowingProgress(db: Db): Promise<void> {
  let progress: Progress | undefined;
  let pending = 0;
  await migrate(db, (name, index, count) => {
    pending = count;
    progress ??= new Progress("migrating the database", count);
    progress.update(index - 1, name);
  });
  progress?.finish(`${pending} migration(s) applied`);
}

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
      yes: { type: "boolean" },
    },
  });
  const [cmd, ...args] = positionals;
  const run = cmd ? COMMANDS[cmd] : undefined;
  if (!run) throw new AdminError(`usage: cinderblock admin (${Object.keys(COMMANDS).join("|")}) ...`);
  const flags: Record<string, string> = {};
  for (const k of ["data-dir", "db", "config"] as const) if (typeof values[k] === "string") flags[k] = values[k] as string;
  const config = loadConfig(flags);
  await prepareDataDir(config, { warn: (o, msg) => out(`# ${msg ?? "warning"}: ${JSON.stringify(o)}`) });
  const db = openDb(config.db);
  try {
    await migrateShowingProgress(db);
    const boot = await bootstrapIdentity(db.kysely, config.dataDir);
    if (boot.adminPassword) out(`# created the admin user (project admin); its password is ${boot.adminPassword} (also in ${boot.passwordFile})`);
    await run(db, args, values, out, config.dataDir, config);
  } finally {
    await db.close();
  }
}
