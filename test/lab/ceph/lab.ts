/**
 * What the Ceph labs' test helpers share (test/backup/rgw.ts, test/drivers/rbd-lab.ts): running a
 * command for its output, and finding the first tool a lab needs that this machine lacks.
 */
import { execFile } from "node:child_process";

/** Run `cmd` with `args`; its stdout, or an error naming the command with its stderr. */
export function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(" ")}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** The first of `tools` this machine lacks, or undefined. */
export async function missingTool(tools: readonly string[]): Promise<string | undefined> {
  for (const t of tools) {
    try {
      await run("sh", ["-c", 'command -v "$1"', "sh", t], 5000);
    } catch {
      return t;
    }
  }
  return undefined;
}
