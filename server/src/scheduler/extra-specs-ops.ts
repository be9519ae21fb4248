/**
 * Matching a capability against an extra spec's requirement, with Cinder's operators
 * (cinder/scheduler/filters/extra_specs_ops.py): `=` (numeric >=), `==`, `!=`, `>=`, `<=`,
 * `s==`, `s!=`, `s<`, `s<=`, `s>`, `s>=` (string), `<in>` (substring), `<all-in>`, `<is>` (boolean),
 * `<or>` (alternatives); a requirement with no operator must equal the value as text.
 */
type Op = (value: string, arg: string | string[]) => boolean;

const num = (s: string) => Number(s);
const bool = (s: string) => ["true", "1", "yes", "y", "on", "t"].includes(s.trim().toLowerCase());

const OPS: Record<string, Op> = {
  "=": (x, y) => num(x) >= num(y as string),
  "<in>": (x, y) => x.includes(y as string),
  "<all-in>": (x, y) => (y as string[]).every((w) => x.split(/\s+/).includes(w) || x.includes(w)),
  "==": (x, y) => num(x) === num(y as string),
  "!=": (x, y) => num(x) !== num(y as string),
  ">=": (x, y) => num(x) >= num(y as string),
  "<=": (x, y) => num(x) <= num(y as string),
  "s==": (x, y) => x === y,
  "s!=": (x, y) => x !== y,
  "s<": (x, y) => x < (y as string),
  "s<=": (x, y) => x <= (y as string),
  "s>": (x, y) => x > (y as string),
  "s>=": (x, y) => x >= (y as string),
  "<is>": (x, y) => bool(x) === bool(y as string),
};

export function matches(value: string | number | boolean | undefined | null, req: string): boolean {
  const words = req.trim().split(/\s+/).filter(Boolean);
  const op = words.shift();
  if (op !== "<or>" && (op === undefined || !(op in OPS))) return value !== undefined && value !== null && String(value) === req;
  if (value === undefined || value === null) return false;
  const v = String(value);
  if (op === "<or>") {
    for (let i = 0; i < words.length; i += 2) if (words[i] === v) return true;
    return false;
  }
  if (words.length === 0) return false;
  return OPS[op as string](v, op === "<all-in>" ? words : words[0]);
}
