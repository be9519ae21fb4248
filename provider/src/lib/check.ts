/** Input checks shared by every resource: known properties, required ones, types, autonames. */
import { createHash } from "node:crypto";
import type { CheckFailure, CheckInput, PropSpec } from "../resources/types";
import { containsUnknown, isUnknown, UNKNOWN, type Props } from "./wire";

const typeOk = (spec: PropSpec, v: unknown): boolean => {
  switch (spec.type) {
    case "string":
      return typeof v === "string" && (!spec.enum || spec.enum.includes(v));
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    case "stringMap":
      return !!v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string" || isUnknown(x));
    case "array":
      return Array.isArray(v);
    case "object":
      return !!v && typeof v === "object" && !Array.isArray(v);
  }
};

const describeType = (s: PropSpec) => (s.enum ? `one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}` : s.type === "stringMap" ? "a map of strings" : `a ${s.type}`);

/** Keep known inputs; report unknown keys, missing required ones and wrong types (unknowns pass). */
export function checkInputs(properties: Record<string, PropSpec>, news: Props): { inputs: Props; failures: CheckFailure[] } {
  const inputs: Props = {};
  const failures: CheckFailure[] = [];
  for (const [k, v] of Object.entries(news)) {
    if (k.startsWith("__")) continue;
    const spec = properties[k];
    if (!spec?.input) {
      failures.push({ property: k, reason: `'${k}' is not an input of this resource` });
      continue;
    }
    if (v === null || v === undefined) continue;
    if (!containsUnknown(v) && !typeOk(spec, v)) failures.push({ property: k, reason: `${k} must be ${describeType(spec)}, got ${JSON.stringify(v)}` });
    inputs[k] = v;
  }
  for (const [k, spec] of Object.entries(properties)) {
    if (spec.input && spec.required && inputs[k] === undefined) failures.push({ property: k, reason: `Missing required property '${k}'` });
  }
  return { inputs, failures };
}

/**
 * `name` when the program gives none: the previous one (stable across updates), else
 * `<logical name>-<7 hex>` derived from the engine's random seed (deterministic per resource).
 */
export function autoname(inputs: Props, olds: Props, input: CheckInput, prop = "name"): void {
  if (inputs[prop] !== undefined) return;
  if (typeof olds[prop] === "string" && !isUnknown(olds[prop])) {
    inputs[prop] = olds[prop];
    return;
  }
  const seed = input.randomSeed && input.randomSeed.length ? Buffer.from(input.randomSeed) : Buffer.from(input.name);
  inputs[prop] = `${input.name}-${createHash("sha256").update(seed).digest("hex").slice(0, 7)}`;
}

/** Outputs for a preview: the inputs, and UNKNOWN for every output not given as an input. */
export function previewOuts(properties: Record<string, PropSpec>, inputs: Props, olds: Props = {}): Props {
  const outs: Props = { ...olds, ...inputs };
  for (const k of Object.keys(properties)) if (outs[k] === undefined) outs[k] = UNKNOWN;
  return outs;
}
