/** Running the real `openstack` CLI (python3-openstackclient) with an openrc environment. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { waitFor } from "./wait";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile("openstack", args, { env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment of an openrc: only the OS_* variables given, none inherited. */
export function openrc(url: string, user: string, password: string, project: string): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")));
  return {
    ...base,
    OS_AUTH_URL: `${url}/identity/v3`,
    OS_USERNAME: user,
    OS_PASSWORD: password,
    OS_PROJECT_NAME: project,
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
    OS_IDENTITY_API_VERSION: "3",
    // python-cinderclient 9 (Debian 12) knows up to 3.70.
    OS_VOLUME_API_VERSION: "3.70",
    OS_REGION_NAME: "RegionOne",
  };
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
