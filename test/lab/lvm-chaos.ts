/** Booting the kernel lab for the LVM chaos run (guest/lvm-chaos.guest.ts), from the test and from `npm run chaos`. */
import { rm } from "node:fs/promises";
import path from "node:path";
import { bundleCli } from "./bundle";
import { runGuestFile } from "./guest-run";
import type { UmlResult } from "./uml";

export async function runLvmChaos(o: { cycles: number; seed?: number }): Promise<UmlResult> {
  const cli = await bundleCli();
  try {
    return await runGuestFile("test/lab/guest/lvm-chaos.guest.ts", {
      disks: [
        { vg: "cinder-thin", thinPool: true, size: "8G" },
        { vg: "cinder-thick", size: "24G" },
      ],
      mem: "1024M",
      env: { LAB_CLI: cli, LAB_CHAOS_CYCLES: String(o.cycles), ...(o.seed === undefined ? {} : { LAB_CHAOS_SEED: String(o.seed) }) },
    });
  } finally {
    await rm(path.dirname(cli), { recursive: true, force: true });
  }
}
