/**
 * The data directory holds every tenant's volumes (file backends) and the server's secrets (the
 * SQLite database with password hashes, the admin password, target files with CHAP credentials),
 * so it is the owner's only: made 0700, and on every start a looser data directory, its volume
 * and target folders and its secret files are tightened (and logged), since older versions and
 * hand-made folders used the umask's 0755/0644.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { Config } from "./config";
import { sqlitePath } from "./db/database";
import { ADMIN_PASSWORD_FILE } from "./identity/bootstrap";
import { ensurePrivateDir, tightenFile, tightenTree } from "./lib/private-file";
import type { Log } from "./log";

export async function prepareDataDir(config: Pick<Config, "dataDir" | "db">, log?: Pick<Log, "warn">): Promise<void> {
  const dir = config.dataDir;
  await ensurePrivateDir(dir, log);
  await tightenFile(path.join(dir, ADMIN_PASSWORD_FILE), log);
  const sqlite = sqlitePath(config.db);
  if (sqlite && sqlite !== ":memory:") for (const suffix of ["", "-wal", "-shm"]) await tightenFile(sqlite + suffix, log);
  // Target files (tgt) and export state (LIO) live under targets/; the file driver tightens its own
  // backend folder and files in its setup, the folder above them is tightened here.
  await tightenTree(path.join(dir, "targets"), log);
  const volumes = path.join(dir, "volumes");
  if (await isDir(volumes)) await ensurePrivateDir(volumes, log);
}

async function isDir(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    (st) => st.isDirectory(),
    () => false,
  );
}
