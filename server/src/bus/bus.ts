/**
 * The message bus between the API, the scheduler and the volume managers (cf. Cinder's oslo.messaging
 * RPC). Messages carry ids, never rows: the receiver reads the current state from the database, so
 * the same messages work when the roles run in other processes (RabbitMQ backs this interface there).
 *
 * - cast: fire and forget, to one consumer of the topic; the receiver records the outcome in the database.
 * - fanout: fire and forget, to every consumer of the topic (capability reports reach every scheduler).
 * - call: request and answer.
 */
import type { Log } from "../log";

export type Handler = (method: string, payload: unknown) => Promise<unknown>;

export interface Bus {
  cast(topic: string, method: string, payload: unknown): void;
  fanout(topic: string, method: string, payload: unknown): void;
  call<T = unknown>(topic: string, method: string, payload: unknown): Promise<T>;
  subscribe(topic: string, handler: Handler): void;
  /** Wait until every message already delivered has been handled (or the timeout passes). */
  drain(timeoutMs: number): Promise<boolean>;
  /** Messages held now: being handled here, and waiting to be sent (or confirmed by the broker). */
  depth(): { handling: number; unsent: number };
  close(): Promise<void>;
}

/** Topics that carry only fanouts, so that every service sharing a bus may consume them. */
const FANOUT_ONLY_TOPICS = new Set(["cinder-volume"]);

export class InProcessBus implements Bus {
  private readonly handlers = new Map<string, Handler>();
  /** Every consumer of a topic, for fanouts: services sharing this bus each consume a fanout topic. */
  private readonly fanoutHandlers = new Map<string, Handler[]>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly log: Pick<Log, "error">) {}

  /**
   * One consumer per topic for casts and calls (a second is a mistake, refused). A topic consumed
   * only for its fanouts (`cinder-volume`, by every process with volume services) may have several.
   */
  subscribe(topic: string, handler: Handler): void {
    if (this.handlers.has(topic) && !FANOUT_ONLY_TOPICS.has(topic)) throw new Error(`topic ${topic} already has a consumer`);
    if (!this.handlers.has(topic)) this.handlers.set(topic, handler);
    this.fanoutHandlers.set(topic, [...(this.fanoutHandlers.get(topic) ?? []), handler]);
  }

  cast(topic: string, method: string, payload: unknown): void {
    if (this.closed) return; // parked: the receiver's restart reconciliation picks the work up
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.deliver(topic, method, payload))
      .catch((err: unknown) => this.log.error({ err, topic, method }, "cast handler failed"))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /**
   * To every consumer of the topic, at once (each handler runs up to its first await before this
   * returns), so that a report sent while starting is in place before the next request.
   */
  fanout(topic: string, method: string, payload: unknown): void {
    // To every consumer: with none (no volume service on this bus yet), to nobody.
    if (this.closed) return;
    for (const handler of this.fanoutHandlers.get(topic) ?? []) {
      const p = handler(method, payload)
        .catch((err: unknown) => this.log.error({ err, topic, method }, "fanout handler failed"))
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  async call<T>(topic: string, method: string, payload: unknown): Promise<T> {
    return (await this.deliver(topic, method, payload)) as T;
  }

  private deliver(topic: string, method: string, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(topic);
    if (!handler) return Promise.reject(new Error(`no consumer for topic ${topic}`));
    return handler(method, payload);
  }

  depth(): { handling: number; unsent: number } {
    return { handling: this.inFlight.size, unsent: 0 };
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, left))]);
    }
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
