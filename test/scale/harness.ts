/**
 * Cinderblock as separate services, each its own process (`cinderblock api`, `scheduler`,
 * `volume`), on PostgreSQL and RabbitMQ, for the multi-process suites. `separateProcesses()`,
 * called in a `describe`, gives the suite its own RabbitMQ virtual host (made with rabbitmqctl),
 * its own database and data directory, and removes them afterwards with every process it started.
 * Without RabbitMQ, PostgreSQL or a runnable rabbitmqctl the suite is skipped, with one line
 * saying what is missing and how to install it (servicesMissing). `launchServices()` gives the same
 * harness to code that runs outside a mocha suite's hooks.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "../helpers/client";
import { freePort, makeDb, type TestDb } from "../helpers/server";
import { waitFor } from "../helpers/wait";

const run = promisify(execFile);
const CLI = path.resolve(__dirname, "../../server/src/cli.ts");
const UNLIMITED = { volumes: -1, snapshots: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1, groups: -1, per_volume_gigabytes: -1 };

export function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Run rabbitmqctl with these arguments (no shell); resolves with its standard output. */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  return (await run("rabbitmqctl", args, { timeout: 120_000 })).stdout;
}

/** Why rabbitmqctl cannot serve the suite, in one line, or undefined when it can. */
async function rabbitmqctlMissing(): Promise<string | undefined> {
  try {
    await rabbitmqctl("list_vhosts");
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "rabbitmqctl not found: apt-get install rabbitmq-server";
    const said = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split("\n")[0];
    return `rabbitmqctl cannot run (${said}): run the tests as root, or install RabbitMQ with apt-get install rabbitmq-server`;
  }
}

export interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
}

export interface Harness {
  /** A short id unique to this run; hosts and names carry it. */
  readonly id: string;
  /** The run's RabbitMQ virtual host. */
  readonly vhost: string;
  readonly procs: Map<string, Proc>;
  /** The `--host` of the volume service `name`. */
  host(name: string): string;
  /** The data directory of the volume service `name` (its file backend keeps its files under it). */
  dataDir(name: string): string;
  /** Start `cinderblock <args>` and wait until it takes requests. */
  start(name: string, args: string[]): Promise<Proc>;
  /** A volume service named `name` with one file backend `file` (volume_backend_name `name`). */
  startVolume(name: string, extra?: string[]): Promise<Proc>;
  startScheduler(extra?: string[]): Promise<Proc>;
  /** API service `n` on a free port; its client. */
  startApi(n: number, extra?: string[]): Promise<Client>;
  /** Send `signal` and wait for the exit (a stopped process is continued first). */
  stop(p: Proc, signal: NodeJS.Signals): Promise<void>;
  /** The volume once it has left `creating`. */
  settled(c: Client, volumeId: string, timeoutMs?: number): Promise<any>;
  /** `up` or `down` for the volume service `name`, as os-services shows it. */
  state(c: Client, name: string): Promise<string | undefined>;
  /** The volume type `on-<name>` that places volumes on the volume service `name`. */
  createType(c: Client, name: string): Promise<void>;
}

/** Why the separate services cannot run here, in one line with the fix, or undefined when they can. */
export async function servicesMissing(): Promise<string | undefined> {
  if (!(await reachable(5672))) return "RabbitMQ not reachable on 127.0.0.1:5672: apt-get install rabbitmq-server";
  if (!(await reachable(5432))) return "PostgreSQL not reachable on 127.0.0.1:5432: apt-get install postgresql";
  return rabbitmqctlMissing();
}

/**
 * The flags every process gets, each overridable by `flags` (e.g. `{ "--resume-after": "3600" }`):
 * heartbeats and capacity reports every 500 ms, a service down after 3 s, lost work re-sent after 2 s.
 * `env` adds settings as CINDERBLOCK_<NAME> variables.
 */
export function separateProcesses(flags: Record<string, string> = {}, env: Record<string, string> = {}): Harness {
  const run = harness(flags, env);

  before(async function () {
    const why = await servicesMissing();
    if (why) {
      console.log(`      skipped: ${why}`);
      return this.skip();
    }
    await run.setUp();
  });

  after(() => run.close());
  return run.h;
}

/**
 * The same harness outside a mocha suite (a script, or a test that owns its run): the virtual host,
 * database and data directory are made now; `close()` stops every process and removes them.
 * Call servicesMissing() first.
 */
export async function launchServices(flags: Record<string, string> = {}, env: Record<string, string> = {}): Promise<Harness & { close(): Promise<void> }> {
  const run = harness(flags, env);
  try {
    await run.setUp();
  } catch (err) {
    await run.close();
    throw err;
  }
  return Object.assign(run.h, { close: run.close });
}

function harness(flags: Record<string, string>, env: Record<string, string>): { h: Harness; setUp(): Promise<void>; close(): Promise<void> } {
  const id = randomUUID().slice(0, 8);
  const vhost = `cinderblock-test-${id}`;
  const procs = new Map<string, Proc>();
  let dir = "";
  let db: TestDb | undefined;
  let common: string[] = [];
  let vhostMade = false;

  async function setUp(): Promise<void> {
    await rabbitmqctl("add_vhost", vhost);
    vhostMade = true;
    await rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    dir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-mp-"));
    db = await makeDb("postgres", dir);
    const settings: Record<string, string> = {
      "--transport-url": `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
      "--db": db.url,
      "--auth": "noauth",
      "--service-down-time": "3",
      "--report-interval-ms": "500",
      "--stats-interval-ms": "500",
      "--resume-after": "2",
      "--log-level": "info",
      ...flags,
    };
    common = Object.entries(settings).flat();
  }

  async function close(): Promise<void> {
    for (const p of procs.values()) await h.stop(p, "SIGTERM");
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (vhostMade) await rabbitmqctl("delete_vhost", vhost).catch(() => undefined);
  }

  const h: Harness = {
    id,
    vhost,
    procs,
    host: (name) => `${name}-${id}`,
    dataDir: (name) => path.join(dir, name),

    async start(name, args) {
      const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...env },
      });
      let out = "";
      child.stdout?.on("data", (d) => (out += d));
      child.stderr?.on("data", (d) => (out += d));
      const p = { name, child, output: () => out };
      procs.set(name, p);
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${out}`);
        return /taking requests|is serving the Cinder v3 API/.test(out) ? true : undefined;
      }, `${name} to start`, 60_000);
      return p;
    },

    async startVolume(name, extra = []) {
      const dataDir = h.dataDir(name);
      await mkdir(dataDir, { recursive: true });
      const config = path.join(dataDir, "config.json");
      await writeFile(config, JSON.stringify({ quotas: UNLIMITED, backends: [{ name: "file", driver: "file", volumeBackendName: name }] }));
      return h.start(name, ["volume", ...common, "--config", config, "--data-dir", dataDir, "--host", h.host(name), ...extra]);
    },

    startScheduler(extra = []) {
      return h.start("scheduler", ["scheduler", ...common, "--data-dir", path.join(dir, "scheduler"), "--host", `sched-${id}`, ...extra]);
    },

    async startApi(n, extra = []) {
      const port = await freePort();
      const dataDir = path.join(dir, `api${n}`);
      await mkdir(dataDir, { recursive: true });
      const config = path.join(dataDir, "config.json");
      await writeFile(config, JSON.stringify({ quotas: UNLIMITED }));
      await h.start(`api${n}`, ["api", ...common, "--config", config, "--data-dir", dataDir, "--host", `api${n}-${id}`, "--port", String(port), ...extra]);
      return new Client(`http://127.0.0.1:${port}`);
    },

    stop(p, signal) {
      return new Promise((resolve) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
        // A process that outlives a graceful stop by 15 s is killed.
        const late = setTimeout(() => p.child.kill("SIGKILL"), 15_000);
        p.child.once("exit", () => (clearTimeout(late), resolve()));
        p.child.kill("SIGCONT");
        p.child.kill(signal);
      });
    },

    async settled(c, volumeId, timeoutMs = 60_000) {
      return waitFor(async () => {
        const v = (await c.as("admin:admin").get(`/v3/admin/volumes/${volumeId}`)).body.volume;
        return v && v.status !== "creating" ? v : undefined;
      }, `volume ${volumeId} to leave creating`, timeoutMs);
    },

    async state(c, name) {
      const r = await c.as("admin:admin").get("/v3/admin/os-services?binary=cinder-volume");
      return r.body.services.find((s: { host: string }) => s.host === `${h.host(name)}@file`)?.state;
    },

    async createType(c, name) {
      const t = await c.as("admin:admin").post("/v3/admin/types", { volume_type: { name: `on-${name}`, extra_specs: { volume_backend_name: name } } });
      if (t.status !== 200) throw new Error(`volume type on-${name}: ${t.status} ${JSON.stringify(t.body)}`);
    },
  };
  return { h, setUp, close };
}
