/**
 * Request bodies are checked by the validators compiled from the spec, and failures worded as
 * Cinder words them (cinder/api/validation/validators.py): "Invalid input for field/attribute
 * <field>. Value: <value>. <jsonschema message>".
 */
import type { LenientObject } from "../generated/routes";
import * as validators from "../generated/validators";
import { badRequest, notFound } from "../contract/errors";

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

/**
 * The deepest JSON a request may nest. The deepest body of this API is Keystone's password
 * authentication (`auth.identity.password.user.domain.name`, 6 levels); connectors and metadata
 * are flat maps. Walking a much deeper value (validation, the message that repeats it) would
 * exhaust the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** True when the JSON text nests objects and arrays deeper than `max` (strings are skipped). */
export function jsonTooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

const NUL = "\u0000";
const NUL_TEXT = "a NUL character (U+0000), which is not allowed";

/**
 * No string of a request body may hold U+0000: PostgreSQL cannot store it (and Cinder on
 * PostgreSQL answers 500), and no name, id or value of this API means anything with it. Keys and
 * values anywhere in the body are refused with the field named, in Cinder's words on the volume
 * API and Keystone's under /identity. The value is not repeated: it may be a password.
 */
export function refuseNul(body: unknown, keystone: boolean): void {
  const found = findNul(body, [], 0);
  if (!found) return;
  const { path, isKey } = found;
  const what = isKey ? "a key" : "the value";
  if (keystone) {
    // Keystone names the field without the outer wrapper (`auth`, `user`, ...).
    const field = (path.length > 1 ? path.slice(1) : path).join("/");
    throw badRequest(field ? `Invalid input for field '${field}': ${what} contains ${NUL_TEXT}.` : `Invalid input: ${what} contains ${NUL_TEXT}.`);
  }
  const field = path[path.length - 1];
  const What = what[0].toUpperCase() + what.slice(1);
  throw badRequest(field ? `Invalid input for field/attribute ${field}. ${What} contains ${NUL_TEXT}.` : `Invalid input: ${what} contains ${NUL_TEXT}.`);
}

function findNul(v: unknown, path: string[], depth: number): { path: string[]; isKey: boolean } | undefined {
  if (typeof v === "string") return v.includes(NUL) ? { path, isKey: false } : undefined;
  if (!v || typeof v !== "object" || depth > MAX_JSON_DEPTH) return undefined;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const here = Array.isArray(v) ? path : [...path, k];
    if (!Array.isArray(v) && k.includes(NUL)) return { path, isKey: true };
    const found = findNul(x, here, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The same for the URL: a path segment or query parameter with U+0000 names nothing that can
 * exist. Operations that refuse bad input (400) refuse it; the identity lookups by id, which answer
 * only "not found" for a bad id, answer that; their few query flags hold nothing that is stored.
 */
export function refuseNulInRequest(params: Record<string, string>, query: unknown, keystone: boolean, statuses: readonly number[]): void {
  const refuses = statuses.includes(400);
  for (const v of Object.values(params ?? {})) {
    if (typeof v !== "string" || !v.includes(NUL)) continue;
    if (refuses) throw badRequest(`Malformed request url: a path segment contains ${NUL_TEXT}.`);
    const why = "a path segment contains a NUL character (U+0000), which no id has";
    throw notFound(keystone ? `Could not find the resource: ${why}.` : `The resource could not be found: ${why}.`);
  }
  if (!refuses) return;
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, string | string[]>)) {
    const values = Array.isArray(v) ? v : [v];
    if (k.includes(NUL) || values.some((x) => typeof x === "string" && x.includes(NUL))) {
      const name = k.replace(/\u0000/g, "\\x00");
      throw badRequest(keystone ? `Invalid input for query parameter '${name}': it contains ${NUL_TEXT}.` : `Invalid filter or parameter ${name}: it contains ${NUL_TEXT}.`);
    }
  }
}
