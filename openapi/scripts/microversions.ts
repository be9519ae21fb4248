/**
 * Named microversions, read from the bundled spec. Every object that carries `x-min-version` (an
 * operation, a parameter, a header, a schema property, an `allOf` member, an entry of an
 * `x-version-changes` list, and `info` for the base version) names that version with
 * `x-microversion-name`, spelled as cinder/api/microversions.py spells it unless code already used
 * another name. One version has one name and one name one version; anything else fails the
 * generator, so the table below cannot depend on the order the spec is walked in.
 */
import type { Json, JsonObject } from "./bundle";

export interface NamedVersion {
  name: string;
  version: string;
  /** Where the spec says so, in walk order (twins left out). */
  where: string[];
}

export interface Microversions {
  min: string;
  max: string;
  names: NamedVersion[];
}

const VERSION = /^3\.(0|[1-9]\d*)$/;
const NAME = /^[A-Z][A-Z0-9_]*$/;

const num = (v: string): number => Number(v.split(".")[0]) * 1000 + Number(v.split(".")[1]);

/** A readable location: `GET /v3/{project_id}/volumes`, `schemas.Volume.properties.group_id`. */
function describe(at: (string | number)[]): string {
  const fmt = (segs: (string | number)[]) =>
    segs.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
  if (at[0] === "paths" && at.length >= 3) {
    const rest = at.slice(3);
    return `${String(at[2]).toUpperCase()} ${at[1]}${rest.length ? " " + fmt(rest) : ""}`;
  }
  return fmt(at[0] === "components" ? at.slice(1) : at);
}

export function microversions(spec: JsonObject): Microversions {
  const info = spec.info as JsonObject;
  const max = info.version as string;
  const min = info["x-min-version"] as string;
  if (!VERSION.test(max)) throw new Error(`info.version ${JSON.stringify(max)} is not a 3.x microversion`);
  if (!VERSION.test(min)) throw new Error(`info.x-min-version ${JSON.stringify(min)} is not a 3.x microversion`);

  const byName = new Map<string, NamedVersion>();
  const byVersion = new Map<string, string>();
  const walk = (node: Json, at: (string | number)[]): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, [...at, i]));
    if (!node || typeof node !== "object") return;
    // A project-less twin is a copy of its /v3/{project_id} operation: nothing new to read.
    if (typeof node["x-twin-of"] === "string") return;
    const version = node["x-min-version"];
    const name = node["x-microversion-name"];
    const where = describe(at) || "(root)";
    if (version !== undefined || name !== undefined) {
      if (typeof version !== "string" || !VERSION.test(version)) {
        throw new Error(`${where}: x-min-version ${JSON.stringify(version)} is not a 3.x microversion`);
      }
      if (typeof name !== "string" || !NAME.test(name)) {
        throw new Error(`${where}: x-min-version ${version} needs an x-microversion-name in UPPER_SNAKE_CASE`);
      }
      if (num(version) < num(min) || num(version) > num(max)) {
        throw new Error(`${where}: ${name} ${version} is outside the spec's range ${min}–${max}`);
      }
      const seen = byName.get(name);
      if (seen && seen.version !== version) {
        throw new Error(`${name} is ${seen.version} at ${seen.where[0]} but ${version} at ${where}`);
      }
      const other = byVersion.get(version);
      if (other && other !== name) throw new Error(`${version} is named ${other} elsewhere but ${name} at ${where}`);
      byVersion.set(version, name);
      if (seen) seen.where.push(where);
      else byName.set(name, { name, version, where: [where] });
    }
    for (const [k, v] of Object.entries(node)) walk(v, [...at, k]);
  };
  walk(spec, []);
  const names = [...byName.values()].sort((a, b) => num(a.version) - num(b.version));
  return { min, max, names };
}

/** `openapi/generated/microversions.ts`: MIN_VERSION, MAX_VERSION and the MICROVERSIONS table. */
export function microversionsSource(spec: JsonObject): string {
  const { min, max, names } = microversions(spec);
  const lines: string[] = [];
  lines.push(`/**`);
  lines.push(` * Named microversions: each \`x-min-version\` in openapi/src with its \`x-microversion-name\``);
  lines.push(` * (cinder/api/microversions.py names). Server and SDK both take their \`MV\` from here.`);
  lines.push(` */`);
  lines.push(``);
  lines.push(`/** The lowest microversion: the spec's \`info.x-min-version\`. */`);
  lines.push(`export const MIN_VERSION = ${JSON.stringify(min)};`);
  lines.push(``);
  lines.push(`/** The highest microversion: the spec's \`info.version\`. */`);
  lines.push(`export const MAX_VERSION = ${JSON.stringify(max)};`);
  lines.push(``);
  lines.push(`/** Microversion names and versions, in version order; each comment says where the spec uses it. */`);
  lines.push(`export const MICROVERSIONS = {`);
  for (const n of names) {
    if (n.where.length === 1) lines.push(`  /** ${n.where[0]} */`);
    else lines.push(`  /**`, ...n.where.map((w) => `   * ${w}`), `   */`);
    lines.push(`  ${n.name}: ${JSON.stringify(n.version)},`);
  }
  lines.push(`} as const;`);
  lines.push(``);
  lines.push(`export type MicroversionName = keyof typeof MICROVERSIONS;`);
  lines.push(``);
  return lines.join("\n");
}
