/**
 * `cinderblock serve`, run as a user runs it: on start it says where it listens, where the data
 * is, how to log in (the openrc command and the password file) and where the dashboard is. Logs are
 * lines for people with --log-format pretty, and JSON when the output is not a terminal.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../helpers/server";

const CLI = path.resolve(__dirname, "../../server/src/cli.ts");

interface Started {
  child: ChildProcess;
  stdout: () => string;
}

/** Starts the CLI and waits until its output matches `ready`. */
async function serve(args: string[], ready: RegExp): Promise<Started> {
  const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const deadline = Date.now() + 60_000;
  while (!ready.test(out)) {
    if (child.exitCode !== null) throw new Error(`cinderblock serve exited with ${child.exitCode}:\n${out}\n${err}`);
    if (Date.now() > deadline) throw new Error(`cinderblock serve printed no ${ready} in 60 s:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, stdout: () => out };
}

async function stop(s: Started | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  await new Promise((resolve) => {
    s.child.once("exit", resolve);
    s.child.kill("SIGTERM");
  });
}

describe("cinderblock serve: what it prints at start", function () {
  this.timeout(120_000);
  let dir: string;
  let running: Started | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-banner-"));
  });
  afterEach(async () => {
    await stop(running);
    running = undefined;
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it("prints where it listens, the data dir, the credentials hint and the dashboard (pretty)", async () => {
    const port = await freePort();
    const dataDir = path.join(dir, "pretty");
    running = await serve(["--port", String(port), "--data-dir", dataDir, "--log-format", "pretty"], /metrics +http\S+\n/);
    const out = running.stdout();
    const url = `http://127.0.0.1:${port}`;
    assert.match(out, new RegExp(`listening on +${url}\\n`));
    assert.match(out, new RegExp(`data directory +${dataDir}\\n`));
    assert.ok(out.includes(`eval "$(cinderblock admin openrc --url ${url} --data-dir ${dataDir})"`), out);
    assert.match(out, new RegExp(`admin password +${path.join(dataDir, "admin-password")} \\(user admin, project admin\\)`));
    assert.match(out, new RegExp(`dashboard +${url}/dashboard\\n`));
    assert.match(out, new RegExp(`API reference +${url}/docs\\n`));
    // The first start also showed the new admin's password once.
    assert.match(out, /Created the admin user/);
    // Log lines are for people: a time, the level's name and the message, not JSON objects.
    const logLine = out.split("\n").find((l) => l.includes("cinderblock is serving the Cinder v3 API"));
    assert.ok(logLine, out);
    assert.match(logLine, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: cinderblock is serving the Cinder v3 API/);
    assert.ok(!out.split("\n").some((l) => l.startsWith("{")), "no JSON line");
    // The page and the endpoint it names answer.
    assert.equal((await fetch(`${url}/docs`)).status, 200);
  });

  it("writes the same as one JSON log line when the output is not a terminal", async () => {
    const port = await freePort();
    const dataDir = path.join(dir, "json");
    running = await serve(["--port", String(port), "--data-dir", dataDir, "--auth", "noauth"], /serving the Cinder v3 API/);
    const line = running.stdout().split("\n").find((l) => l.includes("serving the Cinder v3 API"))!;
    const entry = JSON.parse(line);
    const url = `http://127.0.0.1:${port}`;
    assert.equal(entry.url, url);
    assert.equal(entry.dataDir, dataDir);
    assert.equal(entry.dashboard, `${url}/dashboard`);
    assert.match(entry.login, /noauth/);
    assert.ok(!running.stdout().includes("listening on"), "no text banner among JSON lines");
  });

  it("refuses an unknown log format with a clear message", async () => {
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), CLI, "serve", "--log-format", "fancy", "--data-dir", path.join(dir, "bad")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /log format 'fancy' is not available; use pretty or json/);
  });
});
