/**
 * The AMQP bus's outbox: every publish (cast, call, reply, fanout) waits here until a live channel
 * takes it, and is then tracked until the broker confirms it. While the connection is down the
 * outbox simply grows; the bus pumps it again once it has reconnected. A publish the broker nacks,
 * or that dies with its channel, goes back in its original place, up to MAX_PUBLISH_ATTEMPTS.
 */
import type { ConfirmChannel, Options } from "amqplib";
import type { Log } from "../log";

export const MAX_PUBLISH_ATTEMPTS = 5;

/** One message to publish. */
export interface Outgoing {
  kind: "cast" | "call" | "reply" | "fanout";
  topic: string;
  method: string;
  exchange: string;
  routingKey: string;
  body: Buffer;
  options: Options.Publish;
}

interface Queued extends Outgoing {
  attempts: number;
  /** Order of sending, kept when a failed publish goes back into the outbox. */
  seq: number;
}

/** What the outbox needs of a connection: its confirm channel, and whether (and when) it died. */
export interface PublishLink {
  pub: ConfirmChannel;
  dead: boolean;
  /** Resolves when the link dies. */
  gone: Promise<void>;
}

export interface OutboxHooks<L extends PublishLink> {
  log: Pick<Log, "warn" | "error">;
  /** The live link, if any; never one that is dead. */
  link(): L | undefined;
  /** Declare what the message needs on the broker before it is published. */
  prepare(link: L, out: Outgoing): Promise<void>;
  /** The link failed under a publish or a declaration. */
  lost(link: L, err: unknown): void;
  /** The message will not be published (closed bus or too many attempts). */
  gaveUp(out: Outgoing, err: unknown): void;
  closed(): boolean;
}

export class Outbox<L extends PublishLink> {
  private readonly queue: Queued[] = [];
  private readonly unconfirmed = new Set<Promise<void>>();
  private seq = 0;
  private pumping = false;

  constructor(private readonly hooks: OutboxHooks<L>) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Messages not yet confirmed by the broker: waiting to be published, or published and unconfirmed. */
  get unsent(): number {
    return this.queue.length + this.unconfirmed.size;
  }

  /** Confirms the broker still owes. */
  pending(): Promise<void>[] {
    return [...this.unconfirmed];
  }

  idle(): boolean {
    return this.queue.length === 0 && this.unconfirmed.size === 0;
  }

  push(out: Outgoing): void {
    this.queue.push({ ...out, attempts: 0, seq: this.seq++ });
    void this.pump();
  }

  /** Empty the outbox, returning what was never published. */
  takeAll(): Outgoing[] {
    return this.queue.splice(0);
  }

  /** Publish in order on the current link; stops when there is none or it dies. */
  async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const link = this.hooks.link();
        if (!link) return;
        const out = this.queue[0];
        try {
          await this.hooks.prepare(link, out);
        } catch (err) {
          // The link is dropped; a newer one may already be up (its own pump found this one busy).
          this.hooks.lost(link, err);
          continue;
        }
        if (link.dead || this.queue[0] !== out) continue;
        this.queue.shift();
        if (!this.publish(link, out)) await Promise.race([new Promise((r) => link.pub.once("drain", r)), link.gone]);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Publish one message and track its confirm; false when the channel asks to wait for `drain`. */
  private publish(link: L, out: Queued): boolean {
    let ok = true;
    let settle!: () => void;
    const confirmed = new Promise<void>((r) => (settle = r));
    this.unconfirmed.add(confirmed);
    const done = (err: unknown): void => {
      this.unconfirmed.delete(confirmed);
      if (err) this.retry(out, err);
      settle();
    };
    try {
      ok = link.pub.publish(out.exchange, out.routingKey, out.body, out.options, done);
    } catch (err) {
      done(err);
      this.hooks.lost(link, err);
    }
    return ok;
  }

  private retry(out: Queued, err: unknown): void {
    out.attempts += 1;
    const about = { err, topic: out.topic, method: out.method, kind: out.kind, attempts: out.attempts };
    if (this.hooks.closed() || out.attempts >= MAX_PUBLISH_ATTEMPTS) {
      this.hooks.log.error(about, "message lost: the broker did not confirm it");
      this.hooks.gaveUp(out, err);
      return;
    }
    this.hooks.log.warn(about, "publish not confirmed; will publish again");
    const at = this.queue.findIndex((o) => o.seq > out.seq);
    this.queue.splice(at < 0 ? this.queue.length : at, 0, out);
    void this.pump();
  }
}
