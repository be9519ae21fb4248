/** Running a mocha file inside the kernel lab, for the host-side tests of test/lab. */
import assert from "node:assert/strict";
import path from "node:path";
import { runInUml, type UmlResult, type UmlRunOptions } from "./uml";

const ROOT = path.resolve(__dirname, "../..");

/** Run one guest test file inside the lab and fail with its output when it fails. */
export async function runGuestFile(file: string, opts: Omit<UmlRunOptions, "command">): Promise<UmlResult> {
  const res = await runInUml({
    cwd: ROOT,
    command: [
      path.join(ROOT, "node_modules/.bin/mocha"),
      "--no-config",
      "-r",
      "tsx/cjs",
      "--extension",
      "ts",
      "--timeout",
      // One test of a slow guest (a thick copy, then deletes that zero gigabytes) may take minutes.
      "1200000",
      "--exit",
      "--reporter",
      "spec",
      file,
    ],
    // A slow guest on a busy 2-core host is still a passing guest: the bound is for a hung one.
    timeoutMs: 3_300_000,
    ...opts,
    // The same for each of the guest's waits on the API (a snapshot, a delete): 8 minutes, not 20 s.
    env: { CINDERBLOCK_WAIT_MS: "480000", ...opts.env },
  });
  if (res.code !== 0) {
    assert.fail(`the guest test ${file} failed (exit ${res.code}):\n${res.stdout}\n${res.stderr}\n${res.code >= 124 ? res.diagnostics : ""}`);
  }
  return res;
}

/** The guest mocha run's "N passing" count. */
export function passing(out: string): number {
  return Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
}
