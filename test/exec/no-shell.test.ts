/**
 * Every external command goes through server/src/exec/executor.ts, the one place that runs
 * programs without a shell, with timeouts and logging; this test guards that. Scans each
 * hand-written .ts file under server/src (generated/ excluded) for child_process use, process
 * spawning calls, `shell: true`, and shells smuggled through the Executor (`run("sh", ["-c", …])`).
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const SRC = path.join(ROOT, "server/src");
const EXECUTOR = path.join(SRC, "exec/executor.ts");

const RULES: { name: string; re: RegExp }[] = [
  { name: "imports child_process", re: /['"](?:node:)?child_process['"]/ },
  // A bare call; `.exec(` is left to the import rule because RegExp#exec is legitimate.
  { name: "calls a process function", re: /(?<![.\w$])(?:exec|execSync|execFile|execFileSync|spawn|spawnSync|fork)\s*\(/ },
  { name: "calls a process method", re: /\.(?:execSync|execFile|execFileSync|spawn|spawnSync)\s*\(/ },
  { name: "passes shell: true", re: /\bshell\s*:\s*true\b/ },
  { name: "runs a shell through the Executor", re: /\brun\(\s*['"](?:\/bin\/|\/usr\/bin\/)?(?:ba|da|z|k)?sh['"]/ },
];

/** Drops comments so that prose such as "never spawn(...)" is not flagged. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

function violations(source: string): string[] {
  const code = stripComments(source);
  return RULES.filter((r) => r.re.test(code)).map((r) => r.name);
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "generated" && entry.name !== "node_modules") out.push(...(await tsFiles(full)));
    } else if (entry.name.endsWith(".ts")) {
      out.push(full);
    }
  }
  return out;
}

describe("no shell outside the Executor", () => {
  it("the detector flags the forbidden forms and passes the allowed ones", () => {
    const bad = [
      'import { spawn } from "node:child_process";',
      'const cp = require("child_process");',
      "exec(`ls ${dir}`);",
      "execSync('ls');",
      "spawn('ls', [], { shell: true });",
      "cp.spawnSync('ls');",
      "cp.execFile('ls', []);",
      'executor.run("sh", ["-c", cmd]);',
      "executor.run('/bin/bash', ['-c', cmd]);",
    ];
    for (const snippet of bad) assert.notDeepEqual(violations(snippet), [], snippet);
    const good = [
      "const m = /^volume-(.+)$/.exec(name);",
      'await executor.run("cp", ["--sparse=always", src, dst]);',
      "// never call spawn( here",
      "/* exec(cmd) is forbidden */",
      "const { shell = false } = opts;",
      "respawn(x); executeAll();",
    ];
    for (const snippet of good) assert.deepEqual(violations(snippet), [], snippet);
  });

  it("no server source file other than exec/executor.ts runs processes or shells", async () => {
    const offenders: string[] = [];
    for (const file of await tsFiles(SRC)) {
      if (file === EXECUTOR) continue;
      const found = violations(await fsp.readFile(file, "utf8"));
      if (found.length) offenders.push(`${path.relative(ROOT, file)}: ${found.join(", ")}`);
    }
    assert.deepEqual(offenders, []);
  });

  it("the executor itself spawns without a shell", async () => {
    const source = stripComments(await fsp.readFile(EXECUTOR, "utf8"));
    assert.match(source, /shell:\s*false/);
    assert.doesNotMatch(source, /shell:\s*true|\bexec(?:Sync)?\(/);
  });
});
