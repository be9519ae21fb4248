/**
 * Chaos on the separate services (CHAOS_MODE=services): two API processes, one scheduler and two
 * volume services (file backends east and west, each its own data directory) on PostgreSQL and
 * RabbitMQ (../scale/harness.ts). Each cycle runs a burst of the operation mix through both APIs;
 * 100 ms to 1.5 s into it, one process of one kind (api, scheduler or volume; the kinds in a
 * shuffled order every three cycles, the process of that kind at random) is killed with SIGKILL
 * and started again, the burst going on through the others until it is back:
 *
 * - an API killed loses the requests it was answering (they fail to fetch); what it committed is
 *   carried on by the bus or, its cast lost, re-sent from the database by the scheduler and the
 *   volume services (--resume-after 2 s);
 * - a scheduler or volume service killed leaves its unacknowledged messages on their durable
 *   queues, redelivered to it when it is back, and reconciles on start what it had half done.
 *
 * Once nothing is in flight, the promises of ./invariants.ts hold, as in the all-in-one mode (the
 * quota recount on start belongs to a process that runs every service, so here it is only the
 * usage that must equal the rows).
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { backendDir } from "../helpers/state";
import { prng } from "../helpers/random";
import { waitFor } from "../helpers/wait";
import { launchServices, type Proc } from "../scale/harness";
import { check, PROJECT, type World } from "./invariants";
import { burst, type BurstStats } from "./operations";
import { fileStorage } from "./storage";

export const KINDS = ["api", "scheduler", "volume"] as const;
export type Kind = (typeof KINDS)[number];
/** The bursts here go on while a process restarts (seconds): what they make is bounded. */
const LIMITS = { maxVolumes: 60, maxGuarded: 20 };
const NAMES: Record<Kind, string[]> = { api: ["api1", "api2"], scheduler: ["scheduler"], volume: ["east", "west"] };

export interface ServicesChaosOptions {
  cycles: number;
  seed: number;
  log?: (line: string) => void;
}

export interface ServicesChaosResult extends BurstStats {
  cycles: number;
  kills: Record<Kind, number>;
  volumes: number;
  /** Volumes at the end whose create failed (a copy whose source's backend was down, say). */
  failed: number;
  guarded: number;
}

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Run `cycles` kills over the separate services; throws at the first broken promise. */
export async function runServicesChaos(o: ServicesChaosOptions): Promise<ServicesChaosResult> {
  const rnd = prng(o.seed);
  const h = await launchServices();
  const w: World = {
    clients: [],
    storage: fileStorage(NAMES.volume.map((name) => ({ host: `${h.host(name)}@file`, dir: backendDir(h.dataDir(name)) }))),
    types: [],
    guarded: new Map(),
    imports: 0,
  };
  const stats: ServicesChaosResult = { cycles: 0, operations: 0, cutShort: 0, kills: { api: 0, scheduler: 0, volume: 0 }, volumes: 0, failed: 0, guarded: 0 };
  const apis = new Map<string, Client>();
  /** Start process `name` (again), on the same data; an API's client replaces its old one. */
  const start = async (name: string): Promise<void> => {
    if (name.startsWith("api")) {
      const c = (await h.startApi(Number(name.slice(3)))).as("admin:p1");
      apis.set(name, c);
      w.clients = [...apis.values()];
    } else if (name === "scheduler") {
      await h.startScheduler();
    } else {
      await h.startVolume(name);
    }
  };
  const alive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;
  const killAll = () => [...h.procs.values()].forEach((p) => p.child.kill("SIGKILL"));
  process.once("exit", killAll);
  try {
    // Each starts without the others: the volume services, then the scheduler, then the APIs.
    for (const name of [...NAMES.volume, ...NAMES.scheduler, ...NAMES.api]) await start(name);
    const admin = () => w.clients[0];
    for (const name of ["chaos-a", "chaos-b"]) {
      const t = await admin().post(`/v3/${PROJECT}/types`, { volume_type: { name } });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      w.types.push(name);
    }
    await waitFor(async () => ((await admin().get(`/v3/${PROJECT}/scheduler-stats/get_pools`)).body.pools?.length === 2 ? true : undefined), "both backends reported", 30_000);

    let order: Kind[] = [];
    for (let cycle = 0; cycle <= o.cycles; cycle++) {
      const state = await check(admin(), w, cycle === 0 ? "at the start" : `after restart ${cycle}`);
      if (cycle === o.cycles) {
        stats.volumes = state.volumes.length;
        stats.failed = state.volumes.filter((v) => v.status === "error").length;
        break;
      }
      if (order.length === 0) order = shuffled(KINDS, rnd);
      const kind = order.shift()!;
      const names = NAMES[kind];
      const victim = h.procs.get(names[Math.floor(rnd() * names.length)])!;
      // The kill 100 ms to 1.5 s into a burst that goes on, through the processes still up, until
      // the victim is back; an API is sent nothing while it is down.
      const ms = 100 + Math.floor(rnd() * 1400);
      const killed = (async () => {
        await new Promise((res) => setTimeout(res, ms));
        for (const p of h.procs.values()) assert.ok(alive(p), `${p.name} exited by itself:\n${p.output()}`);
        await h.stop(victim, "SIGKILL");
        w.clients = w.clients.filter((c) => c !== apis.get(victim.name));
        await start(victim.name);
      })();
      const b = burst(w, rnd, state, killed, stats, LIMITS);
      await killed;
      await b.ran;
      await b.settled();
      stats.kills[kind]++;
      stats.cycles++;
      o.log?.(
        `cycle ${cycle + 1}/${o.cycles}: ${state.volumes.length} volumes, ${state.snapshots.length} snapshots, ${w.guarded.size} holding data; ${victim.name} killed after ${ms} ms`,
      );
    }
    stats.guarded = w.guarded.size;
    return stats;
  } catch (err) {
    for (const p of h.procs.values()) console.error(`--- ${p.name}, its last lines\n${p.output().split("\n").slice(-40).join("\n")}`);
    throw err;
  } finally {
    process.off("exit", killAll);
    await h.close();
  }
}
