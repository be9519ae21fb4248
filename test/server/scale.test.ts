/**
 * Scale: with 100k volumes, listing stays a keyset walk over an index. The SQL the server runs for
 * the default sort (created_at desc, id desc), with and without a marker, for a project and for
 * all_tenants, is planned as an index range, never a table scan or a sort of the whole table; and
 * following next links visits every volume once, in order. Speed itself is measured by the
 * benchmarks, never asserted here.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Client, Response } from "../helpers/client";
import { pgPlan, rawQuery, recordQueries, showPgPlan, sqlitePlan, type RecordedQuery } from "../helpers/plans";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { ADMIN } from "../helpers/state";

const TOTAL = 100_000;
const HOST = "testhost@file#file";

interface Row {
  id: string;
  project_id: string;
  created_at: string;
}

/** p1 holds every 5th volume (20k), `tiny` 100, and 40 other projects the rest; created_at ties in threes. */
function projectOf(i: number): string {
  if (i % 5 === 0) return "p1";
  if (i % 1000 === 1) return "tiny";
  return `p${2 + (i % 40)}`;
}

async function insertVolumes(s: TestServer): Promise<Row[]> {
  const db = s.app.services.db.kysely;
  const typeId = (await db.selectFrom("volume_types").select("id").where("name", "=", "__DEFAULT__").executeTakeFirstOrThrow()).id;
  const base = Date.parse("2026-01-01T00:00:00Z");
  const rows = Array.from({ length: TOTAL }, (_, i) => ({
    id: randomUUID(),
    project_id: projectOf(i),
    user_id: "loader",
    host: HOST,
    availability_zone: "nova",
    display_name: `v${i}`,
    size: 1,
    status: "available" as const,
    attach_status: "detached" as const,
    bootable: 0,
    multiattach: 0,
    volume_type_id: typeId,
    consumes_quota: 0,
    created_at: new Date(base + Math.floor(i / 3) * 1000).toISOString().slice(0, 23) + "000",
  }));
  // 12 columns a row: 2000 rows stay under SQLite's 32766 bound parameters per statement.
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 2000) await trx.insertInto("volumes").values(rows.slice(i, i + 2000)).execute();
  });
  return rows;
}

/** Ids in the API's default order: created_at desc, then id desc. */
function defaultOrder(rows: Row[]): string[] {
  return [...rows]
    .sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.created_at < b.created_at ? 1 : -1))
    .map((r) => r.id);
}

/** Follow `volumes_links` next links from `path`; every id in the order the pages gave them. */
async function walk(s: TestServer, c: Client, path: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let next: string | undefined = path;
  while (next) {
    const r: Response = await c.get(next);
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    pages++;
    ids.push(...r.body.volumes.map((v: { id: string }) => v.id));
    const link = (r.body.volumes_links ?? []).find((l: { rel: string }) => l.rel === "next");
    if (link) {
      const u = new URL(link.href);
      assert.equal(u.origin, s.url);
      next = u.pathname + u.search;
    } else {
      next = undefined;
    }
  }
  return { ids, pages };
}

const PAGE_QUERY = /order by "created_at" desc, "id" desc/;

async function assertSqlitePlans(s: TestServer, queries: RecordedQuery[], withMarker: boolean): Promise<void> {
  for (const q of queries) {
    const plan = await sqlitePlan(s, q);
    const show = `${q.sql}\n  ${plan.join("\n  ")}`;
    for (const line of plan) {
      assert.doesNotMatch(line, /^SCAN volumes$/, `a full table scan:\n${show}`);
      assert.doesNotMatch(line, /TEMP B-TREE/, `a sort outside the index:\n${show}`);
      if (/\bvolumes\b/.test(line)) assert.match(line, /^(SEARCH|SCAN) volumes USING (COVERING )?INDEX /, show);
    }
    if (PAGE_QUERY.test(q.sql) && withMarker) {
      assert.ok(plan.some((l) => /^SEARCH volumes USING (COVERING )?INDEX \S+ \(.*\(created_at,id\)<\(\?,\?\)\)$/.test(l)), `the marker is not an index range:\n${show}`);
    }
  }
}

async function assertPgPlans(s: TestServer, queries: RecordedQuery[], withMarker: boolean, rangeExpected: boolean): Promise<void> {
  for (const q of queries) {
    const nodes = await pgPlan(s, q);
    const show = `${q.sql}\n  ${showPgPlan(nodes)}`;
    const scans = nodes.filter((n) => n["Relation Name"] === "volumes");
    assert.ok(scans.length > 0, show);
    for (const n of scans) assert.match(n["Node Type"], /^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/, `not an index scan:\n${show}`);
    // A sort is only acceptable over one small project's rows, never over the table.
    for (const n of nodes.filter((x) => x["Node Type"] === "Sort")) assert.ok(n["Plan Rows"] < TOTAL / 100, `a sort of ${n["Plan Rows"]} rows:\n${show}`);
    if (PAGE_QUERY.test(q.sql) && withMarker && rangeExpected) {
      assert.ok(
        scans.some((n) => /^Index( Only)? Scan/.test(n["Node Type"]) && /created_at/.test(n["Index Cond"] ?? "")),
        `the marker is not an index range:\n${show}`,
      );
    }
  }
}

for (const dialect of DIALECTS) {
  describe(`scale (${dialect})`, function () {
    this.timeout(120_000);
    let s: TestServer;
    let rows: Row[];

    before(async function () {
      this.timeout(120_000);
      s = await startServer(dialect);
      rows = await insertVolumes(s);
      // PostgreSQL plans from statistics; autovacuum would gather them soon after a bulk load.
      if (dialect === "postgres") await rawQuery(s, "ANALYZE volumes");
    });
    after(async () => s?.destroy());

    it(`${TOTAL} volumes: the list queries for a project and for all_tenants, with and without a marker, are index ranges`, async () => {
      const lists: Array<{ who: Client; path: string; project: string; range: boolean }> = [
        { who: s.client, path: "/v3/p1/volumes/detail", project: "p1", range: true },
        { who: s.client.as("alice:tiny"), path: "/v3/tiny/volumes?limit=40", project: "tiny", range: false },
        { who: s.client.as(ADMIN), path: "/v3/admin/volumes/detail?all_tenants=1", project: "all", range: true },
      ];
      const checkAll = async () => {
        for (const l of lists) {
          let firstPage: any;
          const plain = await recordQueries(s, async () => (firstPage = await l.who.get(l.path)));
          assert.equal(firstPage.status, 200);
          const next = firstPage.body.volumes_links?.[0]?.href as string;
          assert.ok(next, `${l.path} has a next page`);
          const u = new URL(next);
          const marked = await recordQueries(s, async () => assert.equal((await l.who.get(u.pathname + u.search)).status, 200));
          for (const [queries, withMarker] of [[plain, false], [marked, true]] as const) {
            const onVolumes = queries.filter((q) => /from "volumes"/.test(q.sql));
            assert.equal(onVolumes.filter((q) => PAGE_QUERY.test(q.sql)).length, 1, `one page query for ${l.path} (marker: ${withMarker})`);
            if (withMarker) assert.ok(onVolumes.some((q) => /"id" = /.test(q.sql)), "the marker row is looked up");
            if (dialect === "sqlite") await assertSqlitePlans(s, onVolumes, withMarker);
            else await assertPgPlans(s, onVolumes, withMarker, l.range);
          }
        }
      };
      await checkAll();
      if (dialect === "sqlite") {
        // And once more with statistics, which may change SQLite's choices.
        await rawQuery(s, "ANALYZE");
        await checkAll();
      }
    });

    it("following next links (limit=1000) through one project's 20k volumes visits each once, in order", async () => {
      const expected = defaultOrder(rows.filter((r) => r.project_id === "p1"));
      assert.equal(expected.length, 20_000);
      const { ids, pages } = await walk(s, s.client, "/v3/p1/volumes/detail?limit=1000");
      // Twenty full pages, then the empty page after the last full one (Cinder links every full page).
      assert.equal(pages, 21);
      assert.equal(new Set(ids).size, ids.length, "an id came twice");
      assert.deepEqual(ids, expected);
    });

    it(`following next links (limit=1000) through all ${TOTAL} volumes as an admin visits each once, in order`, async () => {
      const { ids, pages } = await walk(s, s.client.as(ADMIN), "/v3/admin/volumes?all_tenants=1&limit=1000");
      assert.equal(pages, TOTAL / 1000 + 1);
      assert.equal(new Set(ids).size, TOTAL, "an id came twice or went missing");
      assert.deepEqual(ids, defaultOrder(rows));
    });
  });
}
