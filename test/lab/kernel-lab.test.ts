/**
 * The kernel tier: what needs device-mapper, LIO and the open-iscsi kernel initiator runs inside a
 * user-mode-linux guest (test/lab/uml.ts), where a whole mocha file runs against the real server.
 * Skipped, with the reason, where the lab cannot boot (not root, no user-mode-linux).
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { passing, runGuestFile } from "./guest-run";
import { umlUnavailable } from "./uml";

describe("kernel lab (user-mode-linux): LVM, LIO and open-iscsi for real", function () {
  this.timeout(3_600_000);

  before(function () {
    const why = umlUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it("LVM thin and thick backends exported through LIO: round trip, snapshot, clone, revert, extend, stats, clear", async () => {
    const res = await runGuestFile("test/lab/guest/lvm-lio.guest.ts", {
      disks: [
        { vg: "cinder-thin", thinPool: true, size: "4G" },
        { vg: "cinder-thick", size: "8G" },
      ],
      mem: "1024M",
    });
    process.stdout.write(res.stdout.replace(/^/gm, "        "));
    assert.ok(passing(res.stdout) >= 18, "every guest test ran");
  });

  it("a guest reboot loses every LIO target; the next start exports the in-use volumes again, same IQN and credentials", async () => {
    const state = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-reboot-"));
    try {
      const disks = [
        { vg: "cinder-thin", thinPool: true, size: "4G", file: path.join(state, "thin.img") },
        { vg: "cinder-thick", size: "4G", file: path.join(state, "thick.img") },
      ];
      for (const phase of ["before", "after"]) {
        const res = await runGuestFile("test/lab/guest/reboot.guest.ts", { disks, env: { LAB_STATE: state, LAB_PHASE: phase } });
        process.stdout.write(res.stdout.replace(/^/gm, "        "));
        assert.equal(passing(res.stdout), 1, `the ${phase} phase ran`);
      }
    } finally {
      await fsp.rm(state, { recursive: true, force: true });
    }
  });
});
