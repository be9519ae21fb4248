/**
 * `npm run bench`: throughput and latency of the main calls against a running server (a child
 * process on the embedded defaults: SQLite and the file driver), measured with autocannon.
 *
 *   GET volume                         one volume by id
 *   GET volumes/detail?limit=100       with 10,000 volumes present
 *   create → available                 POST volumes, then poll until available
 *
 * The machine is small and noisy: read the numbers as ratios within one run, not as absolutes.
 * BENCH_SECONDS (default 10) sets each autocannon run's length.
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Client as PgClient } from "pg";
import { migrate, openDb } from "../../server/src/db/database";
import { now } from "../../server/src/contract/time";
import { freePort } from "../helpers/server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SEEDED = 10_000;
const PROJECT = "bench";
const HEADERS = { "X-Auth-Token": `bench:${PROJECT}`, "OpenStack-API-Version": "volume 3.71" };

async function seed(dbUrl: string, count = SEEDED): Promise<string> {
  const db = openDb(dbUrl);
  await migrate(db);
  const type = await db.kysely.selectFrom("volume_types").select("id").executeTakeFirstOrThrow();
  let first = "";
  await db.kysely
    .insertInto("quotas")
    .values(["volumes", "gigabytes"].map((resource) => ({ project_id: PROJECT, resource, hard_limit: -1 })))
    .execute();
  await db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i += 500) {
      const rows = Array.from({ length: Math.min(500, count - i) }, (_, j) => {
        const id = randomUUID();
        if (!first) first = id;
        return {
          id,
          project_id: PROJECT,
          user_id: "bench",
          host: "benchhost@file#file",
          availability_zone: "nova",
          display_name: `seed-${i + j}`,
          display_description: null,
          size: 1,
          status: "available" as const,
          attach_status: "detached" as const,
          migration_status: null,
          previous_status: null,
          bootable: 0,
          multiattach: 0,
          snapshot_id: null,
          source_volid: null,
          volume_type_id: type.id,
          replication_status: null,
          consumes_quota: 1,
          provider_location: null,
          provider_auth: null,
          provider_id: null,
          task: null,
          created_at: now(),
          updated_at: null,
          launched_at: now(),
        };
      });
      await trx.insertInto("volumes").values(rows).execute();
      await trx
        .insertInto("volume_metadata")
        .values(rows.map((r) => ({ volume_id: r.id, key: "tier", value: "seed" })))
        .execute();
    }
  });
  await db.close();
  return first;
}

function run(title: string, url: string): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ title, url, connections: 8, duration: SECONDS, headers: HEADERS }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function createToAvailable(base: string, count: number, parallel: number) {
  const latencies: number[] = [];
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const t0 = performance.now();
      const r = await fetch(`${base}/v3/${PROJECT}/volumes`, {
        method: "POST",
        headers: { ...HEADERS, "Content-Type": "application/json" },
        body: JSON.stringify({ volume: { size: 1 } }),
      });
      if (r.status !== 202) throw new Error(`create answered ${r.status}: ${await r.text()}`);
      const id = ((await r.json()) as { volume: { id: string } }).volume.id;
      for (;;) {
        const g = await fetch(`${base}/v3/${PROJECT}/volumes/${id}`, { headers: HEADERS });
        const status = ((await g.json()) as { volume: { status: string } }).volume.status;
        if (status === "available") break;
        if (status.startsWith("error")) throw new Error(`volume ${id} went to ${status}`);
        await new Promise((res) => setTimeout(res, 2));
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  latencies.sort((a, b) => a - b);
  return { rps: (count / (Date.now() - started)) * 1000, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

const CLI = path.resolve(__dirname, "../../server/src/cli.ts");

/** The CLI in a child process, once it answers on its port. */
async function startCli(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, ...args, "--port", String(port), "--log-level", "warn"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).status === 300) return child;
    } catch {
      if (i > 600) throw new Error(`${args[0]} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stopCli(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/**
 * GET volume against `cinderblock api` as one process and with --workers 2, on PostgreSQL and
 * RabbitMQ, in the same run: the ratio is what the second core adds.
 */
async function apiWorkers(dir: string): Promise<Array<[string, autocannon.Result]> | undefined> {
  if (!(await reachable(5432)) || !(await reachable(5672))) {
    console.log("api --workers: skipped, it needs PostgreSQL on 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672 (apt-get install postgresql rabbitmq-server)");
    return undefined;
  }
  const name = `cb_bench_${process.pid}`;
  const admin = new PgClient({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
  try {
    const volumeId = await seed(dbUrl, 100);
    const out: Array<[string, autocannon.Result]> = [];
    for (const workers of [1, 2]) {
      const port = await freePort();
      const args = ["api", "--auth", "noauth", "--db", dbUrl, "--transport-url", "amqp://guest:guest@127.0.0.1:5672/", "--data-dir", dir, "--host", "benchapi"];
      const child = await startCli(workers > 1 ? [...args, "--workers", String(workers)] : args, port);
      try {
        const label = workers > 1 ? `GET volume, api --workers ${workers} (PostgreSQL)` : "GET volume, api, 1 process (PostgreSQL)";
        const r = await run(label, `http://127.0.0.1:${port}/v3/${PROJECT}/volumes/${volumeId}`);
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`${label}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
        out.push([label, r]);
      } finally {
        await stopCli(child);
      }
    }
    return out;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-bench-"));
  const dbUrl = `sqlite:${path.join(dir, "cinderblock.sqlite")}`;
  const volumeId = await seed(dbUrl);
  const port = await freePort();
  const child = await startCli(["serve", "--auth", "noauth", "--data-dir", dir, "--host", "benchhost"], port);
  const base = `http://127.0.0.1:${port}`;
  try {
    const rows: Array<[string, number, number, number]> = [];
    const show = await run("GET volume", `${base}/v3/${PROJECT}/volumes/${volumeId}`);
    rows.push(["GET volume", show.requests.average, show.latency.p50, show.latency.p99]);
    const detail = await run("GET volumes/detail?limit=100", `${base}/v3/${PROJECT}/volumes/detail?limit=100`);
    rows.push([`GET volumes/detail?limit=100 (${SEEDED} volumes)`, detail.requests.average, detail.latency.p50, detail.latency.p99]);
    for (const r of [show, detail]) {
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.title}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    }
    const c = await createToAvailable(base, Math.max(50, SECONDS * 20), 8);
    rows.push(["create → available", c.rps, c.p50, c.p99]);

    console.log(`\nCinderblock benchmark (SQLite, file driver; ${SECONDS}s per run, 8 connections)\n`);
    console.log(["call".padEnd(46), "req/s".padStart(9), "p50 ms".padStart(9), "p99 ms".padStart(9)].join(""));
    for (const [name, rps, p50, p99] of rows) {
      console.log([name.padEnd(46), rps.toFixed(0).padStart(9), p50.toFixed(1).padStart(9), p99.toFixed(1).padStart(9)].join(""));
    }
    console.log(`\ndetail/show throughput ratio: ${(detail.requests.average / show.requests.average).toFixed(3)}`);
    await stopCli(child);
    const workers = await apiWorkers(dir);
    if (workers) {
      console.log("");
      for (const [name, r] of workers) {
        console.log([name.padEnd(46), r.requests.average.toFixed(0).padStart(9), r.latency.p50.toFixed(1).padStart(9), r.latency.p99.toFixed(1).padStart(9)].join(""));
      }
      console.log(`\napi --workers 2 / 1 process throughput ratio: ${(workers[1][1].requests.average / workers[0][1].requests.average).toFixed(3)}`);
    }
  } finally {
    await stopCli(child);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
