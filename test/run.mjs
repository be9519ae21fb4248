#!/usr/bin/env node
/**
 * The test run: the kernel lab's suites (test/lab: each boots a user-mode-linux guest, which is one
 * core's work for most of the run) in one lane, everything else in another, side by side, so the
 * run takes about as long as the longer lane rather than their sum. The lab's lines are prefixed
 * `lab │`. Arguments run one mocha with them instead (`npm test -- test/server/volumes.test.ts`);
 * TEST_LANES=1 runs the two lanes one after the other. A suite that lacks a system tool prints
 * "skipped: <what is missing and the command that installs it>"; the run ends with one line that
 * gathers them.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
const LAB = "test/lab/**/*.test.ts";
/** Why suites were skipped, each reason once. */
const skipped = new Set();
const SKIPPED = /\bskipped: (.+)$/;

function run(name, args, prefix) {
  const started = Date.now();
  return new Promise((resolve) => {
    const piped = prefix !== undefined;
    const color = piped && process.stdout.isTTY ? ["--color"] : [];
    const child = spawn(process.execPath, [mocha, ...color, ...args], { cwd: root, stdio: ["ignore", piped ? "pipe" : "inherit", piped ? "pipe" : "inherit"] });
    if (piped) {
      for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
        let rest = "";
        from.setEncoding("utf8");
        from.on("data", (chunk) => {
          const lines = (rest + chunk).split("\n");
          rest = lines.pop();
          for (const l of lines) {
            const m = SKIPPED.exec(l);
            if (m) skipped.add(m[1].trim());
          }
          if (lines.length) to.write(lines.map((l) => `${prefix}${l}\n`).join(""));
        });
        from.on("end", () => rest && to.write(`${prefix}${rest}\n`));
      }
    }
    child.on("close", (code, signal) => resolve({ name, code: code ?? 1, signal, minutes: (Date.now() - started) / 60_000 }));
  });
}

const extra = process.argv.slice(2);
let results;
if (extra.length > 0) {
  results = [await run("mocha", extra, "")];
} else {
  const lab = () => run("kernel lab", [LAB], "lab │ ");
  const rest = () => run("the rest", ["--ignore", LAB, "test/**/*.test.ts"], "");
  results = process.env.TEST_LANES === "1" ? [await rest(), await lab()] : await Promise.all([rest(), lab()]);
}
for (const r of results) {
  console.log(`${r.name}: ${r.code === 0 ? "passed" : `failed (${r.signal ?? `exit ${r.code}`})`} in ${r.minutes.toFixed(1)} min`);
}
if (skipped.size > 0) console.log(`skipped for what this machine lacks (${skipped.size}): ${[...skipped].join("; ")}`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
