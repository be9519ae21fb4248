/**
 * Progress of long command-line work: the Progress line itself (terminal and log modes), and the
 * real `cinderblock admin` showing it on standard error while standard output stays what scripts
 * read (the openrc `eval`s).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Progress } from "../../server/src/lib/progress";
import { volumeFile } from "../helpers/state";

const CLI = path.resolve(__dirname, "../../server/src/cli.ts");

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, write: (t: string) => void writes.push(t) };
}

function cinderblock(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("progress", () => {
  it("rewrites one line on a terminal, at most every 100 ms, and ends it with the summary", () => {
    let t = 0;
    const s = sink(true);
    const p = new Progress("copying", 4, { sink: s, now: () => t });
    p.update(1, "a");
    t = 150;
    p.update(2, "b");
    p.finish("4 copied");
    assert.deepEqual(s.writes, ["\r\x1b[Kcopying: 0/4 (0%)", "\r\x1b[Kcopying: 2/4 (50%) b", "\r\x1b[Kcopying: 4 copied\n"]);
  });

  it("writes whole lines, one per interval, where there is no terminal", () => {
    let t = 0;
    const s = sink(false);
    const p = new Progress("purging orphans", 10, { sink: s, now: () => t, everyMs: 5000 });
    for (let i = 1; i < 10; i++) {
      t += 1000;
      p.update(i);
    }
    p.finish("10 of 10 purged");
    p.finish("twice");
    assert.deepEqual(s.writes, ["purging orphans: 0/10 (0%)\n", "purging orphans: 5/10 (50%)\n", "purging orphans: 10 of 10 purged\n"]);
  });

  describe("cinderblock admin", function () {
    this.timeout(120_000);
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-progress-"));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    it("shows the migrations of a new database on stderr; stdout keeps only the command's output", async () => {
      const r = await cinderblock(["admin", "openrc", "--url", "http://127.0.0.1:8776", "--data-dir", dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^migrating the database: 0\/\d+ \(0%\)\n/);
      assert.match(r.stderr, /migrating the database: \d+ migration\(s\) applied\n$/);
      for (const line of r.stdout.trim().split("\n")) assert.match(line, /^(export OS_\w+=|# )/, line);
      // A second run has nothing to migrate, and says nothing.
      const again = await cinderblock(["admin", "list", "projects", "--data-dir", dir]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr, "");
      assert.match(again.stdout, / admin\n/);
    });

    it("shows the search and the purge of orphans", async () => {
      const orphans = [randomUUID(), randomUUID()];
      await mkdir(path.dirname(volumeFile(dir, orphans[0])), { recursive: true });
      for (const id of orphans) await writeFile(volumeFile(dir, id), Buffer.alloc(0));
      const r = await cinderblock(["admin", "orphans", "purge", "--yes", "--data-dir", dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /looking for orphans: 0\/1 \(0%\)\n/);
      assert.match(r.stderr, /looking for orphans: 2 found in 1 backend\(s\)\n/);
      assert.match(r.stderr, /purging orphans: 0\/2 \(0%\)\n/);
      assert.match(r.stderr, /purging orphans: 2 of 2 purged\n/);
      for (const id of orphans) assert.match(r.stdout, new RegExp(`purged file volume ${id}`));
    });
  });
});
