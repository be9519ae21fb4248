/**
 * Request bodies are checked by the validators compiled from the spec, and failures worded as
 * Cinder words them (cinder/api/validation/validators.py): "Invalid input for field/attribute
 * <field>. Value: <value>. <jsonschema message>".
 */
import type { LenientObject } from "../generated/routes";
import * as validators from "../generated/validators";
import { badRequest } from "./errors";

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const table = validators as unknown as Record<string, Validator>;

/** Python's repr, which is what Cinder's messages show. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

function pyStr(v: unknown): string {
  return typeof v === "string" ? v : pyRepr(v);
}

function at(data: unknown, pointer: string): unknown {
  if (!pointer) return data;
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), data);
}

function schemaMessage(e: AjvError, value: unknown): string {
  const p = e.params;
  switch (e.keyword) {
    case "required":
      return `${pyRepr(p.missingProperty)} is a required property`;
    case "additionalProperties":
      return `Additional properties are not allowed (${pyRepr(p.additionalProperty)} was unexpected)`;
    case "type": {
      const types = String(p.type).split(",");
      return `${pyRepr(value)} is not of type ${types.map((t) => pyRepr(t)).join(", ")}`;
    }
    case "minimum":
      return `${pyRepr(value)} is less than the minimum of ${p.limit}`;
    case "maximum":
      return `${pyRepr(value)} is greater than the maximum of ${p.limit}`;
    case "exclusiveMinimum":
      return `${pyRepr(value)} is less than or equal to the minimum of ${p.limit}`;
    case "minLength":
      return `${pyRepr(value)} is too short`;
    case "maxLength":
      return `${pyRepr(value)} is too long`;
    case "pattern":
      return `${pyRepr(value)} does not match ${pyRepr(p.pattern)}`;
    case "enum":
      return `${pyRepr(value)} is not one of ${pyRepr(p.allowedValues)}`;
    case "const":
      return `${pyRepr(p.allowedValue)} was expected`;
    case "format":
      return `${pyRepr(value)} is not a ${pyRepr(p.format)}`;
    case "minProperties":
      return `${pyRepr(value)} does not have enough properties`;
    case "maxProperties":
      return `${pyRepr(value)} has too many properties`;
    case "minItems":
      return `${pyRepr(value)} is too short`;
    case "uniqueItems":
      return `${pyRepr(value)} has non-unique elements`;
    case "anyOf":
    case "oneOf":
      return `${pyRepr(value)} is not valid under any of the given schemas`;
    default:
      return e.message ?? "is invalid";
  }
}

/**
 * The spec's VolumeSize pattern encodes "1 to 2147483647" for digit strings because JSON Schema
 * applies minimum/maximum to numbers only; Cinder checks `^[0-9]+$` and then applies the range to
 * the string's number (cinder/api/validation/validators.py `_validate_minimum`/`_validate_maximum`,
 * parameter_types.py `volume_size`). Say what Cinder says rather than print the encoding.
 */
function volumeSizeStringMessage(e: AjvError, value: unknown): string | undefined {
  if (e.keyword !== "pattern" || !e.schemaPath.endsWith("/VolumeSize/pattern") || typeof value !== "string") return undefined;
  if (!/^[0-9]+$/.test(value)) return `${pyRepr(value)} does not match '^[0-9]+$'`;
  const n = BigInt(value);
  if (n < 1n) return `${n} is less than the minimum of 1`;
  return `${n} is greater than the maximum of ${DB_MAX_INT}`;
}

/** cinder/common/constants.py DB_MAX_INT: the largest size a volume may have. */
const DB_MAX_INT = 2147483647;

/** The failure as Cinder reports it; `required` and `additionalProperties` name the enclosing object. */
export function cinderMessage(e: AjvError, data: unknown): string {
  const value = at(data, e.instancePath);
  const msg = volumeSizeStringMessage(e, value) ?? schemaMessage(e, value);
  const path = e.instancePath.split("/").filter(Boolean);
  if (path.length === 0) return msg;
  const field = path[path.length - 1].replace(/~1/g, "/").replace(/~0/g, "~");
  return `Invalid input for field/attribute ${field}. Value: ${pyStr(value)}. ${msg}`;
}

/** Below `since`, Cinder ignored keys its schema did not name (e.g. volume create before 3.53). */
export function dropLenientKeys(body: unknown, lenient: readonly LenientObject[], version: number, parse: (v: string) => number): void {
  for (const l of lenient) {
    if (version >= parse(l.since)) continue;
    const obj = l.path.reduce<unknown>(
      (o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
      body,
    );
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) continue;
    for (const k of Object.keys(obj)) if (!l.keys.includes(k)) delete (obj as Record<string, unknown>)[k];
  }
}

/**
 * The one failure to report, as jsonschema's `validate` (the first error) would for Cinder's schema.
 * Ajv lists a failed oneOf/anyOf's branch errors before the union's own error. Where the spec writes
 * a union of types that Cinder writes as one flat schema (`size`: `oneOf: [null, VolumeSize]` for
 * Cinder's `type: [integer, string, null], minimum: 1, ...`), a branch refused only for its type is
 * not the reason: the branch whose type matched says why ("0 is less than the minimum of 1"), and
 * when no branch's type matched the types merge into one error ("1.5 is not of type 'integer',
 * 'string', 'null'"). A union of other schemas is reported as itself, as jsonschema reports anyOf
 * ("{} is not valid under any of the given schemas").
 */
export function reportedError(errors: readonly AjvError[]): AjvError {
  const union = errors[errors.length - 1];
  if (union.keyword !== "oneOf" && union.keyword !== "anyOf") return errors[0];
  const branches = errors.slice(0, -1).filter((e) => e.instancePath.startsWith(union.instancePath));
  const isTypeMiss = (e: AjvError) => e.keyword === "type" && e.instancePath === union.instancePath;
  const typeMisses = branches.filter(isTypeMiss);
  if (typeMisses.length === 0) return union;
  const other = branches.find((e) => !isTypeMiss(e));
  if (other) return other;
  const types = [...new Set(typeMisses.flatMap((e) => String(e.params.type).split(",")))];
  // Cinder's type lists name null last (parameter_types.py: `volume_size_allows_null['type'] += ['null']`).
  types.sort((a, b) => Number(a === "null") - Number(b === "null"));
  return { ...typeMisses[0], params: { type: types.join(",") } };
}

export function validateBody(name: string, body: unknown): void {
  const validate = table[name];
  if (!validate) throw new Error(`no validator ${name}`);
  if (!validate(body)) {
    const errors = validate.errors ?? [];
    throw badRequest(errors.length > 0 ? cinderMessage(reportedError(errors), body) : "Invalid request body.");
  }
}
