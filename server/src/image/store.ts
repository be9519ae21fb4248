/**
 * Where the built-in image service keeps image data: one file per image under
 * `DATA_DIR/images/` (folder 0700, files 0600, as the rest of the data directory), written to a
 * `.part` file while it streams in and renamed into place once whole, so a crash never leaves a
 * file that looks complete (glance_store's filesystem store, which writes in place, is the model
 * for the layout only).
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, promises as fsp } from "node:fs";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../lib/private-file";

export interface StoredData {
  size: number;
  /** Glance's `checksum`: the md5 of the data, hex. */
  md5: string;
  /** Glance's `os_hash_value` with `os_hash_algo` sha512, hex. */
  sha512: string;
}

/** The data was larger than allowed; nothing is kept. */
export class TooLargeError extends Error {}

export class ImageFileStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, "images");
  }

  path(id: string): string {
    return path.join(this.dir, id);
  }

  /** A path for work beside the images (a download being converted), removed by the caller. */
  workPath(name: string): string {
    return path.join(this.dir, `.work-${name}`);
  }

  async prepare(): Promise<void> {
    await ensurePrivateDir(this.dir);
  }

  /** Streams `data` into the image's file, hashing it on the way; at most `maxBytes` are taken. */
  async write(id: string, data: Readable, maxBytes: number): Promise<StoredData> {
    await this.prepare();
    const part = `${this.path(id)}.part`;
    const md5 = createHash("md5");
    const sha = createHash("sha512");
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new TooLargeError(`Image exceeds the storage limit of ${maxBytes} bytes.`));
        md5.update(chunk);
        sha.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(data, hasher, createWriteStream(part, { mode: PRIVATE_FILE_MODE }));
      await fsp.rename(part, this.path(id));
    } catch (err) {
      await fsp.rm(part, { force: true });
      throw err;
    }
    return { size, md5: md5.digest("hex"), sha512: sha.digest("hex") };
  }

  read(id: string): Readable {
    return createReadStream(this.path(id));
  }

  async exists(id: string): Promise<boolean> {
    return fsp.stat(this.path(id)).then(
      () => true,
      () => false,
    );
  }

  async remove(id: string): Promise<void> {
    await fsp.rm(this.path(id), { force: true });
    await fsp.rm(`${this.path(id)}.part`, { force: true });
  }
}

/** md5 and sha512 of a file, to verify a download against the image's checksums. */
export async function hashFile(file: string): Promise<{ md5: string; sha512: string; size: number }> {
  const md5 = createHash("md5");
  const sha = createHash("sha512");
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.length;
    md5.update(chunk);
    sha.update(chunk);
  }
  return { md5: md5.digest("hex"), sha512: sha.digest("hex"), size };
}
