/**
 * What a server holds, captured so that a test can prove a request changed nothing: the admin's
 * view over the API (every project), the raw rows of every resource table, and the backend's
 * files with their sizes and content hashes.
 */
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Client } from "./client";
import type { TestServer } from "./server";

const execFileP = promisify(execFile);

/** The admin token (noauth: the user `admin` has the admin role). */
export const ADMIN = "admin:admin";

/** Where the default `file` backend keeps its files. */
export function backendDir(dataDir: string, backend = "file"): string {
  return path.join(dataDir, "volumes", backend);
}

export function volumeFile(dataDir: string, id: string): string {
  return path.join(backendDir(dataDir), `volume-${id}`);
}

export function snapshotFile(dataDir: string, id: string): string {
  return path.join(backendDir(dataDir), `snapshot-${id}`);
}

export interface FileState {
  name: string;
  size: number;
  /** Identity and change times: any write, truncate or rename-over changes one of them. */
  ino: number;
  mtimeNs: string;
  ctimeNs: string;
  sha256: string;
}

export interface State {
  api: { volumes: unknown[]; snapshots: unknown[] };
  rows: Record<string, unknown[]>;
  files: FileState[];
}

const TABLES = [
  ["volumes", ["id"]],
  ["snapshots", ["id"]],
  ["volume_metadata", ["volume_id", "key"]],
  ["volume_admin_metadata", ["volume_id", "key"]],
  ["snapshot_metadata", ["snapshot_id", "key"]],
  ["volume_types", ["id"]],
  ["volume_type_extra_specs", ["volume_type_id", "key"]],
  ["volume_type_projects", ["volume_type_id", "project_id"]],
  ["volume_type_encryption", ["volume_type_id"]],
  ["key_manager_secrets", ["id"]],
  ["default_volume_types", ["project_id"]],
  ["quotas", ["project_id", "resource"]],
  ["quota_classes", ["class_name", "resource"]],
  ["quota_usages", ["project_id", "resource"]],
] as const;

// Reading a hole makes the kernel fill page cache with zeros, which costs seconds per GiB here, so
// the content hash walks only the data the file holds (lseek SEEK_DATA/SEEK_HOLE, which Node does
// not expose; hence a few lines of Python, with a plain read of everything as the fallback). The
// hash is of the content, not of its layout: it covers the size and every aligned 1 MiB block that
// is not all zeros, so a hole and written zeros hash alike.
const BLOCK = 1 << 20;
const PY_HASH = `
import hashlib, json, os, sys
B = ${BLOCK}
ZERO = bytes(B)
out = {}
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        h = hashlib.sha256(b"size %d;" % size)
        off = 0
        while off < size:
            try:
                start = os.lseek(fd, off, os.SEEK_DATA)
            except OSError:
                break
            end = os.lseek(fd, start, os.SEEK_HOLE)
            b = start // B * B
            while b < end:
                chunk = os.pread(fd, B, b)
                if chunk != ZERO[:len(chunk)]:
                    h.update(b"%d;" % b)
                    h.update(chunk)
                b += B
            off = max(end, b)
        out[p] = h.hexdigest()
    finally:
        os.close(fd)
print(json.dumps(out))
`;
import { readAt, writeAt } from "./files";
export { readAt, writeAt };

async function hashWithPython(files: string[]): Promise<Map<string, string> | undefined> {
  try {
    const { stdout } = await execFileP("python3", ["-c", PY_HASH, ...files], { maxBuffer: 16 << 20 });
    return new Map(Object.entries(JSON.parse(stdout) as Record<string, string>));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

async function hashByReading(file: string): Promise<string> {
  const fh = await fsp.open(file, "r");
  try {
    const size = (await fh.stat()).size;
    const hash = createHash("sha256").update(`size ${size};`);
    const buf = Buffer.alloc(BLOCK);
    const zero = Buffer.alloc(BLOCK);
    for (let b = 0; b < size; b += BLOCK) {
      const { bytesRead } = await fh.read(buf, 0, BLOCK, b);
      const chunk = buf.subarray(0, bytesRead);
      if (!chunk.equals(zero.subarray(0, bytesRead))) hash.update(`${b};`).update(chunk);
    }
    return hash.digest("hex");
  } finally {
    await fh.close();
  }
}

/** Content hashes of files (see above), by path. */
export async function contentHashes(files: string[]): Promise<Map<string, string>> {
  if (files.length === 0) return new Map();
  const viaPython = await hashWithPython(files);
  if (viaPython) return viaPython;
  const out = new Map<string, string>();
  for (const f of files) out.set(f, await hashByReading(f));
  return out;
}

// A file whose inode, size, mtime and ctime are all unchanged has unchanged content (every write
// or truncate moves mtime and ctime), so its hash is computed once per version of the file.
const hashes = new Map<string, string>();

export async function listFiles(dir: string): Promise<FileState[]> {
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const stats = await Promise.all(names.map((n) => fsp.stat(path.join(dir, n), { bigint: true })));
  const keys = names.map((n, i) => `${path.join(dir, n)}|${stats[i].ino}|${stats[i].size}|${stats[i].mtimeNs}|${stats[i].ctimeNs}`);
  const missing = names.map((n) => path.join(dir, n)).filter((_, i) => !hashes.has(keys[i]));
  const fresh = await contentHashes(missing);
  names.forEach((n, i) => {
    const h = fresh.get(path.join(dir, n));
    if (h !== undefined) hashes.set(keys[i], h);
  });
  return names.map((name, i) => ({
    name,
    size: Number(stats[i].size),
    ino: Number(stats[i].ino),
    mtimeNs: String(stats[i].mtimeNs),
    ctimeNs: String(stats[i].ctimeNs),
    sha256: hashes.get(keys[i]) as string,
  }));
}

async function adminList(c: Client, kind: "volumes" | "snapshots"): Promise<unknown[]> {
  const r = await c.as(ADMIN).get(`/v3/admin/${kind}/detail?all_tenants=1&sort=created_at:asc`);
  if (r.status !== 200) throw new Error(`admin list of ${kind} answered ${r.status}`);
  return r.body[kind];
}

/** Wait until the server's bus has no message in flight, so that nothing is still on its way. */
export async function settle(s: TestServer): Promise<void> {
  const bus = s.app.services.bus;
  if (!(await bus.drain(20_000))) throw new Error("the bus did not drain");
}

export async function captureState(s: TestServer): Promise<State> {
  await settle(s);
  const db = s.app.services.db.kysely;
  const rows: Record<string, unknown[]> = {};
  for (const [table, keys] of TABLES) {
    let q = db.selectFrom(table).selectAll();
    for (const k of keys) q = q.orderBy(k as never);
    rows[table] = await q.execute();
  }
  return {
    api: { volumes: await adminList(s.client, "volumes"), snapshots: await adminList(s.client, "snapshots") },
    rows,
    files: await listFiles(backendDir(s.dataDir)),
  };
}


