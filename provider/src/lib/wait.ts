/**
 * The provider's status waiter: the SDK's rules (poll at once, fail fast on `error*`, only 404 is
 * "gone") with an injectable clock so unit tests run without real time, and the deadline taken
 * from the engine's `timeout` (customTimeouts).
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
    }),
};

export interface WaitSettings {
  timeoutMs: number;
  intervalMs?: number;
  maxIntervalMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/** The item went to an error status; `item` is its last state (for partial state). */
export class StatusError extends Error {
  override name = "StatusError";
  constructor(message: string, readonly item: { id: string; status: string }) {
    super(message);
  }
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(message: string, readonly item?: { id: string; status: string }) {
    super(message);
  }
}

/**
 * Poll `get` until the status is one of `targets`. `get` returning undefined means 404: that is
 * success only when `targets` includes "deleted".
 */
export async function waitForStatus<T extends { id: string; status: string }>(
  kind: string,
  id: string,
  get: () => Promise<T | undefined>,
  targets: readonly string[],
  s: WaitSettings,
): Promise<T | undefined> {
  const clock = s.clock ?? realClock;
  const deadline = clock.now() + s.timeoutMs;
  let interval = s.intervalMs ?? 500;
  let last: T | undefined;
  for (;;) {
    if (s.signal?.aborted) throw s.signal.reason;
    const item = await get();
    if (item === undefined) {
      if (targets.includes("deleted")) return undefined;
      throw new StatusError(`${kind} ${id} disappeared while waiting for ${targets.join(" or ")}`, { id, status: "deleted" });
    }
    last = item;
    if (targets.includes(item.status)) return item;
    if (item.status.startsWith("error")) {
      throw new StatusError(`${kind} ${id} went to status '${item.status}' while waiting for ${targets.join(" or ")}`, item);
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      throw new TimeoutError(`timed out after ${Math.round(s.timeoutMs / 1000)} s waiting for ${kind} ${id} to be ${targets.join(" or ")} (last status '${last.status}')`, last);
    }
    await clock.sleep(Math.min(interval, left), s.signal);
    interval = Math.min(interval * 1.5, s.maxIntervalMs ?? 5000);
  }
}
