/**
 * SQLite rows as the data layer reads them: statements return arrays and a builder compiled per
 * column list makes the objects. The objects must be what better-sqlite3's own would be: every
 * column, values of every storage class, later duplicates winning, a `__proto__` column an own
 * property, through kysely (in and out of a transaction), the direct reads and streaming.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "../../server/node_modules/kysely";
import { openDb, readDirect, type Db } from "../../server/src/db/database";

describe("SQLite rows", () => {
  let dir: string;
  let db: Db;
  let file: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cb-rows-"));
    file = path.join(dir, "t.sqlite");
    db = openDb(`sqlite:${file}`);
    await sql`create table t (id integer primary key, name text, size real, data blob, note text)`.execute(db.kysely);
    await sql`insert into t values (1, 'a', 1.5, x'00ff', null), (2, 'é☃', 2, null, 'n')`.execute(db.kysely);
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** What better-sqlite3 itself answers, on a connection of its own. */
  function reference(text: string, params: unknown[] = []): unknown[] {
    const own = new SQLite(file, { readonly: true });
    try {
      return own.prepare(text).all(...params);
    } finally {
      own.close();
    }
  }

  it("gives the objects better-sqlite3 gives, for every storage class and NULL", async () => {
    const text = "select * from t order by id";
    const rows = (await sql.raw(text).execute(db.kysely)).rows;
    assert.deepEqual(rows, reference(text));
    assert.ok(Buffer.isBuffer((rows[0] as { data: unknown }).data));
    assert.deepEqual(readDirect(db.kysely, "select name, id from t where id = ?", [2]), [{ name: "é☃", id: 2 }]);
  });

  it("lets a later column of the same name win, and keeps a __proto__ column an own property", async () => {
    const dup = "select id as x, name as x from t where id = 1";
    assert.deepEqual((await sql.raw(dup).execute(db.kysely)).rows, reference(dup));
    const proto = (await sql.raw(`select 'p' as "__proto__", 1 as "constructor"`).execute(db.kysely)).rows[0] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ["__proto__", "constructor"]);
    assert.equal(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value, "p");
  });

  it("reads inside a transaction, answers RETURNING rows, and streams", async () => {
    await db.kysely.transaction().execute(async (trx) => {
      const inserted = (await sql.raw("insert into t (id, name) values (3, 'c') returning id, name").execute(trx)).rows;
      assert.deepEqual(inserted, [{ id: 3, name: "c" }]);
      assert.equal(readDirect(trx, "select 1", []), undefined, "no direct read within a transaction");
      const seen = (await sql.raw("select id from t order by id").execute(trx)).rows;
      assert.deepEqual(seen, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    });
    const streamed: unknown[] = [];
    for await (const r of db.kysely.selectFrom("t" as never).select("id" as never).orderBy("id" as never).stream()) streamed.push(r);
    assert.deepEqual(streamed, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    const del = await sql.raw("delete from t where id = 3").execute(db.kysely);
    assert.equal(del.numAffectedRows, 1n);
  });
});
