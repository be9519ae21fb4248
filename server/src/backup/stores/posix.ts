/**
 * The posix backup object store (cf. cinder/backup/drivers/posix.py): a container is a directory
 * under the store's root, an object a file in it. An object is written under a temporary name,
 * flushed to disk and renamed, then the directory is flushed, so a reader (or a restart) never
 * finds a partly written object under its name.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { BackupObjectMissing, type BackupObjectStore } from "../object-store";

const NAME_RE = /^[A-Za-z0-9_.-][A-Za-z0-9_.\-]{0,254}$/;
const TEMP_MARK = ".tmp-";

function checkName(kind: string, name: string): void {
  if (!NAME_RE.test(name) || name === "." || name === ".." || name.includes(TEMP_MARK)) {
    throw new Error(`invalid backup ${kind} name ${JSON.stringify(name)}`);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await fsp.open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

export class PosixObjectStore implements BackupObjectStore {
  readonly kind = "posix";

  constructor(readonly root: string) {}

  private dir(container: string): string {
    checkName("container", container);
    return path.join(this.root, container);
  }

  private file(container: string, name: string): string {
    checkName("object", name);
    return path.join(this.dir(container), name);
  }

  async ensureContainer(container: string): Promise<void> {
    await fsp.mkdir(this.dir(container), { recursive: true, mode: 0o700 });
  }

  async put(container: string, name: string, data: Buffer): Promise<void> {
    const final = this.file(container, name);
    await this.ensureContainer(container);
    const temp = `${final}${TEMP_MARK}${randomBytes(6).toString("hex")}`;
    const h = await fsp.open(temp, "w", 0o600);
    try {
      await h.writeFile(data);
      await h.sync();
    } finally {
      await h.close();
    }
    try {
      await fsp.rename(temp, final);
    } catch (err) {
      await fsp.rm(temp, { force: true });
      throw err;
    }
    await fsyncDir(path.dirname(final));
  }

  async get(container: string, name: string): Promise<Buffer> {
    try {
      return await fsp.readFile(this.file(container, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new BackupObjectMissing(container, name);
      throw err;
    }
  }

  async delete(container: string, name: string): Promise<void> {
    await fsp.rm(this.file(container, name), { force: true });
  }

  async list(container: string, prefix: string): Promise<string[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir(container));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    return names.filter((n) => n.startsWith(prefix) && !n.includes(TEMP_MARK)).sort();
  }
}
