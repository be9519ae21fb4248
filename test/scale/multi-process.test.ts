/**
 * Cinderblock as separate services, each its own process, on PostgreSQL and RabbitMQ: two API
 * services (the second with two workers), one scheduler, two volume services (hosts east and west, their own data directories).
 * Volumes land on both hosts through either API; a volume host killed with SIGKILL shows down and
 * gets nothing new, and once restarted finishes the create it was sent while it was gone.
 *
 * Each run gets its own RabbitMQ virtual host (made with rabbitmqctl) and its own database.
 */
import assert from "node:assert/strict";
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

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run("rabbitmqctl", args);
}

interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
}

describe("separate processes on PostgreSQL and RabbitMQ", function () {
  this.timeout(180_000);
  const id = randomUUID().slice(0, 8);
  const vhost = `cinderblock-test-${id}`;
  const procs = new Map<string, Proc>();
  let dir: string;
  let db: TestDb;
  let common: string[];
  let apis: Client[] = [];

  before(async function () {
    if (!(await reachable(5672))) {
      console.log("    RabbitMQ not reachable on 127.0.0.1:5672: apt-get install rabbitmq-server (skipping)");
      return this.skip();
    }
    if (!(await reachable(5432))) {
      console.log("    PostgreSQL not reachable on 127.0.0.1:5432: apt-get install postgresql (skipping)");
      return this.skip();
    }
    try {
      await rabbitmqctl("add_vhost", vhost);
      await rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    } catch {
      console.log("    rabbitmqctl cannot make a virtual host: apt-get install rabbitmq-server (skipping)");
      return this.skip();
    }
    dir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-mp-"));
    db = await makeDb("postgres", dir);
    common = [
      "--transport-url", `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
      "--db", db.url,
      "--auth", "noauth",
      "--service-down-time", "3",
      "--report-interval-ms", "500",
      "--stats-interval-ms", "500",
      "--resume-after", "2",
      "--log-level", "info",
    ];
    // The volume hosts first, then the scheduler, then the APIs: each starts without the others.
    await startVolume("east");
    await startVolume("west");
    await start("scheduler", ["scheduler", ...common, "--data-dir", path.join(dir, "scheduler"), "--host", `sched-${id}`]);
    // The second API runs two worker processes on one port.
    apis.push(await startApi(1));
    apis.push(await startApi(2, ["--workers", "2"]));
    const admin = apis[0].as("admin:admin");
    for (const name of ["east", "west"]) {
      const t = await admin.post("/v3/admin/types", { volume_type: { name: `on-${name}`, extra_specs: { volume_backend_name: name } } });
      assert.equal(t.status, 200, JSON.stringify(t.body));
    }
  });

  after(async () => {
    for (const p of procs.values()) await stop(p, "SIGTERM");
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await rabbitmqctl("delete_vhost", vhost).catch(() => undefined);
  });

  function host(name: string): string {
    return `${name}-${id}`;
  }

  async function start(name: string, args: string[]): Promise<Proc> {
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
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
  }

  async function startVolume(name: string): Promise<Proc> {
    const dataDir = path.join(dir, name);
    await mkdir(dataDir, { recursive: true });
    const config = path.join(dataDir, "config.json");
    await writeFile(config, JSON.stringify({ quotas: UNLIMITED, backends: [{ name: "file", driver: "file", volumeBackendName: name }] }));
    return start(name, ["volume", ...common, "--config", config, "--data-dir", dataDir, "--host", host(name)]);
  }

  async function startApi(n: number, extra: string[] = []): Promise<Client> {
    const port = await freePort();
    const dataDir = path.join(dir, `api${n}`);
    await mkdir(dataDir, { recursive: true });
    const config = path.join(dataDir, "config.json");
    await writeFile(config, JSON.stringify({ quotas: UNLIMITED }));
    await start(`api${n}`, ["api", ...common, "--config", config, "--data-dir", dataDir, "--host", `api${n}-${id}`, "--port", String(port), ...extra]);
    return new Client(`http://127.0.0.1:${port}`);
  }

  function stop(p: Proc, signal: NodeJS.Signals): Promise<void> {
    return new Promise((resolve) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
      p.child.once("exit", () => resolve());
      p.child.kill(signal);
    });
  }

  async function settled(c: Client, volumeId: string): Promise<any> {
    return waitFor(async () => {
      const v = (await c.as("admin:admin").get(`/v3/admin/volumes/${volumeId}`)).body.volume;
      return v && v.status !== "creating" ? v : undefined;
    }, `volume ${volumeId} to leave creating`, 60_000);
  }

  async function state(c: Client, name: string): Promise<string | undefined> {
    const r = await c.as("admin:admin").get("/v3/admin/os-services?binary=cinder-volume");
    return r.body.services.find((s: { host: string }) => s.host === `${host(name)}@file`)?.state;
  }

  it("serves the second API from two worker processes", async () => {
    const out = procs.get("api2")!.output;
    await waitFor(async () => ((out().match(/is serving the Cinder v3 API/g) ?? []).length === 2 ? true : undefined), "both API workers to listen");
    const served = await Promise.all(Array.from({ length: 20 }, () => apis[1].get("/v3/p1/volumes")));
    assert.deepEqual([...new Set(served.map((r) => r.status))], [200]);
  });

  it("lists every service up in os-services, through either API", async () => {
    for (const c of apis) {
      const r = await c.as("admin:admin").get("/v3/admin/os-services");
      const seen = r.body.services.map((s: { binary: string; host: string; state: string }) => `${s.binary} ${s.host} ${s.state}`).sort();
      assert.deepEqual(seen, [`cinder-scheduler sched-${id} up`, `cinder-volume ${host("east")}@file up`, `cinder-volume ${host("west")}@file up`]);
    }
  });

  it("places volumes on both hosts, created through either API", async () => {
    await waitFor(async () => ((await apis[0].as("admin:admin").get("/v3/admin/scheduler-stats/get_pools")).body.pools?.length === 2 ? true : undefined), "both hosts reported");
    const placed: string[] = [];
    for (const [i, name] of ["east", "west", "east", "west"].entries()) {
      const r = await apis[i % 2].post("/v3/p1/volumes", { volume: { size: 1, volume_type: `on-${name}` } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const v = await settled(apis[0], r.body.volume.id);
      assert.equal(v.status, "available");
      placed.push(v["os-vol-host-attr:host"].split("#")[0]);
    }
    assert.deepEqual(placed, ["east", "west", "east", "west"].map((n) => `${host(n)}@file`));
  });

  it("a host killed with SIGKILL shows down and gets nothing new; restarted, it finishes the create it was sent", async () => {
    const c = apis[1];
    await stop(procs.get("east")!, "SIGKILL");
    // Within service_down_time the host still counts as up: this volume is placed on it and waits in its queue.
    const pending = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-east" } });
    assert.equal(pending.status, 202, JSON.stringify(pending.body));
    await waitFor(async () => ((await state(c, "east")) === "down" ? true : undefined), "east to show down", 30_000);
    const early = (await c.as("admin:admin").get(`/v3/admin/volumes/${pending.body.volume.id}`)).body.volume;
    assert.equal(early.status, "creating", "the dead host has not made it");

    const refused = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-east" } });
    const r = await settled(c, refused.body.volume.id);
    assert.equal(r.status, "error", "nothing new for a host that is down");
    assert.equal(r["os-vol-host-attr:host"] ?? null, null);
    const west = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-west" } });
    assert.equal((await settled(c, west.body.volume.id)).status, "available", "the other host still works");

    await startVolume("east");
    await waitFor(async () => ((await state(c, "east")) === "up" ? true : undefined), "east to show up again", 30_000);
    const done = await settled(c, pending.body.volume.id);
    assert.equal(done.status, "available");
    assert.equal(done["os-vol-host-attr:host"].split("#")[0], `${host("east")}@file`);
  });

  it("an API process killed mid-request loses no volume: every volume it committed becomes available", async () => {
    const victim = procs.get("api1")!;
    // Forty creates in flight, and the process killed once the first of them are committed.
    const admin = apis[1].as("admin:admin");
    const inflight = async () =>
      (await admin.get(`/v3/admin/volumes/detail?all_tenants=1&limit=1000`)).body.volumes.filter((v: { name: string }) => v.name?.startsWith(`inflight-${id}-`));
    const sent = Array.from({ length: 40 }, (_, i) =>
      apis[0].post("/v3/p1/volumes", { volume: { size: 1, name: `inflight-${id}-${i}`, volume_type: i % 2 ? "on-east" : "on-west" } }).catch(() => undefined),
    );
    await waitFor(async () => ((await inflight()).length >= 3 ? true : undefined), "the first creates to commit", 30_000);
    await stop(victim, "SIGKILL");
    const answers = await Promise.all(sent);
    const answered = answers.filter((r) => r?.status === 202).map((r) => r!.body.volume.id as string);
    // What the database holds is the truth: every committed volume, answered or not, is made.
    const rows = await inflight();
    assert.ok(rows.length >= 3 && rows.length >= answered.length, `${rows.length} committed, ${answered.length} answered`);
    for (const ok of answered) assert.ok(rows.some((v: { id: string }) => v.id === ok), `answered volume ${ok} is in the database`);
    for (const v of rows) assert.equal((await settled(apis[1], v.id)).status, "available", `volume ${v.id}`);
  });
});
