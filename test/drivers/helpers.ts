/** Shared helpers of the driver tests: temp folders and byte-level file access. */
import { randomBytes, randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileDriver, type FileDriverOptions } from "../../server/src/drivers/file/driver";
import type { SnapshotRef, VolumeRef } from "../../server/src/drivers/interface";
import { ProcessExecutor } from "../../server/src/exec/executor";
import { readAt, writeAt } from "../helpers/files";
export { readAt, writeAt };

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

export async function makeTempDir(prefix = "cinderblock-file-"): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

/** A FileDriver on `<root>/vols` with the real ProcessExecutor, already set up. */
export async function makeDriver(root: string, extra: Partial<FileDriverOptions> = {}): Promise<FileDriver> {
  const driver = new FileDriver({
    dir: path.join(root, "vols"),
    backendName: "file-1",
    executor: new ProcessExecutor(),
    ...extra,
  });
  await driver.setup();
  return driver;
}

export function vol(size = 1, id: string = randomUUID()): VolumeRef {
  return { id, size };
}

export function snap(volume: VolumeRef, id: string = randomUUID()): SnapshotRef {
  return { id, volumeId: volume.id, volumeSize: volume.size };
}

export function volumePath(root: string, id: string): string {
  return path.join(root, "vols", `volume-${id}`);
}

export function snapshotPath(root: string, id: string): string {
  return path.join(root, "vols", `snapshot-${id}`);
}



/** A set of writes at chosen offsets, so the same pattern can be written and later checked. */
export type Pattern = { offset: number; data: Buffer }[];

/** Random data at the start, at odd and page-aligned offsets in the middle, and up to the last byte. */
export function randomPattern(sizeGib: number): Pattern {
  const end = sizeGib * GIB;
  return [
    { offset: 0, data: randomBytes(4096) },
    { offset: 3 * 4096 + 17, data: randomBytes(1000) },
    { offset: 512 * MIB + 1, data: randomBytes(65536) },
    { offset: end - 8192, data: randomBytes(4096) },
    { offset: end - 100, data: randomBytes(100) },
  ];
}

export async function writePattern(file: string, pattern: Pattern): Promise<void> {
  for (const { offset, data } of pattern) await writeAt(file, offset, data);
}

/** Whether `file` holds `pattern`; returns the first offset that differs, or null. */
export async function firstMismatch(file: string, pattern: Pattern): Promise<number | null> {
  for (const { offset, data } of pattern) {
    const got = await readAt(file, offset, data.length);
    if (!got.equals(data)) return offset;
  }
  return null;
}

/** Bytes actually allocated on disk (st_blocks is in 512-byte units whatever the block size). */
export async function allocatedBytes(file: string): Promise<number> {
  return (await fsp.stat(file)).blocks * 512;
}

export async function listDir(dir: string): Promise<string[]> {
  return (await fsp.readdir(dir)).sort();
}
