/** Pagination: following `*_links` next links item by item and page by page. */
import assert from "node:assert/strict";
import nock from "nock";
import { Pager } from "../../sdk/src";
import { nextQuery } from "../../sdk/src/paginate";
import { CINDER, fakeClient, P, useNock } from "./helpers";

const vols = (...ids: string[]) => ids.map((id) => ({ id, status: "available" }));
/** A next link as Cinder writes it — here with an internal host, which the SDK must not follow. */
const next = (path: string, query: string) => [{ rel: "next", href: `http://internal-host:8776${P}/${path}?${query}` }];

describe("sdk: pagination", () => {
  useNock();

  it("for await follows next links with the link's query, keeping the caller's filters", async () => {
    const c = await fakeClient();
    nock(CINDER)
      .get(`${P}/volumes/detail`)
      .query({ status: "available", limit: "2" })
      .reply(200, { volumes: vols("a", "b"), volumes_links: next("volumes/detail", "status=available&limit=2&marker=b") })
      .get(`${P}/volumes/detail`)
      .query({ status: "available", limit: "2", marker: "b" })
      .reply(200, { volumes: vols("c", "d"), volumes_links: next("volumes/detail", "status=available&limit=2&marker=d") })
      .get(`${P}/volumes/detail`)
      .query({ status: "available", limit: "2", marker: "d" })
      .reply(200, { volumes: vols("e") });
    const ids: string[] = [];
    for await (const v of c.volumes.list({ status: "available", limit: 2 })) ids.push(v.id);
    assert.deepEqual(ids, ["a", "b", "c", "d", "e"]);
  });

  it("page by page, with the marker to resume from and the count", async () => {
    const c = await fakeClient();
    nock(CINDER)
      .get(`${P}/snapshots/detail`)
      .query({ limit: "1", with_count: "true" })
      .reply(200, { snapshots: vols("s1"), count: 2, snapshots_links: next("snapshots/detail", "limit=1&with_count=true&marker=s1") })
      .get(`${P}/snapshots/detail`)
      .query({ limit: "1", with_count: "true", marker: "s1" })
      .reply(200, { snapshots: vols("s2"), count: 2 });
    const pages = [];
    for await (const page of c.snapshots.list({ limit: 1, with_count: true }).pages()) pages.push(page);
    assert.deepEqual(
      pages.map((p) => [p.items.map((i) => i.id), p.marker, p.count]),
      [
        [["s1"], "s1", 2],
        [["s2"], undefined, 2],
      ],
    );
  });

  it("a full last page links to an empty one, as Cinder: pages() ends without yielding it; an empty first page is yielded", async () => {
    const c = await fakeClient();
    nock(CINDER)
      .get(`${P}/volumes/detail`)
      .query({ limit: "2" })
      .reply(200, { volumes: vols("a", "b"), volumes_links: next("volumes/detail", "limit=2&marker=b") })
      .get(`${P}/volumes/detail`)
      .query({ limit: "2", marker: "b" })
      .reply(200, { volumes: [] })
      .get(`${P}/volumes/detail`)
      .query({ limit: "2", status: "error" })
      .reply(200, { volumes: [] });
    const pages = [];
    for await (const page of c.volumes.list({ limit: 2 }).pages()) pages.push(page.items.map((v) => v.id));
    assert.deepEqual(pages, [["a", "b"]]);
    const empty = [];
    for await (const page of c.volumes.list({ limit: 2, status: "error" }).pages()) empty.push(page.items.length);
    assert.deepEqual(empty, [0]);
  });

  it("firstPage() fetches one page; all() collects every item; nothing is fetched until iterated", async () => {
    const c = await fakeClient();
    const lazy = c.volumes.list();
    nock(CINDER)
      .get(`${P}/volumes`)
      .query({ limit: "1" })
      .reply(200, { volumes: vols("a"), volumes_links: next("volumes", "limit=1&marker=a") });
    const first = await c.volumes.listBrief({ limit: 1 }).firstPage();
    assert.equal(first.marker, "a");
    nock(CINDER)
      .get(`${P}/volumes/detail`)
      .reply(200, { volumes: vols("a", "b"), volumes_links: next("volumes/detail", "marker=b") })
      .get(`${P}/volumes/detail`)
      .query({ marker: "b" })
      .reply(200, { volumes: [] });
    assert.deepEqual((await lazy.all()).map((v) => v.id), ["a", "b"]);
  });

  it("types and QoS specs paginate on their own links keys", async () => {
    const c = await fakeClient();
    nock(CINDER)
      .get(`${P}/types`)
      .reply(200, { volume_types: [{ id: "t1" }], volume_type_links: next("types", "marker=t1") })
      .get(`${P}/types`)
      .query({ marker: "t1" })
      .reply(200, { volume_types: [{ id: "t2" }] })
      .get(`${P}/qos-specs`)
      .reply(200, { qos_specs: [{ id: "q1" }], qos_specs_links: next("qos-specs", "marker=q1") })
      .get(`${P}/qos-specs`)
      .query({ marker: "q1" })
      .reply(200, { qos_specs: [{ id: "q2" }] });
    assert.deepEqual((await c.volumeTypes.list().all()).map((t) => t.id), ["t1", "t2"]);
    assert.deepEqual((await c.qosSpecs.list().all()).map((q) => q.id), ["q1", "q2"]);
  });

  it("stops on a next link that repeats (a server bug) instead of looping", async () => {
    let calls = 0;
    const pager = new Pager<number>(async () => {
      calls++;
      return { items: [calls], links: [{ rel: "next", href: "http://h/x?marker=same" }] };
    });
    assert.deepEqual(await pager.all(), [1, 2]);
  });

  it("nextQuery reads the next link only", () => {
    assert.deepEqual(nextQuery([{ rel: "self", href: "http://h/a?x=1" }, { rel: "next", href: "http://h/a?limit=5&marker=m" }]), { limit: "5", marker: "m" });
    assert.equal(nextQuery([{ rel: "self", href: "http://h/a" }]), undefined);
    assert.equal(nextQuery(undefined), undefined);
  });
});
