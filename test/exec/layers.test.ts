/**
 * The layers of server/src and which may import which (ARCHITECTURE.md draws them). Every relative
 * import of every hand-written file is checked against the table below: a value import must be
 * allowed for its layer; a type-only import (`import type`) may also reach the row and interface
 * shapes listed under TYPES_FROM, since types cost nothing at run time and views render rows.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";

const SRC = path.resolve(__dirname, "../../server/src");

/** The composition root: it builds and wires every part; nothing inside imports it. */
const ROOT = ["app", "cli", "admin", "data-dir", "banner"];

/** Layer -> the layers its values may come from (its own layer is always allowed). */
const ALLOWED: Record<string, readonly string[]> = {
  contract: [],
  lib: ["contract"],
  log: [],
  exec: ["contract", "lib"],
  db: ["contract", "lib"],
  policy: ["contract", "lib"],
  identity: ["contract", "lib", "db", "policy", "generated"],
  quota: ["contract", "lib", "db", "config"],
  drivers: ["contract", "lib", "exec", "log"],
  targets: ["contract", "lib", "exec", "log"],
  bus: ["contract", "lib", "log"],
  scheduler: ["contract", "lib", "db", "bus", "quota", "log"],
  volume: ["contract", "db"],
  keymgr: ["contract", "lib", "db", "log"],
  backup: ["contract", "lib", "config", "log"],
  image: ["contract", "lib", "db", "exec", "log"],
  "volume/api": ["contract", "lib", "db", "bus", "policy", "quota", "volume", "services", "keymgr", "image", "log"],
  "volume/manager": ["contract", "lib", "db", "bus", "drivers", "targets", "quota", "config", "volume", "backup", "image", "exec", "log"],
  http: ["contract", "lib", "volume/api", "volume", "identity", "policy", "services", "generated", "config", "image", "log", "metrics", "dashboard"],
  metrics: ["contract", "lib", "db", "log"],
  dashboard: [],
  generated: [],
  config: ["contract", "identity"],
  services: ["bus", "config", "db", "identity", "policy", "log"],
};

/** Type-only imports may also reach these (row shapes, interfaces, payloads). */
const TYPES_FROM = ["db", "drivers", "targets", "scheduler", "bus", "services", "config", "keymgr", "image", "exec", "log"];

function layerOf(file: string): string {
  const rel = path.relative(SRC, file).replace(/\\/g, "/").replace(/\.ts$/, "").replace(/\/index$/, "");
  const parts = rel.split("/");
  if (parts[0] === "volume" && parts.length > 2) return `volume/${parts[1]}`;
  return parts[0];
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

/** The relative imports and re-exports of a source file, with whether each is type-only. */
export function importsOf(file: string, source: string): Import[] {
  const out: Import[] = [];
  const re = /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.[^"]+)";?/gms;
  for (const m of source.matchAll(re)) {
    const names = m[3];
    const inlineTypesOnly = /^\{[^}]*\}$/s.test(names.trim()) && names.replace(/[{}\s]/g, "").split(",").filter(Boolean).every((n) => n.startsWith("type"));
    const target = path.resolve(path.dirname(file), m[4]);
    out.push({
      from: file,
      to: target,
      typeOnly: Boolean(m[2]) || inlineTypesOnly,
      line: source.slice(0, m.index).split("\n").length,
    });
  }
  return out;
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") out.push(...(await tsFiles(full)));
    } else if (entry.name.endsWith(".ts")) {
      out.push(full);
    }
  }
  return out;
}

/** Why the import breaks the layering, or undefined when it is allowed. */
function breach(i: Import): string | undefined {
  const from = layerOf(i.from);
  const to = layerOf(i.to + ".ts");
  if (from === to) return undefined;
  if (ROOT.includes(from)) return undefined;
  if (ROOT.includes(to)) return `imports the composition root (${to})`;
  const allowed = ALLOWED[from];
  if (!allowed) return `is in a layer the table does not know (${from})`;
  if (allowed.includes(to)) return undefined;
  if (i.typeOnly && TYPES_FROM.includes(to)) return undefined;
  return `${from} may not import ${i.typeOnly ? "types from " : ""}${to}`;
}

/** A query-builder call: a query is built here, not through a repository of db/. */
const QUERY_CALL = /(^|[^\w$])(selectFrom|updateTable|insertInto|deleteFrom)\s*\(/;

/** The lines (1-based) of a source file that build a query: Kysely builder calls and kysely's `sql` tag. */
export function queryLinesOf(source: string): number[] {
  const lines = source.split("\n");
  const out = new Set<number>();
  // The local names of kysely's `sql` imported as a value (`import { sql } from "kysely"`, `sql as q`).
  const tags: string[] = [];
  for (const m of source.matchAll(/^import\s+\{([^}]*)\}\s+from\s+"kysely";?/gm)) {
    for (const spec of m[1].split(",").map((n) => n.trim())) {
      const named = /^sql(?:\s+as\s+([\w$]+))?$/.exec(spec);
      if (named) tags.push(named[1] ?? "sql");
    }
  }
  const tagUse = tags.length ? new RegExp(`(^|[^\\w$.])(${tags.join("|")})\\s*(<[^\`]*>)?\\s*(\`|\\.)`) : undefined;
  lines.forEach((line, i) => {
    const code = line.trim();
    if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) return;
    if (QUERY_CALL.test(line) || (tagUse?.test(line) && !code.startsWith("import"))) out.add(i + 1);
  });
  return [...out].sort((a, b) => a - b);
}

describe("layers: which folder of server/src may import which", () => {
  it("the checker tells type-only imports apart and refuses an import against the table", () => {
    const f = path.join(SRC, "volume/api/x.ts");
    const [a, b, c] = importsOf(
      f,
      [
        'import type { VolumeRow } from "../../db/schema";',
        'import { type KeystoneOptions, type AuthMode } from "../../identity/keystone";',
        'import { CinderError } from "../../http/errors";',
      ].join("\n"),
    );
    assert.equal(a.typeOnly, true);
    assert.equal(b.typeOnly, true);
    assert.equal(c.typeOnly, false);
    assert.equal(breach(a), undefined);
    assert.equal(breach(b), "volume/api may not import types from identity");
    assert.equal(breach(c), "volume/api may not import http");
    assert.equal(breach({ ...c, to: path.join(SRC, "app") }), "imports the composition root (app)");
  });

  it("every import in server/src follows the table", async () => {
    const problems: string[] = [];
    for (const file of await tsFiles(SRC)) {
      const source = await fsp.readFile(file, "utf8");
      for (const i of importsOf(file, source)) {
        const why = breach(i);
        if (why) problems.push(`${path.relative(SRC, file)}:${i.line} ${why} (${path.relative(SRC, i.to)})`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("no layer outside the composition root imports http, and contract imports nothing of ours", async () => {
    for (const file of await tsFiles(SRC)) {
      const layer = layerOf(file);
      for (const i of importsOf(file, await fsp.readFile(file, "utf8"))) {
        const to = layerOf(i.to + ".ts");
        if (to === "http" && layer !== "http") assert.ok(ROOT.includes(layer), `${path.relative(SRC, file)} imports http`);
        if (layer === "contract") assert.equal(to, "contract", `${path.relative(SRC, file)} imports ${to}`);
      }
    }
  });

  it("the query checker finds builder calls and kysely's sql tag, and nothing else", () => {
    const source = [
      'import { type Kysely, sql } from "kysely";',
      "const a = await db.selectFrom(\"volumes\").selectAll().execute();",
      "await trx",
      "  .deleteFrom(\"volumes\")",
      "  .execute();",
      "const n = sql<number>`count(*)`;",
      "const one = sql.lit(1);",
      "// db.updateTable(\"volumes\") in a comment",
      "await getVolume(db, id);",
      "const t = db.transaction();",
    ].join("\n");
    assert.deepEqual(queryLinesOf(source), [2, 4, 6, 7]);
    assert.deepEqual(queryLinesOf('import { sql as q } from "kysely";\nq`select 1`;\nsql`x`;'), [2]);
    assert.deepEqual(queryLinesOf("const sql = (s: TemplateStringsArray) => s;\nsql`not kysely`;"), []);
  });

  it("only db/ builds queries: every other file of server/src goes through db/repos", async () => {
    const offenders: string[] = [];
    for (const file of await tsFiles(SRC)) {
      const rel = path.relative(SRC, file).replace(/\\/g, "/");
      if (rel.startsWith("db/")) continue;
      for (const line of queryLinesOf(await fsp.readFile(file, "utf8"))) offenders.push(`${rel}:${line}`);
    }
    assert.deepEqual(offenders, []);
  });
});
