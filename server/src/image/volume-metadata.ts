/**
 * The image metadata a volume made from an image keeps (cinder/volume/volume_utils.py
 * `get_volume_image_metadata`, IMAGE_ATTRIBUTES; cinder/image/glance.py `_extract_attributes`
 * puts every non-core attribute into `properties`): image_id, image_name, the image attributes
 * Cinder copies, and every property of the image. Values are stored as strings.
 */
import type { GlanceImage } from "./interface";

/** cinder/volume/volume_utils.py IMAGE_ATTRIBUTES. */
const IMAGE_ATTRIBUTES = ["checksum", "container_format", "disk_format", "min_disk", "min_ram", "size"];

/** Glance's core attributes and this view's links, which are not properties. */
const NOT_PROPERTIES = new Set([
  "id", "name", "status", "visibility", "protected", "os_hidden", "owner", "disk_format", "container_format", "size",
  "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "min_disk", "min_ram", "tags", "created_at", "updated_at",
  "self", "file", "schema", "locations", "direct_url", "deleted", "deleted_at", "is_public",
]);

export function volumeImageMetadata(image: GlanceImage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(image)) {
    if (!NOT_PROPERTIES.has(k) && v !== null && v !== undefined) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  out.image_id = image.id;
  if (image.name) out.image_name = image.name;
  for (const k of IMAGE_ATTRIBUTES) {
    const v = image[k];
    if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}
