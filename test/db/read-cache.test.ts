/**
 * SQLite read results kept while the database is unchanged (server/src/db/read-cache.ts): a read
 * asked again is answered without running the statement, and every change — a write of this
 * connection, with or without RETURNING, a commit of another connection, a transaction's own rows —
 * makes the next read run it again. A SQL function counts how often SQLite really runs a statement.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "../../server/node_modules/kysely";
import { openDb, readDirect, sqliteConnection, type Db } from "../../server/src/db/database";

describe("SQLite read results kept while nothing changes", () => {
  let dir: string;
  let file: string;
  let db: Db;
  let runs = 0;
  const COUNTED = "select id, name, counted() as c from t where id >= ? order by id";
  const read = () => readDirect<{ id: number; name: string }>(db.kysely, COUNTED, [1])!;
  const names = () => read().map((r) => r.name);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cb-readcache-"));
    file = path.join(dir, "t.sqlite");
    db = openDb(`sqlite:${file}`);
    runs = 0;
    sqliteConnection(db)!.function("counted", { deterministic: false }, () => ++runs);
    await sql`create table t (id integer primary key, name text)`.execute(db.kysely);
    await sql`insert into t values (1, 'a'), (2, 'b')`.execute(db.kysely);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers a read asked again from what it kept, as new objects each time", () => {
    const first = read();
    const counted = runs;
    assert.ok(counted > 0);
    const second = read();
    assert.equal(runs, counted, "the statement ran again");
    assert.deepEqual(second, first);
    assert.notEqual(second[0], first[0]);
    second[0].name = "changed by a caller";
    assert.equal(read()[0].name, "a");
    // Other parameters are another result.
    assert.deepEqual(readDirect<{ id: number }>(db.kysely, COUNTED, [2])!.map((r) => r.id), [2]);
    assert.ok(runs > counted);
  });

  it("reads again after a write of its own connection, through kysely or with RETURNING", async () => {
    assert.deepEqual(names(), ["a", "b"]);
    await sql`update t set name = 'x' where id = 1`.execute(db.kysely);
    assert.deepEqual(names(), ["x", "b"]);
    const back = await sql<{ id: number }>`update t set name = 'y' where id = 2 returning id`.execute(db.kysely);
    assert.deepEqual(back.rows, [{ id: 2 }]);
    assert.deepEqual(names(), ["x", "y"]);
    await db.kysely.deleteFrom("t" as never).where("id" as never, "=", 1 as never).execute();
    assert.deepEqual(names(), ["y"]);
  });

  it("reads again after another connection commits", () => {
    assert.deepEqual(names(), ["a", "b"]);
    const other = new SQLite(file);
    try {
      other.prepare("insert into t values (3, 'c')").run();
      assert.deepEqual(names(), ["a", "b", "c"]);
      const counted = runs;
      assert.deepEqual(names(), ["a", "b", "c"]);
      assert.equal(runs, counted);
      other.prepare("delete from t where id = 3").run();
      assert.deepEqual(names(), ["a", "b"]);
    } finally {
      other.close();
    }
  });

  it("inside a transaction reads its own rows, and keeps nothing of them after a rollback", async () => {
    assert.deepEqual(names(), ["a", "b"]);
    await assert.rejects(
      db.kysely.transaction().execute(async (trx) => {
        await sql`insert into t values (3, 'c')`.execute(trx);
        const rows = await sql<{ name: string }>`select name from t where id >= ${1} order by id`.execute(trx);
        assert.deepEqual(rows.rows.map((r) => r.name), ["a", "b", "c"]);
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.deepEqual(names(), ["a", "b"]);
  });

  it("never keeps what depends on the clock or chance", async () => {
    const twice = async () => [
      (await sql<{ r: number }>`select random() as r`.execute(db.kysely)).rows[0].r,
      (await sql<{ r: number }>`select random() as r`.execute(db.kysely)).rows[0].r,
    ];
    const [one, two] = await twice();
    assert.notEqual(one, two);
    const a = readDirect<{ t: string }>(db.kysely, "select strftime('%f', 'now') as t, counted() as c", [])!;
    const counted = runs;
    readDirect(db.kysely, "select strftime('%f', 'now') as t, counted() as c", []);
    assert.equal(runs, counted + 1, "a statement of the clock ran again");
    assert.ok(a[0].t);
  });
});
