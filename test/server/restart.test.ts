/**
 * Restart: the server is killed (SIGKILL) while volumes are being created (plain, from a snapshot,
 * cloned), extended, reverted and deleted. After a restart on the same data directory and
 * database nothing stays in a transitional status, every accepted request has taken effect, no
 * file lacks a row and no row lacks its file, and copies hold their source's data. A graceful stop
 * (SIGTERM) exits 0 with nothing left half done.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openDb } from "../../server/src/db/database";
import { Client } from "../helpers/client";
import { DIALECTS, makeDb, startChild, type ChildServer, type Dialect, type TestDb } from "../helpers/server";
import { ADMIN, backendDir, contentHashes, listFiles, snapshotFile, volumeFile, writeAt } from "../helpers/state";
import { waitFor, waitStatus } from "../helpers/wait";

const GIB = 1024 ** 3;
const VOLUME_TRANSITIONAL = ["creating", "deleting", "extending", "reverting"];
const SNAPSHOT_TRANSITIONAL = ["creating", "deleting", "restoring"];
/** Enough data that the copies of a burst are still running when the server is killed. */
const DATA_BYTES = 48 << 20;

interface Outcome {
  what: string;
  /** The volume or snapshot the request was about (for creates: the new id, when the answer came). */
  id?: string;
  status?: number;
  error?: unknown;
  newSize?: number;
}

interface DbView {
  volumes: Array<{ id: string; status: string; size: number }>;
  snapshots: Array<{ id: string; status: string }>;
}

/** Read the rows straight from the database, with no server running. */
async function readDb(url: string): Promise<DbView> {
  const db = openDb(url);
  try {
    const volumes = await db.kysely.selectFrom("volumes").select(["id", "status", "size"]).orderBy("id").execute();
    const snapshots = await db.kysely.selectFrom("snapshots").select(["id", "status"]).orderBy("id").execute();
    return { volumes, snapshots };
  } finally {
    await db.close();
  }
}

function transitional(v: DbView): string[] {
  return [
    ...v.volumes.filter((x) => VOLUME_TRANSITIONAL.includes(x.status)).map((x) => `volume ${x.id} ${x.status}`),
    ...v.snapshots.filter((x) => SNAPSHOT_TRANSITIONAL.includes(x.status)).map((x) => `snapshot ${x.id} ${x.status}`),
  ];
}

async function send(what: string, p: Promise<{ status: number; body: any }>, extra: Partial<Outcome> = {}): Promise<Outcome> {
  try {
    const r = await p;
    return { what, status: r.status, id: extra.id ?? r.body?.volume?.id ?? r.body?.snapshot?.id, ...extra };
  } catch (error) {
    return { what, error, ...extra };
  }
}

async function available(c: Client, kind: "volumes" | "snapshots", body: object): Promise<string> {
  const r = await c.post(`/v3/p1/${kind}`, body);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const id = (r.body.volume ?? r.body.snapshot).id as string;
  await waitStatus(c, kind, "p1", id, "available", 60_000);
  return id;
}

interface World {
  dataDir: string;
  db: TestDb;
  /** 1 GiB with DATA_BYTES of random data; its snapshot `snap` holds the same. */
  src: string;
  snap: string;
  srcHash: string;
  /** Reverted to `rvSnap` during the burst; `rvHash` is the snapshot's content. */
  rv: string;
  rvSnap: string;
  rvHash: string;
}

/** Fill a volume file with random data (a guest writing to its disk). */
async function fill(dataDir: string, id: string): Promise<void> {
  await writeAt(volumeFile(dataDir, id), 0, randomBytes(DATA_BYTES));
  await writeAt(volumeFile(dataDir, id), 900 << 20, Buffer.from(`the end of ${id}`));
}

async function hashOf(file: string): Promise<string> {
  return (await contentHashes([file])).get(file) as string;
}

async function prepare(c: Client, w: World): Promise<void> {
  w.src = await available(c, "volumes", { volume: { size: 1, name: "src" } });
  await fill(w.dataDir, w.src);
  w.srcHash = await hashOf(volumeFile(w.dataDir, w.src));
  w.snap = await available(c, "snapshots", { snapshot: { volume_id: w.src, name: "snap" } });
  w.rv = await available(c, "volumes", { volume: { size: 1, name: "rv" } });
  await fill(w.dataDir, w.rv);
  w.rvSnap = await available(c, "snapshots", { snapshot: { volume_id: w.rv, name: "rv-snap" } });
  w.rvHash = await hashOf(snapshotFile(w.dataDir, w.rvSnap));
  await writeAt(volumeFile(w.dataDir, w.rv), 0, randomBytes(1 << 20)); // diverge from the snapshot
}

/** Creates of every kind, extends, a revert and deletes, all sent at once (not awaited). */
async function burst(c: Client, w: World, tag: string): Promise<Array<Promise<Outcome>>> {
  const doomed: string[] = [];
  for (let i = 0; i < 4; i++) doomed.push(await available(c, "volumes", { volume: { size: 1, name: `${tag}-doomed-${i}` } }));
  const growing: string[] = [];
  for (let i = 0; i < 2; i++) growing.push(await available(c, "volumes", { volume: { size: 1, name: `${tag}-grow-${i}` } }));
  const extraSnap = await available(c, "snapshots", { snapshot: { volume_id: w.src, name: `${tag}-extra` } });
  const shots: Array<Promise<Outcome>> = [];
  for (let i = 0; i < 8; i++) shots.push(send("create", c.post("/v3/p1/volumes", { volume: { size: 1, name: `${tag}-plain-${i}` } })));
  for (let i = 0; i < 6; i++) shots.push(send("fromSnapshot", c.post("/v3/p1/volumes", { volume: { snapshot_id: w.snap, name: `${tag}-from-snap-${i}` } })));
  for (let i = 0; i < 6; i++) shots.push(send("clone", c.post("/v3/p1/volumes", { volume: { source_volid: w.src, name: `${tag}-clone-${i}` } })));
  for (const id of doomed) shots.push(send("delete", c.delete(`/v3/p1/volumes/${id}`), { id }));
  shots.push(send("deleteSnapshot", c.delete(`/v3/p1/snapshots/${extraSnap}`), { id: extraSnap }));
  growing.forEach((id, i) => shots.push(send("extend", c.post(`/v3/p1/volumes/${id}/action`, { "os-extend": { new_size: 2 + i } }), { id, newSize: 2 + i })));
  shots.push(send("revert", c.post(`/v3/p1/volumes/${w.rv}/action`, { revert: { snapshot_id: w.rvSnap } }), { id: w.rv }));
  return shots;
}

/** Resolves once `n` of the promises have settled. */
function settledCount(ps: Array<Promise<unknown>>, n: number): Promise<void> {
  return new Promise((resolve) => {
    let done = 0;
    for (const p of ps) void p.finally(() => ++done === n && resolve());
  });
}

/** Poll the admin's view until nothing is transitional; the final rows. */
async function quiet(c: Client): Promise<{ volumes: any[]; snapshots: any[] }> {
  const admin = c.as(ADMIN);
  let last: string[] = [];
  return waitFor(
    async () => {
      const volumes = (await admin.get("/v3/admin/volumes/detail?all_tenants=1")).body.volumes;
      const snapshots = (await admin.get("/v3/admin/snapshots/detail?all_tenants=1")).body.snapshots;
      last = [
        ...volumes.filter((v: any) => VOLUME_TRANSITIONAL.includes(v.status)).map((v: any) => `${v.id} ${v.status}`),
        ...snapshots.filter((x: any) => SNAPSHOT_TRANSITIONAL.includes(x.status)).map((x: any) => `${x.id} ${x.status}`),
      ];
      return last.length === 0 ? { volumes, snapshots } : undefined;
    },
    `nothing transitional (still: ${last.join(", ")})`,
    60_000,
  );
}

/** Everything the restart promises: statuses, accepted requests, files and rows, copied data. */
async function assertRecovered(c: Client, w: World, outcomes: Outcome[]): Promise<void> {
  const { volumes, snapshots } = await quiet(c);
  const byId = new Map<string, any>(volumes.map((v: any) => [v.id, v]));
  for (const v of volumes) assert.equal(v.status, "available", `volume ${v.id} (${v.name}) is ${v.status}`);
  for (const x of snapshots) assert.equal(x.status, "available", `snapshot ${x.id} (${x.name}) is ${x.status}`);
  for (const o of outcomes) {
    if (o.status === undefined) continue; // no answer before the kill: either outcome is fine
    assert.equal(o.status, 202, `${o.what} answered ${o.status}`);
    if (o.what === "delete") assert.ok(!byId.has(o.id!), `deleted volume ${o.id} is back`);
    else if (o.what === "deleteSnapshot") assert.ok(!snapshots.some((x: any) => x.id === o.id), `deleted snapshot ${o.id} is back`);
    else assert.ok(byId.has(o.id!), `${o.what} ${o.id} was accepted but is gone`);
    if (o.what === "extend") assert.equal(byId.get(o.id!).size, o.newSize);
  }

  // Quota usage counts exactly what exists: no crash lost or doubled a take or a give-back.
  const limits = (await c.get("/v3/p1/limits")).body.limits.absolute;
  assert.deepEqual(
    { volumes: limits.totalVolumesUsed, snapshots: limits.totalSnapshotsUsed, gigabytes: limits.totalGigabytesUsed },
    {
      volumes: volumes.length,
      snapshots: snapshots.length,
      gigabytes: volumes.reduce((n: number, v: any) => n + v.size, 0) + snapshots.reduce((n: number, x: any) => n + x.size, 0),
    },
    "quota usage",
  );

  // Files and rows: one file per row, of the row's size, and nothing else.
  const files = await listFiles(backendDir(w.dataDir));
  const expected = [...volumes.map((v: any) => `volume-${v.id}`), ...snapshots.map((x: any) => `snapshot-${x.id}`)].sort();
  assert.deepEqual(files.map((f) => f.name), expected);
  for (const v of volumes) assert.equal(files.find((f) => f.name === `volume-${v.id}`)!.size, v.size * GIB);

  // Data: copies of src (from its snapshot or cloned) hold src's data; the revert restored rv-snap's.
  const copies = volumes.filter((v: any) => v.snapshot_id === w.snap || v.source_volid === w.src);
  const hashes = await contentHashes([
    volumeFile(w.dataDir, w.src),
    snapshotFile(w.dataDir, w.snap),
    volumeFile(w.dataDir, w.rv),
    ...copies.map((v: any) => volumeFile(w.dataDir, v.id)),
  ]);
  assert.equal(hashes.get(volumeFile(w.dataDir, w.src)), w.srcHash, "src");
  assert.equal(hashes.get(snapshotFile(w.dataDir, w.snap)), w.srcHash, "snap");
  for (const v of copies) assert.equal(hashes.get(volumeFile(w.dataDir, v.id)), w.srcHash, `${v.name} (${v.id})`);
  const reverted = outcomes.find((o) => o.what === "revert");
  if (reverted?.status === 202) assert.equal(hashes.get(volumeFile(w.dataDir, w.rv)), w.rvHash, "rv after its revert");
}

function describeRestart(dialect: Dialect): void {
  describe(`restart (${dialect})`, function () {
    this.timeout(180_000);
    const w = {} as World;
    const children: ChildServer[] = [];
    const start = async () => {
      const child = await startChild({ dataDir: w.dataDir, dbUrl: w.db.url });
      children.push(child);
      return { child, c: new Client(child.url) };
    };
    // If this process ends before `after` runs (mocha --exit on a failed run), take the children along.
    const killAll = () => children.forEach((ch) => ch.child.kill("SIGKILL"));

    before(async () => {
      process.once("exit", killAll);
      w.dataDir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-restart-"));
      w.db = await makeDb(dialect, w.dataDir);
    });
    after(async () => {
      process.off("exit", killAll);
      // ChildServer.kill waits for an exit that a child already dead never sends again.
      for (const ch of children) if (ch.child.exitCode === null && ch.child.signalCode === null) await ch.kill("SIGKILL");
      await w.db?.drop();
      if (w.dataDir) await rm(w.dataDir, { recursive: true, force: true });
    });

    const kills = {
      "once every request is answered": "answered",
      "while half the requests are still unanswered": "half",
    } as const;
    for (const [when, mode] of Object.entries(kills)) {
      it(`SIGKILL ${when}, amid creates, copies, extends, a revert and deletes: a restart finishes everything`, async () => {
        const first = await start();
        if (!w.src) await prepare(first.c, w);
        const shots = await burst(first.c, w, `kill-${mode}`);
        await (mode === "answered" ? Promise.all(shots) : settledCount(shots, Math.floor(shots.length / 2)));
        assert.equal(await first.child.kill("SIGKILL"), null, "killed by the signal, not exited");
        const outcomes = await Promise.all(shots);

        const atKill = await readDb(w.db.url);
        const cutShort = transitional(atKill);
        assert.ok(cutShort.length > 0, "the kill should interrupt work in progress (make DATA_BYTES larger if this fails)");
        const tempFiles = (await listFiles(backendDir(w.dataDir))).filter((f) => f.name.startsWith("."));

        const second = await start();
        await assertRecovered(second.c, w, outcomes);
        assert.ok(!second.child.output().includes('"level":50'), `errors were logged after the restart:\n${second.child.output()}`);
        assert.equal(await second.child.kill("SIGTERM"), 0);
        if (process.env.CINDERBLOCK_TEST_VERBOSE) {
          const unanswered = outcomes.filter((o) => o.status === undefined).length;
          console.log(`      cut short: ${cutShort.length} operations, ${tempFiles.length} partial copies, ${unanswered} unanswered requests`);
        }
      });
    }

    it("SIGTERM during a burst: exits 0 with nothing half done, and a restart finds nothing stuck", async () => {
      const third = await start();
      if (!w.src) await prepare(third.c, w);
      // Every request answered, the driver work behind them still running.
      const outcomes = await Promise.all(await burst(third.c, w, "term"));
      assert.ok(transitional(await readDb(w.db.url)).length > 0, "the stop should find work in progress");
      assert.equal(await third.child.kill("SIGTERM"), 0, third.child.output());
      for (const o of outcomes) assert.equal(o.status, 202, `${o.what} ${o.id}: ${String(o.error ?? o.status)}`);

      // Before any restart: the stop let every accepted operation finish.
      const stopped = await readDb(w.db.url);
      assert.deepEqual(transitional(stopped), []);
      const files = await listFiles(backendDir(w.dataDir));
      assert.deepEqual(files.filter((f) => f.name.startsWith(".")), [], "temporary files left behind");

      const fourth = await start();
      const db = await readDb(w.db.url);
      assert.deepEqual(transitional(db), [], "something was stuck at the restart");
      await assertRecovered(fourth.c, w, outcomes);
      assert.ok(!fourth.child.output().includes("resuming an interrupted"), "the restart had to resume work the stop left");
      assert.equal(await fourth.child.kill("SIGTERM"), 0);
    });
  });
}

for (const dialect of DIALECTS) describeRestart(dialect);
