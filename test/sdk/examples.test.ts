/**
 * The scripts in examples/sdk, each run as its own process against a live server, with the
 * connection only in the OS_* environment (built-in identity, then noauth).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { connect } from "../../sdk/src";
import { liveServer, QUICK, type AuthMode, type LiveServer } from "./helpers";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

/** Run an example with only the OS_* variables of `live` (plus what node itself needs). */
export async function runExample(live: LiveServer, script: string, args: string[] = []): Promise<string> {
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TMPDIR: process.env.TMPDIR ?? "/tmp", ...live.env };
  const file = path.join(ROOT, "examples/sdk", script);
  try {
    const { stdout } = await run(process.execPath, ["--require", require.resolve("tsx/cjs"), file, ...args], { cwd: ROOT, env, timeout: 120_000 });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${script} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

describe("sdk: examples/sdk run against a live server", function () {
  this.timeout(180_000);
  for (const mode of ["builtin", "noauth"] as AuthMode[]) {
    describe(`with ${mode}`, () => {
      let live: LiveServer;
      before(async () => (live = await liveServer(mode)));
      after(() => live?.s.destroy());

      it("volume-from-snapshot.ts", async () => {
        const out = await runExample(live, "volume-from-snapshot.ts");
        assert.match(out, /volume \S+ \(from snapshot \S+\) is available, 1 GiB/);
        assert.match(out, /cleaned up/);
        const client = await connect(live.options);
        assert.deepEqual(await client.volumes.list().all(), [], "nothing left behind");
      });

      it("list-volumes.ts, across pages", async () => {
        const client = await connect(live.options);
        const made = await Promise.all([1, 2, 3].map((i) => client.volumes.create({ size: 1, name: `listed-${i}` })));
        for (const v of made) await client.volumes.waitFor(v, "available", QUICK);
        const out = await runExample(live, "list-volumes.ts", ["2"]);
        for (const v of made) assert.ok(out.includes(v.id), `${v.id} listed`);
        assert.match(out, /page 1: 2 volumes, next marker \S+/);
        assert.match(out, /3 volumes in 2 pages/);
        for (const v of made) await client.volumes.delete(v);
        for (const v of made) await client.volumes.waitForDeleted(v, QUICK);
      });

      it("type-with-qos.ts", async () => {
        const out = await runExample(live, "type-with-qos.ts");
        assert.match(out, /QoS gold-qos-\S+ \{"read_iops_sec":"2000","write_iops_sec":"1000"\} is associated with gold-/);
        assert.match(out, /volume \S+ of type gold-\S+ is available/);
        assert.match(out, /cleaned up/);
      });
    });
  }
});
