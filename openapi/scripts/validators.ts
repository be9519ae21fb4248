/** Request-body validators compiled ahead of time by ajv (draft 2020-12, standalone code). */
import Ajv2020 from "ajv/dist/2020";
import standaloneCode from "ajv/dist/standalone";
import addFormats from "ajv-formats";
import type { Json, JsonObject } from "./bundle";
import type { BodySchema } from "./routes";

const SPEC_ID = "cinder-v3.json";

function rebase(node: Json): Json {
  if (Array.isArray(node)) return node.map(rebase);
  if (node && typeof node === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? SPEC_ID + v : rebase(v);
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
  const exportsMap: Record<string, string> = {};
  for (const b of bodies) {
    const id = `${b.name}.json`;
    ajv.addSchema({ ...(rebase(b.schema) as JsonObject), $id: id } as object);
    exportsMap[b.name] = id;
  }
  return "// @ts-nocheck\n" + standaloneCode(ajv, exportsMap) + "\n";
}
