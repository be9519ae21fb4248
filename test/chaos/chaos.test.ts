/**
 * 30 SIGKILLs amid a random mix of operations, on SQLite and on PostgreSQL, with a fixed seed
 * (chaos.ts says what each restart must find; `npm run chaos` runs longer and with other seeds).
 */
import { DIALECTS } from "../helpers/server";
import { runChaos } from "./chaos";

const CYCLES = 30;
const SEED = 20261206;

for (const dialect of DIALECTS) {
  describe(`chaos: ${CYCLES} kills amid random operations (${dialect})`, function () {
    this.timeout(30 * 60_000);
    it(`restarts ${CYCLES} times with nothing in flight, no file without a row or row without its file, quota exact and the guests' data intact`, async () => {
      const r = await runChaos({ dialect, cycles: CYCLES, seed: SEED, log: process.env.CINDERBLOCK_TEST_VERBOSE ? (l) => console.log(`      ${l}`) : undefined });
      console.log(`      survived ${r.cycles} kills: ${r.operations} operations (${r.cutShort} cut short), ${r.volumes} volumes at the end, ${r.guarded} holding a guest's data`);
    });
  });
}
