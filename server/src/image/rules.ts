/**
 * Glance's image schema and default policy as data and small checks
 * (glance/api/v2/images.py `get_base_properties`, glance/policies/image.py): which attributes are
 * core, which are read-only, the accepted formats, and who may do what.
 */
import { CinderError } from "../contract/errors";
import type { ImageRow } from "../db/schema";
import type { ImageCaller } from "./interface";

export const DISK_FORMATS = ["raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "iso"] as const;
export const CONTAINER_FORMATS = ["bare", "ovf"] as const;
export const VISIBILITIES = ["public", "private", "shared", "community"] as const;
export const MEMBER_STATUSES = ["pending", "accepted", "rejected"] as const;

/** Attributes a request may not set (glance/api/v2/images.py `_readonly_properties`, `_reserved_properties`). */
export const READ_ONLY = new Set([
  "id", "status", "owner", "size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value",
  "created_at", "updated_at", "self", "file", "schema", "direct_url", "locations", "deleted", "deleted_at",
]);
/** Core attributes that live in their own columns. */
export const CORE = new Set(["name", "disk_format", "container_format", "visibility", "protected", "min_disk", "min_ram", "tags", "os_hidden"]);

/**
 * Glance's policy rules the image API names (x-policy in the spec): enforced by the checks of this
 * module with Glance's defaults (mayRead, mustOwn, mustWrite, checkVisibilityChange), not through
 * Cinder's policy table.
 */
export const IMAGE_POLICIES: ReadonlySet<string> = new Set([
  "get_images", "get_image", "add_image", "modify_image", "delete_image", "download_image", "upload_image",
  "get_members", "get_member", "add_member", "modify_member", "delete_member", "publicize_image", "communitize_image",
  "deactivate", "reactivate",
]);

export const glanceBadRequest = (message: string) => new CinderError(400, message);
export const glanceForbidden = (action: string) => new CinderError(403, `You are not authorized to complete ${action} action.`);
export const imageNotFound = (id: string) => new CinderError(404, `No image found with ID ${id}`);
export const glanceConflict = (message: string) => new CinderError(409, message);

/** A reader-only token cannot change anything (glance/policies/base.py PROJECT_MEMBER). */
function canWrite(c: ImageCaller): boolean {
  return c.isAdmin || c.roles.includes("member") || c.roles.includes("_member_");
}

/** get_image: admin, owner, public and community images, members of a shared one. */
export function mayRead(c: ImageCaller, img: ImageRow, isMember: boolean): boolean {
  if (c.isAdmin || img.owner === c.projectId) return true;
  if (img.visibility === "public" || img.visibility === "community") return true;
  return img.visibility === "shared" && isMember;
}

/** modify_image, delete_image, upload_image, add_member: admin or a member of the owning project. */
export function mustOwn(c: ImageCaller, img: ImageRow, action: string): void {
  if (c.isAdmin) return;
  if (img.owner !== c.projectId || !canWrite(c)) throw glanceForbidden(action);
}

export function mustWrite(c: ImageCaller, action: string): void {
  if (!canWrite(c)) throw glanceForbidden(action);
}

/** publicize_image: admin only; communitize_image: the owner too. */
export function checkVisibilityChange(c: ImageCaller, visibility: string): void {
  if (visibility === "public" && !c.isAdmin) throw glanceForbidden("publicize_image");
}

export function checkEnum(name: string, value: unknown, allowed: readonly string[]): string {
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw glanceBadRequest(`Provided object does not match schema 'image': '${String(value)}' is not one of [${allowed.map((a) => `'${a}'`).join(", ")}] (${name})`);
  }
  return value;
}

export function checkNonNegativeInt(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw glanceBadRequest(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not a non-negative integer (${name})`);
  }
  return value;
}

/** An extra property: a string value, a key of 1 to 255 characters. */
export function checkProperty(key: string, value: unknown): string {
  if (key.length === 0 || key.length > 255) throw glanceBadRequest(`Property name '${key.slice(0, 40)}' must be 1 to 255 characters.`);
  if (typeof value !== "string") throw glanceBadRequest(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'string' (${key})`);
  if (value.length > 65535) throw glanceBadRequest(`The value of property '${key}' is longer than 65535 characters.`);
  return value;
}

export function checkTags(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((t) => typeof t !== "string" || t.length === 0 || t.length > 255)) {
    throw glanceBadRequest("Provided object does not match schema 'image': tags must be a list of strings of 1 to 255 characters");
  }
  return [...new Set(value as string[])];
}
