/**
 * Runs a command inside the kernel lab and replays its output:
 *
 *   npx tsx test/lab/uml-run.ts [--thin] [--disk FILE] [--timeout SECS] -- COMMAND [ARGS...]
 *
 * `--thin` adds the thin pool `cinder-volumes-pool`; `--lab-disks` gives the guest the two volume
 * groups the guest tests use (cinder-thin with its pool, cinder-thick). Exit status: the command's, 124 on timeout,
 * 125 when the guest did not run it (the guest's console and boot log are printed then).
 */
import { runInUml } from "./uml";

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const sep = argv.indexOf("--");
  if (sep < 0 || sep === argv.length - 1) {
    process.stderr.write("usage: uml-run.ts [--thin] [--disk FILE] [--timeout SECS] -- COMMAND [ARGS...]\n");
    return 2;
  }
  const flags = argv.slice(0, sep);
  const opt = (name: string): string | undefined => {
    const i = flags.indexOf(name);
    return i >= 0 ? flags[i + 1] : undefined;
  };
  const timeout = opt("--timeout");
  const res = await runInUml({
    command: argv.slice(sep + 1),
    disks: flags.includes("--lab-disks")
      ? [
          { vg: "cinder-thin", thinPool: true, size: "4G" },
          { vg: "cinder-thick", size: "8G" },
        ]
      : [{ vg: "cinder-volumes", thinPool: flags.includes("--thin"), file: opt("--disk") }],
    mem: flags.includes("--lab-disks") ? "1024M" : undefined,
    timeoutMs: timeout ? Number(timeout) * 1000 : undefined,
  });
  process.stdout.write(res.stdout);
  process.stderr.write(res.stderr);
  if (res.code >= 124) process.stderr.write(`${res.diagnostics}\n`);
  return res.code;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(125);
  },
);
