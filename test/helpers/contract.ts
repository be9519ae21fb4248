/**
 * The contract check: every response a test receives is validated against the bundled spec for its
 * operation (method + path template) and status code. A status the spec does not list, or a body
 * the spec does not describe, fails the test that received it — so spec and server cannot drift.
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";
import spec from "../../openapi/dist/cinder-v3.json";

type Json = Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "spec.json", components: (spec as Json).components } as object);

interface Template {
  method: string;
  path: string;
  regex: RegExp;
  op: Json;
}

const templates: Template[] = [];
for (const [path, item] of Object.entries((spec as Json).paths as Record<string, Json>)) {
  for (const method of ["get", "put", "post", "delete", "patch", "head"]) {
    const op = item[method] as Json | undefined;
    if (!op) continue;
    const regex = new RegExp(
      "^" + path.replace(/\/$/, "").replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+") + "/?$",
    );
    templates.push({ method: method.toUpperCase(), path, regex, op });
  }
}
// Literal segments win over parameters (/volumes/detail is not /volumes/{volume_id}).
templates.sort((a, b) => a.path.split("{").length - b.path.split("{").length);

const cache = new Map<string, ValidateFunction>();

function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node && typeof node === "object") {
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? "spec.json" + v : rebase(v);
    }
    return out;
  }
  return node;
}

function deref(node: unknown): Json {
  let cur = node as Json;
  while (cur && typeof cur.$ref === "string") {
    cur = (cur.$ref as string)
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((o, k) => (o as Json)[k], spec) as Json;
  }
  return cur;
}

export interface ContractViolation {
  message: string;
}

export function findOperation(method: string, pathname: string): Template | undefined {
  return templates.find((t) => t.method === method && t.regex.test(pathname));
}

/** Throws when the response does not match the spec. Returns the operation's id for bookkeeping. */
export function checkContract(method: string, pathname: string, status: number, body: unknown): string {
  const t = findOperation(method, pathname);
  if (!t) {
    // An unknown URL must still answer with a Cinder fault.
    if (status !== 404) throw new Error(`contract: ${method} ${pathname} matches no operation but answered ${status}`);
    validate("fault", { $ref: "spec.json#/components/schemas/Fault" }, body, `${method} ${pathname}`);
    return "unknown";
  }
  const id = String(t.op.operationId ?? t.op["x-twin-of"]);
  const responses = t.op.responses as Record<string, unknown>;
  const resp = responses[String(status)];
  if (!resp) {
    throw new Error(
      `contract: ${id} (${method} ${t.path}) answered ${status}, which the spec does not list (${Object.keys(responses).join(", ")}); body ${JSON.stringify(body).slice(0, 300)}`,
    );
  }
  const content = (deref(resp).content ?? {}) as Record<string, Json>;
  const media = content["application/json"];
  if (!media?.schema) {
    if (body !== undefined && body !== "") {
      throw new Error(`contract: ${id} ${status} has no body in the spec but the server sent ${JSON.stringify(body).slice(0, 200)}`);
    }
    return id;
  }
  // One status shared by actions with and without a body (volumeAction 200: os-initialize_connection, os-set_bootable).
  if ((body === undefined || body === "") && deref(resp)["x-body-optional"] === true) return id;
  validate(`${id}:${status}`, rebase(media.schema), body, `${id} ${status}`);
  return id;
}

function validate(key: string, schema: unknown, body: unknown, what: string): void {
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(schema as object);
    cache.set(key, v);
  }
  if (!v(body)) {
    throw new Error(
      `contract: ${what} body does not match the spec: ${ajv.errorsText(v.errors, { separator: "; " })}\nbody: ${JSON.stringify(body).slice(0, 600)}`,
    );
  }
}
