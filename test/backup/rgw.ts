/**
 * A real S3 service for tests: a single-node Ceph with radosgw (test/lab/ceph/rgw-lab.sh), started
 * in before() and stopped in after(). Only what this helper started is stopped.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { missingTool, run } from "../lab/ceph/lab";

const LAB = path.resolve(__dirname, "../lab/ceph/rgw-lab.sh");
const TOOLS = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin"];
export const RGW_INSTALL = "apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common";

export interface Rgw {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

/** The first tool radosgw needs that this machine lacks, or undefined. */
export function missingRgwTool(): Promise<string | undefined> {
  return missingTool(TOOLS);
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
