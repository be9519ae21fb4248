/** Reading and writing a volume's backing file as a guest would its disk (for the file driver). */
import { promises as fsp } from "node:fs";

/** Write `data` into an existing file at `offset`, without truncating it, and flush it to disk. */
export async function writeAt(file: string, offset: number, data: Buffer): Promise<void> {
  const fh = await fsp.open(file, "r+");
  try {
    const { bytesWritten } = await fh.write(data, 0, data.length, offset);
    if (bytesWritten !== data.length) throw new Error(`short write to ${file}`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function readAt(file: string, offset: number, length: number): Promise<Buffer> {
  const fh = await fsp.open(file, "r");
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
