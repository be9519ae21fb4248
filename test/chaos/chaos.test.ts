/**
 * 30 SIGKILLs amid a random mix of operations, on SQLite and on PostgreSQL, with a fixed seed
 * (chaos.ts says what each restart must find; `npm run chaos` runs longer and with other seeds);
 * then the same on the separate services (two APIs, a scheduler, two volume services on
 * PostgreSQL and RabbitMQ), one process of each kind killed in turn.
 */
import { DIALECTS } from "../helpers/server";
import { servicesMissing } from "../scale/harness";
import { kindsOf, runChaos } from "./chaos";
import { KINDS, runServicesChaos } from "./services";

const CYCLES = 30;
const SERVICE_CYCLES = 21;
const SEED = 20261206;
const log = process.env.CINDERBLOCK_TEST_VERBOSE ? (l: string) => console.log(`      ${l}`) : undefined;

for (const dialect of DIALECTS) {
  describe(`chaos: ${CYCLES} kills amid random operations (${dialect})`, function () {
    this.timeout(30 * 60_000);
    it(`restarts ${CYCLES} times with nothing in flight, no file without a row or row without its file, quota exact and the guests' data intact`, async () => {
      const r = await runChaos({ dialect, cycles: CYCLES, seed: SEED, log });
      console.log(`      survived ${r.cycles} kills: ${r.operations} operations (${r.cutShort} cut short), ${r.volumes} volumes at the end, ${r.guarded} holding a guest's data`);
      console.log(`      operations sent: ${kindsOf(r)}`);
    });
  });
}

describe(`chaos: ${SERVICE_CYCLES} kills of api, scheduler and volume processes amid random operations (separate services)`, function () {
  this.timeout(30 * 60_000);
  before(async function () {
    const why = await servicesMissing();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it(`restarts a killed process ${SERVICE_CYCLES} times with nothing in flight, no file without a row or row without its file, quota exact and the guests' data intact`, async () => {
    const r = await runServicesChaos({ cycles: SERVICE_CYCLES, seed: SEED, log });
    const kills = KINDS.map((k) => `${r.kills[k]} ${k}`).join(", ");
    console.log(`      survived ${r.cycles} kills (${kills}): ${r.operations} operations (${r.cutShort} cut short), ${r.volumes} volumes at the end (${r.failed} failed), ${r.guarded} holding a guest's data`);
  });
});
