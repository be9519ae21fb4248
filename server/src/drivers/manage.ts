/**
 * What every driver shares for managing existing objects: Cinder's invalid-reference error
 * (cinder/exception.py ManageExistingInvalidReference), and the wording of its "not safe" reasons
 * (cinder/volume/drivers/lvm.py `_get_manageable_resource_info`).
 */
import type { ManageRef } from "./interface";

export const ALREADY_MANAGED = "already managed";
export const VOLUME_IN_USE = "volume in use";

/** The reference names nothing the driver can adopt; the volume ends in `error_managing`. */
export class InvalidReferenceError extends Error {
  constructor(ref: string, reason: string) {
    super(`Manage existing volume failed due to invalid backend reference ${ref}: ${reason}`);
    this.name = "InvalidReferenceError";
  }
}

/** Python's repr of a JSON value, as Cinder formats a reference into its messages. */
function pyRepr(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `'${k}': ${pyRepr(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

/** The driver reference of a request's `ref` (`{"source-name": "..."}`), or Cinder's error. */
export function sourceRef(ref: unknown): ManageRef {
  const name = typeof ref === "object" && ref !== null ? (ref as Record<string, unknown>)["source-name"] : undefined;
  if (typeof name !== "string") throw new InvalidReferenceError(pyRepr(ref), "Reference must contain source-name element.");
  return { sourceName: name };
}
