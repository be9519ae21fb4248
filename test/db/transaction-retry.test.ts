/**
 * Transactions on PostgreSQL that the server ends for a deadlock run again from the start: two
 * transactions that lock the same two rows in opposite orders both commit, the one PostgreSQL
 * chose as the victim after a second attempt; any other failure is not run again.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "../../server/node_modules/kysely";
import { openDb, type Db } from "../../server/src/db/database";
import { DIALECTS, makeDb, type TestDb } from "../helpers/server";

describe("PostgreSQL transactions ended by a deadlock", function () {
  this.timeout(60_000);
  let dir: string;
  let pg: TestDb;
  let db: Db;
  before(async function () {
    // Without a PostgreSQL the helper has said so already (DIALECTS).
    if (!DIALECTS.includes("postgres")) return this.skip();
    dir = await mkdtemp(path.join(os.tmpdir(), "cb-retry-"));
    pg = await makeDb("postgres", dir);
    db = openDb(pg.url);
    await sql`create table t (id integer primary key, n integer not null)`.execute(db.kysely);
    await sql`insert into t values (1, 0), (2, 0)`.execute(db.kysely);
  });
  after(async () => {
    await db?.close();
    await pg?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs the victim again and both commit", async () => {
    let bothHoldOne!: () => void;
    const held = new Promise<void>((res) => (bothHoldOne = res));
    let holding = 0;
    const attempts = [0, 0];
    const bump = (who: number, first: number, second: number) =>
      db.kysely.transaction().execute(async (trx) => {
        attempts[who]++;
        await sql`update t set n = n + 1 where id = ${first}`.execute(trx);
        if (attempts[who] === 1) {
          // The first attempts each hold one row before either asks for the other: a deadlock.
          if (++holding === 2) bothHoldOne();
          await held;
        }
        await sql`update t set n = n + 1 where id = ${second}`.execute(trx);
      });
    await Promise.all([bump(0, 1, 2), bump(1, 2, 1)]);
    const rows = (await sql<{ id: number; n: number }>`select id, n from t order by id`.execute(db.kysely)).rows;
    assert.deepEqual(rows, [{ id: 1, n: 2 }, { id: 2, n: 2 }]);
    assert.deepEqual([...attempts].sort(), [1, 2], "one of the two ran twice");
  });

  it("does not run again a transaction that failed otherwise", async () => {
    let attempts = 0;
    await assert.rejects(
      db.kysely.transaction().execute(async (trx) => {
        attempts++;
        await sql`insert into t values (1, 0)`.execute(trx);
      }),
      /duplicate key/,
    );
    assert.equal(attempts, 1);
  });
});
