/**
 * Request bodies of the identity routes, checked by the validators compiled from the spec and worded
 * as Keystone words them (keystone/api/validation/validators.py): "Invalid input for field
 * '<path>': <reason>". Unlike Keystone (and Cinder), the reason never repeats the value: an auth
 * body's value may be a password, and the message reaches a log line.
 */
import * as validators from "../generated/validators";
import { ksBadRequest } from "./errors";

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const table = validators as unknown as Record<string, Validator>;

const q = (s: unknown) => `'${String(s)}'`;

function reason(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case "required":
      return `${q(p.missingProperty)} is a required property`;
    case "additionalProperties":
      return `Additional properties are not allowed (${q(p.additionalProperty)} was unexpected)`;
    case "type":
      return `the value is not of type ${String(p.type).split(",").map(q).join(", ")}`;
    case "minLength":
      return "the value is too short";
    case "maxLength":
      return `the value is longer than ${String(p.limit)} characters`;
    case "pattern":
      return `the value does not match ${q(p.pattern)}`;
    case "enum":
      return "the value is not one of the allowed values";
    case "minProperties":
      return "the object does not have enough properties";
    case "maxItems":
      return "the list is too long";
    case "uniqueItems":
      return "the list has non-unique elements";
    default:
      return "the value is invalid";
  }
}

const depth = (e: AjvError) => e.instancePath.split("/").length;

/**
 * The reason for the most specific failure (the deepest path). A union of `required` branches is
 * Keystone's "id or name must be present"; otherwise a branch's own complaint beats a type miss.
 */
function explain(errors: readonly AjvError[]): { path: string; text: string } {
  const deepest = Math.max(...errors.map(depth));
  const here = errors.filter((e) => depth(e) === deepest);
  const path = here[0].instancePath;
  const isUnion = (e: AjvError) => e.keyword === "anyOf" || e.keyword === "oneOf";
  const branches = here.filter((e) => !isUnion(e));
  if (here.some(isUnion) && branches.length > 0 && branches.every((e) => e.keyword === "required")) {
    return { path, text: `${branches.map((e) => String(e.params.missingProperty)).join(" or ")} must be present` };
  }
  const best = branches.find((e) => e.keyword !== "type") ?? branches[0] ?? here[0];
  return { path, text: isUnion(best) ? "the value is not valid under any of the given schemas" : reason(best) };
}

export function validateKeystoneBody(name: string, body: unknown): void {
  const validate = table[name];
  if (!validate) throw new Error(`no validator ${name}`);
  if (validate(body)) return;
  const errors = validate.errors ?? [];
  if (errors.length === 0) throw ksBadRequest("The request body is invalid.");
  const { path, text } = explain(errors);
  // Keystone names the field without the outer `auth` (or `project`, `user`, `role`) wrapper.
  const segs = path.split("/").filter(Boolean);
  const field = (segs.length > 1 ? segs.slice(1) : segs).join("/");
  throw ksBadRequest(field ? `Invalid input for field '${field}': ${text}.` : `Invalid input: ${text}.`);
}
