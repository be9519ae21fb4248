/**
 * Waiters (after gophercloud `WaitFor`): poll once at once, so a resource already there costs no
 * wait, then with a growing, jittered interval (fewer calls on long waits, no lockstep between many
 * waiters) until done, the deadline or the AbortSignal, so that a caller can always stop a wait.
 * Status waiters fail fast on `error*` statuses; deletion waiters count only a 404 as gone.
 */
import { NotFound, ResourceStatusError, WaitTimeoutError } from "./errors";
import { sleep } from "./retry";
import type { CallOptions } from "./types";

export interface WaitOptions {
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
  /** First interval between polls (default 500 ms). */
  intervalMs?: number;
  /** Longest interval (default 10 s). */
  maxIntervalMs?: number;
  /** Interval growth per poll (default 1.5). */
  backoff?: number;
  /** Cancel the wait (rejects with the signal's reason). */
  signal?: AbortSignal;
}

export type Check<T> = { done: true; value: T } | { done: false; last?: unknown };

/**
 * Poll `check` until it reports done. `check` may throw to stop early (a failed resource).
 * `what` names the wait in the timeout message.
 */
export async function waitFor<T>(check: () => Promise<Check<T>>, opts: WaitOptions & { what?: string } = {}): Promise<T> {
  const timeout = opts.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeout;
  const maxInterval = opts.maxIntervalMs ?? 10_000;
  let interval = Math.min(opts.intervalMs ?? 500, maxInterval);
  let last: unknown;
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const r = await check();
    if (r.done) return r.value;
    last = r.last;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new WaitTimeoutError(`timed out after ${timeout} ms waiting for ${opts.what ?? "a condition"}${describe(last)}`, last);
    }
    // ±20% jitter keeps many waiters from polling in lockstep.
    const jittered = interval * (0.8 + Math.random() * 0.4);
    await sleep(Math.min(jittered, left), opts.signal);
    interval = Math.min(interval * (opts.backoff ?? 1.5), maxInterval);
  }
}

function describe(last: unknown): string {
  const status = (last as { status?: unknown } | undefined)?.status;
  return typeof status === "string" ? ` (last status '${status}')` : "";
}

/** What a status waiter needs from a resource module. */
export interface Waitable<T extends { id: string; status: string }> {
  /** `volume`, `snapshot`, … for messages. */
  kind: string;
  get(id: string, opts?: CallOptions): Promise<T>;
  /** Why an item is in an error status, when the server can say more than the status. */
  explain?(item: T, opts?: CallOptions): Promise<string | undefined>;
}

/** An id, or anything with one (a volume, a snapshot…). */
export type Ref = string | { id: string };
export const idOf = (r: Ref): string => (typeof r === "string" ? r : r.id);

const isError = (status: string) => status.toLowerCase().startsWith("error");

/**
 * Wait until the item has one of the `target` statuses and return it. An `error*` status that is
 * not a target fails at once with a ResourceStatusError.
 */
export async function waitForStatus<T extends { id: string; status: string }>(
  r: Waitable<T>,
  ref: Ref,
  target: string | readonly string[],
  opts: WaitOptions = {},
): Promise<T> {
  const id = idOf(ref);
  const targets = typeof target === "string" ? [target] : target;
  return waitFor<T>(
    async () => {
      const item = await r.get(id, { signal: opts.signal });
      if (targets.includes(item.status)) return { done: true, value: item };
      if (isError(item.status)) {
        const why = await r.explain?.(item, { signal: opts.signal }).catch(() => undefined);
        throw new ResourceStatusError(
          r.kind,
          id,
          item.status,
          `${r.kind} ${id} went to status '${item.status}' while waiting for '${targets.join("' or '")}'${why ? `: ${why}` : ""}`,
        );
      }
      return { done: false, last: item };
    },
    { ...opts, what: `${r.kind} ${id} to be ${targets.join(" or ")}` },
  );
}

/** Wait until getting the item answers 404. `error_deleting` fails at once; other errors propagate. */
export async function waitForDeleted<T extends { id: string; status: string }>(r: Waitable<T>, ref: Ref, opts: WaitOptions = {}): Promise<void> {
  const id = idOf(ref);
  await waitFor<void>(
    async () => {
      let item: T;
      try {
        item = await r.get(id, { signal: opts.signal });
      } catch (e) {
        if (e instanceof NotFound) return { done: true, value: undefined };
        throw e;
      }
      if (item.status === "error_deleting") {
        const why = await r.explain?.(item, { signal: opts.signal }).catch(() => undefined);
        throw new ResourceStatusError(r.kind, id, item.status, `${r.kind} ${id} failed to delete (status 'error_deleting')${why ? `: ${why}` : ""}`);
      }
      return { done: false, last: item };
    },
    { ...opts, what: `${r.kind} ${id} to be deleted` },
  );
}
