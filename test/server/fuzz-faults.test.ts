/**
 * Fuzzing every route of the spec: bodies generated from the route's request schema with hostile
 * strings (NUL, control characters, over-long values), empty, malformed, mistyped, huge and deeply
 * nested bodies, wrong content types, bad methods, unknown and malformed paths, hostile query
 * parameters, bad microversion and auth headers. Every answer must be below 500 and every error a
 * fault of the right shape — Cinder's `{"<faultName>": {"code", "message"}}` on the volume API,
 * Keystone's `{"error": {"code", "title", "message"}}` under /identity, /image and /compute — and
 * a refused POST/PUT/PATCH/DELETE must leave every table as it was. Fixed seed, bounded count.
 * FUZZ_TRACE=1 prints every request and answer; FUZZ_REPORT=1 every problem and the status tally.
 * `npm run fuzz` makes FUZZ_PASSES (default 30) passes instead of 6; FUZZ_SEED changes the seed.
 *
 * Memory: the heap (after a full collection) is measured after each pass over the routes. What the
 * first pass leaves is warm-up (compiled validators, caches filled); every later pass sends as many
 * requests again, so a leak shows as growth after the first pass. It must stay under
 * LEAK_BOUND_MB in all, however many passes run.
 */
import assert from "node:assert/strict";
import net from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import spec from "../../openapi/dist/cinder-v3.json";
import { routes, type Route } from "../../server/src/generated/routes";
import { faultName } from "../../server/src/http/errors";
import { DIALECTS, type TestServer } from "../helpers/server";
import { tableSnapshot } from "../helpers/tables";
import { startIdentity } from "../identity/helpers";
import { prng } from "../helpers/random";

type Json = Record<string, any>;

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
/** Passes over the spec's own routes (`npm run fuzz` makes many). */
const PASSES = Number(process.env.FUZZ_PASSES ?? 6);
/** Project-less twins of the routes, sampled per pass (their own routes are the same handlers). */
const TWIN_SAMPLE = 20;

const KEYSTONE_STYLE = /^\/(identity|image|compute)(\/|\?|$)/;
/** The built-in Image API answers Glance's (webob's) faults, its 401 aside (keystonemiddleware's). */
const GLANCE_STYLE = /^\/image\/v2(\/|\?|$)/;

/** Heap growth allowed after the first pass, over the whole run (a leak of 1 KB a request exceeds it within a few passes). */
const LEAK_BOUND_MB = 6;

/** The heap in use after a full collection, in MB. */
function heapAfterGc(): number {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed / (1 << 20);
}


const HOSTILE = [
  "a\u0000b",
  "\u0000",
  "x".repeat(256),
  "y".repeat(5000),
  "\u0001\u001f",
  "tab\there",
  "line\nbreak",
  "",
  "   ",
  "\ud800",
  "\u202e\u2028",
  "é✓😀",
  "' OR '1'='1",
  "../../etc/passwd",
  "-".repeat(60) + "0".repeat(32),
];


class Gen {
  constructor(readonly rnd: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
}

function resolve(ref: string): Json {
  return ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<any>((o, k) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
}

/**
 * A body shaped like the schema. Plausible mode picks values the schema accepts where it can (enum
 * members, fixture ids for UUID patterns, small numbers), so that a single hostile value put in
 * afterwards is what the server has to refuse; wild mode puts hostile values anywhere.
 */
function fromSchema(g: Gen, schema: Json | undefined, ids: Record<string, string>, wild: boolean, depth = 0): unknown {
  const hostile = () => g.pick(HOSTILE);
  if (!schema || depth > 8) return wild ? hostile() : "fuzz";
  const next = (s: Json) => fromSchema(g, s, ids, wild, depth + 1);
  if (schema.$ref) return next(resolve(schema.$ref));
  if (schema.oneOf || schema.anyOf) {
    // Plausible bodies leave out the actions that delete (os-force_delete, os-unmanage): the fixture must last the run.
    const branches = (schema.oneOf ?? schema.anyOf) as Json[];
    const keep = wild ? branches : branches.filter((b) => !/delete|unmanage/i.test(String(b.$ref ?? "").split("/").pop() ?? ""));
    return next(g.pick(keep.length > 0 ? keep : branches));
  }
  if (schema.allOf) {
    const parts = (schema.allOf as Json[]).map(next);
    const objects = parts.filter((p) => p && typeof p === "object" && !Array.isArray(p));
    return objects.length > 0 ? Object.assign({}, ...objects) : parts[0];
  }
  if (schema.const !== undefined) return wild && g.chance(0.1) ? hostile() : schema.const;
  if (schema.enum) return wild && g.chance(0.2) ? hostile() : g.pick(schema.enum);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ["object"];
  const type = g.pick(wild ? types : types.filter((t) => t !== "null").concat(types.length === 1 ? types : []));
  switch (type) {
    case "object": {
      const out: Json = {};
      const props: Json = schema.properties ?? {};
      const required: string[] = schema.required ?? [];
      for (const [k, v] of Object.entries(props)) {
        if (required.includes(k) || g.chance(0.4)) out[k] = next(v as Json);
      }
      for (const v of Object.values((schema.patternProperties ?? {}) as Json)) {
        if (g.chance(0.7)) out[wild && g.chance(0.3) ? hostile() : "k"] = next(v as Json);
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === "object" && g.chance(0.5)) {
        out[wild && g.chance(0.4) ? hostile() : "k"] = next(schema.additionalProperties);
      }
      if (wild && g.chance(0.1)) out[hostile()] = hostile();
      return out;
    }
    case "array":
      return Array.from({ length: wild ? Math.floor(g.rnd() * 3) : 1 }, () => next(schema.items));
    case "string":
      if (schema.pattern && String(schema.pattern).includes("[0-9a-fA-F]")) return wild && g.chance(0.5) ? hostile() : g.pick(Object.values(ids));
      if (schema.format === "email") return "fuzz@example.com";
      return wild && g.chance(0.6) ? hostile() : g.pick(["fuzz", "k", "1"]);
    case "integer":
    case "number":
      return wild ? g.pick([1, 0, -1, 2147483648, 1.5, 1e300, "1"]) : 1;
    case "boolean":
      return wild ? g.pick([true, false, "maybe", 1]) : g.chance(0.5);
    case "null":
      return null;
    default:
      return wild ? hostile() : "fuzz";
  }
}

/** Put one hostile string in place of a string value or an object key below the top level of the body. */
function injectHostile(g: Gen, body: unknown): unknown {
  const values: Array<{ obj: Json; key: string }> = [];
  const keys: Array<{ obj: Json; key: string }> = [];
  const walk = (v: unknown, depth: number) => {
    if (!v || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v as Json)) {
      if (typeof x === "string") values.push({ obj: v as Json, key: k });
      if (depth > 0 && !Array.isArray(v)) keys.push({ obj: v as Json, key: k });
      walk(x, depth + 1);
    }
  };
  walk(body, 0);
  const value = g.pick(HOSTILE);
  if (values.length > 0 && (keys.length === 0 || g.chance(0.75))) {
    const spot = g.pick(values);
    spot.obj[spot.key] = value;
  } else if (keys.length > 0) {
    const spot = g.pick(keys);
    spot.obj[value] = spot.obj[spot.key];
    delete spot.obj[spot.key];
  }
  return body;
}

function requestSchema(route: Route): Json | undefined {
  const item = (spec as Json).paths[route.path];
  return item?.[route.method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Send the body without Content-Length (Node frames GET and DELETE bodies no other way). */
  unframed?: boolean;
  /** What was done to the request, for the failure report. */
  what: string;
}

interface Answer {
  status: number;
  text: string;
}

/**
 * Sends the request over a plain TCP socket, one connection each. Not through http.request: nock
 * (loaded by the SDK's unit tests in the same mocha process) replaces it, and its replacement
 * never sends a method it does not know.
 */
function send(base: URL, r: Sent): Promise<Answer> {
  const headers: Record<string, string> = { Host: base.host, Connection: "close", ...r.headers };
  if (r.body !== undefined && !r.unframed && !("Content-Length" in headers)) headers["Content-Length"] = String(Buffer.byteLength(r.body));
  const head = `${r.method} ${r.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: base.hostname, port: Number(base.port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error("no answer within 20 s")));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err) => (chunks.length > 0 ? settle() : reject(err)));
    socket.on("end", () => settle());
    let done = false;
    const settle = () => {
      if (done) return;
      done = true;
      socket.destroy();
      try {
        resolve(parseResponse(Buffer.concat(chunks), r.method === "HEAD"));
      } catch (err) {
        reject(err);
      }
    };
    socket.write(head);
    if (r.body !== undefined) socket.write(r.body);
  });
}

/** The status and body of the one HTTP/1.1 response in the bytes, chunked or not. */
function parseResponse(raw: Buffer, head: boolean): Answer {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`not an HTTP response: ${JSON.stringify(raw.toString("latin1").slice(0, 100))}`);
  const lines = raw.subarray(0, end).toString("latin1").split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!m) throw new Error(`not an HTTP status line: ${JSON.stringify(lines[0])}`);
  const header = (name: string) => lines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  let body = head ? Buffer.alloc(0) : raw.subarray(end + 4);
  if (!head && header("transfer-encoding")?.toLowerCase() === "chunked") {
    const parts: Buffer[] = [];
    for (let at = 0; ; ) {
      const eol = body.indexOf("\r\n", at);
      const size = parseInt(body.subarray(at, eol).toString("latin1"), 16);
      if (!(size > 0)) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (!head && header("content-length") !== undefined) {
    body = body.subarray(0, Number(header("content-length")));
  }
  return { status: Number(m[1]), text: body.toString("utf8") };
}

/** Why the answer is not the right fault, or undefined when it is. */
function faultProblem(r: Sent, a: Answer): string | undefined {
  if (a.status >= 500) return `status ${a.status}`;
  if (a.status < 400 || r.method === "HEAD") return undefined;
  if (GLANCE_STYLE.test(r.path) && a.status !== 401) {
    // webob's text page, "<status> <title>\n\n<message>", or its JSON with the same code.
    if (a.text.startsWith(`${a.status} `) && a.text.split("\n\n")[1]?.trim()) return undefined;
    try {
      const g = JSON.parse(a.text);
      if (typeof g.code === "string" && g.code.startsWith(`${a.status} `) && typeof g.message === "string" && g.message !== "") return undefined;
    } catch {
      // not JSON either
    }
    return "not a Glance fault";
  }
  let body: any;
  try {
    body = JSON.parse(a.text);
  } catch {
    return "the error body is not JSON";
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return "the error body is not an object";
  if (KEYSTONE_STYLE.test(r.path)) {
    const e = body.error;
    if (Object.keys(body).join() !== "error" || !e) return "not a Keystone error body";
    if (e.code !== a.status || typeof e.title !== "string" || typeof e.message !== "string" || e.message === "") {
      return "a Keystone error body without code/title/message";
    }
    return undefined;
  }
  const name = faultName(a.status);
  if (Object.keys(body).join() !== name) return `not a ${name} fault`;
  const inner = body[name];
  if (!inner || inner.code !== a.status || typeof inner.message !== "string" || inner.message === "") {
    return `a ${name} fault without code/message`;
  }
  return undefined;
}


interface Fixture {
  token: string;
  memberToken: string;
  project: string;
  ids: Record<string, string>;
}

async function fixture(c: TestServer["client"], adminToken: string): Promise<Fixture> {
  const admin = c.as(adminToken);
  const ok = (r: { status: number; body: any }, what: string) => {
    assert.ok(r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const tok = ok(await admin.get("/identity/v3/auth/tokens", { headers: { "X-Subject-Token": adminToken } }), "validate");
  const project: string = tok.token.project.id;
  const victimProject = ok(await admin.post("/identity/v3/projects", { project: { name: "victim" } }), "project").project.id;
  const victimUser = ok(await admin.post("/identity/v3/users", { user: { name: "victim", password: "victim-pw", default_project_id: victimProject } }), "user").user.id;
  const roles = ok(await admin.get("/identity/v3/roles?name=member"), "roles").roles;
  ok(await admin.put(`/identity/v3/projects/${victimProject}/users/${victimUser}/roles/${roles[0].id}`), "grant");
  const service = ok(await admin.get("/identity/v3/services?type=volumev3"), "services").services[0].id;
  const endpoint = ok(await admin.get(`/identity/v3/endpoints?service_id=${service}`), "endpoints").endpoints[0].id;
  const login = await c.as(null).post("/identity/v3/auth/tokens", {
    auth: {
      identity: { methods: ["password"], password: { user: { name: "victim", domain: { name: "Default" }, password: "victim-pw" } } },
      scope: { project: { id: victimProject } },
    },
  });
  const memberToken = login.headers.get("x-subject-token") as string;
  const v = `/v3/${project}`;
  const type = ok(await admin.post(`${v}/types`, { volume_type: { name: "fuzz-type", extra_specs: { k: "v" } } }), "type").volume_type.id;
  const qos = ok(await admin.post(`${v}/qos-specs`, { qos_specs: { name: "fuzz-qos", k: "v" } }), "qos").qos_specs.id;
  const volume = ok(await admin.post(`${v}/volumes`, { volume: { size: 1, metadata: { k: "v" } } }), "volume").volume.id;
  const other = ok(await admin.post(`${v}/volumes`, { volume: { size: 1 } }), "volume").volume.id;
  // A create no backend can hold leaves a user message.
  const nowhere = ok(await admin.post(`${v}/types`, { volume_type: { name: "fuzz-nowhere", extra_specs: { volume_backend_name: "nowhere" } } }), "type").volume_type.id;
  const unplaced = ok(await admin.post(`${v}/volumes`, { volume: { size: 1, volume_type: nowhere } }), "volume").volume.id;
  let message = "x";
  for (let i = 0; i < 100 && message === "x"; i++) {
    message = (await admin.get(`${v}/messages?resource_uuid=${unplaced}`)).body.messages?.[0]?.id ?? "x";
    if (message === "x") await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < 100; i++) {
    const a = await admin.get(`${v}/volumes/${volume}`);
    const b = await admin.get(`${v}/volumes/${other}`);
    if (a.body.volume.status === "available" && b.body.volume.status === "available") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const snapshot = ok(await admin.post(`${v}/snapshots`, { snapshot: { volume_id: volume, metadata: { k: "v" } } }), "snapshot").snapshot.id;
  const attachment = ok(
    await admin.post(`${v}/attachments`, { attachment: { volume_uuid: other, instance_uuid: "11111111-2222-4333-8444-555555555555" } }),
    "attachment",
  ).attachment.id;
  return {
    token: adminToken,
    memberToken,
    project,
    ids: {
      project_id: project,
      tenant_id: project,
      target_project_id: victimProject,
      volume_id: volume,
      snapshot_id: snapshot,
      type_id: type,
      qos_id: qos,
      attachment_id: attachment,
      message_id: message,
      key: "k",
      class_name: "default",
      domain_id: "default",
      user_id: victimUser,
      role_id: roles[0].id,
      service_id: service,
      endpoint_id: endpoint,
      region_id: "RegionOne",
    },
  };
}

const HOSTILE_SEGMENTS = ["a%00b", "x".repeat(300), "%ZZ", "..", "%C3%A9", "null", "00000000-0000-4000-8000-000000000000", "%20", "a%2Fb"];
const BAD_VERSIONS = ["volume 3.999", "volume 4.0", "volume abc", "volume 3.", "volume 3.0.1", "volume 3.99999999999999999999", "compute 2.1", "volume", "volume 3.5, volume 3.0", "volume " + "9".repeat(400)];
const BAD_QUERIES = [
  "name=a%00b",
  "limit=-1",
  "limit=99999999999999999999",
  "marker=garbage",
  "marker=a%00b",
  "sort=foo:bar",
  "sort_key=%00&sort_dir=sideways",
  "metadata=%7Bbad",
  "metadata=%7B%22k%22%3A%22a%5Cu0000b%22%7D",
  "all_tenants=%00",
  "offset=-5",
  "with_count=maybe",
  "status=" + "s".repeat(300),
  "name=%FF%FE",
];
const BAD_JSON = ["{", '{"a":', "nul", "[1,]", "{'a': 1}", '"\\ud800', "\u0000", "{}}", '{"a":1}garbage'];
const SCALAR_JSON = ["1", "null", "[]", '"str"', "true", "{}"];

/** A body nested `n` levels deep under `key`. */
function deep(n: number, key = "volume"): string {
  return `{${JSON.stringify(key)}:` + "[".repeat(n) + "]".repeat(n) + "}";
}

/** The first property of the body's top-level object (an action's key for an action route). */
function topKey(g: Gen, schema: Json | undefined): string {
  let s = schema;
  for (let i = 0; s && i < 5; i++) {
    if (s.$ref) s = resolve(s.$ref);
    else if (s.oneOf || s.anyOf) s = g.pick(s.oneOf ?? s.anyOf);
    else if (s.allOf) s = s.allOf[0];
    else break;
  }
  return Object.keys(s?.properties ?? {})[0] ?? "volume";
}

/** One fuzzed request for the route. */
function mutate(g: Gen, route: Route, f: Fixture): Sent {
  const headers: Record<string, string> = { "X-Auth-Token": f.token, "OpenStack-API-Version": "volume 3.71" };
  // Identity routes act on the disposable project, never on the admin's own (disabling it would end the run).
  const ids = route.path.startsWith("/identity") ? { ...f.ids, project_id: f.ids.target_project_id } : f.ids;
  let path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    g.chance(0.12) ? g.pick(HOSTILE_SEGMENTS) : encodeURIComponent(ids[name] ?? "x"),
  );
  let method: string = route.method;
  let body: string | Buffer | undefined;
  const schema = requestSchema(route);
  const json = (v: unknown) => {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(v);
  };
  const kinds = ["schema", "schema", "schema", "empty", "invalid-json", "scalar-json", "content-type", "huge", "deep", "version", "auth", "method", "path", "query"];
  const kind = schema ? g.pick(kinds) : g.pick(kinds.filter((k) => k !== "schema"));
  switch (kind) {
    case "schema":
      json(g.chance(0.3) ? fromSchema(g, schema, f.ids, true) : injectHostile(g, fromSchema(g, schema, f.ids, false)));
      break;
    case "empty":
      headers["Content-Type"] = "application/json";
      body = g.pick(["", "   "]);
      break;
    case "invalid-json":
      headers["Content-Type"] = g.pick(["application/json", "application/vnd.openstack.volume+json"]);
      body = g.pick(BAD_JSON);
      break;
    case "scalar-json":
      headers["Content-Type"] = "application/json";
      body = g.pick(SCALAR_JSON);
      break;
    case "content-type":
      headers["Content-Type"] = g.pick(["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "", "*/*", "application/jsonx"]);
      body = schema ? JSON.stringify(fromSchema(g, schema, f.ids, false)) : "{}";
      break;
    case "huge":
      headers["Content-Type"] = "application/json";
      body = JSON.stringify({ pad: "x".repeat(200_000) });
      break;
    case "deep":
      headers["Content-Type"] = "application/json";
      body = g.chance(0.7) ? deep(g.pick([64, 5000, 50_000]), topKey(g, schema)) : '{"a":'.repeat(3000) + "1" + "}".repeat(3000);
      break;
    case "version":
      headers["OpenStack-API-Version"] = g.pick(BAD_VERSIONS);
      if (g.chance(0.3)) headers["X-OpenStack-Volume-API-Version"] = g.pick(["3.x", "99.0", "3.0"]);
      if (schema) json(fromSchema(g, schema, f.ids, false));
      break;
    case "auth": {
      const t = g.pick([undefined, "garbage", "x".repeat(8000), "admin:admin", "Bearer abc", f.memberToken]);
      if (t === undefined) delete headers["X-Auth-Token"];
      else headers["X-Auth-Token"] = t;
      if (schema) json(fromSchema(g, schema, f.ids, false));
      break;
    }
    case "method":
      method = g.pick(["PATCH", "OPTIONS", "HEAD", "PROPFIND", "PURGE", "FOO", "DELETE", "PUT", "POST", "GET"]);
      if (g.chance(0.5)) json({});
      break;
    case "path":
      path = g.pick([path + "/nope", path + "/" + g.pick(HOSTILE_SEGMENTS), path.replace(/\/[^/]*$/, "/%ZZ"), path + "//", path.replace("/v3", "/v2"), "/v3/../" + path]);
      break;
    case "query":
      path += "?" + g.pick(BAD_QUERIES) + (g.chance(0.3) ? "&" + g.pick(BAD_QUERIES) : "");
      break;
  }
  return { method, path, headers, body, what: kind };
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

for (const dialect of DIALECTS) {
  describe(`fuzz: every route answers a fault of the right shape, never a 5xx, and a refused change changes nothing (${dialect})`, function () {
    this.timeout(600_000);
    let s: TestServer;
    let f: Fixture;
    before(async () => {
      const id = await startIdentity(dialect);
      s = id.s;
      f = await fixture(id.c, id.adminToken);
    });
    after(async () => s?.destroy());

    it("fuzzes the spec's routes and the protocol around them", async () => {
      const g = new Gen(prng(SEED));
      const base = new URL(s.url);
      const own = routes.filter((r) => !r.twin);
      const twins = routes.filter((r) => r.twin);
      // Each pass: the spec's own routes, then a sample of the project-less twins.
      const passes: Route[][] = Array.from({ length: PASSES }, () => [...own, ...Array.from({ length: TWIN_SAMPLE }, () => g.pick(twins))]);
      const plan = passes.flat();
      const problems: string[] = [];
      let count = 0;
      const statuses = new Map<number, number>();
      const check = async (r: Sent) => {
        const before = MUTATING.has(r.method) ? await tableSnapshot(s) : undefined;
        let a: Answer;
        try {
          a = await send(base, r);
        } catch (err) {
          problems.push(`${r.method} ${r.path.slice(0, 100)} [${r.what}]: ${(err as Error).message}`);
          return;
        }
        count++;
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (process.env.FUZZ_TRACE) console.log(a.status, r.what, r.method, r.path.slice(0, 90), String(r.body ?? "").slice(0, 160), "=>", a.text.slice(0, 160));
        const bad = faultProblem(r, a);
        if (bad) problems.push(`${r.method} ${r.path.slice(0, 100)} [${r.what}] ${bad}: ${a.status} ${a.text.slice(0, 200)}`);
        // A failed login is recorded by design (Keystone's lockout), so that answer is not a refused change.
        const recorded = r.path.startsWith("/identity/v3/auth/tokens") && a.status === 401;
        if (before !== undefined && a.status >= 400 && !recorded && (await tableSnapshot(s)) !== before) {
          problems.push(`${r.method} ${r.path.slice(0, 100)} [${r.what}] answered ${a.status} but changed the database: ${a.text.slice(0, 200)}`);
        }
      };
      const heap: number[] = [];
      for (const pass of passes) {
        for (const route of pass) await check(mutate(g, route, f));
        heap.push(heapAfterGc());
      }
      // Requests no route in the spec describes.
      const extra: Sent[] = [
        { method: "GET", path: "/nope", headers: {}, what: "unknown" },
        { method: "GET", path: "/v3/%ZZ", headers: {}, what: "bad url" },
        { method: "GET", path: "/v3/" + "x".repeat(2000), headers: { "X-Auth-Token": f.token }, what: "long segment" },
        { method: "GET", path: `/v3/${f.project}/volumes/${"x".repeat(2000)}`, headers: { "X-Auth-Token": f.token }, what: "long id" },
        { method: "GET", path: "/identity/v3/nope", headers: {}, what: "unknown identity" },
        { method: "GET", path: "/identity/v3/users/%ZZ", headers: { "X-Auth-Token": f.token }, what: "bad identity url" },
        { method: "BREW", path: "/v3", headers: {}, what: "unknown method token" },
        { method: "BREW", path: "/identity/v3/users", headers: {}, what: "unknown method token on identity" },
        { method: "POST", path: "/identity/v3/auth/tokens", headers: { "Content-Type": "application/json" }, body: deep(50_000), what: "deep identity" },
        // A body without Content-Length or chunked framing: the bytes after the headers are not HTTP.
        { method: "GET", path: "/v3/", headers: { "Content-Type": "application/json" }, body: "{}", unframed: true, what: "unframed body" },
        { method: "POST", path: "/identity/v3/auth/tokens", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(200_000) }), what: "huge identity" },
        // 10 MB: refused from its Content-Length, whatever the route.
        { method: "POST", path: `/v3/${f.project}/volumes`, headers: { "Content-Type": "application/json", "X-Auth-Token": f.token }, body: JSON.stringify({ volume: { size: 1, description: "x".repeat(10 << 20) } }), what: "10 MB body" },
        { method: "PUT", path: `/v3/${f.project}/volumes/${f.ids.volume_id}/metadata`, headers: { "Content-Type": "application/json", "X-Auth-Token": f.token }, body: JSON.stringify({ metadata: Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, "v".repeat(40)])) }), what: "10 MB of metadata" },
      ];
      for (const r of extra) await check(r);
      assert.ok(count >= plan.length, `${count} answers`);
      // A degenerate run (the token lost, every request refused alike) proves nothing.
      for (const status of [200, 400, 404, 413, 415]) assert.ok(statuses.has(status), `some answers were ${status}`);
      assert.ok((statuses.get(401) ?? 0) < count / 4, "the admin's token lasted the run");
      if (process.env.FUZZ_REPORT) console.log([...problems, JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))].join("\n"));
      const grewMb = heap[heap.length - 1] - heap[0];
      console.log(`      ${count} requests fuzzed (seed ${SEED}): ${[...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${v}×${k}`).join(" ")}`);
      console.log(`      heap after each of ${passes.length} passes of ${passes[0].length} requests: ${heap.map((h) => h.toFixed(1)).join(", ")} MB (grew ${grewMb.toFixed(1)} MB after the first; bound ${LEAK_BOUND_MB} MB)`);
      assert.deepEqual(problems.slice(0, 40), [], `${problems.length} of ${plan.length + extra.length} requests went wrong`);
      assert.ok(grewMb <= LEAK_BOUND_MB, `the heap grew ${grewMb.toFixed(1)} MB over ${passes.length - 1} passes after the first: ${heap.map((h) => h.toFixed(1)).join(", ")} MB`);
    });
  });
}
