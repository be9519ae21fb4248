/**
 * A private tgtd for tests (no executor: tests may use child_process directly). It listens on its
 * own control port and portal, so a system tgtd on :3260 is never touched. Needs root and the
 * Debian packages tgt, libiscsi-bin, qemu-utils and qemu-block-extra.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";

export function missingTools(): string | null {
  if (process.getuid?.() !== 0) return "needs root: tgtd serves iSCSI targets only as root";
  for (const tool of ["tgtd", "tgtadm", "qemu-img", "iscsi-inq"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      return `needs ${tool} (apt-get install tgt libiscsi-bin qemu-utils qemu-block-extra)`;
    }
  }
  return null;
}

export class Tgtd {
  private child?: ChildProcess;
  constructor(
    readonly controlPort: number,
    readonly port: number,
  ) {}

  tgtadm(...args: string[]): string {
    return execFileSync("tgtadm", ["-C", String(this.controlPort), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  /** `tgtadm --lld iscsi --mode target --op show`. */
  show(): string {
    return this.tgtadm("--lld", "iscsi", "--mode", "target", "--op", "show");
  }

  async start(): Promise<void> {
    this.child = spawn("tgtd", ["-f", "-C", String(this.controlPort), "--iscsi", `portal=127.0.0.1:${this.port}`], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      try {
        this.tgtadm("--op", "show", "--mode", "sys");
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error("tgtd did not come up");
  }

  /** tgtd ignores SIGTERM while it has targets; the supported stop is offline + delete system (all state is lost). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      this.tgtadm("--op", "update", "--mode", "sys", "--name", "State", "-v", "offline");
      this.tgtadm("--op", "delete", "--mode", "system");
    } catch {
      child.kill("SIGKILL");
    }
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
  }
}
