/** Bundle openapi/src into one document and add Cinder's project-less twin of every project path. */
import { bundle, loadConfig } from "@redocly/openapi-core";
import path from "node:path";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

const METHODS = ["get", "put", "post", "delete", "patch", "head"] as const;
const PROJECT_PREFIX = "/v3/{project_id}/";

export async function bundleSpec(entry: string): Promise<JsonObject> {
  const config = await loadConfig({ configPath: path.join(path.dirname(entry), "..", "redocly.yaml") });
  const result = await bundle({ ref: entry, config, dereference: false });
  const problems = result.problems.filter((p) => p.severity === "error");
  if (problems.length > 0) {
    throw new Error("bundling failed:\n" + problems.map((p) => `  ${p.message}`).join("\n"));
  }
  return addProjectlessTwins(result.bundle.parsed as JsonObject);
}

/**
 * Cinder registers every resource route both as /v3/{project_id}/... and /v3/... (cinder/api/v3/router.py);
 * the twin keeps the operation but not its operationId, which names the handler once, and not the
 * project_id parameter.
 */
function addProjectlessTwins(spec: JsonObject): JsonObject {
  const paths = spec.paths as JsonObject;
  const out: JsonObject = {};
  for (const key of Object.keys(paths)) out[key] = paths[key];
  for (const key of Object.keys(paths)) {
    if (!key.startsWith(PROJECT_PREFIX)) continue;
    const twinKey = "/v3/" + key.slice(PROJECT_PREFIX.length);
    const item = structuredClone(paths[key]) as JsonObject;
    item.parameters = withoutProjectId(item.parameters);
    if ((item.parameters as Json[]).length === 0) delete item.parameters;
    for (const m of METHODS) {
      const op = item[m] as JsonObject | undefined;
      if (!op) continue;
      const id = op.operationId as string;
      delete op.operationId;
      op["x-twin-of"] = id;
      if (op.parameters) op.parameters = withoutProjectId(op.parameters);
    }
    out[twinKey] = item;
  }
  spec.paths = out;
  return spec;
}

function withoutProjectId(params: Json | undefined): Json[] {
  return ((params as Json[] | undefined) ?? []).filter((p) => {
    const o = p as JsonObject;
    return !(o.name === "project_id" || (typeof o.$ref === "string" && o.$ref.endsWith("/project_id")));
  });
}
