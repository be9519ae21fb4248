/**
 * File primitives of the file driver: crash-safe publication of a new file under its final name,
 * sparse copies through the Executor, and growth that never shrinks.
 */
import { randomBytes } from "node:crypto";
import { promises as fsp, type Stats } from "node:fs";
import path from "node:path";
import { ExecError, type Executor } from "../../exec/executor";
import { PRIVATE_FILE_MODE } from "../../lib/private-file";
import type { Log } from "../../log";

export async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await fsp.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Like statOrNull, without following a symbolic link. */
export async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await fsp.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Unlink; a file that is already gone counts as removed (deletes must be idempotent). */
export async function removeIfExists(file: string): Promise<void> {
  try {
    await fsp.unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

export function randomSuffix(): string {
  return randomBytes(6).toString("hex");
}

/**
 * Flush a file's data and metadata. Without it a power cut after the rename could leave the final
 * name pointing at a file whose blocks never reached the disk.
 */
export async function fsyncFile(file: string): Promise<void> {
  const fh = await fsp.open(file, "r+");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Make a rename or unlink in `dir` durable (POSIX: the directory entry lives in the directory). */
export function fsyncDir(dir: string): Promise<void> {
  // Group commit: a flush covers every change made before it began, so callers that arrive while
  // one runs share the next one instead of each queueing its own.
  let s = dirSyncs.get(dir);
  if (!s) dirSyncs.set(dir, (s = {}));
  const state = s;
  if (!state.running) {
    state.running = flushDir(dir).finally(() => (state.running = undefined));
    return state.running;
  }
  state.next ??= state.running
    .catch(() => undefined)
    .then(() => {
      state.next = undefined;
      return fsyncDir(dir);
    });
  return state.next;
}

const dirSyncs = new Map<string, { running?: Promise<void>; next?: Promise<void> }>();

async function flushDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Grow `file` to `bytes` with a hole (ftruncate), like Cinder's `_create_sparsed_file`
 * (`truncate -s <n>G`, cinder/volume/drivers/remotefs.py). Refuses to shrink, which would
 * destroy data.
 */
export async function growTo(file: string, bytes: number): Promise<void> {
  const st = await fsp.stat(file);
  if (st.size > bytes) {
    throw new Error(`Refusing to shrink ${path.basename(file)} from ${st.size} to ${bytes} bytes`);
  }
  if (st.size < bytes) await fsp.truncate(file, bytes);
}

/**
 * Copy `src` to `tmp` keeping holes and sharing extents where the filesystem can (btrfs, XFS):
 * `--reflink=auto` falls back to a normal copy elsewhere, and `--sparse=always` turns runs of
 * zeros into holes so a mostly empty volume stays mostly unallocated. Node's own copyFile loses
 * holes on fallback, and a copy in this process that looked for zeros would have to read every
 * hole (seconds per GiB, where cp skips them with SEEK_HOLE), hence cp.
 *
 * The copy must not outlive the server: a cp orphaned by a kill -9 would go on filling its
 * temporary file after the restart, past the sweep of `setup()` (which spares files written
 * since the process started). `setpriv --pdeathsig KILL` (util-linux) has the kernel kill cp
 * when the server dies, however it dies; its temporary file is then the server's own half-made
 * work, removed on the next start. Where setpriv is missing, cp runs alone (and may outlive a
 * crash), which is logged once.
 */
export async function sparseCopy(executor: Executor, src: string, tmp: string, timeoutMs: number, log?: Pick<Log, "warn">): Promise<void> {
  const cp = ["cp", "--reflink=auto", "--sparse=always", "--", src, tmp];
  if (!setprivMissing) {
    try {
      await executor.run("setpriv", ["--pdeathsig", "KILL", "--", ...cp], { timeoutMs });
      return;
    } catch (err) {
      // Only a setpriv that could not be started is tolerated: spawn's ENOENT (no exit code).
      if (!(err instanceof ExecError && err.code === null && !err.timedOut && /ENOENT/.test(err.stderr))) throw err;
      setprivMissing = true;
      log?.warn({ err: err.message }, "setpriv (util-linux) is missing: copies run as plain cp and may outlive a crash of the server");
    }
  }
  await executor.run(cp[0], cp.slice(1), { timeoutMs });
}

let setprivMissing = false;

/**
 * Build a file at a temporary name with `fill(tmp)` and only then rename it to `final`, so `final`
 * exists only complete: an interrupted run leaves a dot-file that `setup()` sweeps away, never a
 * half-written volume. `rename` replaces `final` atomically when it exists (used by revert).
 * On failure the temporary file is removed (rollback) and the error rethrown; a temporary file
 * that could not be removed is passed to `onStray`.
 */
export async function publishAtomically(
  tmp: string,
  final: string,
  fill: (tmp: string) => Promise<void>,
  onStray?: (tmp: string) => void,
): Promise<void> {
  try {
    await fill(tmp);
    // cp gives the copy its source's mode, which may be a looser one of older versions.
    await fsp.chmod(tmp, PRIVATE_FILE_MODE);
    await fsyncFile(tmp);
    await fsp.rename(tmp, final);
  } catch (err) {
    await rollBack(tmp, onStray);
    throw err;
  }
  await fsyncDir(path.dirname(final));
}

/**
 * A new sparse file of `bytes` under `final`, published as publishAtomically does, on one handle:
 * created private (no chmod needed), sized with a hole, flushed, closed, renamed.
 */
export async function publishSparse(tmp: string, final: string, bytes: number, onStray?: (tmp: string) => void): Promise<void> {
  try {
    const fh = await fsp.open(tmp, "wx", PRIVATE_FILE_MODE);
    try {
      await fh.truncate(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, final);
  } catch (err) {
    await rollBack(tmp, onStray);
    throw err;
  }
  await fsyncDir(path.dirname(final));
}

async function rollBack(tmp: string, onStray?: (tmp: string) => void): Promise<void> {
  try {
    await removeIfExists(tmp);
  } catch {
    onStray?.(tmp);
  }
}
