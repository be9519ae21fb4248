/**
 * Chaos: the server is killed with SIGKILL at random moments while a seeded random mix of
 * operations runs against two file backends (create, create from a snapshot, clone, delete, extend,
 * snapshot create and delete, retype, attachments reserved and deleted, manage of a file that was
 * not Cinderblock's, backups and restores, transfers to another project, migrations between the
 * backends, a guest writing to a volume: ./operations.ts), and restarted on the same data
 * directory and database. After every restart, once nothing is in flight (./invariants.ts):
 *
 * - no volume or snapshot is left in a transitional status;
 * - no file of the backend lacks its row, no volume or snapshot that should have storage lacks its
 *   file (of the row's size), no temporary file is left;
 * - quota usage is what the rows hold: the start's recount found nothing to correct, and the
 *   project's totals match its rows;
 * - the data written to volumes before the kill reads back bit for bit.
 *
 * Two modes. all-in-one (the default): one `cinderblock serve` process, on SQLite and on
 * PostgreSQL. services: the separate services on PostgreSQL and RabbitMQ, two APIs, a scheduler
 * and two volume services, one process of one kind killed per cycle (./services.ts).
 *
 * A third mode, lvm, runs the all-in-one server on the LVM driver (thin and thick, exported through
 * LIO) inside the kernel lab, SQLite only (test/lab/guest/lvm-chaos.guest.ts says what it checks).
 *
 * `npm run chaos` runs it for longer: CHAOS_MODE (all-in-one, services or lvm), CHAOS_CYCLES (default
 * 100 all-in-one and lvm, 30 services), CHAOS_SEED, CHAOS_DIALECTS (all-in-one only; default
 * sqlite,postgres). The test suite runs 30 cycles on each database and 21 on the separate services,
 * with a fixed seed.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "../helpers/client";
import { makeDb, startChild, type ChildServer, type Dialect } from "../helpers/server";
import { prng } from "../helpers/random";
import { servicesMissing } from "../scale/harness";
import { check, PROJECT, type World } from "./invariants";
import { burst, type BurstLimits, type BurstStats } from "./operations";
import { KINDS, runServicesChaos } from "./services";
import { fileStorage, posixBackups, type Storage } from "./storage";
import { runLvmChaos } from "../lab/lvm-chaos";
import { umlUnavailable } from "../lab/uml";

/** Two file backends of the one server, so that volumes can migrate between them. */
const BACKENDS = ["a", "b"];

export interface ChaosOptions {
  dialect: Dialect;
  cycles: number;
  seed: number;
  /** The backends' storage (default: the file backend of the data directory). */
  storage?: (dataDir: string) => Storage;
  /** Settings of the server's config file on top of unlimited quotas (backends, target helper). */
  config?: Record<string, unknown>;
  /** A built `cli.js` to run with node instead of the TypeScript source (a slow machine's start). */
  cli?: string;
  /** Bounds on what a burst makes. */
  limits?: BurstLimits;
  /** Called with a line per cycle. */
  log?: (line: string) => void;
}

export interface ChaosResult extends BurstStats {
  cycles: number;
  /** Volumes at the end. */
  volumes: number;
  guarded: number;
}

/** Run `cycles` kills; throws at the first broken promise. */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const rnd = prng(o.seed);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `cinderblock-chaos-${o.dialect}-`));
  const db = await makeDb(o.dialect, dataDir);
  // On the file driver (the default): two backends, and backups in the posix store of the data directory.
  const files = BACKENDS.map((b) => ({ host: `testhost@${b}`, dir: path.join(dataDir, "volumes", b) }));
  const storage = o.storage?.(dataDir) ?? fileStorage(files);
  const config = o.storage ? o.config : { ...o.config, backends: BACKENDS.map((name) => ({ name, driver: "file" })) };
  const backups = o.storage ? undefined : posixBackups(path.join(dataDir, "backups", "volumebackups"));
  const backends = o.storage ? undefined : files.map((f) => f.host);
  const w: World = { clients: [], storage, types: [], guarded: new Map(), imports: 0, backups, backends };
  const stats: ChaosResult = { cycles: 0, operations: 0, cutShort: 0, volumes: 0, guarded: 0 };
  const children: ChildServer[] = [];
  const killAll = () => children.forEach((ch) => ch.child.kill("SIGKILL"));
  process.once("exit", killAll);
  try {
    for (let cycle = 0; cycle <= o.cycles; cycle++) {
      const server = await startChild({ dataDir, dbUrl: db.url, config, cli: o.cli, startTimeoutMs: o.cli ? 300_000 : undefined });
      children.push(server);
      const c = new Client(server.url, "admin:p1");
      w.clients = [c];
      if (w.types.length === 0) {
        for (const name of ["chaos-a", "chaos-b"]) {
          const t = await c.post(`/v3/${PROJECT}/types`, { volume_type: { name } });
          assert.equal(t.status, 200, JSON.stringify(t.body));
          w.types.push(name);
        }
      }
      const state = await check(c, w, `after restart ${cycle}`, server.output());
      if (cycle === o.cycles) {
        assert.equal(await server.kill("SIGTERM"), 0, "the last server stops cleanly");
        stats.volumes = state.volumes.length;
        break;
      }
      // A burst of 100 ms to 1.5 s, and the kill at its end, whatever is in flight.
      const ms = 100 + Math.floor(rnd() * 1400);
      const b = burst(w, rnd, state, ms, stats, o.limits);
      await b.ran;
      assert.equal(server.child.exitCode, null, `the server exited by itself:\n${server.output()}`);
      assert.equal(await server.kill("SIGKILL"), null);
      await b.settled();
      stats.cycles++;
      o.log?.(`cycle ${cycle + 1}/${o.cycles}: ${state.volumes.length} volumes, ${state.snapshots.length} snapshots, ${state.backups.length} backups, ${w.guarded.size} holding data; killed after ${ms} ms`);
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

/** "12 create, 3 migrate, ...": the operations a run sent, by kind. */
export function kindsOf(s: BurstStats): string {
  return Object.entries(s.kinds ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
}

async function main(): Promise<void> {
  const mode = process.env.CHAOS_MODE ?? "all-in-one";
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  if (mode === "services") {
    const why = await servicesMissing();
    if (why) throw new Error(`CHAOS_MODE=services cannot run: ${why}`);
    const cycles = Number(process.env.CHAOS_CYCLES ?? 30);
    console.log(`chaos on the separate services: ${cycles} kills, seed ${seed} (CHAOS_SEED=${seed} replays it)`);
    const r = await runServicesChaos({ cycles, seed, log: (l) => console.log(`  ${l}`) });
    console.log(`  survived ${r.cycles} kills (${KINDS.map((k) => `${r.kills[k]} ${k}`).join(", ")}): ${r.operations} operations, ${r.cutShort} cut short, ${r.volumes} volumes at the end (${r.failed} failed), ${r.guarded} holding data`);
    return;
  }
  if (mode === "lvm") {
    const why = umlUnavailable();
    if (why) throw new Error(`CHAOS_MODE=lvm cannot run: the kernel lab ${why}`);
    const cycles = Number(process.env.CHAOS_CYCLES ?? 100);
    console.log(`chaos on LVM in the kernel lab: ${cycles} kills, seed ${seed} (CHAOS_SEED=${seed} replays it)`);
    const r = await runLvmChaos({ cycles, seed });
    console.log(r.stdout);
    return;
  }
  if (mode !== "all-in-one") throw new Error(`CHAOS_MODE is all-in-one (the default), services or lvm, not ${mode}`);
  const cycles = Number(process.env.CHAOS_CYCLES ?? 100);
  const dialects = (process.env.CHAOS_DIALECTS ?? "sqlite,postgres").split(",") as Dialect[];
  for (const dialect of dialects) {
    console.log(`chaos on ${dialect}: ${cycles} kills, seed ${seed} (CHAOS_SEED=${seed} replays it)`);
    const r = await runChaos({ dialect, cycles, seed, log: (l) => console.log(`  ${l}`) });
    console.log(`  survived ${r.cycles} kills: ${r.operations} operations (${kindsOf(r)}), ${r.cutShort} cut short, ${r.volumes} volumes at the end, ${r.guarded} holding data`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
