/**
 * Records what LVM really prints for the commands the lvm driver runs, as fixtures for the unit
 * tests of its parsers and decisions (test/drivers/lvm-unit.test.ts). Runs inside the kernel lab:
 *
 *   npx tsx test/lab/uml-run.ts --lab-disks -- npx tsx test/lab/record-lvm-fixtures.ts
 *
 * Every command goes through the driver's own `Lvm` class, so a fixture is exactly the output of
 * the argument array the driver builds. Writes test/fixtures/lvm/<name>.json.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import { ExecError, ProcessExecutor, type ExecOptions, type ExecResult, type Executor } from "../../server/src/exec/executor";
import { Lvm } from "../../server/src/drivers/lvm/lvm";

const OUT = path.resolve(__dirname, "../fixtures/lvm");
const THIN = "cinder-thin";
const THICK = "cinder-thick";
const VOL = "volume-0b5c1f9e-4d3a-4c1e-9a7b-2f6d8e1c3a50";
const VOL2 = "volume-7e2a1f03-3c4b-4d5e-9f60-718293a4b5c6";
const SNAP = "_snapshot-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
/** An LV under Cinder's naming that the driver did not make (another Cinder's, an operator's). */
const FOREIGN = "volume-f0f0f0f0-0000-4000-8000-00000000f0f0";
const OWNER = ["cinderblock"];

interface Recorded {
  cmd: string;
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

class RecordingExecutor implements Executor {
  last?: Recorded;
  private readonly inner = new ProcessExecutor();
  async run(cmd: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    try {
      const r = await this.inner.run(cmd, args, opts);
      this.last = { cmd, args: [...args], code: r.code, stdout: r.stdout, stderr: r.stderr };
      return r;
    } catch (err) {
      if (err instanceof ExecError) this.last = { cmd, args: [...args], code: err.code, stdout: err.stdout, stderr: err.stderr };
      throw err;
    }
  }
}

async function main(): Promise<void> {
  await fsp.mkdir(OUT, { recursive: true });
  const exec = new RecordingExecutor();
  const lvm = new Lvm({ executor: exec });
  const record = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    exec.last = undefined;
    await fn().catch(() => undefined);
    const last = exec.last as Recorded | undefined;
    if (!last) throw new Error(`${name}: no command ran`);
    await fsp.writeFile(path.join(OUT, `${name}.json`), `${JSON.stringify(last, null, 2)}\n`);
    console.log(`recorded ${name}: ${last.cmd} ${last.args.join(" ")} -> ${last.code}`);
  };

  await record("lvm-version", () => lvm.version());
  await record("vgs-thin", () => lvm.vg(THIN));
  await record("vgs-missing", () => lvm.vg("no-such-vg"));
  await record("lvs-missing-lv", () => lvm.lv(THIN, "volume-00000000-0000-4000-8000-000000000000"));
  await record("lvcreate-thin", () => lvm.createThin(THIN, `${THIN}-pool`, VOL, 1, OWNER));
  await record("lvcreate-thin-snapshot", () => lvm.createSnapshot(THIN, SNAP, VOL, undefined, OWNER));
  await record("lvcreate-thin-from-snapshot", () => lvm.createSnapshot(THIN, VOL2, SNAP, undefined, OWNER));
  await lvm.createThin(THIN, `${THIN}-pool`, FOREIGN, 1);
  await lvm.activate(THIN, VOL2, "clear");
  await lvm.extend(THIN, VOL2, 2);
  await exec.run("dd", ["if=/dev/urandom", `of=/dev/mapper/${THIN.replace(/-/g, "--")}-${VOL.replace(/-/g, "--")}`, "bs=1M", "count=64", "oflag=direct"]);
  await record("lvs-thin-vg", () => lvm.lvs(THIN));
  await record("lvs-thin-snapshot", () => lvm.lv(THIN, SNAP));
  await record("lvcreate-reserved-name", () => lvm.createThick(THICK, "snapshot-reserved", 1));
  await record("lvcreate-thick", () => lvm.createThick(THICK, VOL, 1, OWNER));
  await record("lvcreate-thick-snapshot", () => lvm.createSnapshot(THICK, SNAP, VOL, 1024 ** 3, OWNER));
  await record("lvcreate-thick-incomplete", () => lvm.createThick(THICK, VOL2, 1, [...OWNER, "cinderblock-incomplete"]));
  await record("lvs-thick-vg", () => lvm.lvs(THICK));
  await record("vgs-thick", () => lvm.vg(THICK));
  await record("lvextend-thick-origin-active", () => lvm.extend(THICK, VOL, 2));
  await record("lvcreate-no-space", () => lvm.createThick(THICK, "volume-toobig", 100));
  for (const lv of [SNAP, VOL2, VOL]) await lvm.remove(THICK, lv);
  for (const lv of [VOL2, SNAP, VOL, FOREIGN]) await lvm.remove(THIN, lv);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
