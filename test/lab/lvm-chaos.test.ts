/**
 * Chaos on the LVM driver inside the kernel lab: the guest (guest/lvm-chaos.guest.ts) kills the
 * server (LAB_CHAOS_CYCLES times, 30 by default: each cycle costs about half a minute in the lab,
 * which runs beside the rest of the suite) amid random operations on a thin and a thick LVM backend
 * exported through LIO,
 * and checks LVs, LIO targets, quota and data against the rows after every restart. Skipped, with
 * the reason, where the lab cannot boot. `CHAOS_MODE=lvm npm run chaos` runs it longer.
 */
import assert from "node:assert/strict";
import { passing } from "./guest-run";
import { runLvmChaos } from "./lvm-chaos";
import { umlUnavailable } from "./uml";

const CYCLES = Number(process.env.LAB_CHAOS_CYCLES ?? 30);

describe("kernel lab (user-mode-linux): chaos on the LVM driver", function () {
  this.timeout(3_600_000);

  before(function () {
    const why = umlUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it(`survives ${CYCLES} kills on thin and thick LVM exported through LIO (SQLite; the guest cannot reach PostgreSQL)`, async () => {
    const t = Date.now();
    const res = await runLvmChaos({ cycles: CYCLES });
    process.stdout.write(res.stdout.replace(/^/gm, "        "));
    console.log(`        (the lab's run took ${Math.round((Date.now() - t) / 1000)} s)`);
    assert.equal(passing(res.stdout), 1, "the guest's chaos run passed");
  });
});
