/** Polling helpers: wait for a resource to reach a status (failing fast on an unexpected error status). */
import type { Client } from "./client";

/**
 * How long a wait is bounded by unless the caller says: 20 s, or CINDERBLOCK_WAIT_MS where a slow
 * machine runs the suite (the kernel lab's guest sets it). The bound is for a hung operation, not a slow one.
 */
export const WAIT_MS = Number(process.env.CINDERBLOCK_WAIT_MS) || 20_000;

/** Poll `fn` until it answers something; `what` (or what it returns, read at the deadline) names the wait in the error. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, what: string | (() => string), timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function waitStatus(
  c: Client,
  kind: "volumes" | "snapshots" | "groups",
  project: string,
  id: string,
  status: string,
  timeoutMs = WAIT_MS,
): Promise<any> {
  const key = kind.slice(0, -1);
  let last = "";
  return waitFor(async () => {
    const r = await c.get(`/v3/${project}/${kind}/${id}`);
    if (r.status !== 200) throw new Error(`${key} ${id}: GET answered ${r.status} while waiting for ${status}`);
    last = r.body[key].status;
    if (last === status) return r.body[key];
    if (last.startsWith("error") && !status.startsWith("error")) throw new Error(`${key} ${id} went to ${last} waiting for ${status}`);
    return undefined;
  }, () => `${key} ${id} to be ${status} (last ${last || "no answer"})`, timeoutMs);
}

export async function waitGone(c: Client, kind: "volumes" | "snapshots", project: string, id: string, timeoutMs = WAIT_MS): Promise<void> {
  await waitFor(async () => {
    const r = await c.get(`/v3/${project}/${kind}/${id}`);
    if (r.status === 404) return true;
    if (r.body?.volume?.status === "error_deleting" || r.body?.snapshot?.status === "error_deleting") {
      throw new Error(`${kind} ${id} went to error_deleting`);
    }
    return undefined;
  }, `${kind} ${id} to be deleted`, timeoutMs);
}
