/**
 * The open-iscsi kernel initiator, driven the way os-brick drives it (iscsiadm node records, CHAP
 * on the record, login, the disk found through sysfs rather than udev's by-path links, which the
 * lab has no udev to make). Runs inside the kernel lab only.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";

export function initiatorName(): string {
  const text = readFileSync("/etc/iscsi/initiatorname.iscsi", "utf8");
  const m = /^InitiatorName=(\S+)$/m.exec(text);
  if (!m) throw new Error("no InitiatorName in /etc/iscsi/initiatorname.iscsi");
  return m[1];
}

/** iscsid, in its own session: it signals its whole process group when it stops. */
export async function startIscsid(): Promise<ChildProcess> {
  const child = spawn("iscsid", ["-f"], { detached: true, stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    if (spawnSync("iscsiadm", ["-m", "session"]).status !== 20 || i > 10) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  return child;
}

export function stopIscsid(child: ChildProcess | undefined): void {
  if (child?.pid) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // gone
    }
  }
}

export interface Target {
  portal: string;
  iqn: string;
  user: string;
  password: string;
}

function iscsiadm(args: string[]): { status: number; output: string } {
  const started = Date.now();
  const r = spawnSync("iscsiadm", args, { encoding: "utf8" });
  if (process.env.LAB_DEBUG) console.log(`iscsiadm ${args.join(" ")} -> ${r.status} in ${Date.now() - started} ms`);
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** Log in with CHAP. Returns iscsiadm's exit status (0 ok, 24 authorization failure, 15 session exists). */
export function login(t: Target): { status: number; output: string } {
  const node = ["-m", "node", "-T", t.iqn, "-p", t.portal];
  iscsiadm([...node, "--interface", "default", "--op", "new"]);
  for (const [k, v] of [
    ["node.session.auth.authmethod", "CHAP"],
    ["node.session.auth.username", t.user],
    ["node.session.auth.password", t.password],
  ]) {
    const r = iscsiadm([...node, "--op", "update", "-n", k, "-v", v]);
    if (r.status !== 0) throw new Error(`iscsiadm update ${k} failed: ${r.output}`);
  }
  return iscsiadm([...node, "--login"]);
}

export function logout(t: Pick<Target, "portal" | "iqn">): void {
  const node = ["-m", "node", "-T", t.iqn, "-p", t.portal];
  iscsiadm([...node, "--logout"]);
  iscsiadm([...node, "--op", "delete"]);
}

/** The block device of the session to `iqn` (e.g. /dev/sdb), waiting for the scan. */
export async function diskOf(iqn: string, timeoutMs = 15_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  if (process.env.LAB_DEBUG) console.log(`looking for the disk of ${iqn}`);
  while (Date.now() < end) {
    for (const s of existsSync("/sys/class/iscsi_session") ? readdirSync("/sys/class/iscsi_session") : []) {
      const base = path.join("/sys/class/iscsi_session", s);
      if (readFileSync(path.join(base, "targetname"), "utf8").trim() !== iqn) continue;
      const dev = path.join(base, "device");
      for (const t of readdirSync(dev).filter((n) => n.startsWith("target"))) {
        for (const lun of readdirSync(path.join(dev, t)).filter((n) => /^\d+:\d+:\d+:\d+$/.test(n))) {
          const blockDir = path.join(dev, t, lun, "block");
          if (!existsSync(blockDir)) continue;
          const [name] = readdirSync(blockDir);
          if (name && existsSync(`/dev/${name}`)) return `/dev/${name}`;
        }
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no disk appeared for ${iqn}`);
}

/** Rescan the sessions (after an extend) and return the disk's size in bytes. */
export function rescanSize(disk: string): number {
  const t = Date.now();
  execFileSync("iscsiadm", ["-m", "session", "--rescan"], { stdio: "ignore" });
  const name = path.basename(disk);
  if (process.env.LAB_DEBUG) console.log(`rescan in ${Date.now() - t} ms`);
  return Number(readFileSync(`/sys/block/${name}/size`, "utf8").trim()) * 512;
}

export function sessions(): string {
  return iscsiadm(["-m", "session"]).output;
}
