/**
 * A real S3 service for tests: a single-node Ceph with radosgw (test/lab/ceph/rgw-lab.sh), started
 * in before() and stopped in after(). Only what this helper started is stopped.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const LAB = path.resolve(__dirname, "../lab/ceph/rgw-lab.sh");
const TOOLS = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin"];
export const RGW_INSTALL = "apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common";

export interface Rgw {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(" ")}: ${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/** The first tool radosgw needs that this machine lacks, or undefined. */
export async function missingRgwTool(): Promise<string | undefined> {
  for (const t of TOOLS) {
    try {
      await run("sh", ["-c", 'command -v "$1"', "sh", t], 5000);
    } catch {
      return t;
    }
  }
  return undefined;
}

export async function startRgw(): Promise<Rgw> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "cb-rgw-")), "lab");
  try {
    const out = await run("bash", [LAB, "start", dir], 120_000);
    const env = Object.fromEntries(out.trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)));
    return {
      endpoint: env.RGW_ENDPOINT,
      accessKey: env.RGW_ACCESS_KEY,
      secretKey: env.RGW_SECRET_KEY,
      stop: async () => {
        await run("bash", [LAB, "stop", dir], 60_000);
        rmSync(path.dirname(dir), { recursive: true, force: true });
      },
    };
  } catch (err) {
    await run("bash", [LAB, "stop", dir], 60_000).catch(() => undefined);
    throw err;
  }
}
