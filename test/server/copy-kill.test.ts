/**
 * A copy does not outlive the server. The file driver copies with cp; when the server is killed
 * (SIGKILL) mid-copy, that cp must die with it, or it goes on filling its temporary file after the
 * restart has swept the temporary files of the dead server, and leaves a full-size file nobody
 * removes. To hold a copy in progress for as long as the test wants, the source volume's file is
 * swapped for a FIFO that the test feeds.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "../helpers/client";
import { makeDb, startChild, type ChildServer, type TestDb } from "../helpers/server";
import { backendDir, volumeFile } from "../helpers/state";
import { waitFor, waitStatus } from "../helpers/wait";

const execFileP = promisify(execFile);

/** Processes running cp on a file under `dir`: pid and command line. */
async function cpUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const pid of await fsp.readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = await fsp.readFile(`/proc/${pid}/cmdline`, "utf8").then(
      (s) => s.split("\0").filter(Boolean),
      () => [] as string[],
    );
    if (argv.length && path.basename(argv[0]) === "cp" && argv.some((a) => a.startsWith(dir))) out.push(`${pid}: ${argv.join(" ")}`);
  }
  return out;
}

const temps = async (dir: string): Promise<string[]> => (await fsp.readdir(dir)).filter((n) => n.startsWith("."));

describe("a copy killed with the server", function () {
  this.timeout(120_000);
  let dataDir: string;
  let db: TestDb;
  const children: ChildServer[] = [];
  let orphansAtExit: string[] = [];

  before(async () => {
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-copykill-"));
    db = await makeDb("sqlite", dataDir);
  });
  after(async () => {
    for (const ch of children) if (ch.child.exitCode === null && ch.child.signalCode === null) await ch.kill("SIGKILL");
    // Whatever the outcome, no cp of this test is left running.
    for (const line of await cpUnder(dataDir)) process.kill(Number(line.split(":")[0]), "SIGKILL");
    await fsp.rm(dataDir, { recursive: true, force: true });
  });

  it("dies with a server killed by SIGKILL; the restart leaves no temporary file", async () => {
    const first = await startChild({ dataDir, dbUrl: db.url });
    children.push(first);
    const c = new Client(first.url);
    const r = await c.post("/v3/p1/volumes", { volume: { size: 1 } });
    const vol = (await waitStatus(c, "volumes", "p1", r.body.volume.id, "available")).id as string;
    const source = volumeFile(dataDir, vol);
    await fsp.rm(source);
    await execFileP("mkfifo", [source]);

    const snap = await c.post("/v3/p1/snapshots", { snapshot: { volume_id: vol } });
    assert.equal(snap.status, 202);
    // Opening for writing waits for the reader: the cp the server started.
    const writer = await fsp.open(source, "w");
    await writer.write(Buffer.alloc(256 * 1024, 7));
    await waitFor(async () => {
      for (const n of await temps(backendDir(dataDir))) if ((await fsp.stat(path.join(backendDir(dataDir), n))).size > 0) return true;
      return undefined;
    }, "the copy has begun writing its temporary file");

    assert.equal(await first.kill("SIGKILL"), null);
    await new Promise((res) => setTimeout(res, 500));
    orphansAtExit = await cpUnder(dataDir);
    // Keep data flowing through the restart, as a long copy would: an orphaned cp keeps its
    // temporary file fresh, so the restart's sweep (of files older than the new process) spares it.
    let feeding = true;
    const feeder = (async () => {
      while (feeding) {
        if (!(await writer.write(Buffer.alloc(4096, 8)).then(() => true, () => false))) return; // EPIPE: no cp reads any more
        await new Promise((res) => setTimeout(res, 20));
      }
    })();

    // The restart resumes the snapshot from a regular file again.
    const regular = path.join(dataDir, "regular");
    await fsp.writeFile(regular, "");
    await fsp.truncate(regular, 1024 ** 3);
    await fsp.rename(regular, source);
    const second = await startChild({ dataDir, dbUrl: db.url });
    children.push(second);
    await waitStatus(new Client(second.url), "snapshots", "p1", snap.body.snapshot.id, "available", 60_000);

    // An orphaned cp would now finish its copy, long after the restart's sweep.
    feeding = false;
    await feeder;
    await writer.close();
    await waitFor(async () => ((await cpUnder(dataDir)).length === 0 ? true : undefined), "no cp left", 10_000);

    assert.deepEqual(orphansAtExit, [], "cp outlived the server");
    assert.deepEqual(await temps(backendDir(dataDir)), [], "a temporary file was left behind");
    assert.equal(await second.kill("SIGTERM"), 0);
  });
});
