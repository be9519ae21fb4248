/**
 * Runs INSIDE the kernel lab (test/lab/lio-compliance.test.ts boots it): the target-helper
 * compliance suite (test/targets/compliance.ts) against `lio`, the kernel's LIO target driven
 * through configfs, reached with the open-iscsi kernel initiator over the guest's loopback. It
 * runs twice: with files as the backing store (fileio backstores) and with LVs of the guest's
 * volume group (iblock backstores), since LIO serves the two differently. LIO grants access per
 * initiator (an ACL per connector), so terminateConnection revokes it; the wipe tears the whole
 * configfs tree down, as a reboot leaves it.
 */
import { execFileSync, spawnSync, type ChildProcess } from "node:child_process";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ProcessExecutor } from "../../../server/src/exec/executor";
import { LioAdm } from "../../../server/src/targets/lio/lio";
import { type Backing, describeTargetCompliance, type LoginOptions, type LoginResult, type TargetProbe } from "../../targets/compliance";
import { diskOf, initiatorName, startIscsid, stopIscsid } from "./initiator";
import { readDev } from "./lvm";

const CONFIGFS = "/sys/kernel/config/target";
const PORTAL = "127.0.0.1:3260";
/** runInUml's default disk holds this volume group. */
const VG = "cinder-volumes";

/** LVs as backing stores, named by the device-mapper path the LVM driver hands to its target. */
const lvBacking: Backing = {
  async create(name, bytes) {
    execFileSync("lvcreate", ["-q", "-y", "--wipesignatures", "n", "-L", `${bytes}b`, "-n", name, VG], { stdio: "pipe" });
    return `/dev/mapper/${VG.replace(/-/g, "--")}-${name.replace(/-/g, "--")}`;
  },
  async grow(dev, bytes) {
    execFileSync("lvextend", ["-q", "-L", `${bytes}b`, lvOf(dev)], { stdio: "pipe" });
  },
  async remove(dev) {
    execFileSync("lvremove", ["-q", "-f", lvOf(dev)], { stdio: "pipe" });
  },
};

function lvOf(dev: string): string {
  return `${VG}/${path.basename(dev).slice(VG.replace(/-/g, "--").length + 1).replace(/--/g, "-")}`;
}

function iscsiadm(args: string[]): { status: number; output: string } {
  const r = spawnSync("iscsiadm", args, { encoding: "utf8" });
  return { status: r.status ?? -1, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

/** An open-iscsi interface that presents `initiator` (the default interface presents the host's own name). */
function iface(initiator: string | undefined): string {
  if (!initiator || initiator === initiatorName()) return "default";
  const name = `ini-${initiator.replace(/[^A-Za-z0-9]/g, "").slice(-12)}`;
  iscsiadm(["-m", "iface", "-I", name, "--op", "new"]);
  const r = iscsiadm(["-m", "iface", "-I", name, "--op", "update", "-n", "iface.initiatorname", "-v", initiator]);
  if (r.status !== 0) throw new Error(`iscsiadm iface update failed: ${r.output}`);
  return name;
}

/** os-brick's sequence: a node record with CHAP on it, then login. One try: a refusal is the answer, not a reason to retry. */
async function login(data: Record<string, unknown>, opts: LoginOptions = {}): Promise<LoginResult> {
  const iqn = data.target_iqn as string;
  const node = ["-m", "node", "-T", iqn, "-p", data.target_portal as string, "--interface", iface(opts.initiator)];
  const drop = () => {
    const started = Date.now();
    iscsiadm([...node, "--logout"]);
    iscsiadm([...node, "--op", "delete"]);
    if (process.env.LAB_DEBUG) console.log(`logout of ${iqn} in ${Date.now() - started} ms`);
  };
  iscsiadm([...node, "--op", "new"]);
  for (const [k, v] of [
    ["node.session.auth.authmethod", "CHAP"],
    ["node.session.auth.username", data.auth_username as string],
    ["node.session.auth.password", opts.password ?? (data.auth_password as string)],
    ["node.session.initial_login_retry_max", "1"],
  ]) {
    const r = iscsiadm([...node, "--op", "update", "-n", k, "-v", v]);
    if (r.status !== 0) throw new Error(`iscsiadm update ${k} failed: ${r.output}`);
  }
  const started = Date.now();
  const r = iscsiadm([...node, "--login"]);
  if (process.env.LAB_DEBUG) console.log(`login to ${iqn} -> ${r.status} in ${Date.now() - started} ms: ${r.output}`);
  if (r.status !== 0) {
    drop();
    return { ok: false, detail: `iscsiadm --login exited ${r.status}: ${r.output}` };
  }
  const disk = await diskOf(iqn);
  if (data.target_lun !== 0) throw new Error(`the suite reads LUN 0, not ${String(data.target_lun)}`);
  return {
    ok: true,
    session: {
      read: async (length) => readDev(disk, 0, length),
      async capacity() {
        execFileSync("iscsiadm", ["-m", "session", "--rescan"], { stdio: "ignore" });
        return Number((await fsp.readFile(`/sys/block/${path.basename(disk)}/size`, "utf8")).trim()) * 512;
      },
      async identity() {
        // What udev and multipath read (VPD 0x83); reading fails when the LUN reports no identification page.
        return fsp.readFile(`/sys/block/${path.basename(disk)}/device/wwid`, "utf8").then((t) => t.trim(), () => "");
      },
      close: async () => drop(),
    },
  };
}

async function entries(dir: string): Promise<string[]> {
  return fsp.readdir(dir).catch(() => []);
}

/** Unlink the symlinks in a configfs group, then remove it. */
async function rmGroup(dir: string): Promise<void> {
  for (const e of await entries(dir)) {
    if ((await fsp.lstat(path.join(dir, e))).isSymbolicLink()) await fsp.unlink(path.join(dir, e));
  }
  await fsp.rmdir(dir);
}

/** What a reboot leaves of LIO: nothing. Children first, since configfs refuses to drop a non-empty group. */
async function wipeConfigfs(): Promise<void> {
  for (const iqn of (await entries(path.join(CONFIGFS, "iscsi"))).filter((n) => n.startsWith("iqn."))) {
    const target = path.join(CONFIGFS, "iscsi", iqn);
    for (const tpg of (await entries(target)).filter((n) => n.startsWith("tpgt_"))) {
      const t = path.join(target, tpg);
      await fsp.writeFile(path.join(t, "enable"), "0");
      for (const acl of await entries(path.join(t, "acls"))) {
        const a = path.join(t, "acls", acl);
        for (const lun of (await entries(a)).filter((n) => n.startsWith("lun_"))) await rmGroup(path.join(a, lun));
        await fsp.rmdir(a);
      }
      for (const lun of await entries(path.join(t, "lun"))) await rmGroup(path.join(t, "lun", lun));
      for (const np of await entries(path.join(t, "np"))) await fsp.rmdir(path.join(t, "np", np));
      await fsp.rmdir(t);
    }
    await fsp.rmdir(target);
  }
  for (const hba of (await entries(path.join(CONFIGFS, "core"))).filter((n) => /^(fileio|iblock)_\d+$/.test(n))) {
    for (const so of await entries(path.join(CONFIGFS, "core", hba))) {
      if ((await fsp.lstat(path.join(CONFIGFS, "core", hba, so))).isDirectory()) await fsp.rmdir(path.join(CONFIGFS, "core", hba, so));
    }
    await fsp.rmdir(path.join(CONFIGFS, "core", hba));
  }
}

describe("lio", function () {
  let iscsid: ChildProcess | undefined;
  let work = "";

  before(async () => {
    work = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-lio-compliance-"));
    iscsid = await startIscsid();
  });

  after(async () => {
    stopIscsid(iscsid);
    if (work) await fsp.rm(work, { recursive: true, force: true });
  });

  const probe: TargetProbe = {
    connector: { initiator: initiatorName(), ip: "127.0.0.1", host: os.hostname() },
    portal: PORTAL,
    lun: 0,
    perInitiatorAcl: true,
    async targets() {
      return (await entries(path.join(CONFIGFS, "iscsi"))).filter((n) => n.startsWith("iqn."));
    },
    login,
    wipe: wipeConfigfs,
  };

  const makeTarget = () =>
    new LioAdm({ executor: new ProcessExecutor(), targetIp: "127.0.0.1", targetPort: 3260, stateDir: path.join(work, "state") });
  describeTargetCompliance("lio, files (fileio backstores)", makeTarget, probe);
  describeTargetCompliance("lio, LVs (iblock backstores)", makeTarget, { ...probe, backing: lvBacking });
});
