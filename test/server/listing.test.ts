/**
 * Listing volumes and snapshots: pagination by limit and marker with next links followed to the
 * end, sort keys and directions (and the older sort_key/sort_dir), with_count (3.45), the filters
 * name, status, metadata, bootable, availability_zone and name~ (3.34), and the volume summary
 * (3.12, metadata from 3.36). Two backends in two availability zones give the zone filter
 * something to tell apart.
 */
import assert from "node:assert/strict";
import type { Client, Response } from "../helpers/client";
import { assertFault, createSnapshot, createVolume, volumeAction } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";

interface Seed {
  name: string | null;
  size: number;
  az?: string;
  metadata?: Record<string, string>;
}

// Created in this order (so created_at ascending follows it).
const SEEDS: Seed[] = [
  { name: "alpha", size: 1, metadata: { tier: "gold" } },
  { name: "bRavo", size: 2, metadata: { tier: "silver" } },
  { name: "charlie", size: 1 }, // made bootable
  { name: "delta-ALPHA", size: 2, az: "zone-b", metadata: { tier: "gold", env: "prod" } },
  { name: "echo", size: 1, az: "zone-b" },
  { name: null, size: 1 },
  { name: "foxtrot", size: 2 }, // reset to error
];

forEachDialect("listing", {
  backends: [
    { name: "file", driver: "file", options: {} },
    { name: "file2", driver: "file", availabilityZone: "zone-b", options: {} },
  ],
}, (fx) => {
  /** Volume ids in creation order, parallel to SEEDS. */
  const ids: string[] = [];
  const byName = (name: string | null) => ids[SEEDS.findIndex((x) => x.name === name)];
  before(async () => {
    for (const seed of SEEDS) {
      const body: Record<string, unknown> = { size: seed.size, name: seed.name };
      if (seed.az) body.availability_zone = seed.az;
      if (seed.metadata) body.metadata = seed.metadata;
      ids.push((await createVolume(fx.c, "p1", body)).id);
    }
    assert.equal((await volumeAction(fx.c, "p1", byName("charlie"), "os-set_bootable", { bootable: true })).status, 200);
    const admin = fx.c.as("admin:p1");
    assert.equal((await volumeAction(admin, "p1", byName("foxtrot"), "os-reset_status", { status: "error" })).status, 202);
    // Another project's volume, which no p1 listing may show.
    await createVolume(fx.c.as("bob:p2"), "p2", { size: 1, name: "alpha" });
  });

  /** GET a list and follow its next links to the end; returns the pages' items (and bodies). */
  async function pages(path: string, key: "volumes" | "snapshots", version?: string, bodies: any[] = []): Promise<any[][]> {
    const out: any[][] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const r: Response = await fx.c.get(next, version ? { version } : {});
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const items = r.body[key];
      out.push(items);
      bodies.push(r.body);
      const link = r.body[`${key}_links`]?.find((l: any) => l.rel === "next");
      if (link) {
        assert.ok(link.href.startsWith(`${fx.s.url}/v3/p1/`), link.href);
        const url = new URL(link.href);
        assert.equal(url.searchParams.get("marker"), items.at(-1).id, "the marker is the page's last item");
        next = url.pathname + url.search;
      } else {
        next = undefined;
      }
      assert.ok(out.length <= 20, "pagination does not end");
    }
    return out;
  }

  const idsOf = (items: any[]) => items.map((v) => v.id);

  describe("pagination", () => {
    it("lists newest first by default", async () => {
      const r = await fx.c.get("/v3/p1/volumes/detail");
      assert.deepEqual(idsOf(r.body.volumes), [...ids].reverse());
      assert.equal(r.body.volumes_links, undefined, "a short list has no next link");
    });

    it("follows next links from limit/marker to the end, on the summary and the detail list", async () => {
      for (const path of ["/v3/p1/volumes?limit=3", "/v3/p1/volumes/detail?limit=3"]) {
        const got = await pages(path, "volumes");
        assert.deepEqual(
          got.map((p) => p.length),
          [3, 3, 1],
          path,
        );
        assert.deepEqual(idsOf(got.flat()), [...ids].reverse(), path);
      }
    });

    it("gives a next link whenever a page is full, as Cinder: the page after the last full one is empty and has none", async () => {
      // Seven volumes: pages of 7, then an empty one; pages of 1 end with an empty eighth.
      const got = await pages("/v3/p1/volumes?limit=7", "volumes");
      assert.deepEqual(got.map((p) => p.length), [7, 0]);
      const ones = await pages("/v3/p1/volumes?limit=1", "volumes");
      assert.deepEqual(ones.map((p) => p.length), [1, 1, 1, 1, 1, 1, 1, 0]);
      assert.deepEqual(idsOf(ones.flat()), [...ids].reverse());
      // A short page has none; limit=0 is an empty page with none.
      assert.equal((await fx.c.get("/v3/p1/volumes?limit=8")).body.volumes_links, undefined);
      const zero = await fx.c.get("/v3/p1/volumes?limit=0");
      assert.deepEqual([zero.body.volumes, zero.body.volumes_links], [[], undefined]);
    });

    it("answers 404 to a collection path with a trailing slash (an empty id), as Cinder: never the list", async () => {
      for (const [method, path] of [
        ["GET", "/v3/p1/volumes/"],
        ["GET", "/v3/p1/volumes/detail/"],
        ["GET", "/v3/p1/snapshots/?limit=1"],
        ["PUT", "/v3/p1/volumes/"],
        ["DELETE", "/v3/p1/volumes/"],
      ]) {
        const r = await fx.c.call(method, path, { body: method === "PUT" ? { volume: { name: "x" } } : undefined, noContract: true });
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.deepEqual(r.body, { itemNotFound: { code: 404, message: "The resource could not be found." } });
      }
      assert.equal((await fx.c.get("/v3/")).status, 200, "the version document keeps its slash");
    });

    it("keeps the sort, the filters and with_count in the next links", async () => {
      const bodies: any[] = [];
      const got = await pages("/v3/p1/volumes/detail?limit=2&sort=size:asc,name:asc&with_count=true", "volumes", "3.45", bodies);
      // Names here sort the same in byte order and case-insensitively, so any collation agrees.
      const key = (x: Seed) => `${x.size}/${x.name ?? ""}`;
      const expected = SEEDS.map((seed, i) => ({ key: key(seed), id: ids[i] }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((x) => x.id);
      assert.deepEqual(idsOf(got.flat()), expected);
      assert.deepEqual(
        got.map((p) => p.length),
        [2, 2, 2, 1],
      );
      assert.deepEqual(
        bodies.map((b) => b.count),
        [SEEDS.length, SEEDS.length, SEEDS.length, SEEDS.length],
        "every page counts all matches",
      );

      const filtered = await pages("/v3/p1/volumes?limit=1&metadata={'tier':'gold'}", "volumes");
      assert.deepEqual(idsOf(filtered.flat()).sort(), [byName("alpha"), byName("delta-ALPHA")].sort());
      assert.equal(filtered.length, 3, "two full pages of one, then the empty page after the last full one");
    });

    it("starts after a marker", async () => {
      const newestFirst = [...ids].reverse();
      const r = await fx.c.get(`/v3/p1/volumes?marker=${newestFirst[1]}`);
      assert.equal(r.status, 200);
      assert.deepEqual(idsOf(r.body.volumes), newestFirst.slice(2));
      const last = await fx.c.get(`/v3/p1/volumes?marker=${newestFirst.at(-1)}`);
      assert.deepEqual(last.body.volumes, []);
    });

    it("counts every match, whatever the limit, from 3.45 (with_count)", async () => {
      const r = await fx.c.get("/v3/p1/volumes?limit=2&with_count=true", { version: "3.45" });
      assert.equal(r.body.volumes.length, 2);
      assert.equal(r.body.count, SEEDS.length);
      const filtered = await fx.c.get("/v3/p1/volumes/detail?with_count=true&availability_zone=zone-b", { version: "3.45" });
      assert.equal(filtered.body.count, 2);
      const old = await fx.c.get("/v3/p1/volumes?limit=2&with_count=true", { version: "3.44" });
      assert.equal(old.status, 200);
      assert.ok(!("count" in old.body), "no count before 3.45");
    });
  });

  describe("sorting", () => {
    it("sorts by one key in either direction", async () => {
      const named = SEEDS.map((seed, i) => ({ name: seed.name ?? "", id: ids[i] }));
      const asc = (await fx.c.get("/v3/p1/volumes?sort=name:asc")).body.volumes.map((v: any) => v.name ?? "");
      assert.deepEqual(asc, [...asc].sort());
      assert.equal(asc.length, named.length);
      assert.equal(asc[0], "", "the unnamed volume sorts first ascending");
      const desc = (await fx.c.get("/v3/p1/volumes?sort=name:desc")).body.volumes.map((v: any) => v.name ?? "");
      assert.deepEqual(desc, [...asc].reverse());
      const dflt = (await fx.c.get("/v3/p1/volumes?sort=name")).body.volumes.map((v: any) => v.name ?? "");
      assert.deepEqual(dflt, desc, "the direction defaults to desc");
    });

    it("sorts by several keys, and by the older sort_key/sort_dir", async () => {
      const r = await fx.c.get("/v3/p1/volumes/detail?sort=size:desc,created_at:asc");
      const expected = SEEDS.map((seed, i) => ({ size: seed.size, i }))
        .sort((a, b) => b.size - a.size || a.i - b.i)
        .map((x) => ids[x.i]);
      assert.deepEqual(idsOf(r.body.volumes), expected);

      const legacy = await fx.c.get("/v3/p1/volumes/detail?sort_key=created_at&sort_dir=asc");
      assert.deepEqual(idsOf(legacy.body.volumes), ids);
      const sizes = (await fx.c.get("/v3/p1/volumes/detail?sort=size:asc")).body.volumes.map((v: any) => v.size);
      assert.deepEqual(sizes, [...sizes].sort((a: number, b: number) => a - b));
    });
  });

  describe("filters", () => {
    const ids0 = async (query: string, version?: string) => {
      const r = await fx.c.get(`/v3/p1/volumes/detail?${query}`, version ? { version } : {});
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return idsOf(r.body.volumes).sort();
    };

    it("name and status match exactly", async () => {
      assert.deepEqual(await ids0("name=alpha"), [byName("alpha")]);
      assert.deepEqual(await ids0("name=ALPHA"), []);
      assert.deepEqual(await ids0("status=error"), [byName("foxtrot")]);
      assert.equal((await ids0("status=available")).length, SEEDS.length - 1);
    });

    it("metadata matches every pair given", async () => {
      assert.deepEqual(await ids0("metadata={'tier':'gold'}"), [byName("alpha"), byName("delta-ALPHA")].sort());
      assert.deepEqual(await ids0(`metadata=${encodeURIComponent("{'tier': 'gold', 'env': 'prod'}")}`), [byName("delta-ALPHA")]);
      assert.deepEqual(await ids0("metadata={'tier':'bronze'}"), []);
    });

    it("bootable and availability_zone", async () => {
      assert.deepEqual(await ids0("bootable=true"), [byName("charlie")]);
      assert.equal((await ids0("bootable=false")).length, SEEDS.length - 1);
      assert.deepEqual(await ids0("availability_zone=zone-b"), [byName("delta-ALPHA"), byName("echo")].sort());
      assert.equal((await ids0("availability_zone=nova")).length, SEEDS.length - 2);
      const zoneB = (await fx.c.get(`/v3/p1/volumes/${byName("echo")}`, { token: "admin:p1" })).body.volume;
      assert.equal(zoneB["os-vol-host-attr:host"], "testhost@file2#file2", "zone-b volumes live on the zone-b backend");
    });

    it("name~ is a case-insensitive substring match from 3.34", async () => {
      assert.deepEqual(await ids0("name~=alpha", "3.34"), [byName("alpha"), byName("delta-ALPHA")].sort());
      assert.deepEqual(await ids0("name~=RAV", "3.34"), [byName("bRavo")]);
      assertFault(
        await fx.c.get("/v3/p1/volumes/detail?name~=alpha", { version: "3.33" }),
        400,
        "Invalid filters name~ are found in query options.",
      );
      assert.equal((await ids0("name~=alpha", "3.30")).length, SEEDS.length, "before 3.31 unknown filters are dropped");
    });

    it("combines filters", async () => {
      assert.deepEqual(await ids0("availability_zone=zone-b&metadata={'tier':'gold'}"), [byName("delta-ALPHA")]);
      assert.deepEqual(await ids0("status=available&name=foxtrot"), []);
    });
  });

  describe("volume summary", () => {
    it("counts the project's volumes and sizes from 3.12, with their metadata from 3.36", async () => {
      const total = SEEDS.reduce((n, x) => n + x.size, 0);
      const r = await fx.c.get("/v3/p1/volumes/summary", { version: "3.12" });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { "volume-summary": { total_count: SEEDS.length, total_size: total } });

      const m = await fx.c.get("/v3/p1/volumes/summary", { version: "3.36" });
      const summary = m.body["volume-summary"];
      assert.equal(summary.total_count, SEEDS.length);
      assert.equal(summary.total_size, total);
      const metadata = Object.fromEntries(Object.entries(summary.metadata).map(([k, v]) => [k, [...(v as string[])].sort()]));
      assert.deepEqual(metadata, { env: ["prod"], tier: ["gold", "silver"] });

      assertFault(await fx.c.get("/v3/p1/volumes/summary", { version: "3.11" }), 404);
    });

    it("reads all_tenants only: other filters are accepted and ignored, as in Cinder", async () => {
      // cinder/volume/api.py get_volume_summary passes no filters to the database.
      for (const query of ["name=alpha", "availability_zone=zone-b", "metadata={'tier':'gold'}", "unknown=1"]) {
        const r = await fx.c.get(`/v3/p1/volumes/summary?${query}`, { version: "3.36" });
        assert.equal(r.status, 200, `${query}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body["volume-summary"].total_count, SEEDS.length, query);
      }
      assertFault(
        await fx.c.get("/v3/p1/volumes/summary?all_tenants=maybe", { version: "3.12" }),
        400,
        "Value 'maybe' for 'all_tenants' is not a boolean.",
      );
    });

    it("is per project, and across projects for an admin with all_tenants", async () => {
      const bob = await fx.c.as("bob:p2").get("/v3/p2/volumes/summary", { version: "3.12" });
      assert.deepEqual(bob.body, { "volume-summary": { total_count: 1, total_size: 1 } });
      const all = await fx.c.as("admin:adm").get("/v3/adm/volumes/summary?all_tenants=1", { version: "3.12" });
      assert.equal(all.body["volume-summary"].total_count, SEEDS.length + 1);
      const own = await fx.c.as("admin:adm").get("/v3/adm/volumes/summary", { version: "3.12" });
      assert.equal(own.body["volume-summary"].total_count, 0, "without all_tenants an admin sums its own project");
      const member = await fx.c.get("/v3/p1/volumes/summary?all_tenants=1", { version: "3.12" });
      assert.equal(member.body["volume-summary"].total_count, SEEDS.length, "a member's all_tenants changes nothing");
    });
  });

  describe("snapshots", () => {
    it("paginates, sorts by name (3.30), filters and counts snapshots", async () => {
      const names = ["s-c", "s-a", "s-d", "s-b", "s-e"];
      const snaps: string[] = [];
      for (const name of names) {
        snaps.push((await createSnapshot(fx.c, "p1", byName(name < "s-c" ? "alpha" : "charlie"), { name, metadata: { n: name } })).id);
      }
      const newestFirst = await pages("/v3/p1/snapshots?limit=2", "snapshots");
      assert.deepEqual(
        newestFirst.map((p) => p.length),
        [2, 2, 1],
      );
      assert.deepEqual(idsOf(newestFirst.flat()), [...snaps].reverse());

      const byNameAsc = await pages("/v3/p1/snapshots/detail?limit=2&sort=name:asc", "snapshots", "3.30");
      assert.deepEqual(
        byNameAsc.flat().map((x) => x.name),
        [...names].sort(),
      );

      const counted = await fx.c.get("/v3/p1/snapshots?limit=1&with_count=true", { version: "3.45" });
      assert.equal(counted.body.count, names.length);
      assert.equal(counted.body.snapshots.length, 1);

      const ofAlpha = await fx.c.get(`/v3/p1/snapshots?volume_id=${byName("alpha")}`);
      assert.deepEqual(
        ofAlpha.body.snapshots.map((x: any) => x.name).sort(),
        ["s-a", "s-b"],
      );
      const named = await fx.c.get("/v3/p1/snapshots?name=s-d");
      assert.deepEqual(idsOf(named.body.snapshots), [snaps[2]]);
      const meta = await fx.c.get("/v3/p1/snapshots/detail?metadata={'n':'s-e'}");
      assert.deepEqual(idsOf(meta.body.snapshots), [snaps[4]]);
      const like = await fx.c.get("/v3/p1/snapshots?name~=S-", { version: "3.34" });
      assert.equal(like.body.snapshots.length, names.length);
      const none = await fx.c.as("bob:p2").get("/v3/p2/snapshots");
      assert.deepEqual(none.body.snapshots, []);
    });
  });
});
