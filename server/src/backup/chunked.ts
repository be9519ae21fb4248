/**
 * The chunked backup driver (cf. cinder/backup/chunkeddriver.py): a volume's bytes are read in
 * chunks, each zlib-compressed and stored as one object; the backup's metadata object lists every
 * chunk (its offset, length and the object holding it) and its sha file lists the sha256 of every
 * block of `shaBlockSize` bytes. An incremental backup compares each chunk's block hashes with its
 * parent's sha file and stores only the chunks that changed, naming the parent's object for the
 * others, so a restore reads every chunk from the backup that holds it. A chunk of zeros is
 * recorded without an object. A restore checks every block against the sha file of the backup
 * restored before writing it.
 */
import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { promisify } from "node:util";
import { deflate, inflate } from "node:zlib";
import { BackupObjectMissing, type BackupObjectStore } from "./object-store";

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

export const METADATA_VERSION = "1.0.0";

export interface ChunkedOptions {
  chunkSize: number;
  shaBlockSize: number;
}

/** One chunk of a backup: where it is in the volume and which object holds it (null: zeros). */
export interface ChunkEntry {
  offset: number;
  length: number;
  backup_id: string;
  container: string;
  object: string | null;
  compression: "zlib" | null;
}

export interface BackupMetadata {
  version: string;
  backup_id: string;
  volume_id: string;
  parent_id: string | null;
  size_bytes: number;
  chunk_size: number;
  sha_block_size: number;
  chunks: ChunkEntry[];
}

export interface ShaFile {
  backup_id: string;
  chunk_size: number;
  sha_block_size: number;
  sha256s: string[];
}

/** A chunk whose bytes do not hash to what the sha file says, or an object that is gone. */
export class BackupCorrupt extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupCorrupt";
  }
}

export const metadataName = (backupId: string) => `backup_${backupId}_metadata`;
export const shaFileName = (backupId: string) => `backup_${backupId}_sha256file`;
export const chunkName = (backupId: string, index: number) => `backup_${backupId}-${String(index + 1).padStart(5, "0")}`;
export const objectPrefix = (backupId: string) => `backup_${backupId}`;

export interface BackupTarget {
  backupId: string;
  volumeId: string;
  container: string;
  sizeBytes: number;
  /** The backup this one is incremental to, with its container. */
  parent?: { id: string; container: string };
}

function blockHashes(data: Buffer, blockSize: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < data.length; at += blockSize) {
    out.push(createHash("sha256").update(data.subarray(at, Math.min(at + blockSize, data.length))).digest("hex"));
  }
  return out;
}

async function readFully(h: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await h.read(buf, done, length - done, position + done);
    if (bytesRead === 0) {
      buf.fill(0, done, length);
      return;
    }
    done += bytesRead;
  }
}

async function writeFully(h: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await h.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

async function getJson<T>(store: BackupObjectStore, container: string, name: string): Promise<T> {
  try {
    return JSON.parse((await store.get(container, name)).toString("utf8")) as T;
  } catch (err) {
    if (err instanceof BackupObjectMissing) throw new BackupCorrupt(`the object ${container}/${name} is missing`);
    if (err instanceof SyntaxError) throw new BackupCorrupt(`the object ${container}/${name} is not valid JSON`);
    throw err;
  }
}

export function readMetadata(store: BackupObjectStore, container: string, backupId: string): Promise<BackupMetadata> {
  return getJson<BackupMetadata>(store, container, metadataName(backupId));
}

export function readShaFile(store: BackupObjectStore, container: string, backupId: string): Promise<ShaFile> {
  return getJson<ShaFile>(store, container, shaFileName(backupId));
}

/**
 * Back up `sizeBytes` of `source` into the store; `progress` is told the share of chunks done.
 * Returns the number of objects written. Objects of a backup cut short stay until
 * deleteBackupObjects removes them; the metadata object is written last, so a backup without one
 * is never read as complete.
 */
export async function backupData(
  store: BackupObjectStore,
  source: FileHandle,
  target: BackupTarget,
  opts: ChunkedOptions,
  progress: (percent: number) => Promise<void>,
): Promise<number> {
  await store.ensureContainer(target.container);
  let parentMeta: BackupMetadata | undefined;
  let parentSha: ShaFile | undefined;
  if (target.parent) {
    parentMeta = await readMetadata(store, target.parent.container, target.parent.id);
    parentSha = await readShaFile(store, target.parent.container, target.parent.id);
    if (parentMeta.chunk_size !== opts.chunkSize || parentSha.sha_block_size !== opts.shaBlockSize) {
      // Another chunking cannot be compared block for block: the whole volume is stored again.
      parentMeta = undefined;
      parentSha = undefined;
    }
  }
  const chunks: ChunkEntry[] = [];
  const shas: string[] = [];
  const buf = Buffer.alloc(opts.chunkSize);
  const zero = Buffer.alloc(opts.chunkSize);
  const count = Math.ceil(target.sizeBytes / opts.chunkSize);
  const blocksPerChunk = opts.chunkSize / opts.shaBlockSize;
  let written = 0;
  for (let i = 0; i < count; i++) {
    const offset = i * opts.chunkSize;
    const length = Math.min(opts.chunkSize, target.sizeBytes - offset);
    await readFully(source, buf, length, offset);
    const data = buf.subarray(0, length);
    const hashes = blockHashes(data, opts.shaBlockSize);
    shas.push(...hashes);
    const before = parentSha?.sha256s.slice(i * blocksPerChunk, i * blocksPerChunk + hashes.length);
    const old = parentMeta?.chunks[i];
    if (old && old.length === length && before && before.length === hashes.length && before.every((h, k) => h === hashes[k])) {
      chunks.push(old);
    } else if (data.equals(zero.subarray(0, length))) {
      chunks.push({ offset, length, backup_id: target.backupId, container: target.container, object: null, compression: null });
    } else {
      const name = chunkName(target.backupId, i);
      await store.put(target.container, name, await deflateAsync(data));
      written++;
      chunks.push({ offset, length, backup_id: target.backupId, container: target.container, object: name, compression: "zlib" });
    }
    await progress(Math.floor(((i + 1) * 100) / count));
  }
  const sha: ShaFile = { backup_id: target.backupId, chunk_size: opts.chunkSize, sha_block_size: opts.shaBlockSize, sha256s: shas };
  await store.put(target.container, shaFileName(target.backupId), Buffer.from(JSON.stringify(sha)));
  const meta: BackupMetadata = {
    version: METADATA_VERSION,
    backup_id: target.backupId,
    volume_id: target.volumeId,
    parent_id: target.parent?.id ?? null,
    size_bytes: target.sizeBytes,
    chunk_size: opts.chunkSize,
    sha_block_size: opts.shaBlockSize,
    chunks,
  };
  await store.put(target.container, metadataName(target.backupId), Buffer.from(JSON.stringify(meta)));
  return written + 2;
}

/**
 * Restore the backup into `dest`: every chunk is fetched from the backup of the chain that holds
 * it, inflated and checked against this backup's sha file before it is written.
 * `zeroed`: the destination is known to read as zeros (a volume just made), so zero chunks are
 * skipped. @throws BackupCorrupt when a chunk is missing or does not match.
 */
export async function restoreData(
  store: BackupObjectStore,
  dest: FileHandle,
  backup: { id: string; container: string },
  zeroed: boolean,
  progress: (percent: number) => Promise<void>,
): Promise<void> {
  const meta = await readMetadata(store, backup.container, backup.id);
  const sha = await readShaFile(store, backup.container, backup.id);
  const blocksPerChunk = meta.chunk_size / sha.sha_block_size;
  for (const [i, c] of meta.chunks.entries()) {
    let data: Buffer;
    if (c.object === null) {
      data = Buffer.alloc(c.length);
    } else {
      let packed: Buffer;
      try {
        packed = await store.get(c.container, c.object);
      } catch (err) {
        if (err instanceof BackupObjectMissing) throw new BackupCorrupt(`chunk ${i + 1} (${c.container}/${c.object}) is missing`);
        throw err;
      }
      try {
        data = c.compression === "zlib" ? await inflateAsync(packed) : packed;
      } catch {
        throw new BackupCorrupt(`chunk ${i + 1} (${c.container}/${c.object}) does not inflate`);
      }
    }
    const want = sha.sha256s.slice(i * blocksPerChunk, i * blocksPerChunk + Math.ceil(c.length / sha.sha_block_size));
    const got = data.length === c.length ? blockHashes(data, sha.sha_block_size) : [];
    if (got.length !== want.length || got.some((h, k) => h !== want[k])) {
      throw new BackupCorrupt(`chunk ${i + 1} of backup ${backup.id} does not match its sha256`);
    }
    if (c.object !== null || !zeroed) await writeFully(dest, data, c.offset);
    await progress(Math.floor(((i + 1) * 100) / meta.chunks.length));
  }
  await dest.sync();
}

/** Removes every object of the backup (its own chunks, sha file and metadata; never its parent's). */
export async function deleteBackupObjects(store: BackupObjectStore, container: string, backupId: string): Promise<void> {
  const prefix = objectPrefix(backupId);
  for (const name of await store.list(container, prefix)) {
    // `backup_<id>` prefixes also match a longer id; only this backup's names are removed.
    if (name === metadataName(backupId) || name === shaFileName(backupId) || name.startsWith(`${prefix}-`)) await store.delete(container, name);
  }
}
