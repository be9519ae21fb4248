/**
 * The data copy of a generic migration (cinder/volume/manager.py `_migrate_volume_generic`,
 * cinder/volume/volume_utils.py `copy_volume`): the source's data, opened for reading by its
 * driver, is streamed in chunks into the destination's, opened for writing by its own driver, and
 * the destination is flushed to stable storage before the copy counts as done.
 */
import type { VolumeDriver, VolumeRef } from "../../drivers/interface";

/** cinder/volume/volume_utils.py copy_volume's default block size (1 MiB). */
export const COPY_CHUNK_BYTES = 1024 * 1024;

const GIB = 1024 ** 3;

/**
 * Copy `src.size` GiB of `source`'s data on `from` into `target` on `to` (sizes must match), in
 * chunks, then fsync the destination. Runs of zeros are skipped in the destination (a fresh volume
 * reads as zeros), so sparse data stays sparse. Returns the bytes written.
 */
export async function copyVolumeData(from: VolumeDriver, source: VolumeRef, to: VolumeDriver, target: VolumeRef): Promise<number> {
  if (source.size !== target.size) throw new Error(`cannot copy a ${source.size} GiB volume into a ${target.size} GiB one`);
  const total = source.size * GIB;
  const input = await from.openData({ volume: source }, "read");
  try {
    const output = await to.openData({ volume: target }, "write");
    try {
      const buf = Buffer.alloc(COPY_CHUNK_BYTES);
      let written = 0;
      for (let pos = 0; pos < total; ) {
        const { bytesRead } = await input.read(buf, 0, Math.min(buf.length, total - pos), pos);
        if (bytesRead === 0) throw new Error(`the source's data ended at byte ${pos} of ${total}`);
        const chunk = buf.subarray(0, bytesRead);
        if (!isZero(chunk)) {
          for (let off = 0; off < bytesRead; ) off += (await output.write(chunk, off, bytesRead - off, pos + off)).bytesWritten;
          written += bytesRead;
        }
        pos += bytesRead;
      }
      await output.sync();
      return written;
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** A chunk of zeros to compare with (Buffer.equals is one memcmp, not a loop in JavaScript). */
const ZEROS = Buffer.alloc(COPY_CHUNK_BYTES);

function isZero(b: Buffer): boolean {
  return b.equals(ZEROS.subarray(0, b.length));
}
