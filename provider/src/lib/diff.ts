/**
 * Diff building blocks: each resource declares, per input, whether a change is applied in place or
 * needs a replacement; `diffInputs` compares the new checked inputs with the previous inputs (not
 * with outputs, so server-computed values never show as changes) and yields the detailed diff.
 */
import { containsUnknown, type Props } from "./wire";

/** pulumirpc.PropertyDiff.Kind */
export enum DiffKind {
  ADD = 0,
  ADD_REPLACE = 1,
  DELETE = 2,
  DELETE_REPLACE = 3,
  UPDATE = 4,
  UPDATE_REPLACE = 5,
}

export interface DiffResult {
  changes: boolean;
  /** Top-level properties whose change forces a replacement. */
  replaces: string[];
  /** Property path → kind, e.g. `size: UPDATE`, `extraSpecs.iops: ADD`. */
  detailed: Record<string, DiffKind>;
  deleteBeforeReplace?: boolean;
}

/**
 * How a change to an input is applied. `update`: in place. `replace`: new resource. `perKey`: a map
 * diffed key by key (in place). Leaving the map out of the program manages no keys: nothing changes
 * (the server keeps its keys); `{}` removes the keys the program managed before.
 * `computed` / `replaceComputed`: like `update` / `replace`, but leaving it out of the program is
 * not a change: the server chose or keeps a value (a default volume type, an availability zone,
 * `isPublic`, a QoS consumer), as Terraform's Optional+Computed attributes. This is what lets a
 * hand-written program that names only some inputs import a resource without a diff. `none`: no
 * API effect (a delete option) but still recorded as an update so state follows the program.
 */
export type Rule = "update" | "computed" | "replace" | "replaceComputed" | "perKey" | "none";

const isEmptyMap = (v: unknown) => v === undefined || (!!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);

export function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Props)[k])]));
  return v;
}

/** A property path for a map key: `extraSpecs.iops`, or `extraSpecs["capabilities:x"]`. */
export const keyPath = (prop: string, key: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${prop}.${key}` : `${prop}[${JSON.stringify(key)}]`);

/** Added, changed and removed keys of two string maps; an absent new map changes nothing (see `perKey`). */
export function mapChanges(olds: Props | undefined, news: Props | undefined): { set: Props; unset: string[]; kinds: Record<string, DiffKind> } {
  const o = news === undefined ? {} : (olds ?? {});
  const n = news ?? {};
  const set: Props = {};
  const unset: string[] = [];
  const kinds: Record<string, DiffKind> = {};
  for (const [k, v] of Object.entries(n)) {
    if (!(k in o)) (set[k] = v), (kinds[k] = DiffKind.ADD);
    else if (!equal(o[k], v)) (set[k] = v), (kinds[k] = DiffKind.UPDATE);
  }
  for (const k of Object.keys(o)) if (!(k in n)) unset.push(k), (kinds[k] = DiffKind.DELETE);
  return { set, unset, kinds };
}

export function diffInputs(oldInputs: Props, news: Props, rules: Record<string, Rule>): DiffResult {
  const detailed: Record<string, DiffKind> = {};
  const replaces: string[] = [];
  for (const [prop, rule] of Object.entries(rules)) {
    const o = oldInputs[prop];
    const n = news[prop];
    if (o === undefined && n === undefined) continue;
    if (n !== undefined && !containsUnknown(n) && equal(o, n)) continue;
    if ((rule === "replaceComputed" || rule === "computed") && n === undefined) continue;
    if (rule === "perKey" && (n === undefined || (isEmptyMap(o) && isEmptyMap(n)))) continue;
    const replace = rule === "replace" || rule === "replaceComputed";
    if (rule === "perKey" && o !== undefined && n !== undefined && !containsUnknown(n)) {
      for (const [k, kind] of Object.entries(mapChanges(o as Props, n as Props).kinds)) detailed[keyPath(prop, k)] = kind;
      continue;
    }
    const kind = o === undefined ? DiffKind.ADD : n === undefined ? DiffKind.DELETE : DiffKind.UPDATE;
    detailed[prop] = replace ? ((kind + 1) as DiffKind) : kind;
    if (replace) replaces.push(prop);
  }
  return { changes: Object.keys(detailed).length > 0, replaces, detailed };
}
