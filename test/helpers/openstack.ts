/** Running the real `openstack` CLI (python3-openstackclient) with an openrc environment. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { waitFor } from "./wait";
import { DIALECTS, type Dialect } from "./server";

/**
 * The databases the openstack CLI suites run on: the first of the suites' dialects (SQLite unless
 * narrowed), since what they test is the client against the API, which the HTTP suites cover on
 * both databases; CINDERBLOCK_CLI_DIALECTS=all runs them on every one.
 */
export const CLI_DIALECTS: Dialect[] = process.env.CINDERBLOCK_CLI_DIALECTS === "all" ? DIALECTS : DIALECTS.slice(0, 1);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  return runTool("openstack", env, args);
}

/** Run an OpenStack client (`openstack`, `cinder`, `glance`) with `env`, never failing: its exit code is in the answer. */
export function runTool(tool: string, env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(tool, args, { env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const CINDERBLOCK = path.resolve(__dirname, "../../server/src/cli.ts");

/** Run `cinderblock ...` (the source, through tsx) with `input` on stdin. */
export function cinderblock(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ["--require", require.resolve("tsx/cjs"), CINDERBLOCK, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input ?? "");
  });
}

/**
 * The variables of an openrc as `cinderblock admin openrc` prints it: every line is a comment or
 * `export OS_NAME=value` with the value bare or in single quotes (with '\'' for a quote inside).
 */
export function parseOpenrc(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^export (OS_[A-Z_]+)=(?:'((?:[^']|'\\'')*)'|([^'\s]*))$/.exec(line);
    assert.ok(m, `not an openrc line: ${line}`);
    vars[m[1]] = m[2] !== undefined ? m[2].replace(/'\\''/g, "'") : m[3];
  }
  return vars;
}

/**
 * The environment of the openrc that `cinderblock admin openrc` prints for `user` on `project` of
 * this server, exactly (only its OS_* variables, none inherited); a user other than the admin sets
 * OS_PASSWORD, as the openrc's comment tells them to.
 */
export async function openrc(s: { url: string; dataDir: string; db: { url: string } }, user: string, project: string, password?: string): Promise<NodeJS.ProcessEnv> {
  const rc = await cinderblock(["admin", "openrc", "--url", s.url, "--user", user, "--project", project, "--data-dir", s.dataDir, "--db", s.db.url]);
  assert.equal(rc.code, 0, `cinderblock admin openrc: ${rc.stderr}`);
  const vars = parseOpenrc(rc.stdout);
  if (!vars.OS_PASSWORD) {
    assert.ok(password !== undefined, `the openrc of ${user} has no password: give one`);
    assert.match(rc.stdout, new RegExp(`^# set OS_PASSWORD to ${user}'s password$`, "m"));
    vars.OS_PASSWORD = password;
  }
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")));
  return { ...base, ...vars };
}

export async function ok(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await run(env, args);
  assert.equal(r.code, 0, `openstack ${args.join(" ")} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export async function fails(env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  const r = await run(env, args);
  assert.notEqual(r.code, 0, `openstack ${args.join(" ")} should have failed:\n${r.stdout}`);
  return r;
}

/**
 * A command python3-openstackclient 6.0.0 (Debian 12) sends but then fails on in the client: it
 * exits non-zero with `known` in its output. A later release that exits 0 passes too; the caller
 * checks the command's effect either way.
 */
export async function clientBug(env: NodeJS.ProcessEnv, args: string[], known: RegExp): Promise<Run> {
  const r = await run(env, args);
  if (r.code !== 0) assert.match(r.stdout + r.stderr, known, `openstack ${args.join(" ")} exited ${r.code}:\n${r.stderr}`);
  return r;
}

export const json = async (env: NodeJS.ProcessEnv, args: string[]) => JSON.parse(await ok(env, [...args, "-f", "json"]));

/** A `before` hook: the suite is skipped, with one line saying how to install it, without the openstack CLI (.ci/run installs it). */
export async function requireCli(this: Mocha.Context): Promise<void> {
  const r = await run(process.env, ["--version"]).catch(() => ({ code: -1 }));
  if (r.code !== 0) {
    console.log("      skipped: the openstack CLI is not on PATH: apt-get install python3-openstackclient");
    this.skip();
  }
}

/** Wait until `fn` gives a value: each CLI command starts a Python interpreter, so up to two minutes. */
export const until = <T>(fn: () => Promise<T | undefined>, what: string): Promise<T> => waitFor(fn, what, 120_000);
