/**
 * Files that hold secrets and must survive a crash whole (target configurations, export state):
 * written like Cinder's `robust_file_write`: temporary file, fsync, rename, fsync of the folder;
 * mode 0600. Also the modes that keep tenant data and secrets to the server's own user: folders
 * 0700, files 0600, and the tightening of older, looser ones on start.
 */
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { Log } from "../log";

export async function writePrivateFile(dir: string, name: string, content: string): Promise<void> {
  const final = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.tmp-${randomBytes(4).toString("hex")}`);
  const fh = await fsp.open(tmp, "wx", 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, final);
  const d = await fsp.open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

export async function removePrivateFile(dir: string, name: string): Promise<void> {
  await fsp.rm(path.join(dir, name), { force: true });
}

/** Folders of tenant data and secrets: the owner only (data dir, backend folders, target state). */
export const PRIVATE_DIR_MODE = 0o700;
/** Files of tenant data and secrets: volumes, snapshots, the database, passwords, target files. */
export const PRIVATE_FILE_MODE = 0o600;

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/**
 * Create `dir` (and missing parents) with mode 0700, or tighten an existing folder that group or
 * others may enter (0755 → 0700), saying so: data written by older versions, or a folder made by
 * hand, must not stay readable by every user of the host.
 */
export async function ensurePrivateDir(dir: string, log?: Pick<Log, "warn">): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = await fsp.stat(dir);
  if ((st.mode & 0o077) !== 0) {
    await fsp.chmod(dir, st.mode & 0o700);
    log?.warn({ path: dir, from: octal(st.mode), to: octal(st.mode & 0o700) }, "tightened a data folder that other users of the host could read");
  }
}

/**
 * Take group and other permissions off an existing regular file (0644 → 0600). Symbolic links and
 * missing files are left alone. True when the mode changed.
 */
export async function tightenFile(file: string, log?: Pick<Log, "warn">): Promise<boolean> {
  let st;
  try {
    st = await fsp.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
  if (!st.isFile() || (st.mode & 0o077) === 0) return false;
  await fsp.chmod(file, st.mode & 0o700);
  log?.warn({ path: file, from: octal(st.mode), to: octal(st.mode & 0o700) }, "tightened a data file that other users of the host could read");
  return true;
}

/** `ensurePrivateDir` and `tightenFile` over an existing tree (not following symbolic links); a missing root is fine. */
export async function tightenTree(root: string, log?: Pick<Log, "warn">): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(root, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  await ensurePrivateDir(root, log);
  for (const e of entries) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) await tightenTree(p, log);
    else if (e.isFile()) await tightenFile(p, log);
  }
}
