/**
 * `npm run bench`: Cinderblock's speed as a share of what Node itself serves on this machine, in
 * one run. A bare fastify server answering the same bodies from memory (./ceiling.ts) is the
 * ceiling; each throughput is printed with its share of it, plus p50/p99.
 *
 *   GET volume                       one volume by id, built-in identity (a Keystone token)
 *   GET volumes/detail?limit=100     with 10,000 volumes present, built-in identity
 *   100 creates → available          10 at a time, file driver, until all are available
 *   100 deletes → gone               10 at a time, until all are gone
 *   scale                            pages (first, deep marker, sort by name, name filter,
 *                                    snapshots) at 1,000 / 10,000 / 100,000 volumes and as many
 *                                    snapshots: p50, the 100k/1k ratio, the server's RSS; on
 *                                    SQLite and, when it runs here, PostgreSQL
 *   api --workers 2 / 1              GET volume on PostgreSQL and RabbitMQ
 *
 * The machine is small and noisy: read the numbers as ratios within one run, not as absolutes.
 * Beside each throughput share, the CPU each request cost the server and the ceiling (from /proc)
 * and their ratio: on a busy machine, where the load generator competes for the same cores, the
 * CPU share is the steadier of the two.
 * BENCH_SECONDS (default 10) sets each throughput run's length; BENCH_SCALE (default
 * 1000,10000,100000) the volume counts of the scale rows; BENCH_PARTS (default
 * throughput,scale,workers) which parts run; BENCH_DIALECTS (default sqlite,postgres) the scale's
 * databases. BENCH_PROFILE=DIR writes a CPU profile of each server there when it stops.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import net from "node:net";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Client as PgClient } from "pg";
import { analyze, migrate, openDb } from "../../server/src/db/database";
import { timestampAt } from "../../server/src/contract/time";
import { freePort } from "../helpers/server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SCALE = (process.env.BENCH_SCALE ?? "1000,10000,100000").split(",").map(Number);
const PARTS = new Set((process.env.BENCH_PARTS ?? "throughput,scale,workers").split(","));
const DIALECTS = new Set((process.env.BENCH_DIALECTS ?? "sqlite,postgres").split(","));
const DETAIL_SEEDED = 10_000;
const CONNECTIONS = 10;
const MV = "volume 3.71";
/** The server as `npm start` runs it: compiled by `npm run build`, not transformed on the fly. */
const CLI = path.resolve(__dirname, "../../server/dist/cli.js");
const CEILING = path.resolve(__dirname, "ceiling.ts");
const PROFILE = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  /** Share of the ceiling's throughput for the same body. */
  share?: number;
  /** CPU time the serving process spent per request, µs (user + system, from /proc). */
  cpuUs?: number;
  /** The ceiling's CPU per request over this one's: the share the server would have were it alone on the machine. */
  cpuShare?: number;
}

/** Rows straight into the database: `count` volumes of `project` (one metadata key each) and as many snapshots. */
export async function seed(dbUrl: string, project: string, count: number, snapshots = 0): Promise<string[]> {
  const db = openDb(dbUrl);
  await migrate(db);
  const type = await db.kysely.selectFrom("volume_types").select("id").executeTakeFirstOrThrow();
  await db.kysely
    .insertInto("quotas")
    .values(["volumes", "gigabytes", "snapshots"].map((resource) => ({ project_id: project, resource, hard_limit: -1 })))
    .execute();
  const ids: string[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  await db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i += 500) {
      const rows = Array.from({ length: Math.min(500, count - i) }, (_, j) => {
        const n = i + j;
        const id = randomUUID();
        ids.push(id);
        return {
          id,
          project_id: project,
          user_id: "bench",
          host: "benchhost@file#file",
          cluster_name: null,
          availability_zone: "nova",
          display_name: `seed-${n}`,
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
          // Distinct times, so the default order (newest first) is the reverse of the seeding order.
          created_at: timestampAt(t0 + n * 1000),
          updated_at: null,
          launched_at: timestampAt(t0 + n * 1000),
        };
      });
      await trx.insertInto("volumes").values(rows).execute();
      await trx
        .insertInto("volume_metadata")
        .values(rows.map((r) => ({ volume_id: r.id, key: "tier", value: "seed" })))
        .execute();
      if (i < snapshots) {
        await trx
          .insertInto("snapshots")
          .values(
            rows.slice(0, Math.max(0, snapshots - i)).map((r) => ({
              id: randomUUID(),
              project_id: project,
              user_id: "bench",
              volume_id: r.id,
              status: "available" as const,
              progress: "100%",
              volume_size: 1,
              display_name: `snap-${r.display_name}`,
              display_description: null,
              volume_type_id: type.id,
              consumes_quota: 1,
              group_snapshot_id: null,
              provider_location: null,
              created_at: r.created_at,
              updated_at: null,
            })),
          )
          .execute();
      }
    }
  });
  // Planner statistics, as a database that has lived with its rows has them.
  await analyze(db);
  await db.close();
  return ids;
}

export function load(title: string, url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ title, url, connections: CONNECTIONS, duration: SECONDS, headers }, (err, res) => {
      if (err) return reject(err);
      if (res.non2xx > 0 || res.errors > 0) return reject(new Error(`${title}: ${res.non2xx} non-2xx answers, ${res.errors} errors`));
      resolve(res);
    });
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A child process (a `cinderblock` command, or the ceiling) once `ready` says it answers. */
/** A Node process (`node ...args`); TypeScript entry points run through tsx. */
export async function startChild(args: string[], ready: () => Promise<boolean>): Promise<ChildProcess> {
  const tsx = args.some((a) => a.endsWith(".ts")) ? ["--require", require.resolve("tsx/cjs")] : [];
  const child = spawn(process.execPath, [...tsx, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${args.slice(0, 2).join(" ")} exited with ${child.exitCode}`);
    try {
      if (await ready()) return child;
    } catch {
      // not listening yet
    }
    if (i > 1200) throw new Error(`${args.slice(0, 2).join(" ")} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function startCli(args: string[], port: number): Promise<ChildProcess> {
  return startChild([...PROFILE, CLI, ...args, "--port", String(port), "--log-level", "warn"], async () => (await fetch(`http://127.0.0.1:${port}/`)).status === 300);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
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
 * CPU time a process has used, µs (user + system, /proc/PID/stat in clock ticks). Per request it
 * is steadier than throughput on a busy machine: the load generator and other work take turns on
 * the same cores, which lowers req/s but not the CPU each request costs the server.
 */
async function cpuUs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / CLOCK_TICKS);
}

/** USER_HZ, 100 on Linux for every architecture Node runs on. */
const CLOCK_TICKS = 100;

/** The server's resident memory, in MB (Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** A token of the built-in identity: the admin, scoped to its project. */
export async function adminToken(base: string, dataDir: string): Promise<{ token: string; project: string }> {
  const password = (await readFile(path.join(dataDir, "admin-password"), "utf8")).trim();
  const r = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: "admin", domain: { id: "default" }, password } } },
        scope: { project: { name: "admin", domain: { id: "default" } } },
      },
    }),
  });
  if (r.status !== 201) throw new Error(`token: ${r.status} ${await r.text()}`);
  const body = (await r.json()) as { token: { project: { id: string } } };
  return { token: r.headers.get("x-subject-token")!, project: body.token.project.id };
}

/** `count` operations, `parallel` at a time, each done when `done` says so; the wall time in seconds. */
export async function batch(count: number, parallel: number, op: (i: number) => Promise<void>): Promise<{ seconds: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  latencies.sort((a, b) => a - b);
  return { seconds: (performance.now() - started) / 1000, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/** Poll every 5 ms: closer polling would load the server it waits for with GETs. */
export async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
}

/** Throughput against the built-in identity on SQLite and the file driver, with the ceiling beside it. */
async function throughput(dir: string): Promise<{ rows: Row[]; creates: Row[] }> {
  const dataDir = path.join(dir, "throughput");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ["serve", "--data-dir", dataDir, "--host", "benchhost"];
  // First start: the identity bootstrap makes the admin; its token outlives the restart.
  let server = await startCli(args, port);
  const { token, project } = await adminToken(base, dataDir);
  await stopChild(server);
  const ids = await seed(`sqlite:${path.join(dataDir, "cinderblock.sqlite")}`, project, DETAIL_SEEDED);
  server = await startCli(args, port);
  const headers = { "X-Auth-Token": token, "OpenStack-API-Version": MV };
  const showUrl = `/v3/${project}/volumes/${ids[0]}`;
  const detailUrl = `/v3/${project}/volumes/detail?limit=100`;

  // The ceiling answers exactly the bodies the server gave.
  const bodies: Record<string, unknown> = {};
  for (const url of [showUrl, detailUrl]) bodies[url.split("?")[0]] = await (await fetch(base + url, { headers })).json();
  const bodiesFile = path.join(dir, "ceiling.json");
  await writeFile(bodiesFile, JSON.stringify(bodies));
  const cport = await freePort();
  const ceiling = await startChild([CEILING, bodiesFile, String(cport)], async () => (await fetch(`http://127.0.0.1:${cport}${showUrl}`)).status === 200);

  const rows: Row[] = [];
  try {
    for (const [name, url] of [
      ["GET volume", showUrl],
      [`GET volumes/detail?limit=100 (${DETAIL_SEEDED} volumes)`, detailUrl],
    ]) {
      let cpu0 = await cpuUs(ceiling.pid!);
      const top = await load(`${name} (ceiling)`, `http://127.0.0.1:${cport}${url.split("?")[0]}`, {});
      const topCpu = ((await cpuUs(ceiling.pid!)) - cpu0) / top.requests.total;
      cpu0 = await cpuUs(server.pid!);
      const r = await load(name, base + url, headers);
      const rCpu = ((await cpuUs(server.pid!)) - cpu0) / r.requests.total;
      rows.push({ name: `${name}, ceiling`, rps: top.requests.average, p50: top.latency.p50, p99: top.latency.p99, cpuUs: topCpu });
      rows.push({ name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, share: r.requests.average / top.requests.average, cpuUs: rCpu, cpuShare: topCpu / rCpu });
    }
  } finally {
    await stopChild(ceiling);
  }

  const json = { ...headers, "Content-Type": "application/json" };
  const made: string[] = [];
  const creates = await batch(100, 10, async () => {
    const r = await fetch(`${base}/v3/${project}/volumes`, { method: "POST", headers: json, body: JSON.stringify({ volume: { size: 1 } }) });
    if (r.status !== 202) throw new Error(`create answered ${r.status}: ${await r.text()}`);
    const id = ((await r.json()) as { volume: { id: string } }).volume.id;
    made.push(id);
    await waitFor(async () => {
      const status = ((await (await fetch(`${base}/v3/${project}/volumes/${id}`, { headers })).json()) as { volume: { status: string } }).volume.status;
      if (status.startsWith("error")) throw new Error(`volume ${id} went to ${status}`);
      return status === "available";
    });
  });
  const deletes = await batch(100, 10, async (i) => {
    const id = made[i];
    const r = await fetch(`${base}/v3/${project}/volumes/${id}`, { method: "DELETE", headers });
    if (r.status !== 202) throw new Error(`delete answered ${r.status}: ${await r.text()}`);
    await waitFor(async () => (await fetch(`${base}/v3/${project}/volumes/${id}`, { headers })).status === 404);
  });
  await stopChild(server);
  return {
    rows,
    creates: [
      { name: "100 creates → available (10 at a time), s", rps: creates.seconds, p50: creates.p50, p99: creates.p99 },
      { name: "100 deletes → gone (10 at a time), s", rps: deletes.seconds, p50: deletes.p50, p99: deletes.p99 },
    ],
  };
}

interface ScaleResult {
  dialect: string;
  count: number;
  /** query name -> p50 ms */
  p50: Map<string, number>;
  rss: number;
}

/**
 * Sequential latencies of the same query against several servers, taken in turns (one request to
 * each, round after round), so that the machine's background load falls on all of them alike;
 * the p50 of each, in ms, after a warm-up.
 */
async function latencies(urls: string[], headers: Record<string, string>, rounds = 150): Promise<number[]> {
  const times: number[][] = urls.map(() => []);
  for (let i = 0; i < rounds + 10; i++) {
    for (const [k, url] of urls.entries()) {
      const t0 = performance.now();
      const r = await fetch(url, { headers });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
      if (i >= 10) times[k].push(performance.now() - t0);
    }
  }
  return times.map((t) => pct(t.sort((a, b) => a - b), 50));
}

/** A fresh database for each count, seeded with that many volumes and snapshots, and a server on it. */
async function scaleServer(dir: string, dialect: "sqlite" | "postgres", count: number) {
  let dbUrl = `sqlite:${path.join(dir, `scale-${count}.sqlite`)}`;
  let drop: () => Promise<void> = async () => undefined;
  if (dialect === "postgres") {
    const name = `cb_bench_scale_${process.pid}_${count}`;
    const admin = new PgClient({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    dbUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
    drop = async () => {
      const c = new PgClient({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const ids = await seed(dbUrl, "bench", count, count);
  const port = await freePort();
  // The same page asked again would be answered from memory on SQLite (the read cache and the kept
  // answers): off here, so that the rows measure the database's work at each size.
  const server = await startCli(["serve", "--auth", "noauth", "--db", dbUrl, "--data-dir", path.join(dir, `scale-${dialect}-${count}`), "--host", "benchhost", "--read-cache", "false"], port);
  return { count, ids, server, base: `http://127.0.0.1:${port}/v3/bench`, drop };
}

/** Every count's server at once, each query measured against all of them in turns. */
async function scaleRuns(dir: string, dialect: "sqlite" | "postgres"): Promise<ScaleResult[]> {
  const servers: Array<Awaited<ReturnType<typeof scaleServer>>> = [];
  try {
    for (const count of SCALE) servers.push(await scaleServer(dir, dialect, count));
    const headers = { "X-Auth-Token": "bench:bench", "OpenStack-API-Version": MV };
    // The seeding order is the reverse of the list's: ids[count/2] is in the middle of it.
    const queries: Array<[string, (s: (typeof servers)[number]) => string]> = [
      ["first page", () => "/volumes/detail?limit=100"],
      ["marker mid-list", (s) => `/volumes/detail?limit=100&marker=${s.ids[Math.floor(s.count / 2)]}`],
      ["sort by name", () => "/volumes/detail?limit=100&sort=name:asc"],
      ["name filter", (s) => `/volumes/detail?name=seed-${Math.floor(s.count / 2)}`],
      ["snapshots first page", () => "/snapshots/detail?limit=100"],
    ];
    const results: ScaleResult[] = servers.map((s) => ({ dialect, count: s.count, p50: new Map(), rss: 0 }));
    for (const [name, q] of queries) {
      const p50s = await latencies(servers.map((s) => s.base + q(s)), headers);
      p50s.forEach((v, i) => results[i].p50.set(name, v));
    }
    for (const [i, s] of servers.entries()) results[i].rss = await rssMb(s.server.pid!);
    return results;
  } finally {
    for (const s of servers) {
      await stopChild(s.server);
      await s.drop();
    }
  }
}

/**
 * GET volume against `cinderblock api` as one process and with --workers 2, on PostgreSQL and
 * RabbitMQ, in the same run: the ratio is what the second core adds.
 */
async function apiWorkers(dir: string): Promise<Row[] | undefined> {
  const name = `cb_bench_${process.pid}`;
  const admin = new PgClient({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = `postgres://postgres@127.0.0.1:5432/${name}`;
  try {
    const [volumeId] = await seed(dbUrl, "bench", 100);
    const out: Row[] = [];
    for (const workers of [1, 2]) {
      const port = await freePort();
      const args = ["api", "--auth", "noauth", "--db", dbUrl, "--transport-url", "amqp://guest:guest@127.0.0.1:5672/", "--data-dir", dir, "--host", "benchapi"];
      const child = await startCli(workers > 1 ? [...args, "--workers", String(workers)] : args, port);
      try {
        const label = workers > 1 ? `GET volume, api --workers ${workers} (PostgreSQL)` : "GET volume, api, 1 process (PostgreSQL)";
        const r = await load(label, `http://127.0.0.1:${port}/v3/bench/volumes/${volumeId}`, { "X-Auth-Token": "bench:bench", "OpenStack-API-Version": MV });
        out.push({ name: label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 });
      } finally {
        await stopChild(child);
      }
    }
    return out;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

function printRows(rows: Row[], unit = "req/s"): void {
  const cpu = rows.some((r) => r.cpuUs !== undefined);
  const cpuHead = cpu ? ["CPU µs/req".padStart(12), "CPU of ceiling".padStart(16)] : [];
  console.log(["call".padEnd(52), unit.padStart(9), "p50 ms".padStart(9), "p99 ms".padStart(9), "of ceiling".padStart(12), ...cpuHead].join(""));
  const pctOf = (x: number | undefined) => (x === undefined ? "" : `${(x * 100).toFixed(1)}%`);
  for (const r of rows) {
    const value = unit === "req/s" ? r.rps.toFixed(0) : r.rps.toFixed(3);
    const cpuCols = cpu ? [(r.cpuUs === undefined ? "" : r.cpuUs.toFixed(0)).padStart(12), pctOf(r.cpuShare).padStart(16)] : [];
    console.log([r.name.padEnd(52), value.padStart(9), r.p50.toFixed(1).padStart(9), r.p99.toFixed(1).padStart(9), pctOf(r.share).padStart(12), ...cpuCols].join(""));
  }
}

async function main(): Promise<void> {
  // What is measured is what `npm start` runs: the compiled server.
  execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit", cwd: path.resolve(__dirname, "../..") });
  const dir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-bench-"));
  const pgUp = (await reachable(5432)) && (await reachable(5672));
  try {
    if (PARTS.has("throughput")) {
      const { rows, creates } = await throughput(dir);
      console.log(`\nCinderblock benchmark: built-in identity, SQLite, file driver; ${SECONDS}s per run, ${CONNECTIONS} connections\n`);
      printRows(rows);
      console.log("");
      printRows(creates, "seconds");
    }

    const scale: ScaleResult[] = [];
    for (const dialect of ["sqlite", "postgres"] as const) {
      if (!PARTS.has("scale") || !DIALECTS.has(dialect) || (dialect === "postgres" && !pgUp)) continue;
      scale.push(...(await scaleRuns(dir, dialect)));
    }
    if (!pgUp) console.log("\nPostgreSQL rows skipped: they need PostgreSQL on 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672 (apt-get install postgresql rabbitmq-server)");
    if (scale.length > 0) console.log(`\nScale: p50 ms of one page (limit=100) at ${SCALE.join(" / ")} volumes and as many snapshots (noauth)\n`);
    const queries = scale.length > 0 ? [...scale[0].p50.keys()] : [];
    for (const dialect of new Set(scale.map((s) => s.dialect))) {
      const runs = scale.filter((s) => s.dialect === dialect);
      console.log([`${dialect}`.padEnd(24), ...runs.map((r) => String(r.count).padStart(10)), "last/first".padStart(12)].join(""));
      for (const q of queries) {
        const values = runs.map((r) => r.p50.get(q)!);
        console.log([`  ${q}`.padEnd(24), ...values.map((v) => v.toFixed(2).padStart(10)), (values[values.length - 1] / values[0]).toFixed(2).padStart(12)].join(""));
      }
      console.log([`  server RSS, MB`.padEnd(24), ...runs.map((r) => r.rss.toFixed(0).padStart(10))].join(""));
    }

    if (pgUp && PARTS.has("workers")) {
      const workers = await apiWorkers(dir);
      if (workers) {
        console.log("");
        printRows(workers);
        console.log(`\napi --workers 2 / 1 process throughput ratio: ${(workers[1].rps / workers[0].rps).toFixed(3)}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
