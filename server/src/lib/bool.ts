/** oslo_utils.strutils.bool_from_string, which Cinder uses for every boolean it reads from text. */
const TRUE = new Set(["1", "t", "true", "on", "y", "yes"]);
const FALSE = new Set(["0", "f", "false", "off", "n", "no"]);

/** true/false, or undefined when the text is neither. */
export function boolFrom(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}
