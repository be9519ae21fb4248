/**
 * Quota usage stays what the rows hold: a snapshot deleted on its own while a cascade delete of its
 * volume takes it too gives its quota back once (whichever removes the row gives it back), also
 * when a restart resumes both deletes; a snapshot whose volume is transferred while it is being
 * deleted gives its quota back to the project that holds it then; a forced delete or status reset
 * that cuts an extend short gives back the extra gigabytes; and a start recounts usage that was
 * corrupted in the database.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { DIALECTS, startServer, type Dialect, type TestServer } from "../helpers/server";
import { holdManagerLocks } from "../helpers/gate";
import { ADMIN } from "../helpers/state";
import { waitFor, waitGone, waitStatus } from "../helpers/wait";
import { recountUsage } from "../../server/src/quota/recount";
import { createLogger } from "../../server/src/log";

const COUNTED = /^(volumes|snapshots|gigabytes)(_.+)?$/;

/** What the project's rows hold, per resource (per-type forms included), straight from the database. */
async function heldByRows(s: TestServer, project: string): Promise<Record<string, number>> {
  const db = s.app.services.db.kysely;
  const types = new Map((await db.selectFrom("volume_types").select(["id", "name"]).execute()).map((t) => [t.id, t.name]));
  const out: Record<string, number> = {};
  const add = (r: string, n: number) => (out[r] = (out[r] ?? 0) + n);
  for (const v of await db.selectFrom("volumes").selectAll().where("project_id", "=", project).execute()) {
    const t = types.get(v.volume_type_id ?? "");
    for (const sfx of t ? ["", `_${t}`] : [""]) {
      add(`volumes${sfx}`, 1);
      add(`gigabytes${sfx}`, v.size);
    }
  }
  for (const sn of await db.selectFrom("snapshots").selectAll().where("project_id", "=", project).execute()) {
    const t = types.get(sn.volume_type_id ?? "");
    for (const sfx of t ? ["", `_${t}`] : [""]) {
      add(`snapshots${sfx}`, 1);
      add(`gigabytes${sfx}`, sn.volume_size);
    }
  }
  return out;
}

/** The project's recorded usage of the counted resources (zeros left out). */
async function recorded(s: TestServer, project: string): Promise<Record<string, number>> {
  const rows = await s.app.services.db.kysely.selectFrom("quota_usages").selectAll().where("project_id", "=", project).execute();
  const out: Record<string, number> = {};
  for (const r of rows) if (COUNTED.test(r.resource) && Number(r.in_use) !== 0) out[r.resource] = Number(r.in_use);
  return out;
}

async function assertUsageMatchesRows(s: TestServer, project: string, what: string): Promise<void> {
  const want = await heldByRows(s, project);
  assert.deepEqual(await recorded(s, project), want, `${what}: quota_usages against the rows`);
  // And as the API reports it.
  const q = (await s.client.as(ADMIN).get(`/v3/admin/os-quota-sets/${project}?usage=true`)).body.quota_set;
  assert.equal(q.gigabytes.in_use, want.gigabytes ?? 0, `${what}: gigabytes in_use`);
  assert.equal(q.snapshots.in_use, want.snapshots ?? 0, `${what}: snapshots in_use`);
}

async function newVolume(c: Client, project: string, size: number): Promise<string> {
  const r = await c.post(`/v3/${project}/volumes`, { volume: { size } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitStatus(c, "volumes", project, r.body.volume.id, "available");
  return r.body.volume.id;
}

async function newSnapshot(c: Client, project: string, volumeId: string): Promise<string> {
  const r = await c.post(`/v3/${project}/snapshots`, { snapshot: { volume_id: volumeId } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitStatus(c, "snapshots", project, r.body.snapshot.id, "available");
  return r.body.snapshot.id;
}

/** Calls to the first manager's lock, by key list, as they are made (before they are granted). */
function watchLocks(s: TestServer): string[][] {
  const locks = s.app.managers[0].locks;
  const original = locks.with.bind(locks);
  const asked: string[][] = [];
  locks.with = (keys, fn) => {
    asked.push([...keys]);
    return original(keys, fn);
  };
  return asked;
}

for (const dialect of DIALECTS) {
  describe(`quota races (${dialect})`, function () {
    this.timeout(300_000);
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => s?.destroy());

    it("a snapshot deleted while a cascade delete of its volume takes it gives its quota back once", async () => {
      const project = "qr1";
      const c = s.client.as(`u:${project}`);
      // A volume that stays: usage never reaches zero, so giving back twice cannot hide behind the floor.
      await newVolume(c, project, 40);
      const v = await newVolume(c, project, 2);
      const sn = await newSnapshot(c, project, v);
      const asked = watchLocks(s);
      const held = await holdManagerLocks(s, [sn]);
      try {
        assert.equal((await c.delete(`/v3/${project}/snapshots/${sn}`)).status, 202);
        assert.equal((await c.delete(`/v3/${project}/volumes/${v}?cascade=true`)).status, 202);
        // Both deletes are queued on the snapshot: its own delete first, then the cascade, which
        // listed the snapshot before it asked.
        await waitFor(async () => (asked.filter((k) => k.length === 1 && k[0] === sn).length >= 2 ? true : undefined), "both deletes to wait on the snapshot");
      } finally {
        await held.release();
      }
      await waitGone(c, "volumes", project, v);
      await assertUsageMatchesRows(s, project, "after the race");
      assert.deepEqual(await recorded(s, project), { volumes: 1, gigabytes: 40, volumes___DEFAULT__: 1, gigabytes___DEFAULT__: 40 });
    });

    it("a snapshot whose volume is transferred while it is being deleted gives its quota back to the project that holds it then", async () => {
      const donor = "qr-donor";
      const receiver = "qr-receiver";
      const d = s.client.as(`u:${donor}`);
      const r = s.client.as(`u2:${receiver}`);
      // Volumes that stay, so that a wrong give-back cannot hide behind the floor at zero.
      await newVolume(d, donor, 30);
      await newVolume(r, receiver, 20);
      const v = await newVolume(d, donor, 2);
      const sn = await newSnapshot(d, donor, v);
      const offer = await d.post(`/v3/${donor}/volume-transfers`, { transfer: { volume_id: v, name: "race" } });
      assert.equal(offer.status, 202, JSON.stringify(offer.body));
      // The driver's delete waits, as slow storage would: the manager has read the snapshot (its
      // project the donor) and removes the row only after the transfer moved it.
      const driver = s.app.managers[0].driver;
      const original = driver.deleteSnapshot.bind(driver);
      let letGo!: () => void;
      const gate = new Promise<void>((resolve) => (letGo = resolve));
      let reached!: () => void;
      const inDriver = new Promise<void>((resolve) => (reached = resolve));
      driver.deleteSnapshot = async (ref) => {
        reached();
        await gate;
        return original(ref);
      };
      try {
        assert.equal((await d.delete(`/v3/${donor}/snapshots/${sn}`)).status, 202);
        await inDriver;
        const accepted = await r.post(`/v3/${receiver}/volume-transfers/${offer.body.transfer.id}/accept`, {
          accept: { auth_key: offer.body.transfer.auth_key },
        });
        assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      } finally {
        letGo();
        driver.deleteSnapshot = original;
      }
      await waitGone(r, "snapshots", receiver, sn);
      await assertUsageMatchesRows(s, donor, "the donor after the delete");
      await assertUsageMatchesRows(s, receiver, "the receiver after the delete");
      assert.equal((await recorded(s, receiver)).gigabytes, 22, "the receiver holds its volume and the transferred one");
      assert.equal((await recorded(s, donor)).gigabytes, 30, "the donor holds only the volume it kept");
    });

    it("never gives quota back twice when both deletes race, over many attempts", async () => {
      const project = "qr2";
      const c = s.client.as(`u:${project}`);
      await newVolume(c, project, 40);
      for (let i = 0; i < 12; i++) {
        const v = await newVolume(c, project, 1 + (i % 3));
        const sn = await newSnapshot(c, project, v);
        const [a, b] = await Promise.all([c.delete(`/v3/${project}/snapshots/${sn}`), c.delete(`/v3/${project}/volumes/${v}?cascade=true`)]);
        assert.equal(b.status, 202, `attempt ${i}: the cascade delete: ${JSON.stringify(b.body)}`);
        // The snapshot delete loses only when the cascade took the snapshot first (400), or had
        // already removed it by the time the request looked it up (404).
        assert.ok([202, 400, 404].includes(a.status), `attempt ${i}: the snapshot delete answered ${a.status}`);
        await waitGone(c, "volumes", project, v);
        await assertUsageMatchesRows(s, project, `attempt ${i}`);
      }
      assert.equal((await recorded(s, project)).gigabytes, 40);
    });

    it("a forced delete or a status reset that cuts an extend short gives back the extra gigabytes", async () => {
      const project = "qr3";
      const c = s.client.as(`u:${project}`);
      const admin = s.client.as(ADMIN);
      await newVolume(c, project, 10);
      const forced = await newVolume(c, project, 2);
      const reset = await newVolume(c, project, 3);
      const held = await holdManagerLocks(s, [forced, reset]);
      try {
        for (const id of [forced, reset]) {
          assert.equal((await c.post(`/v3/${project}/volumes/${id}/action`, { "os-extend": { new_size: 9 } })).status, 202);
        }
        assert.equal((await recorded(s, project)).gigabytes, 10 + 9 + 9, "an accepted extend holds its new size");
        assert.equal((await admin.post(`/v3/admin/volumes/${forced}/action`, { "os-force_delete": {} })).status, 202);
        assert.equal((await admin.post(`/v3/admin/volumes/${reset}/action`, { "os-reset_status": { status: "available" } })).status, 202);
      } finally {
        await held.release();
      }
      await waitGone(c, "volumes", project, forced);
      const v = await waitStatus(c, "volumes", project, reset, "available");
      assert.equal(v.size, 3);
      await assertUsageMatchesRows(s, project, "after the extends were cut short");
      assert.equal((await recorded(s, project)).gigabytes, 13);
    });

    it("a recount of consistent usage with an extend in flight changes nothing", async () => {
      const project = "qr4";
      const c = s.client.as(`u:${project}`);
      const v = await newVolume(c, project, 2);
      const held = await holdManagerLocks(s, [v]);
      try {
        assert.equal((await c.post(`/v3/${project}/volumes/${v}/action`, { "os-extend": { new_size: 5 } })).status, 202);
        const before = await recorded(s, project);
        assert.equal(before.gigabytes, 5);
        const corrected = await recountUsage(s.app.services.db, createLogger("silent"));
        assert.ok(!corrected.includes(project), `the recount corrected ${project}`);
        assert.deepEqual(await recorded(s, project), before);
      } finally {
        await held.release();
      }
      await waitStatus(c, "volumes", project, v, "available");
      await assertUsageMatchesRows(s, project, "after the extend");
    });
  });

  describe(`quota recount (${dialect})`, function () {
    this.timeout(60_000);
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => s?.destroy());

    it("corrects only what is wrong, and logs each corrected project at warn level", async () => {
      await newVolume(s.client.as("u:ql1"), "ql1", 3);
      await newVolume(s.client.as("u:ql2"), "ql2", 2);
      const db = s.app.services.db.kysely;
      await db.updateTable("quota_usages").set({ in_use: 1 }).where("project_id", "=", "ql1").where("resource", "=", "gigabytes").execute();
      const lines: any[] = [];
      const log = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
      assert.deepEqual(await recountUsage(s.app.services.db, log), ["ql1"]);
      assert.deepEqual(
        lines.map((l) => [l.level, l.projectId, l.changes]),
        [[40, "ql1", { gigabytes: { was: 1, now: 3 } }]],
      );
      assert.equal((await recorded(s, "ql1")).gigabytes, 3);
      assert.deepEqual(await recountUsage(s.app.services.db, log), [], "a second recount finds nothing");
    });
  });

  describe(`quota recount on start (${dialect})`, function () {
    this.timeout(120_000);
    let s: TestServer | undefined;
    after(async () => s?.destroy());

    async function restart(d: Dialect): Promise<TestServer> {
      const { dataDir, db } = s!;
      await s!.stop();
      s = await startServer(d, {}, { dataDir, db });
      return s;
    }

    it("recounts usage corrupted in the database from the rows", async () => {
      s = await startServer(dialect);
      const c = s.client.as("u:qc1");
      const a = await newVolume(c, "qc1", 4);
      await newSnapshot(c, "qc1", a);
      await newVolume(c, "qc1", 3);
      const other = s.client.as("u:qc2");
      await newVolume(other, "qc2", 1);
      const want1 = await heldByRows(s, "qc1");
      const want2 = await heldByRows(s, "qc2");
      assert.deepEqual(want1, { volumes: 2, volumes___DEFAULT__: 2, gigabytes: 11, gigabytes___DEFAULT__: 11, snapshots: 1, snapshots___DEFAULT__: 1 });

      const db = s.app.services.db.kysely;
      await db.updateTable("quota_usages").set({ in_use: 0 }).where("project_id", "=", "qc1").where("resource", "=", "gigabytes").execute();
      await db.updateTable("quota_usages").set({ in_use: 99 }).where("project_id", "=", "qc1").where("resource", "=", "volumes").execute();
      await db.deleteFrom("quota_usages").where("project_id", "=", "qc1").where("resource", "=", "snapshots___DEFAULT__").execute();
      await db.insertInto("quota_usages").values({ project_id: "qc1", resource: "gigabytes_gone", in_use: 7, reserved: 0 }).execute();
      await db.updateTable("quota_usages").set({ in_use: 5 }).where("project_id", "=", "qc2").where("resource", "=", "gigabytes___DEFAULT__").execute();
      await db.insertInto("quota_usages").values({ project_id: "qc3", resource: "snapshots", in_use: 2, reserved: 0 }).execute();
      assert.notDeepEqual(await recorded(s, "qc1"), want1);

      s = await restart(dialect);
      assert.deepEqual(await recorded(s, "qc1"), want1);
      assert.deepEqual(await recorded(s, "qc2"), want2);
      assert.deepEqual(await recorded(s, "qc3"), {});
      await assertUsageMatchesRows(s, "qc1", "after the restart");
    });

    it("a restart that resumes a cascade delete and its snapshot's own delete gives quota back once", async () => {
      s ??= await startServer(dialect);
      const c = s.client.as("u:qc4");
      await newVolume(c, "qc4", 40);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const v = await newVolume(c, "qc4", 2);
        await newSnapshot(c, "qc4", v);
        ids.push(v);
      }
      // What a kill leaves of a cascade delete accepted just before it: the volume and its snapshot
      // in deleting, nothing done on the backend yet. The restart resumes the volume's delete (which
      // takes the snapshot) and the snapshot's own.
      const db = s.app.services.db.kysely;
      await db.updateTable("volumes").set({ status: "deleting" }).where("id", "in", ids).execute();
      await db.updateTable("snapshots").set({ status: "deleting" }).where("volume_id", "in", ids).execute();
      s = await restart(dialect);
      for (const id of ids) await waitGone(s.client.as("u:qc4"), "volumes", "qc4", id);
      await assertUsageMatchesRows(s, "qc4", "after the resumed deletes");
      assert.equal((await recorded(s, "qc4")).gigabytes, 40);
    });
  });
}
