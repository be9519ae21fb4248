/**
 * Names of the file driver's files, and the checks that keep ids from escaping its folder.
 * Pure functions only, so they are tested without touching the disk.
 */
import path from "node:path";

export const GIB = 1024 ** 3;

export type Kind = "volume" | "snapshot";

/**
 * Ids are UUIDs in practice; anything else that is a plain file-name token is accepted so tests and
 * imported resources with other id shapes still work. A leading dot is refused because dot-names
 * are the driver's own temporary files, and `/`, `\` and `..` because the id becomes a path.
 */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

export function assertValidId(id: unknown, what: string): asserts id is string {
  if (typeof id !== "string" || !ID_RE.test(id) || id.includes("..")) {
    throw new Error(`Invalid ${what} id ${JSON.stringify(id)}: must be a UUID-like name without '/' or '..'`);
  }
}

/** Sizes are whole GiB, as in the API (Cinder's `size` is an integer column). */
export function assertValidSize(size: unknown, what: string): asserts size is number {
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1) {
    throw new Error(`Invalid ${what} size ${JSON.stringify(size)}: must be a positive whole number of GiB`);
  }
}

export function gibToBytes(gib: number): number {
  return gib * GIB;
}

/**
 * Cinder's default `volume_name_template` and `snapshot_name_template` (`volume-%s`,
 * `snapshot-%s`; cinder/common/config.py), so files look familiar to Cinder operators.
 */
export function fileName(kind: Kind, id: string): string {
  assertValidId(id, kind);
  return `${kind}-${id}`;
}

export function filePath(dir: string, kind: Kind, id: string): string {
  return path.join(dir, fileName(kind, id));
}

/** Prefix of every temporary file that will become `<kind>-<id>`. */
export function tempPrefix(kind: Kind, id: string): string {
  return `.${fileName(kind, id)}.tmp-`;
}

export function tempPath(dir: string, kind: Kind, id: string, random: string): string {
  return path.join(dir, `${tempPrefix(kind, id)}${random}`);
}

/** Matches any temporary file of this driver; only an interrupted operation leaves one behind. */
export const TEMP_RE = /^\.(volume|snapshot)-[^/]+\.tmp-[^/]+$/;

/** Splits a final file name into its kind and id, or returns null for anything else in the folder. */
export function parseFileName(name: string): { kind: Kind; id: string } | null {
  const m = /^(volume|snapshot)-(.+)$/.exec(name);
  if (!m) return null;
  const id = m[2];
  if (!ID_RE.test(id) || id.includes("..")) return null;
  return { kind: m[1] as Kind, id };
}

/** A name the driver may adopt from or offer: one plain entry of its folder. */
export function isPlainName(name: string): boolean {
  return (
    typeof name === "string" &&
    name.length > 0 &&
    name.length <= 255 &&
    !name.startsWith(".") &&
    !name.startsWith("-") &&
    !/[/\\\0]/.test(name) &&
    !name.includes("..")
  );
}
