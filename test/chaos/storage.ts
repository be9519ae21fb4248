/**
 * What a chaos run's backends hold, seen from outside the server: the storage every check
 * compares with the rows, and the guest's side of a volume (writing to its disk, reading it back).
 * The file backends' view is here; the LVM backends' (LVs through the driver's own `lvs`, LIO
 * targets in configfs) is ./lvm-storage.ts.
 */
import { randomBytes } from "node:crypto";
import { readdir, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { contentHashes, listFiles, writeAt } from "../helpers/state";

export const GIB = 1024 ** 3;

/** What the backends hold, by backend host (`host@backend`). */
export interface Inventory {
  /** Volume id -> bytes of its storage. */
  volumes: Map<string, Map<string, number>>;
  snapshots: Map<string, Set<string>>;
  /** Leftovers nothing may leave once nothing is in flight: temporary objects, names nobody made. */
  leftovers: string[];
  /** Volume ids with an iSCSI export, when the backends export (LIO); undefined otherwise. */
  exported?: string[];
  /** Volume ids whose storage the driver marked as an unfinished copy (none of them may be a usable volume). */
  unfinished?: string[];
}

/** A volume a guest wrote to: where its data is read back, and the hash of what was written. */
export interface Guarded {
  disk: string;
  hash: string;
}

export interface Storage {
  inventory(): Promise<Inventory>;
  /** A guest writes to the volume's disk (`host` is the row's `host@backend#pool`). */
  write(volumeId: string, host: string): Promise<Guarded>;
  /** The content hashes of guarded disks now, by disk. */
  hashes(disks: string[]): Promise<Map<string, string>>;
  /** Make data no volume holds on a backend (`one` picks it), for a manage: the pool's host and the reference name. */
  foreign(n: number, one: <T>(xs: T[]) => T): Promise<{ host: string; name: string }>;
  /** The connector attachments are made with: an export to that initiator; none reserves only. */
  connector?: Record<string, unknown>;
}

/** A file backend: the `host@backend` of its volumes and the directory holding their files. */
export interface FileBackend {
  host: string;
  dir: string;
}

const backendOf = (backends: FileBackend[], host: string) => backends.find((b) => b.host === host.split("#")[0]);

/** The file backends' storage: one file per volume and snapshot, `import-<n>` files made for manage. */
export function fileStorage(backends: FileBackend[]): Storage {
  return {
    async inventory() {
      const inv: Inventory = { volumes: new Map(), snapshots: new Map(), leftovers: [] };
      for (const b of backends) {
        const volumes = new Map<string, number>();
        const snapshots = new Set<string>();
        for (const f of await listFiles(b.dir)) {
          if (f.name.startsWith(".")) inv.leftovers.push(`temporary file ${f.name} on ${b.host}`);
          const m = /^(volume|snapshot)-(.+)$/.exec(f.name);
          if (m && m[1] === "volume") volumes.set(m[2], f.size);
          else if (m) snapshots.add(m[2]);
          else if (!/^import-\d+$/.test(f.name)) inv.leftovers.push(`a file nobody made: ${f.name} on ${b.host}`);
        }
        inv.volumes.set(b.host, volumes);
        inv.snapshots.set(b.host, snapshots);
      }
      return inv;
    },
    async write(volumeId, host) {
      const b = backendOf(backends, host);
      if (!b) throw new Error(`volume ${volumeId} is on ${host}, no backend of the run`);
      const file = path.join(b.dir, `volume-${volumeId}`);
      await writeAt(file, 0, randomBytes(64 << 10));
      await writeAt(file, 300 << 20, Buffer.from(`the data of ${volumeId}`));
      return { disk: file, hash: (await contentHashes([file])).get(file)! };
    },
    hashes: contentHashes,
    async foreign(n, one) {
      const name = `import-${n}`;
      const b = one(backends);
      const file = path.join(b.dir, name);
      await writeFile(file, randomBytes(4096));
      await truncate(file, GIB);
      return { host: `${b.host}#file`, name };
    },
  };
}

/**
 * The backups that have objects (or a temporary file) in a posix backup store's container: object
 * names are `backup_<id>_metadata`, `backup_<id>_sha256file` and `backup_<id>-<n>`.
 */
export function posixBackups(container: string): () => Promise<Set<string>> {
  return async () => {
    const ids = new Set<string>();
    const names = await readdir(container).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return [] as string[];
      throw err;
    });
    for (const name of names) {
      const m = /^backup_([0-9a-f-]{36})(?:_metadata|_sha256file|-\d+)/.exec(name);
      ids.add(m ? m[1] : `(a file nobody made: ${name})`);
    }
    return ids;
  };
}
