/**
 * The target-helper compliance suite against `lio`: this kernel has no LIO, so the suite runs
 * inside the kernel lab (test/lab/guest/lio-compliance.guest.ts), with file and LV backing
 * stores. Skipped, with the reason, where the lab cannot boot.
 */
import assert from "node:assert/strict";
import { COMPLIANCE_TESTS } from "../targets/compliance";
import { passing, runGuestFile } from "./guest-run";
import { umlUnavailable } from "./uml";

const GUEST_FILE = "test/lab/guest/lio-compliance.guest.ts";

describe("kernel lab (user-mode-linux): the target-helper compliance suite against LIO", function () {
  this.timeout(1_800_000);

  before(function () {
    const why = umlUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it("passes every compliance test with file (fileio) and LV (iblock) backing stores", async () => {
    const res = await runGuestFile(GUEST_FILE, { disks: [{ vg: "cinder-volumes", size: "1G" }] });
    process.stdout.write(res.stdout.replace(/^/gm, "        "));
    assert.equal(passing(res.stdout), 2 * COMPLIANCE_TESTS, "every compliance test ran, for both backing stores");
    assert.doesNotMatch(res.stdout, /\d+ (pending|failing)/);
  });
});
