/**
 * Retypes that cross (type a to b beside b to a) on PostgreSQL, from many requests at once: each
 * moves the per-type usage of its project from one type to the other, and two that did so in
 * opposite orders deadlocked on the usage rows (a 500). The rows of the two types are now changed
 * in the order of the types' names: every one is answered 202, and the usage follows the rows.
 * Retypes beside creates and snapshots of both types closed a cycle of three (a retype's rows of
 * one type before the other's counts, a snapshot's total gigabytes before its type's); every
 * change to usage rows now takes them in one order, and a transaction PostgreSQL still ends for
 * a deadlock runs again.
 */
import assert from "node:assert/strict";
import { createVolume, volumeAction } from "../helpers/lifecycle";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { ADMIN } from "../helpers/state";
import { waitFor } from "../helpers/wait";

describe("crossing retypes on PostgreSQL", function () {
  this.timeout(120_000);
  let s: TestServer;
  before(async function () {
    // Without a PostgreSQL the helper has said so already (DIALECTS).
    if (!DIALECTS.includes("postgres")) return this.skip();
    s = await startServer("postgres");
    for (const name of ["lock-a", "lock-b"]) assert.equal((await s.client.as(ADMIN).post("/v3/admin/types", { volume_type: { name } })).status, 200);
  });
  after(() => s?.destroy());

  it("answers every one 202 and keeps each type's usage equal to its volumes", async () => {
    const vols: Array<{ id: string }> = [];
    for (let i = 0; i < 16; i++) vols.push(await createVolume(s.client, "p1", { size: 1, volume_type: i % 2 ? "lock-b" : "lock-a" }));
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        vols.map((v, i) => volumeAction(s.client, "p1", v.id, "os-retype", { new_type: (i + round) % 2 ? "lock-a" : "lock-b", migration_policy: "never" })),
      );
      assert.deepEqual([...new Set(answers.map((r) => r.status))], [202], JSON.stringify(answers.find((r) => r.status !== 202)?.body));
      await waitFor(async () => {
        const all = (await s.client.get("/v3/p1/volumes/detail")).body.volumes;
        return all.every((v: { status: string }) => v.status === "available") ? true : undefined;
      }, "the retypes to finish");
    }
    const all = (await s.client.get("/v3/p1/volumes/detail")).body.volumes as Array<{ volume_type: string }>;
    const q = (await s.client.as(ADMIN).get("/v3/admin/os-quota-sets/p1?usage=true")).body.quota_set;
    for (const t of ["lock-a", "lock-b"]) assert.equal(q[`volumes_${t}`].in_use, all.filter((v) => v.volume_type === t).length, t);
  });

  it("answers retypes beside creates and snapshots of both types with no server error", async () => {
    const c = s.client.as("member:p2");
    const vols: Array<{ id: string }> = [];
    for (let i = 0; i < 12; i++) vols.push(await createVolume(c, "p2", { size: 1, volume_type: i % 2 ? "lock-b" : "lock-a" }));
    await waitFor(async () => ((await c.get("/v3/p2/volumes/detail")).body.volumes.every((v: { status: string }) => v.status === "available") ? true : undefined), "the volumes");
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([
        ...vols.map((v, i) =>
          i % 3 === 0
            ? c.post("/v3/p2/snapshots", { snapshot: { volume_id: v.id, force: true } })
            : volumeAction(c, "p2", v.id, "os-retype", { new_type: (i + round) % 2 ? "lock-a" : "lock-b", migration_policy: "never" }),
        ),
        ...[0, 1, 2, 3].map((i) => c.post("/v3/p2/volumes", { volume: { size: 1, volume_type: i % 2 ? "lock-a" : "lock-b" } })),
      ]);
      const bad = answers.find((r) => r.status >= 500);
      assert.equal(bad, undefined, JSON.stringify(bad?.body));
      await waitFor(async () => {
        const all = [...(await c.get("/v3/p2/volumes/detail")).body.volumes, ...(await c.get("/v3/p2/snapshots/detail")).body.snapshots];
        return all.every((v: { status: string }) => v.status === "available") ? true : undefined;
      }, "the operations to finish");
    }
    const all = (await c.get("/v3/p2/volumes/detail")).body.volumes as Array<{ volume_type: string }>;
    const q = (await s.client.as(ADMIN).get("/v3/admin/os-quota-sets/p2?usage=true")).body.quota_set;
    for (const t of ["lock-a", "lock-b"]) assert.equal(q[`volumes_${t}`].in_use, all.filter((v) => v.volume_type === t).length, t);
  });
});
