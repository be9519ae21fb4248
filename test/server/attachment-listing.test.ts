/**
 * Listing attachments (cinder/api/v3/attachments.py `_items`): keyset pages by `limit` and
 * `marker` with `attachments_links` followed to the end, `offset`, sorting by any attachment
 * column (several keys, `sort` or the older `sort_key`/`sort_dir`), the filters of
 * resource_filters.json (volume_id, status, instance_id, attach_status; unknown ones dropped
 * before 3.31 and refused after), an admin's column filters and `all_tenants`.
 */
import assert from "node:assert/strict";
import type { Client, Response } from "../helpers/client";
import { assertFault, createVolume } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";

const A = "0a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e";
const B = "5f5f5f5f-6a6a-4b7b-9c8c-9d9d9d9d9d9d";
const C = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

interface Seed {
  instance: string | null;
  /** Connect (attaching) and complete (attached); otherwise only reserved. */
  complete: boolean;
  host?: string;
}

// Created in this order, one volume each (so created_at ascending follows it).
const SEEDS: Seed[] = [
  { instance: A, complete: true, host: "compute-1" },
  { instance: B, complete: false },
  { instance: null, complete: true, host: "compute-2" },
  { instance: C, complete: true, host: "compute-1" },
  { instance: A, complete: false },
  { instance: B, complete: true, host: "compute-3" },
  { instance: null, complete: false },
];

interface Row {
  id: string;
  volume_id: string;
  instance_uuid: string | null;
  attach_status: string;
  created_at: string;
}

forEachDialect("attachment listing", (fx) => {
  /** p1's attachments as stored, in creation order. */
  let rows: Row[] = [];
  let theirs: string;
  before(async () => {
    for (const seed of SEEDS) {
      const v = await createVolume(fx.c, "p1");
      const body: Record<string, unknown> = { volume_uuid: v.id };
      if (seed.instance) body.instance_uuid = seed.instance;
      if (seed.host) body.connector = { initiator: `iqn.2004-10.org.example:${seed.host}`, host: seed.host };
      const r = await fx.c.post("/v3/p1/attachments", { attachment: body });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      if (seed.complete) assert.equal((await fx.c.post(`/v3/p1/attachments/${r.body.attachment.id}/action`, { "os-complete": null })).status, 204);
    }
    const other = await createVolume(fx.c.as("bob:p2"), "p2");
    theirs = (await fx.c.as("bob:p2").post("/v3/p2/attachments", { attachment: { volume_uuid: other.id, instance_uuid: A } })).body.attachment.id;
    const stored = await fx.s.app.services.db.kysely
      .selectFrom("volume_attachment")
      .select(["id", "volume_id", "instance_uuid", "attach_status", "created_at"])
      .where("id", "<>", theirs)
      .orderBy("created_at")
      .execute();
    rows = stored as Row[];
    assert.equal(rows.length, SEEDS.length);
  });

  /** GET a list and follow its next links to the end; returns each page's ids. */
  async function pages(path: string, cl: Client = fx.c, version?: string): Promise<string[][]> {
    const out: string[][] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const r: Response = await cl.get(next, version ? { version } : {});
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const ids = r.body.attachments.map((a: any) => a.id);
      out.push(ids);
      const link = r.body.attachments_links?.find((l: any) => l.rel === "next");
      if (link) {
        const url = new URL(link.href);
        assert.ok(url.pathname === new URL(fx.s.url + path).pathname, `${link.href} continues ${path}`);
        assert.equal(url.searchParams.get("marker"), ids.at(-1), "the marker is the page's last attachment");
        next = url.pathname + url.search;
      } else {
        next = undefined;
      }
      assert.ok(out.length <= 20, "pagination does not end");
    }
    return out;
  }

  /** Rows in Cinder's order for these keys (nulls as '', then id in the last key's direction). */
  function sorted(keys: Array<[keyof Row, "asc" | "desc"]>): string[] {
    const all = [...keys, ["id", keys.at(-1)![1]] as [keyof Row, "asc" | "desc"]];
    return [...rows]
      .sort((x, y) => {
        for (const [k, dir] of all) {
          const a = x[k] ?? "";
          const b = y[k] ?? "";
          if (a !== b) return (a < b ? -1 : 1) * (dir === "asc" ? 1 : -1);
        }
        return 0;
      })
      .map((r) => r.id);
  }

  it("pages by limit and marker across the whole list, newest first, with next links", async () => {
    const all = sorted([["created_at", "desc"]]);
    const got = await pages("/v3/p1/attachments?limit=2");
    assert.deepEqual(got.map((p) => p.length), [2, 2, 2, 1]);
    assert.deepEqual(got.flat(), all);
    const detail = await pages("/v3/p1/attachments/detail?limit=3");
    assert.deepEqual(detail.flat(), all);
    const whole = await fx.c.get("/v3/p1/attachments");
    assert.deepEqual(whole.body.attachments.map((a: any) => a.id), all);
    assert.equal(whole.body.attachments_links, undefined, "no link when everything fits");
    // offset skips within the page's start; a marker continues after that attachment.
    assert.deepEqual((await fx.c.get("/v3/p1/attachments?offset=5")).body.attachments.map((a: any) => a.id), all.slice(5));
    assert.deepEqual((await fx.c.get(`/v3/p1/attachments?marker=${all[2]}&limit=2`)).body.attachments.map((a: any) => a.id), all.slice(3, 5));
  });

  it("sorts by two keys, with sort and with sort_key/sort_dir, and pages in that order", async () => {
    const statusThenInstance = sorted([["attach_status", "asc"], ["instance_uuid", "desc"]]);
    const r = await fx.c.get("/v3/p1/attachments?sort=attach_status:asc,instance_uuid:desc");
    assert.deepEqual(r.body.attachments.map((a: any) => a.id), statusThenInstance);
    assert.deepEqual((await pages("/v3/p1/attachments?sort=attach_status:asc,instance_uuid:desc&limit=2")).flat(), statusThenInstance);

    const instanceThenCreated = sorted([["instance_uuid", "asc"], ["created_at", "asc"]]);
    const old = await fx.c.get("/v3/p1/attachments/detail?sort_key=instance_uuid,created_at&sort_dir=asc");
    assert.deepEqual(old.body.attachments.map((a: any) => a.id), instanceThenCreated);
    assert.deepEqual((await pages("/v3/p1/attachments/detail?sort_key=instance_uuid,created_at&sort_dir=asc&limit=3")).flat(), instanceThenCreated);

    const byVolumeDesc = sorted([["volume_id", "desc"]]);
    assert.deepEqual((await pages("/v3/p1/attachments?sort=volume_id&limit=4")).flat(), byVolumeDesc, "desc is the default direction");
  });

  it("answers Cinder's faults for bad sort keys and directions, and for a marker it cannot see", async () => {
    assertFault(await fx.c.get("/v3/p1/attachments?sort=name"), 400, "Invalid input received: Invalid sort key name");
    assertFault(await fx.c.get("/v3/p1/attachments?sort=created_at:sideways"), 400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'");
    assertFault(
      await fx.c.get("/v3/p1/attachments?sort=id&sort_key=id"),
      400,
      "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
    );
    assertFault(await fx.c.get("/v3/p1/attachments?limit=x"), 400, "limit param must be an integer");
    const unknown = "7b7b7b7b-8c8c-4d9d-8eae-bfbfbfbfbfbf";
    assertFault(await fx.c.get(`/v3/p1/attachments?marker=${unknown}`), 404, `VolumeAttachment ${unknown} could not be found.`);
    assertFault(await fx.c.get(`/v3/p1/attachments?marker=${theirs}`), 404, `VolumeAttachment ${theirs} could not be found.`);
  });

  it("filters by volume_id, instance_id, attach_status and status; drops or refuses other filters", async () => {
    const ids = async (query: string, cl: Client = fx.c, version?: string) =>
      (await cl.get(`/v3/p1/attachments?${query}`, version ? { version } : {})).body.attachments.map((a: any) => a.id).sort();
    const where = (f: (r: Row) => boolean) => rows.filter(f).map((r) => r.id).sort();
    assert.deepEqual(await ids(`volume_id=${rows[3].volume_id}`), [rows[3].id]);
    assert.deepEqual(await ids(`instance_id=${A}`), where((r) => r.instance_uuid === A));
    assert.deepEqual(await ids("attach_status=attached"), where((r) => r.attach_status === "attached"));
    assert.deepEqual(await ids("status=reserved"), where((r) => r.attach_status === "reserved"));
    assert.deepEqual(await ids(`instance_id=${B}&attach_status=attached`), where((r) => r.instance_uuid === B && r.attach_status === "attached"));
    const paged = await pages(`/v3/p1/attachments?attach_status=attached&sort=created_at:asc&limit=2`);
    assert.deepEqual(paged.flat(), rows.filter((r) => r.attach_status === "attached").map((r) => r.id));

    assertFault(await fx.c.get("/v3/p1/attachments?attached_host=compute-1"), 400, "Invalid filters attached_host are found in query options.");
    assertFault(await fx.c.get(`/v3/p1/attachments?instance_uuid=${A}&foo=1`), 400, "Invalid filters instance_uuid,foo are found in query options.");
    assert.deepEqual(await ids("foo=1", fx.c, "3.30"), where(() => true), "dropped before 3.31");
  });

  it("gives admins column filters, all_tenants and project_id", async () => {
    const ids = async (query: string) => (await fx.admin.get(`/v3/p1/attachments?${query}`)).body.attachments.map((a: any) => a.id).sort();
    const compute1 = rows.filter((_, i) => SEEDS[i].host === "compute-1").map((r) => r.id).sort();
    assert.deepEqual(await ids("attached_host=compute-1"), compute1);
    assert.deepEqual(await ids("attached_host~=COMPUTE"), rows.filter((_, i) => SEEDS[i].host).map((r) => r.id).sort());
    assert.deepEqual(await ids("frobnicate=1"), [], "a filter on something attachments do not have matches nothing");

    const own = await ids("");
    assert.ok(!own.includes(theirs));
    const everyone = await ids("all_tenants=0");
    assert.ok(everyone.includes(theirs), "all_tenants counts by its presence");
    assert.equal(everyone.length, rows.length + 1);
    assert.deepEqual(await ids("all_tenants=1&project_id=p2"), [theirs]);
    assert.deepEqual(await ids(`all_tenants=1&instance_id=${A}`), [...rows.filter((r) => r.instance_uuid === A).map((r) => r.id), theirs].sort());
    assert.deepEqual(await ids("project_id=p2"), own, "project_id needs all_tenants");
    const members = (await fx.c.get("/v3/p1/attachments?all_tenants=1")).body.attachments.map((a: any) => a.id);
    assert.ok(!members.includes(theirs), "ignored for a member");
    // Another project's attachment is a marker an admin listing all projects may use.
    const all = (await pages("/v3/p1/attachments?all_tenants=1&limit=3", fx.admin)).flat();
    assert.equal(all.length, rows.length + 1);
    assert.equal((await fx.admin.get(`/v3/p1/attachments?all_tenants=1&marker=${theirs}`)).status, 200);
  });
});
