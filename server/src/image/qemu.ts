/**
 * qemu-img, through the executor: what an image holds (`qemu-img info --output=json`, as
 * cinder/image/image_utils.py qemu_img_info) and its conversion to raw onto a volume
 * (image_utils.convert_image). The format is always named (`-f`), never probed, so a raw image
 * that happens to look like a qcow2 with a backing file cannot make qemu-img open another file.
 */
import type { Executor } from "../exec/executor";

/** Glance disk formats and the qemu-img format that reads each. */
export const QEMU_FORMAT: Record<string, string> = {
  raw: "raw",
  qcow2: "qcow2",
  vmdk: "vmdk",
  vdi: "vdi",
  vhd: "vpc",
  vhdx: "vhdx",
  iso: "raw",
};

export interface ImageInfo {
  format: string;
  virtualSize: number;
  backingFile?: string;
  dataFile?: string;
}

/** Parses `qemu-img info --output=json` (pure). @throws on output that is not qemu-img's. */
export function parseQemuImgInfo(stdout: string): ImageInfo {
  const j = JSON.parse(stdout) as Record<string, unknown>;
  if (typeof j.format !== "string" || typeof j["virtual-size"] !== "number") throw new Error("qemu-img info gave no format or virtual size");
  const spec = (j["format-specific"] as { data?: Record<string, unknown> } | undefined)?.data;
  return {
    format: j.format,
    virtualSize: j["virtual-size"],
    ...(typeof j["backing-filename"] === "string" ? { backingFile: j["backing-filename"] } : {}),
    ...(typeof spec?.["data-file"] === "string" ? { dataFile: spec["data-file"] } : {}),
  };
}

/**
 * What the file at `file` holds when read as `diskFormat`. @throws with a message a person can act
 * on when qemu-img cannot read it as that format, or when it points at other files (a backing
 * file or an external data file: cinder/image/image_utils.py refuses both).
 */
export async function inspectImage(exec: Executor, file: string, diskFormat: string): Promise<ImageInfo> {
  const fmt = QEMU_FORMAT[diskFormat];
  if (!fmt) throw new Error(`disk format ${diskFormat} is not supported`);
  let info: ImageInfo;
  try {
    const res = await exec.run("qemu-img", ["info", "-f", fmt, "--output=json", file], { timeoutMs: 60_000 });
    info = parseQemuImgInfo(res.stdout);
  } catch (err) {
    const detail = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split("\n").pop();
    throw new Error(`the data is not a valid ${diskFormat} image (${detail})`);
  }
  if (info.backingFile) throw new Error(`the ${diskFormat} image has a backing file, which is not allowed`);
  if (info.dataFile) throw new Error(`the ${diskFormat} image has an external data file, which is not allowed`);
  return info;
}

/** Writes the image at `src` (read as `diskFormat`) as raw data onto the existing `dest` (a volume's file or device). */
export async function convertToRaw(exec: Executor, src: string, diskFormat: string, dest: string, opts: { root?: boolean } = {}): Promise<void> {
  const fmt = QEMU_FORMAT[diskFormat];
  if (!fmt) throw new Error(`disk format ${diskFormat} is not supported`);
  // -n: the volume exists (do not create it); -t none is not used: a file volume may sit on tmpfs.
  await exec.run("qemu-img", ["convert", "-n", "-f", fmt, "-O", "raw", src, dest], { timeoutMs: 3_600_000, ...(opts.root ? { root: true } : {}) });
}

/** Writes the raw volume at `src` into `dest` as `diskFormat` (upload to image). */
export async function convertFromRaw(exec: Executor, src: string, diskFormat: string, dest: string, opts: { root?: boolean } = {}): Promise<void> {
  const fmt = QEMU_FORMAT[diskFormat];
  if (!fmt) throw new Error(`disk format ${diskFormat} is not supported`);
  await exec.run("qemu-img", ["convert", "-f", "raw", "-O", fmt, src, dest], { timeoutMs: 3_600_000, ...(opts.root ? { root: true } : {}) });
}
