/**
 * README.md promises two commands that set everything up; CI (.ci/run) must run the same ones.
 * .ci/run reads the test command out of the README's "Set up" section and runs it as written;
 * this holds the section to its two commands and checks that reading.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const ci = readFileSync(path.join(ROOT, ".ci/run"), "utf8");

/** The indented command lines of README's "## Set up" section. */
function setupCommands(): string[] {
  const start = readme.indexOf("\n## Set up\n");
  assert.ok(start >= 0, "README.md has a '## Set up' section");
  const rest = readme.slice(start + "\n## Set up\n".length);
  const end = rest.search(/^## /m);
  return (end < 0 ? rest : rest.slice(0, end))
    .split("\n")
    .filter((l) => /^ {4}\S/.test(l))
    .map((l) => l.trim());
}

describe("README set-up commands and CI", () => {
  it("README's Set up gives exactly two commands: run the service, run the tests", () => {
    assert.deepEqual(setupCommands(), ["npm ci && npm start", "npm ci && npm test"]);
    const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
    for (const s of ["start", "test"]) assert.ok(scripts[s], `package.json has the script '${s}' the README runs`);
  });

  it(".ci/run reads the README's test command and runs it as written", () => {
    const lines = ci.split("\n");
    const extract = lines.find((l) => l.startsWith("readme_test=$("));
    assert.ok(extract, ".ci/run reads readme_test from README.md");
    const r = spawnSync("bash", ["-c", `${extract}\nprintf %s "$readme_test"`], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, setupCommands()[1]);
    assert.ok(lines.includes('bash -c "$readme_test"'), ".ci/run runs the command it read");
  });

  it(".ci/run runs the tests no other way", () => {
    const commands = ci.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    const others = commands.filter((l) => /\bnpm (run -s )?test\b|test\/run\.mjs|\bmocha\b/.test(l) && !l.includes("readme_test") && !l.includes("README"));
    assert.deepEqual(others, []);
  });
});
