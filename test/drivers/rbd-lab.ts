/**
 * A real Ceph cluster with an rbd pool for tests: test/lab/ceph/rbd-lab.sh (one mon, one mgr for
 * `ceph df`, one memstore OSD), started in before() and stopped in after(). Only what this helper
 * started is stopped. Also: the rbd and qemu-img calls the tests check the driver's work with.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { missingTool, run } from "../lab/ceph/lab";
export { run };

const LAB = path.resolve(__dirname, "../lab/ceph/rbd-lab.sh");
const TOOLS = ["ceph-mon", "ceph-osd", "ceph-mgr", "ceph", "rbd", "rados", "qemu-img"];
export const RBD_INSTALL = "apt-get install -y ceph-mon ceph-osd ceph-common ceph-mgr qemu-utils qemu-block-extra";

export interface RbdLab {
  conf: string;
  adminKeyring: string;
  cinderKeyring: string;
  pool: string;
  monPortV1: string;
  stop(): Promise<void>;
}

/** The first tool the lab needs that this machine lacks, or undefined. */
export function missingRbdTool(): Promise<string | undefined> {
  return missingTool(TOOLS);
}

export async function startRbdLab(): Promise<RbdLab> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "cb-rbd-")), "lab");
  const stop = async () => {
    await run("bash", [LAB, "stop", dir], 60_000);
    rmSync(path.dirname(dir), { recursive: true, force: true });
  };
  try {
    const out = await new Promise<string>((resolve, reject) => {
      execFile("bash", [LAB, "start", dir], { timeout: 180_000, env: { ...process.env, RBD_LAB_MGR: "1" } }, (err, stdout, stderr) =>
        err ? reject(new Error(`rbd-lab start: ${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const env = Object.fromEntries(out.trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)));
    return {
      conf: env.CEPH_CONF,
      adminKeyring: env.CEPH_ADMIN_KEYRING,
      cinderKeyring: env.CEPH_CINDER_KEYRING,
      pool: env.RBD_POOL,
      monPortV1: env.CEPH_MON_PORT_V1,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** `rbd` as the admin, parsed when asked for json. */
export async function rbdAdmin(lab: RbdLab, args: string[]): Promise<any> {
  const out = await run("rbd", ["--conf", lab.conf, "--id", "admin", "--keyring", lab.adminKeyring, ...args]);
  return args.includes("json") ? JSON.parse(out) : out;
}

/** The image's `rbd info`, or null when it does not exist. */
export async function imageInfo(lab: RbdLab, image: string): Promise<any | null> {
  try {
    return await rbdAdmin(lab, ["info", "--format", "json", `${lab.pool}/${image}`]);
  } catch (err) {
    if (/No such file or directory/.test((err as Error).message)) return null;
    throw err;
  }
}
