/** Request-body validators compiled ahead of time by ajv (draft 2020-12, standalone code). */
import Ajv2020 from "ajv/dist/2020";
import standaloneCode from "ajv/dist/standalone";
import addFormats from "ajv-formats";
import type { Json, JsonObject } from "./bundle";
import type { BodySchema } from "./routes";

const SPEC_ID = "cinder-v3.json";

function specId(before?: string): string {
  return before ? `cinder-v3-before-${before}.json` : SPEC_ID;
}

function rebase(node: Json, id: string): Json {
  if (Array.isArray(node)) return node.map((n) => rebase(n, id));
  if (node && typeof node === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? id + v : rebase(v, id);
    }
    return out;
  }
  return node;
}

/** The schema as it was below `version`: allOf members marked x-min-version >= version are dropped. */
function before(node: Json, version: string): Json {
  const num = (v: string) => Number(v.split(".")[0]) * 1000 + Number(v.split(".")[1]);
  if (Array.isArray(node)) return node.map((n) => before(n, version));
  if (node && typeof node === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "allOf" && Array.isArray(v)) {
        out[k] = v
          .filter((m) => {
            const mv = (m as JsonObject)?.["x-min-version"];
            return typeof mv !== "string" || num(mv) < num(version);
          })
          .map((m) => before(m, version));
      } else {
        out[k] = before(v, version);
      }
    }
    return out;
  }
  return node;
}

export function validatorsSource(spec: JsonObject, bodies: BodySchema[]): string {
  const ajv = new Ajv2020({
    code: { source: true, esm: true, lines: true },
    strict: false,
    allErrors: false,
    unicodeRegExp: true,
  });
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: spec.components } as object);
  for (const v of new Set(bodies.map((b) => b.before).filter((b): b is string => !!b))) {
    ajv.addSchema({ $id: specId(v), components: before(spec.components as Json, v) } as object);
  }
  const exportsMap: Record<string, string> = {};
  for (const b of bodies) {
    const id = `${b.name}.json`;
    const schema = b.before ? before(b.schema, b.before) : b.schema;
    ajv.addSchema({ ...(rebase(schema, specId(b.before)) as JsonObject), $id: id } as object);
    exportsMap[b.name] = id;
  }
  return "// @ts-nocheck\n" + standaloneCode(ajv, exportsMap) + "\n";
}
