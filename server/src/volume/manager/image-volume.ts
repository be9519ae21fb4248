/**
 * Filling a new volume from an image (cinder/volume/flows/manager/create_volume.py
 * `_create_from_image`, cinder/image/image_utils.py fetch_to_raw): download the image into the
 * conversion folder, verify its checksums, check with qemu-img what it holds (its format, no
 * backing or data file, a virtual size that fits), write it as raw onto the volume, then keep the
 * image's metadata on the volume (`_capture_volume_image_metadata`). Any failure removes what was
 * made (the download, the volume's storage) and is thrown with a message a person can act on.
 */
import { createHash } from "node:crypto";
import { createWriteStream, promises as fsp } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Executor } from "../../exec/executor";
import type { VolumeRef } from "../../drivers/interface";
import type { VolumeRow } from "../../db/schema";
import { setVolumeGlanceMetadata } from "../../db/repos/images";
import { serviceCaller, type GlanceImage, type ImageService } from "../../image/interface";
import { convertToRaw, inspectImage, QEMU_FORMAT } from "../../image/qemu";
import { volumeImageMetadata } from "../../image/volume-metadata";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../../lib/private-file";
import type { VolumeManager } from "./manager";

const GIB = 1024 ** 3;

/** What a volume manager needs to move data between images and volumes. */
export interface ImageOptions {
  service: ImageService;
  executor: Executor;
  /** Cinder's image_conversion_dir: downloads and uploads in progress (0700). */
  workDir: string;
}

/** A failure with the user message's detail kind (Cinder's exception class name). */
export class ImageVolumeError extends Error {
  constructor(
    message: string,
    readonly kind: "ImageUnacceptable" | "ImageTooBig" | "ImageChecksumMismatch" | "ImageDownloadFailed",
  ) {
    super(message);
    this.name = "ImageVolumeError";
  }
}

function optionsOf(m: VolumeManager): ImageOptions {
  if (!m.opts.images) throw new ImageVolumeError("this volume service has no image service configured", "ImageDownloadFailed");
  return m.opts.images;
}

/** Makes the volume's storage and writes the image onto it; on failure nothing is left. */
export async function createFromImage(m: VolumeManager, v: VolumeRow, ref: VolumeRef, imageId: string): Promise<void> {
  const opts = optionsOf(m);
  const caller = serviceCaller(v.project_id);
  const image = await opts.service.show(caller, imageId).catch((err: Error) => {
    throw new ImageVolumeError(`Image ${imageId} could not be read: ${err.message}`, "ImageDownloadFailed");
  });
  const format = image.disk_format ?? "";
  if (!QEMU_FORMAT[format]) throw new ImageVolumeError(`Image ${imageId} is unacceptable: Unsupported image format: ${format || "none"}.`, "ImageUnacceptable");
  await ensurePrivateDir(opts.workDir);
  const tmp = path.join(opts.workDir, `${v.id}.${format}`);
  try {
    await download(opts, caller, image, tmp);
    const info = await inspectImage(opts.executor, tmp, format).catch((err: Error) => {
      throw new ImageVolumeError(`Image ${imageId} is unacceptable: ${err.message}.`, "ImageUnacceptable");
    });
    const virtualGb = Math.ceil(info.virtualSize / GIB);
    if (virtualGb > v.size) {
      throw new ImageVolumeError(`Image ${imageId} is unacceptable: Image virtual size is ${virtualGb}GB and doesn't fit in a volume of size ${v.size}GB.`, "ImageTooBig");
    }
    await m.driver.createVolume(ref);
    try {
      await convertToRaw(opts.executor, tmp, format, m.driver.localPath(ref), { root: true });
    } catch (err) {
      await m.driver.deleteVolume(ref).catch((e: unknown) => m.log.warn({ err: e, volumeId: v.id }, "removing a half-written volume failed"));
      const detail = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split("\n").pop();
      throw new ImageVolumeError(`Image ${imageId} could not be written onto the volume: ${detail}`, "ImageUnacceptable");
    }
  } finally {
    await fsp.rm(tmp, { force: true });
  }
  await setVolumeGlanceMetadata(m.db.kysely, v.id, volumeImageMetadata(image));
}

/** The image's data into `dest`, checked against its md5 `checksum` and its sha512 `os_hash_value`. */
async function download(opts: ImageOptions, caller: ReturnType<typeof serviceCaller>, image: GlanceImage, dest: string): Promise<void> {
  const data = await opts.service.download(caller, image.id).catch((err: Error) => {
    throw new ImageVolumeError(`Image ${image.id} could not be downloaded: ${err.message}`, "ImageDownloadFailed");
  });
  const md5 = createHash("md5");
  const sha = createHash("sha512");
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      md5.update(chunk);
      sha.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(data, hasher, createWriteStream(dest, { mode: PRIVATE_FILE_MODE })).catch((err: Error) => {
    throw new ImageVolumeError(`Image ${image.id} could not be downloaded: ${err.message}`, "ImageDownloadFailed");
  });
  // cinder/image/glance.py download: verify_glance_image_signature aside, the checksum must match.
  if (image.checksum && md5.digest("hex") !== image.checksum) {
    throw new ImageVolumeError(`Image ${image.id} failed verification: the downloaded data does not match its checksum.`, "ImageChecksumMismatch");
  }
  if (image.os_hash_algo === "sha512" && image.os_hash_value && sha.digest("hex") !== image.os_hash_value) {
    throw new ImageVolumeError(`Image ${image.id} failed verification: the downloaded data does not match its os_hash_value.`, "ImageChecksumMismatch");
  }
}
