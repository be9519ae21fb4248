/**
 * The server's route table: one entry per (method, path) of the bundled spec, naming the handler,
 * the microversion it needs, Cinder's policy rule, the success status and the request validator.
 * Action endpoints (POST .../action) carry one entry per action of their body's oneOf.
 */
import type { Json, JsonObject } from "./bundle";

const METHODS = ["get", "put", "post", "delete", "patch", "head"] as const;

export interface BodySchema {
  name: string;
  schema: JsonObject;
  /** Compile against the spec as it was below this microversion (allOf members marked later dropped). */
  before?: string;
}

/** The validator names for a body: the current one, and one per microversion threshold below it. */
function addBody(spec: JsonObject, validators: BodySchema[], name: string, schema: JsonObject): VersionedBody[] {
  if (!validators.some((x) => x.name === name)) validators.push({ name, schema });
  return versionedAllOf(spec, schema).map((until) => {
    const vname = `${name}__before_${until.replace(".", "_")}`;
    if (!validators.some((x) => x.name === vname)) validators.push({ name: vname, schema, before: until });
    return { until, body: vname };
  });
}

export interface Lenient {
  path: string[];
  keys: string[];
  since: string;
}

export interface VersionedBody {
  /** Use this validator for requests below this microversion. */
  until: string;
  body: string;
}

interface Action {
  key: string;
  operation: string;
  status: number;
  minVersion?: string;
  policy?: string;
  body: string;
  bodyBefore: VersionedBody[];
  schemaName: string;
  lenient: Lenient[];
}

interface Route {
  method: string;
  path: string;
  url: string;
  operation: string | null;
  operationId: string;
  twin: boolean;
  auth: boolean;
  minVersion?: string;
  policy?: string;
  status: number;
  statuses: number[];
  body?: string;
  bodyBefore: VersionedBody[];
  bodyRequired?: boolean;
  lenient: Lenient[];
  query: string[];
  actions?: Action[];
}

export function deref(spec: JsonObject, node: Json): Json {
  let cur = node;
  for (let i = 0; i < 32 && cur && typeof cur === "object" && !Array.isArray(cur) && typeof cur.$ref === "string"; i++) {
    const ref = cur.$ref as string;
    if (!ref.startsWith("#/")) throw new Error(`unexpected external $ref ${ref} in the bundle`);
    cur = ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<Json>((o, k) => (o as JsonObject)[k], spec);
  }
  return cur;
}

/** Objects marked x-strict-since, with the path of property names that leads to them. */
function lenientObjects(spec: JsonObject, schema: Json, at: string[] = [], depth = 0): Lenient[] {
  const s = deref(spec, schema) as JsonObject;
  if (!s || typeof s !== "object" || depth > 8) return [];
  const out: Lenient[] = [];
  const props = (s.properties ?? {}) as JsonObject;
  if (typeof s["x-strict-since"] === "string") {
    out.push({ path: at, keys: Object.keys(props).sort(), since: s["x-strict-since"] as string });
  }
  for (const [k, v] of Object.entries(props)) out.push(...lenientObjects(spec, v, [...at, k], depth + 1));
  return out;
}

/** Microversions at which an `allOf` member marked x-min-version starts to apply, reachable from schema. */
export function versionedAllOf(spec: JsonObject, schema: Json, seen = new Set<string>()): string[] {
  const out = new Set<string>();
  const walk = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    if (typeof node.$ref === "string") {
      if (seen.has(node.$ref)) return;
      seen.add(node.$ref);
      walk(deref(spec, node));
      return;
    }
    if (Array.isArray(node.allOf)) {
      for (const m of node.allOf) {
        const v = (m as JsonObject)?.["x-min-version"];
        if (typeof v === "string") out.add(v);
      }
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(schema);
  return [...out].sort();
}

function jsonBody(spec: JsonObject, op: JsonObject): { schema: Json; required: boolean } | undefined {
  const rb = deref(spec, op.requestBody ?? null) as JsonObject | null;
  const content = rb?.content as JsonObject | undefined;
  const media = content?.["application/json"] as JsonObject | undefined;
  if (!media?.schema) return undefined;
  return { schema: media.schema, required: rb?.required === true };
}

function statusesOf(op: JsonObject): number[] {
  return Object.keys((op.responses ?? {}) as JsonObject)
    .filter((s) => /^\d{3}$/.test(s))
    .map(Number)
    .sort((a, b) => a - b);
}

function queryNames(spec: JsonObject, item: JsonObject, op: JsonObject): string[] {
  const params = [...((item.parameters ?? []) as Json[]), ...((op.parameters ?? []) as Json[])];
  return params
    .map((p) => deref(spec, p) as JsonObject)
    .filter((p) => p.in === "query")
    .map((p) => p.name as string)
    .sort();
}

function actionsOf(spec: JsonObject, opName: string, body: Json, validators: BodySchema[]): Action[] {
  const b = deref(spec, body) as JsonObject;
  const variants = (b.oneOf ?? b.anyOf) as Json[] | undefined;
  if (!variants) throw new Error(`${opName}: an action body must be a oneOf of action schemas`);
  return variants.map((v) => {
    const ref = (v as JsonObject).$ref as string;
    const schemaName = ref.split("/").pop() as string;
    const s = deref(spec, v) as JsonObject;
    const key = s["x-action"] as string;
    const operation = s["x-operation"] as string;
    if (!key || !operation || typeof s["x-status"] !== "number") {
      throw new Error(`${opName}: ${schemaName} lacks x-action, x-operation or x-status`);
    }
    const name = `action_${operation}`;
    const bodyBefore = addBody(spec, validators, name, v as JsonObject);
    return {
      key,
      operation,
      status: s["x-status"] as number,
      ...(s["x-min-version"] ? { minVersion: s["x-min-version"] as string } : {}),
      ...(s["x-policy"] ? { policy: s["x-policy"] as string } : {}),
      body: name,
      bodyBefore,
      schemaName,
      lenient: lenientObjects(spec, v),
    };
  });
}

export function routeTable(spec: JsonObject): { source: string; validators: BodySchema[] } {
  const routes: Route[] = [];
  const validators: BodySchema[] = [];
  const paths = spec.paths as JsonObject;
  for (const [p, rawItem] of Object.entries(paths)) {
    const item = deref(spec, rawItem) as JsonObject;
    for (const m of METHODS) {
      const op = item[m] as JsonObject | undefined;
      if (!op) continue;
      const twin = typeof op["x-twin-of"] === "string";
      const operationId = (twin ? op["x-twin-of"] : op.operationId) as string;
      if (!operationId) throw new Error(`${m.toUpperCase()} ${p} has no operationId`);
      const statuses = statusesOf(op);
      const ok = statuses.filter((s) => s < 400);
      const body = jsonBody(spec, op);
      const actionBody = body && ((deref(spec, body.schema) as JsonObject).oneOf !== undefined);
      const route: Route = {
        method: m.toUpperCase(),
        path: p,
        url: p.replace(/\{([^}]+)\}/g, ":$1"),
        operation: actionBody ? null : operationId,
        operationId,
        twin,
        auth: !(Array.isArray(op.security) && op.security.length === 0),
        ...(op["x-min-version"] ? { minVersion: op["x-min-version"] as string } : {}),
        ...(op["x-policy"] ? { policy: op["x-policy"] as string } : {}),
        status: ok[0] ?? 200,
        statuses,
        lenient: [],
        bodyBefore: [],
        query: queryNames(spec, item, op),
      };
      if (body && actionBody) {
        route.actions = actionsOf(spec, operationId, body.schema, validators);
      } else if (body) {
        const name = `body_${operationId}`;
        route.bodyBefore = addBody(spec, validators, name, body.schema as JsonObject);
        route.body = name;
        route.bodyRequired = body.required;
        route.lenient = lenientObjects(spec, body.schema);
      }
      routes.push(route);
    }
  }
  routes.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));
  return { source: render(routes), validators };
}

function render(routes: Route[]): string {
  const canonical = routes.filter((r) => !r.twin);
  const ops = canonical.filter((r) => r.operation).map((r) => r.operation as string);
  const actions = canonical.flatMap((r) => (r.actions ?? []).map((a) => ({ ...a, parent: r.operationId })));
  const names = [...ops, ...actions.map((a) => a.operation)];
  const table = routes.map((r) => {
    const { actions: acts, ...rest } = r;
    const out: Record<string, unknown> = { ...rest };
    if (acts) out.actions = acts.map(({ schemaName: _s, ...a }) => a);
    return out;
  });
  const lines: string[] = [];
  lines.push(`import type { components, operations } from "@cinderblock/openapi";`);
  lines.push(``);
  lines.push(`/** Every handler the spec asks for: an operationId, or an action's x-operation. */`);
  lines.push(`export type OperationName =\n${names.map((n) => `  | ${JSON.stringify(n)}`).join("\n")};`);
  lines.push(``);
  lines.push(`/** Operations that are plain (method, path) operations, keyed into openapi-typescript's \`operations\`. */`);
  lines.push(`export type PlainOperationName = ${ops.map((n) => JSON.stringify(n)).join(" | ")};`);
  lines.push(``);
  lines.push(`/** The body of each action, inside its key. */`);
  lines.push(`export interface ActionBodies {`);
  for (const a of actions) {
    lines.push(`  ${a.operation}: components["schemas"][${JSON.stringify(a.schemaName)}][${JSON.stringify(a.key)}];`);
  }
  lines.push(`}`);
  lines.push(``);
  lines.push(`export type ActionName = keyof ActionBodies;`);
  lines.push(``);
  lines.push(`/** Compile-time proof that every plain operation exists in openapi-typescript's output. */`);
  lines.push(`export type _Check = operations[PlainOperationName];`);
  lines.push(``);
  lines.push(`export interface LenientObject {`);
  lines.push(`  readonly path: readonly string[];`);
  lines.push(`  readonly keys: readonly string[];`);
  lines.push(`  readonly since: string;`);
  lines.push(`}`);
  lines.push(``);
  lines.push(`/** A validator for requests below a microversion (parts of the schema that came later left out). */`);
  lines.push(`export interface VersionedBody {`);
  lines.push(`  readonly until: string;`);
  lines.push(`  readonly body: string;`);
  lines.push(`}`);
  lines.push(``);
  lines.push(`export interface ActionRoute {`);
  lines.push(`  readonly key: string;`);
  lines.push(`  readonly operation: ActionName;`);
  lines.push(`  readonly status: number;`);
  lines.push(`  readonly minVersion?: string;`);
  lines.push(`  readonly policy?: string;`);
  lines.push(`  readonly body: string;`);
  lines.push(`  readonly bodyBefore: readonly VersionedBody[];`);
  lines.push(`  readonly lenient: readonly LenientObject[];`);
  lines.push(`}`);
  lines.push(``);
  lines.push(`export interface Route {`);
  lines.push(`  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "PATCH" | "HEAD";`);
  lines.push(`  /** The path as the spec writes it. */`);
  lines.push(`  readonly path: string;`);
  lines.push(`  /** The same path in the router's syntax. */`);
  lines.push(`  readonly url: string;`);
  lines.push(`  /** The handler, or null where the body's action key chooses it. */`);
  lines.push(`  readonly operation: PlainOperationName | null;`);
  lines.push(`  readonly operationId: string;`);
  lines.push(`  /** The project-less twin of a /v3/{project_id} path. */`);
  lines.push(`  readonly twin: boolean;`);
  lines.push(`  /** False where the operation needs no token (security: []). */`);
  lines.push(`  readonly auth: boolean;`);
  lines.push(`  readonly minVersion?: string;`);
  lines.push(`  readonly policy?: string;`);
  lines.push(`  /** The success status. */`);
  lines.push(`  readonly status: number;`);
  lines.push(`  /** Every status the spec lists for the operation. */`);
  lines.push(`  readonly statuses: readonly number[];`);
  lines.push(`  /** The name of the body's validator in ./validators. */`);
  lines.push(`  readonly body?: string;`);
  lines.push(`  readonly bodyBefore: readonly VersionedBody[];`);
  lines.push(`  readonly bodyRequired?: boolean;`);
  lines.push(`  readonly lenient: readonly LenientObject[];`);
  lines.push(`  readonly query: readonly string[];`);
  lines.push(`  readonly actions?: readonly ActionRoute[];`);
  lines.push(`}`);
  lines.push(``);
  lines.push(`export const routes: readonly Route[] = ${JSON.stringify(table, null, 2)};`);
  lines.push(``);
  return lines.join("\n");
}
