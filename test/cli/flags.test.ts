/**
 * Every option the usage names is one the command line takes: `cinderblock serve` refuses an
 * option it does not know, so one the usage offers but the parser lacks would fail whoever uses it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";

const CLI = path.resolve(__dirname, "../../server/src/cli.ts");

function cinderblock(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe("cinderblock's options", function () {
  this.timeout(120_000);

  it("takes every option its usage names", async () => {
    const usage = await cinderblock(["--help"]);
    assert.equal(usage.code, 0, usage.stderr);
    // `  --name VALUE   text`: the options that take a value.
    const options = [...(usage.stdout + usage.stderr).matchAll(/^\s+--([a-z][a-z0-9-]*) [A-Z][A-Z_]*\s/gm)].map((m) => m[1]);
    assert.ok(options.length > 20, `the usage names its options (${options.length} found)`);
    assert.ok(options.includes("key-manager") && options.includes("message-ttl"), options.join(" "));
    const r = await cinderblock(["serve", ...options.flatMap((o) => [`--${o}`, "x"]), "--help"]);
    assert.equal(r.code, 0, r.stderr);
  });
});
