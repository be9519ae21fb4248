/**
 * A volume's image source (cinder/volume/flows/api/create_volume.py ExtractVolumeRequestTask
 * `_get_image_metadata`, cinder/volume/volume_utils.py `check_image_metadata`): the image must
 * exist, be visible to the caller and active, and fit the volume — its data, its min_disk and its
 * virtual size — with Cinder's messages.
 */
import type { RequestContext } from "../../contract/context";
import { CinderError, invalidInput } from "../../contract/errors";
import type { GlanceImage } from "../../image/interface";
import { QEMU_FORMAT } from "../../image/qemu";
import type { ImageDeps } from "./deps";
import { authorize } from "../../policy/policy";

const GIB = 1024 ** 3;

/** The image as the caller may see it. @throws 404 "Image <id> could not be found." otherwise. */
export async function imageForNewVolume(svc: ImageDeps, ctx: RequestContext, imageRef: string): Promise<GlanceImage> {
  authorize(ctx, "volume:create_from_image");
  try {
    return await svc.images.show(ctx, imageRef);
  } catch (err) {
    if (err instanceof CinderError && (err.status === 404 || err.status === 403)) throw new CinderError(404, `Image ${imageRef} could not be found.`);
    throw err;
  }
}

/** The size to make when none is asked for: the image's, in GiB rounded up (at least its virtual size and min_disk). */
export function sizeForImage(image: GlanceImage): number {
  const bytes = Math.max(Number(image.size ?? 0), Number(image.virtual_size ?? 0));
  return Math.max(1, Math.ceil(bytes / GIB), image.min_disk ?? 0);
}

/** cinder/volume/volume_utils.py check_image_metadata, and the disk formats this service converts. */
export function checkImageForVolume(image: GlanceImage, size: number): void {
  if (image.status !== "active") throw invalidInput(`Image ${image.id} is not active.`);
  const imageGb = Math.ceil(Number(image.size ?? 0) / GIB);
  if (imageGb > size) throw invalidInput(`Size of specified image ${imageGb}GB is larger than volume size ${size}GB.`);
  const minDisk = image.min_disk ?? 0;
  if (size < minDisk) throw invalidInput(`Volume size ${size}GB cannot be smaller than the image minDisk size ${minDisk}GB.`);
  if (image.virtual_size) {
    const virtualGb = Math.ceil(Number(image.virtual_size) / GIB);
    if (virtualGb > size) {
      throw invalidInput(`Image ${image.id} is unacceptable: Image virtual size is ${virtualGb}GB and doesn't fit in a volume of size ${size}GB.`);
    }
  }
  if (!image.disk_format || !QEMU_FORMAT[image.disk_format]) {
    throw invalidInput(`Image ${image.id} is unacceptable: Unsupported image format: ${String(image.disk_format)}.`);
  }
}
