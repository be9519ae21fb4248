/**
 * Runs INSIDE the kernel lab (test/lab/lvm-chaos.test.ts boots it): the chaos run of test/chaos
 * on two LVM backends, `lvm-thin` (thin pool of VG cinder-thin) and `lvm-thick` (VG cinder-thick,
 * volume_clear=zero on the first MiBs), exported through LIO. The server, a child process, is
 * killed with SIGKILL amid the random operations and started again on the same data; after every
 * restart no LV lacks its row, no row lacks its LV (of the row's size, no unfinished copy), no
 * LIO target or backstore is left without a volume an attachment holds, every in-use volume is
 * exported, quota usage equals the rows and a guest's data reads back bit for bit from the LV.
 *
 * SQLite only: the guest's network is its own loopback, so the host's PostgreSQL is not reachable
 * from here (and starting one inside the guest would spend the case's time budget on its boot).
 *
 * LAB_CHAOS_CYCLES (default 30), LAB_CHAOS_SEED and LAB_CLI (the server built into one file by
 * test/lab/bundle.ts: the TypeScript source through tsx takes minutes to load in the guest).
 */
import assert from "node:assert/strict";
import { runChaos } from "../../chaos/chaos";
import { lvmStorage } from "../../chaos/lvm-storage";

const CYCLES = Number(process.env.LAB_CHAOS_CYCLES ?? 30);
const SEED = Number(process.env.LAB_CHAOS_SEED ?? 20261206);
const HOST = "testhost";
const INITIATOR = "iqn.1993-08.org.debian:01:chaos-guest";

const CONFIG = {
  targetHelper: "lio",
  targetIp: "127.0.0.1",
  targetPort: 3260,
  statsIntervalMs: 5000,
  backends: [
    { name: "lvm-thin", driver: "lvm", volumeGroup: "cinder-thin", lvmType: "thin" },
    { name: "lvm-thick", driver: "lvm", volumeGroup: "cinder-thick", lvmType: "default", volumeClear: "zero", volumeClearSize: 4 },
  ],
};

describe(`kernel lab: chaos on LVM thin and thick exported through LIO (${CYCLES} kills, sqlite)`, function () {
  it(`restarts ${CYCLES} times with nothing in flight, no LV without a row or row without its LV, no stray LIO target, quota exact and the data intact`, async () => {
    const cli = process.env.LAB_CLI;
    assert.ok(cli, "LAB_CLI names the built server (test/lab/bundle.ts)");
    const t = Date.now();
    const r = await runChaos({
      dialect: "sqlite",
      cycles: CYCLES,
      seed: SEED,
      cli,
      config: CONFIG,
      // The guest's disks are small and slow: what a burst makes is bounded.
      limits: { maxVolumes: 24, maxGuarded: 8 },
      storage: () =>
        lvmStorage(
          [
            { host: `${HOST}@lvm-thin`, vg: "cinder-thin", thin: true },
            { host: `${HOST}@lvm-thick`, vg: "cinder-thick", thin: false },
          ],
          { initiator: INITIATOR },
        ),
      log: (l) => console.log(`      ${l} (${Math.round((Date.now() - t) / 1000)} s)`),
    });
    console.log(`      survived ${r.cycles} kills: ${r.operations} operations (${r.cutShort} cut short), ${r.volumes} volumes at the end, ${r.guarded} holding a guest's data`);
    assert.equal(r.cycles, CYCLES);
  });
});
