/**
 * The target-helper compliance suite (compliance.ts) against `tgt`: a private tgtd on this host
 * (its own control port and portal), reached with libiscsi's userspace initiator (iscsi-inq,
 * iscsi-readcapacity16, qemu-img, qemu-io). tgt guards a target with CHAP alone (the ALL initiator ACL),
 * so terminateConnection leaves access as it was; the wipe is a tgtd restart, which forgets every
 * target and account.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ProcessExecutor } from "../../server/src/exec/executor";
import { TgtAdm } from "../../server/src/targets/tgt/tgt";
import { freePort } from "../helpers/server";
import { describeTargetCompliance, type LoginOptions, type LoginResult, type LunSession, type TargetProbe } from "./compliance";
import { missingTools, Tgtd } from "./tgtd";

const INITIATOR = "iqn.1993-08.org.debian:01:compliance";
/** What libiscsi prints when the target turns a login down (CHAP, ACL, or no such target). */
const REFUSED = /Authentication failure|Login Failed|Target not found|Login unsuccessful/i;

function run(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

interface Lun {
  portal: string;
  iqn: string;
  lun: number;
  user: string;
  password: string;
  initiator: string;
}

function url(l: Lun): string {
  return `iscsi://${l.user}%${l.password}@${l.portal}/${l.iqn}/${l.lun}`;
}

function imageOpts(l: Lun): string {
  return `driver=iscsi,transport=tcp,portal=${l.portal},target=${l.iqn},lun=${l.lun},user=${l.user},password=${l.password},initiator-name=${l.initiator}`;
}

/**
 * A logged-in initiator: qemu-io holds one iSCSI session (an I_T nexus tgtd lists) open until
 * closed. libiscsi's tools cannot share it, so reads and READ CAPACITY go through sessions of
 * their own, with the same credentials.
 */
async function session(l: Lun, work: string): Promise<LunSession> {
  const held = spawn("qemu-io", ["--image-opts", imageOpts(l)], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  held.stdout.on("data", (d: Buffer) => (out += d.toString()));
  held.stderr.on("data", (d: Buffer) => (out += d.toString()));
  held.stdin.on("error", () => undefined);
  held.stdin.write("length\n");
  const exited = new Promise<void>((r) => held.once("exit", () => r()));
  const end = Date.now() + 30_000;
  while (!/\d+ [KMGT]?i?B/.test(out)) {
    if (held.exitCode !== null || Date.now() > end) {
      held.kill("SIGKILL");
      throw new Error(`qemu-io did not log in to ${l.iqn}: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    async read(length) {
      const file = path.join(work, `read-${randomBytes(4).toString("hex")}.bin`);
      const r = run("qemu-img", ["dd", "--image-opts", "-O", "raw", "bs=1M", `count=${Math.ceil(length / 1048576)}`, `if=${imageOpts(l)}`, `of=${file}`]);
      if (!r.ok) throw new Error(`qemu-img dd from ${l.iqn} failed: ${r.out}`);
      try {
        return (await fsp.readFile(file)).subarray(0, length);
      } finally {
        await fsp.rm(file, { force: true });
      }
    },
    async capacity() {
      const r = run("iscsi-readcapacity16", ["-i", l.initiator, url(l)]);
      const m = /Total size:(\d+)/.exec(r.out);
      if (!r.ok || !m) throw new Error(`iscsi-readcapacity16 of ${l.iqn} failed: ${r.out}`);
      return Number(m[1]);
    },
    async identity() {
      const r = run("iscsi-inq", ["-i", l.initiator, "-e", "1", "-c", String(0x83), url(l)]);
      if (!r.ok) throw new Error(`iscsi-inq (VPD 0x83) of ${l.iqn} failed: ${r.out}`);
      return r.out;
    },
    async close() {
      // libiscsi keeps reconnecting to a target that went away, so qemu-io is killed, not asked to quit.
      held.kill("SIGKILL");
      await exited;
    },
  };
}

describe("tgt", function () {
  this.timeout(300_000);
  const controlPort = 100 + (process.pid % 50);
  let tgtd: Tgtd;
  let work = "";

  before(async function () {
    const why = missingTools() ?? (spawnSync("sh", ["-c", "command -v iscsi-readcapacity16"]).status === 0 ? null : "needs iscsi-readcapacity16 (apt-get install libiscsi-bin)");
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    work = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-tgt-compliance-"));
    tgtd = new Tgtd(controlPort, await freePort());
    await tgtd.start();
  });

  after(async () => {
    await tgtd?.stop();
    if (work) await fsp.rm(work, { recursive: true, force: true });
  });

  const probe: TargetProbe = {
    connector: { initiator: INITIATOR, ip: "127.0.0.1", host: os.hostname() },
    get portal() {
      return `127.0.0.1:${tgtd.port}`;
    },
    lun: 1,
    perInitiatorAcl: false,
    async targets() {
      return [...tgtd.show().matchAll(/^Target \d+: (\S+)$/gm)].map((m) => m[1]);
    },
    async login(data: Record<string, unknown>, opts: LoginOptions = {}): Promise<LoginResult> {
      const l: Lun = {
        portal: data.target_portal as string,
        iqn: data.target_iqn as string,
        lun: data.target_lun as number,
        user: data.auth_username as string,
        password: opts.password ?? (data.auth_password as string),
        initiator: opts.initiator ?? INITIATOR,
      };
      const r = run("iscsi-inq", ["-i", l.initiator, url(l)]);
      if (r.ok) return { ok: true, session: await session(l, work) };
      if (REFUSED.test(r.out)) return { ok: false, detail: r.out };
      throw new Error(`iscsi-inq to ${l.iqn} failed for another reason than a refused login: ${r.out}`);
    },
    async wipe() {
      await tgtd.stop();
      await tgtd.start();
    },
  };

  describeTargetCompliance(
    "tgt",
    () =>
      new TgtAdm({
        executor: new ProcessExecutor(),
        targetIp: "127.0.0.1",
        targetPort: tgtd.port,
        controlPort,
        volumesDir: path.join(work, "volumes"),
      }),
    probe,
  );
});
