/**
 * Chaos: the server is killed with SIGKILL at random moments while a seeded random mix of
 * operations runs against the file backend (create, create from a snapshot, clone, delete, extend,
 * snapshot create and delete, retype, attachments reserved and deleted, manage of a file that was
 * not Cinderblock's, a guest writing to a volume), and restarted on the same data directory and
 * database. After every restart, once nothing is in flight:
 *
 * - no volume or snapshot is left in a transitional status;
 * - no file of the backend lacks its row, no volume or snapshot that should have storage lacks its
 *   file (of the row's size), no temporary file is left;
 * - quota usage is what the rows hold: the start's recount found nothing to correct, and the
 *   project's totals match its rows;
 * - the data written to volumes before the kill reads back bit for bit.
 *
 * `npm run chaos` runs it for longer: CHAOS_CYCLES (default 100), CHAOS_SEED, CHAOS_DIALECTS
 * (default sqlite,postgres). The test suite runs 30 cycles on each database with a fixed seed.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SNAPSHOT_TRANSITIONAL, VOLUME_TRANSITIONAL } from "../../server/src/contract/status";
import { Client } from "../helpers/client";
import { makeDb, startChild, type ChildServer, type Dialect, type TestDb } from "../helpers/server";
import { backendDir, contentHashes, listFiles, volumeFile, writeAt } from "../helpers/state";
import { prng } from "../helpers/random";

const GIB = 1024 ** 3;
const PROJECT = "p1";
const HOST = "testhost@file";
/** Statuses whose volume has its file (the others: being made, failed, or going away). */
const VOLUME_HAS_STORAGE = ["available", "in-use", "reserved", "attaching", "detaching", "retyping", "extending", "error_extending"];
const SNAPSHOT_HAS_STORAGE = ["available"];
/** The bound on one recovery: a hung reconciliation, not a slow one. */
const QUIET_MS = 120_000;

export interface ChaosOptions {
  dialect: Dialect;
  cycles: number;
  seed: number;
  /** Called with a line per cycle. */
  log?: (line: string) => void;
}

export interface ChaosResult {
  cycles: number;
  operations: number;
  /** Operations whose request was sent but not answered before a kill. */
  cutShort: number;
  /** Volumes and snapshots found in a transitional status right after a kill (read from the API on restart). */
  volumes: number;
  guarded: number;
}


interface Row {
  id: string;
  status: string;
  size: number;
  volume_type?: string;
  volume_id?: string;
}

interface World {
  dataDir: string;
  db: TestDb;
  types: string[];
  /** Volume id -> content hash of the data a guest wrote. Guarded volumes are never deleted. */
  guarded: Map<string, string>;
  imports: number;
}

/** Every volume and snapshot of the project, as the admin sees them. */
async function rows(c: Client): Promise<{ volumes: Row[]; snapshots: Row[] }> {
  const v = await c.get(`/v3/${PROJECT}/volumes/detail?all_tenants=1&limit=1000`);
  const s = await c.get(`/v3/${PROJECT}/snapshots/detail?all_tenants=1&limit=1000`);
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(s.status, 200, JSON.stringify(s.body));
  return { volumes: v.body.volumes, snapshots: s.body.snapshots };
}

/** Wait until nothing is in flight; the rows then. */
async function quiet(c: Client): Promise<{ volumes: Row[]; snapshots: Row[] }> {
  const deadline = Date.now() + QUIET_MS;
  for (;;) {
    const r = await rows(c);
    const busy = [
      ...r.volumes.filter((v) => (VOLUME_TRANSITIONAL as readonly string[]).includes(v.status)).map((v) => `volume ${v.id} ${v.status}`),
      ...r.snapshots.filter((s) => (SNAPSHOT_TRANSITIONAL as readonly string[]).includes(s.status)).map((s) => `snapshot ${s.id} ${s.status}`),
    ];
    if (busy.length === 0) return r;
    if (Date.now() > deadline) throw new Error(`still in flight ${QUIET_MS / 1000} s after the restart: ${busy.join(", ")}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The promises of the restart, checked once nothing is in flight. */
async function check(c: Client, w: World, server: ChildServer, cycle: number): Promise<{ volumes: Row[]; snapshots: Row[] }> {
  const r = await quiet(c);
  const where = `after restart ${cycle}`;
  assert.ok(!server.output().includes("quota usage did not match"), `${where}: the start had to correct quota usage:\n${server.output()}`);

  const files = await listFiles(backendDir(w.dataDir));
  const names = new Set(files.map((f) => f.name));
  const volumeIds = new Set(r.volumes.map((v) => v.id));
  const snapshotIds = new Set(r.snapshots.map((s) => s.id));
  for (const f of files) {
    if (f.name.startsWith(".")) assert.fail(`${where}: temporary file ${f.name} was left behind`);
    const m = /^(volume|snapshot)-(.+)$/.exec(f.name);
    if (!m) {
      assert.match(f.name, /^import-\d+$/, `${where}: a file nobody made: ${f.name}`);
      continue;
    }
    assert.ok((m[1] === "volume" ? volumeIds : snapshotIds).has(m[2]), `${where}: ${f.name} has no row`);
  }
  for (const v of r.volumes) {
    if (!VOLUME_HAS_STORAGE.includes(v.status)) continue;
    const f = files.find((x) => x.name === `volume-${v.id}`);
    assert.ok(f, `${where}: volume ${v.id} is ${v.status} but its file is missing`);
    assert.equal(f.size, v.size * GIB, `${where}: volume ${v.id} of ${v.size} GiB has a file of ${f.size} bytes`);
  }
  for (const s of r.snapshots) {
    if (SNAPSHOT_HAS_STORAGE.includes(s.status)) assert.ok(names.has(`snapshot-${s.id}`), `${where}: snapshot ${s.id} is ${s.status} but its file is missing`);
  }

  const limits = (await c.get(`/v3/${PROJECT}/limits`)).body.limits.absolute;
  assert.deepEqual(
    { volumes: limits.totalVolumesUsed, snapshots: limits.totalSnapshotsUsed, gigabytes: limits.totalGigabytesUsed },
    {
      volumes: r.volumes.length,
      snapshots: r.snapshots.length,
      gigabytes: r.volumes.reduce((n, v) => n + v.size, 0) + r.snapshots.reduce((n, s) => n + s.size, 0),
    },
    `${where}: quota usage`,
  );

  const present = [...w.guarded.keys()].filter((id) => volumeIds.has(id));
  assert.deepEqual(present.sort(), [...w.guarded.keys()].sort(), `${where}: a volume holding a guest's data is gone`);
  const hashes = await contentHashes(present.map((id) => volumeFile(w.dataDir, id)));
  for (const id of present) assert.equal(hashes.get(volumeFile(w.dataDir, id)), w.guarded.get(id), `${where}: the data of volume ${id}`);
  return r;
}

/**
 * One burst of random operations, `ms` long, at most `parallel` in flight; returns the requests
 * still unanswered when it ends (the kill cuts them short).
 */
function burst(
  c: Client,
  w: World,
  rnd: () => number,
  state: { volumes: Row[]; snapshots: Row[] },
  ms: number,
  stats: ChaosResult,
): { ran: Promise<void>; pending: () => Promise<unknown>[] } {
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(rnd() * xs.length)] : undefined);
  const busy = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  const volumes = () => state.volumes.filter((v) => v.status === "available" && !busy.has(v.id));
  const snapshots = () => state.snapshots.filter((s) => s.status === "available" && !busy.has(s.id));
  const answered = (label: string) => (r: { status: number; body: unknown }) => {
    // Any answer but a server error: a request that lost a race is refused with a 4xx.
    assert.ok(r.status < 500, `${label} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r;
  };
  const v = (id: string | undefined) => `/v3/${PROJECT}/volumes/${id}`;
  const ops: Array<[number, () => Promise<unknown> | undefined]> = [
    [4, () => c.post(`/v3/${PROJECT}/volumes`, { volume: { size: 1 + Math.floor(rnd() * 2), volume_type: pick(w.types) } }).then(answered("create"))],
    [2, () => {
      const s = pick(snapshots());
      return s && c.post(`/v3/${PROJECT}/volumes`, { volume: { snapshot_id: s.id, size: s.size } }).then(answered("create from snapshot"));
    }],
    [2, () => {
      const src = pick(volumes());
      return src && c.post(`/v3/${PROJECT}/volumes`, { volume: { source_volid: src.id, size: src.size } }).then(answered("clone"));
    }],
    [6, () => {
      const x = pick(volumes().filter((x) => !w.guarded.has(x.id)));
      if (!x) return undefined;
      busy.add(x.id);
      return c.delete(v(x.id)).then(answered("delete"));
    }],
    [2, () => {
      // A guarded volume keeps its size: its content hash covers it.
      const x = pick(volumes().filter((x) => x.size < 4 && !w.guarded.has(x.id)));
      if (!x) return undefined;
      busy.add(x.id);
      return c.post(`${v(x.id)}/action`, { "os-extend": { new_size: x.size + 1 } }).then(answered("extend"));
    }],
    [2, () => {
      const x = pick(volumes());
      return x && c.post(`/v3/${PROJECT}/snapshots`, { snapshot: { volume_id: x.id } }).then(answered("snapshot"));
    }],
    [2, () => {
      const s = pick(snapshots());
      if (!s) return undefined;
      busy.add(s.id);
      return c.delete(`/v3/${PROJECT}/snapshots/${s.id}`).then(answered("delete snapshot"));
    }],
    [1, () => {
      const x = pick(volumes());
      if (!x) return undefined;
      busy.add(x.id);
      const to = w.types.find((t) => t !== x.volume_type) ?? w.types[0];
      return c.post(`${v(x.id)}/action`, { "os-retype": { new_type: to, migration_policy: "never" } }).then(answered("retype"));
    }],
    [1, () => {
      const x = pick(volumes());
      if (!x) return undefined;
      busy.add(x.id);
      return c
        .post(`/v3/${PROJECT}/attachments`, { attachment: { volume_uuid: x.id, instance_uuid: "9a3b7c3e-8d35-4e1b-9b4e-2f7e5d0c1a11" } }, { version: "3.27" })
        .then(answered("reserve"))
        .then((r) => (r.status === 200 && rnd() < 0.7 ? c.delete(`/v3/${PROJECT}/attachments/${(r.body as any).attachment.id}`, { version: "3.27" }).then(answered("unreserve")) : r));
    }],
    [1, () => {
      const name = `import-${w.imports++}`;
      const file = path.join(backendDir(w.dataDir), name);
      return writeFile(file, randomBytes(4096))
        .then(() => truncate(file, GIB))
        .then(() => c.post(`/v3/${PROJECT}/manageable_volumes`, { volume: { host: `${HOST}#file`, ref: { "source-name": name } } }, { version: "3.8" }))
        .then(answered("manage"));
    }],
    [2, () => {
      // A guest writes to its disk; from now on the volume's data must survive every kill.
      const x = pick(volumes().filter((x) => !w.guarded.has(x.id)));
      if (!x) return undefined;
      busy.add(x.id);
      const file = volumeFile(w.dataDir, x.id);
      return writeAt(file, 0, randomBytes(64 << 10))
        .then(() => writeAt(file, 300 << 20, Buffer.from(`the data of ${x.id}`)))
        .then(() => contentHashes([file]))
        .then((h) => void w.guarded.set(x.id, h.get(file)!));
    }],
  ];
  const total = ops.reduce((n, [weight]) => n + weight, 0);
  const deadline = Date.now() + ms;
  const errors: unknown[] = [];
  const loop = async (): Promise<void> => {
    while (Date.now() < deadline) {
      let r = rnd() * total;
      const op = ops.find(([weight]) => (r -= weight) < 0)![1];
      const p = op();
      if (!p) continue;
      stats.operations++;
      const tracked = p.catch((err: unknown) => {
        // A request the kill cut short fails to fetch; anything else is a finding.
        if (!(err instanceof TypeError && /fetch failed/.test(err.message))) errors.push(err);
        else stats.cutShort++;
      });
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
      // A few at a time, with a little time between them.
      if (inFlight.size >= 6) await Promise.race(inFlight);
      await new Promise((res) => setTimeout(res, rnd() * 20));
    }
  };
  const ran = loop().then(() => {
    if (errors.length > 0) throw errors[0];
  });
  return { ran, pending: () => [...inFlight] };
}

/** Run `cycles` kills; throws at the first broken promise. */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const rnd = prng(o.seed);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `cinderblock-chaos-${o.dialect}-`));
  const db = await makeDb(o.dialect, dataDir);
  const w: World = { dataDir, db, types: [], guarded: new Map(), imports: 0 };
  const stats: ChaosResult = { cycles: 0, operations: 0, cutShort: 0, volumes: 0, guarded: 0 };
  const children: ChildServer[] = [];
  const killAll = () => children.forEach((ch) => ch.child.kill("SIGKILL"));
  process.once("exit", killAll);
  try {
    for (let cycle = 0; cycle <= o.cycles; cycle++) {
      const server = await startChild({ dataDir, dbUrl: db.url });
      children.push(server);
      const c = new Client(server.url, "admin:p1");
      if (w.types.length === 0) {
        for (const name of ["chaos-a", "chaos-b"]) {
          const t = await c.post(`/v3/${PROJECT}/types`, { volume_type: { name } });
          assert.equal(t.status, 200, JSON.stringify(t.body));
          w.types.push(name);
        }
      }
      const state = await check(c, w, server, cycle);
      if (cycle === o.cycles) {
        assert.equal(await server.kill("SIGTERM"), 0, "the last server stops cleanly");
        stats.volumes = state.volumes.length;
        break;
      }
      // A burst of 100 ms to 1.5 s, and the kill at its end, whatever is in flight.
      const ms = 100 + Math.floor(rnd() * 1400);
      const b = burst(c, w, rnd, state, ms, stats);
      await b.ran;
      assert.equal(server.child.exitCode, null, `the server exited by itself:\n${server.output()}`);
      assert.equal(await server.kill("SIGKILL"), null);
      await Promise.all(b.pending());
      stats.cycles++;
      o.log?.(`cycle ${cycle + 1}/${o.cycles}: ${state.volumes.length} volumes, ${state.snapshots.length} snapshots, ${w.guarded.size} holding data; killed after ${ms} ms`);
    }
    stats.guarded = w.guarded.size;
    return stats;
  } finally {
    process.off("exit", killAll);
    for (const ch of children) if (ch.child.exitCode === null && ch.child.signalCode === null) await ch.kill("SIGKILL");
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cycles = Number(process.env.CHAOS_CYCLES ?? 100);
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  const dialects = (process.env.CHAOS_DIALECTS ?? "sqlite,postgres").split(",") as Dialect[];
  for (const dialect of dialects) {
    console.log(`chaos on ${dialect}: ${cycles} kills, seed ${seed} (CHAOS_SEED=${seed} replays it)`);
    const r = await runChaos({ dialect, cycles, seed, log: (l) => console.log(`  ${l}`) });
    console.log(`  survived ${r.cycles} kills: ${r.operations} operations, ${r.cutShort} cut short, ${r.volumes} volumes at the end, ${r.guarded} holding data`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
