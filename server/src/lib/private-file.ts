/**
 * Files that hold secrets and must survive a crash whole (target configurations, export state):
 * written like Cinder's `robust_file_write`: temporary file, fsync, rename, fsync of the folder;
 * mode 0600.
 */
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";

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
