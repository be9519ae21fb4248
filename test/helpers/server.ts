/**
 * Starting real servers for tests: in this process (buildApp + listen on a free port) or as a
 * child process running the CLI (for crash and restart tests), on SQLite or on a fresh PostgreSQL
 * database made for the run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client as PgClient } from "pg";
import { buildApp, type App } from "../../server/src/app";
import { defaults, type Config } from "../../server/src/config";
import { createLogger } from "../../server/src/log";
import type { Executor } from "../../server/src/exec/executor";

export type Dialect = "sqlite" | "postgres";

const UNLIMITED = { volumes: -1, snapshots: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1, groups: -1, per_volume_gigabytes: -1 };

const PG_ADMIN = process.env.CINDERBLOCK_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Whether something listens where the tests' PostgreSQL should be (checked once, synchronously, by a child). */
function postgresListens(): boolean {
  const u = new URL(PG_ADMIN);
  const probe = `const s=require("net").connect(${Number(u.port || 5432)},${JSON.stringify(u.hostname)});s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));setTimeout(()=>process.exit(1),2000)`;
  return spawnSync(process.execPath, ["-e", probe]).status === 0;
}

/**
 * Dialects to run the suites on: both unless CINDERBLOCK_TEST_DIALECTS narrows it. Without a
 * PostgreSQL (and without the variable asking for it) the suites run on SQLite alone, and say so.
 */
export const DIALECTS: Dialect[] = (() => {
  const asked = process.env.CINDERBLOCK_TEST_DIALECTS;
  const dialects = (asked ?? "sqlite,postgres")
    .split(",")
    .map((d) => d.trim())
    .filter((d): d is Dialect => d === "sqlite" || d === "postgres");
  if (asked === undefined && !postgresListens()) {
    console.log(`      skipped: every suite's PostgreSQL half, nothing listens at ${new URL(PG_ADMIN).host} (apt-get install postgresql)`);
    return dialects.filter((d) => d !== "postgres");
  }
  return dialects;
})();

/** A database for one test server: SQLite in its data dir, or a new PostgreSQL database. */
export interface TestDb {
  url: string;
  drop(): Promise<void>;
}

export async function makeDb(dialect: Dialect, dataDir: string): Promise<TestDb> {
  if (dialect === "sqlite") return { url: `sqlite:${path.join(dataDir, "cinderblock.sqlite")}`, drop: async () => {} };
  const name = `cb_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new PgClient({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const c = new PgClient({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestServer {
  url: string;
  dataDir: string;
  app: App;
  client: Client;
  db: TestDb;
  /** Close the server (graceful), keep the data. */
  stop(): Promise<void>;
  /** Close and remove everything. */
  destroy(): Promise<void>;
}

import { Client } from "./client";

export async function startServer(
  dialect: Dialect,
  overrides: Partial<Config> = {},
  reuse?: { dataDir: string; db: TestDb },
  opts: { executor?: Executor } = {},
): Promise<TestServer> {
  const dataDir = reuse?.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), "cinderblock-test-")));
  const db = reuse?.db ?? (await makeDb(dialect, dataDir));
  const config: Config = {
    ...defaults(dataDir),
    host: "testhost",
    auth: "noauth",
    db: db.url,
    // Suites that are not about quotas create more than Cinder's default 10 volumes per project.
    quotas: UNLIMITED,
    statsIntervalMs: 1000,
    logLevel: process.env.CINDERBLOCK_TEST_LOG ?? "silent",
    ...overrides,
  };
  const app = await buildApp(config, createLogger(config.logLevel), opts);
  await app.http.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.http.server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dataDir,
    app,
    db,
    client: new Client(url),
    stop: () => app.close(),
    destroy: async () => {
      await app.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The CLI in a child process, for tests that kill it. */
export interface ChildServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export interface ChildOptions {
  dataDir: string;
  dbUrl: string;
  port?: number;
  auth?: string;
  logLevel?: string;
  /** Settings of the config file besides unlimited quotas (backends, target helper, ...). */
  config?: Record<string, unknown>;
  /** A built `cli.js` run with plain node (default: the TypeScript source through tsx). */
  cli?: string;
  /** Until the server answers (default 30 s). */
  startTimeoutMs?: number;
}

export async function startChild(args: ChildOptions): Promise<ChildServer> {
  const port = args.port ?? (await freePort());
  const cli = args.cli ?? path.resolve(__dirname, "../../server/src/cli.ts");
  const configFile = path.join(args.dataDir, "test-config.json");
  await mkdir(args.dataDir, { recursive: true });
  await writeFile(configFile, JSON.stringify({ quotas: UNLIMITED, ...args.config }));
  const child = spawn(
    process.execPath,
    [...(args.cli ? [] : ["--require", require.resolve("tsx/cjs")]), cli, "serve", "--config", configFile, "--auth", args.auth ?? "noauth", "--port", String(port), "--data-dir", args.dataDir, "--db", args.dbUrl, "--host", "testhost", "--log-level", args.logLevel ?? "info"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (args.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(url + "/");
      if (r.status === 300) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

export async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}
