/**
 * The Bus on RabbitMQ (AMQP 0-9-1, amqplib), laid out as oslo.messaging's rabbit driver lays out
 * Cinder's RPC, so the roles can run in separate processes.
 *
 * Topology
 * - One durable topic exchange, `cinder` by default (oslo's control_exchange). Each topic, such as
 *   `scheduler` or `volume.host@backend`, is a durable queue of the same name bound to it by the
 *   routing key `<topic>`.
 * - Broadcast (`fanout`): a fanout exchange `<topic>_fanout`; every subscriber of the topic binds its
 *   own exclusive queue `<topic>_fanout_<uuid>` to it (oslo's names). Fanout messages are transient.
 * - Replies: one exclusive, auto-delete queue `reply_<uuid>` per bus, reached through the default
 *   exchange; a call carries `replyTo` and `correlationId` (its msgId).
 * - Body: JSON `{ method, payload, msgId }`; a reply is `{ msgId, result }` or
 *   `{ msgId, failure: { excType, value } }`, which the caller raises as a RemoteError.
 *
 * Delivery
 * - Casts are persistent messages, published on a confirm channel. The caster declares the topic's
 *   durable queue before its first publish to it, so a cast sent before any consumer has started
 *   waits in the queue instead of being dropped by the exchange. `drain` waits for the broker's
 *   confirms, after which a cast survives a broker restart.
 * - `cast` cannot fail (the interface returns void), so every publish goes through an in-memory
 *   outbox (amqp-outbox.ts): while the connection is down casts are kept there (logged once per
 *   outage) and published, in order, after the reconnect; a publish the broker nacks or that dies
 *   with its channel goes back to the outbox, up to 5 attempts, then is logged as lost. Delivery is
 *   therefore at least once (a cast whose confirm was lost can arrive twice), which handlers
 *   tolerate because messages carry ids, not rows. Casts still in the outbox at `close()`, or when the process dies,
 *   are lost and logged at close; the receivers' restart reconciliation picks that work up.
 * - A call is published with `mandatory` and a per-message TTL equal to its timeout. With no queue
 *   bound to the topic it fails at once with MessageUndeliverable; otherwise, without a reply within
 *   `callTimeoutMs` (60 s, oslo's rpc_response_timeout), it fails with MessagingTimeout.
 * - A consumer takes up to `prefetch` messages at a time and acks each after its handler settles
 *   (and the reply is queued), so a message whose consumer dies mid-handler is redelivered. A cast
 *   whose handler throws is logged and acked, as oslo does; it is not retried.
 *
 * Connection loss: the bus reconnects with exponential backoff and jitter (500 ms up to 30 s),
 * logging each attempt, then re-declares the exchange, the reply queue, every subscribed topic and
 * its consumer, and publishes the outbox. A call whose reply was lost in the outage times out.
 */
import { randomUUID } from "node:crypto";
import { connect, type Channel, type ChannelModel, type ConsumeMessage, type Message, type Options } from "amqplib";
import type { Bus, Handler } from "./bus";
import { Outbox, type Outgoing, type PublishLink } from "./amqp-outbox";
import { bounded, failureOf, MessageUndeliverable, MessagingTimeout, type Envelope, type Reply } from "./amqp-wire";
import { RemoteError } from "./errors";
import type { Log } from "../log";

export { MessageUndeliverable, MessagingTimeout } from "./amqp-wire";

export interface AmqpBusOptions {
  log: Log;
  /** The topic exchange (oslo's control_exchange). Default `cinder`. */
  exchange?: string;
  /** How long a call waits for its reply. Default 60 000 ms (oslo's rpc_response_timeout). */
  callTimeoutMs?: number;
  /** Unacknowledged messages a consumer holds at once. Default 10. */
  prefetch?: number;
  /** First and longest delay between reconnect attempts. Default 500 ms and 30 000 ms. */
  reconnectDelayMs?: { initial: number; max: number };
  /** Shown in the RabbitMQ management UI as the connection's name. */
  connectionName?: string;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  topic: string;
  method: string;
}

/** One live connection with its channels; replaced wholesale on reconnect. */
interface Link extends PublishLink {
  conn: ChannelModel;
  sub: Channel;
  /** topic (or fanout exchange) -> its declaration, once per connection. */
  declared: Map<string, Promise<void>>;
  consumerTags: string[];
  markGone(): void;
}

/** Connect to `url` (e.g. `amqp://guest:guest@127.0.0.1:5672`); rejects if the first connection fails. */
export async function connectAmqpBus(url: string, opts: AmqpBusOptions): Promise<AmqpBus> {
  const bus = new AmqpBus(url, opts);
  await bus.start();
  return bus;
}

export class AmqpBus implements Bus {
  readonly exchange: string;
  readonly replyQueue = `reply_${randomUUID()}`;
  private readonly log: Log;
  private readonly callTimeoutMs: number;
  private readonly prefetch: number;
  private readonly delay: { initial: number; max: number };
  private readonly connectionName: string;
  private link: Link | undefined;
  private readonly subscriptions = new Map<string, { handler: Handler; fanoutQueue: string }>();
  private readonly outbox: Outbox<Link>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly calls = new Map<string, PendingCall>();
  private closed = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private outageLogged = false;

  constructor(private readonly url: string, opts: AmqpBusOptions) {
    this.log = opts.log;
    this.exchange = opts.exchange ?? "cinder";
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
    this.prefetch = opts.prefetch ?? 10;
    this.delay = opts.reconnectDelayMs ?? { initial: 500, max: 30_000 };
    this.connectionName = opts.connectionName ?? `cinderblock-${process.pid}`;
    this.outbox = new Outbox<Link>({
      log: this.log,
      // Never a dead link: one is dropped by `lost`, but `open` may finish on a link that died.
      link: () => (this.link?.dead ? undefined : this.link),
      prepare: (link, out) => this.prepare(link, out),
      lost: (link, err) => this.lost(link, err),
      gaveUp: (out, err) => {
        const msgId = String(out.options.correlationId);
        if (out.kind === "call") this.settleCall(msgId, { msgId, failure: { excType: "MessageDeliveryFailure", value: String(err) } });
      },
      closed: () => this.closed,
    });
  }

  /** The first connection; later ones come from `scheduleReconnect`. */
  async start(): Promise<void> {
    try {
      await this.open();
    } catch (err) {
      // No caller will own this bus: cancel a reconnect the failed connection may have scheduled.
      await this.close();
      throw err;
    }
  }

  subscribe(topic: string, handler: Handler): void {
    if (this.subscriptions.has(topic)) throw new Error(`topic ${topic} already has a consumer`);
    this.subscriptions.set(topic, { handler, fanoutQueue: `${topic}_fanout_${randomUUID()}` });
    const link = this.link;
    if (link) this.consume(link, topic).catch((err: unknown) => this.lost(link, err));
  }

  cast(topic: string, method: string, payload: unknown): void {
    this.send("cast", topic, method, { method, payload, msgId: randomUUID() }, this.exchange, topic, {
      persistent: true,
    });
  }

  /** Deliver to every subscriber of `topic`, at most once each (transient, not confirmed to survive a restart). */
  fanout(topic: string, method: string, payload: unknown): void {
    this.send("fanout", topic, method, { method, payload, msgId: randomUUID() }, `${topic}_fanout`, "", {});
  }

  call<T = unknown>(topic: string, method: string, payload: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`bus closed: cannot call ${topic}.${method}`));
    const msgId = randomUUID();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(msgId);
        reject(new MessagingTimeout(topic, method, this.callTimeoutMs));
      }, this.callTimeoutMs);
      this.calls.set(msgId, { resolve: resolve as (v: unknown) => void, reject, timer, topic, method });
      this.send("call", topic, method, { method, payload, msgId }, this.exchange, topic, {
        mandatory: true,
        expiration: String(this.callTimeoutMs),
        replyTo: this.replyQueue,
        correlationId: msgId,
      });
    });
  }

  depth(): { handling: number; unsent: number } {
    return { handling: this.inFlight.size, unsent: this.outbox.unsent };
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.inFlight.size === 0 && this.outbox.idle()) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // Wake on a settled handler or confirm, or every 20 ms for the outbox (always yielding to I/O).
      const busy = [...this.inFlight, ...this.outbox.pending()];
      const tick = new Promise((r) => setTimeout(r, Math.min(left, 20)));
      await (busy.length > 0 ? Promise.race([Promise.allSettled(busy), tick]) : tick);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const link = this.link;
    this.link = undefined;
    if (link) {
      link.dead = true;
      link.markGone();
      // Each step is bounded: on a socket that died without a word, the broker never answers.
      for (const tag of link.consumerTags) await bounded(link.sub.cancel(tag));
      // Closing the channel returns every unacked message to its queue for another consumer.
      await bounded(link.sub.close());
      await bounded(link.pub.close());
      await bounded(link.conn.close());
    }
    for (const [msgId, call] of this.calls) {
      clearTimeout(call.timer);
      call.reject(new Error(`bus closed before ${call.topic}.${call.method} was answered`));
      this.calls.delete(msgId);
    }
    const lost = this.outbox.takeAll().filter((o) => o.kind === "cast");
    if (lost.length > 0) {
      this.log.error({ count: lost.length, topics: [...new Set(lost.map((o) => o.topic))] }, "bus closed with unpublished casts");
    }
  }

  // --- publishing ---------------------------------------------------------------------------

  private send(kind: Outgoing["kind"], topic: string, method: string, body: Envelope | Reply, exchange: string, routingKey: string, options: Options.Publish): void {
    if (this.closed) {
      this.log.warn({ topic, method, kind }, "bus closed: message not sent");
      return;
    }
    const content = Buffer.from(JSON.stringify(body));
    const msgId = body.msgId;
    if (!this.link && !this.outageLogged) {
      this.outageLogged = true;
      this.log.warn({ topic, method }, "AMQP connection down: holding messages until it is back");
    }
    this.outbox.push({ kind, topic, method, exchange, routingKey, body: content, options: { ...options, contentType: "application/json", messageId: msgId } });
  }

  /**
   * Declare what a publish needs: the topic's durable queue for a cast, the fanout exchange for a
   * fanout. A call to a topic this bus subscribes to waits for that queue, so that a call made right
   * after `subscribe` (which returns before the broker has the queue) is not undeliverable.
   */
  private prepare(link: Link, out: Outgoing): Promise<void> {
    if (out.kind === "cast") return this.declareTopic(link, out.topic);
    if (out.kind === "call" && this.subscriptions.has(out.topic)) return this.declareTopic(link, out.topic);
    if (out.kind === "fanout") return this.declareOnce(link, out.exchange, async () => {
      await link.pub.assertExchange(out.exchange, "fanout", { durable: false, autoDelete: true });
    });
    return Promise.resolve();
  }

  private declareTopic(link: Link, topic: string): Promise<void> {
    return this.declareOnce(link, topic, async () => {
      await link.pub.assertQueue(topic, { durable: true });
      await link.pub.bindQueue(topic, this.exchange, topic);
    });
  }

  private declareOnce(link: Link, key: string, declare: () => Promise<void>): Promise<void> {
    let p = link.declared.get(key);
    if (!p) {
      p = declare();
      link.declared.set(key, p);
    }
    return p;
  }

  // --- consuming ----------------------------------------------------------------------------

  private async consume(link: Link, topic: string): Promise<void> {
    const sub = this.subscriptions.get(topic);
    if (!sub || link.dead) return;
    await this.declareTopic(link, topic);
    const fanout = `${topic}_fanout`;
    await this.declareOnce(link, fanout, async () => {
      await link.pub.assertExchange(fanout, "fanout", { durable: false, autoDelete: true });
    });
    await link.sub.assertQueue(sub.fanoutQueue, { exclusive: true, autoDelete: true, durable: false });
    await link.sub.bindQueue(sub.fanoutQueue, fanout, "");
    for (const queue of [topic, sub.fanoutQueue]) {
      const { consumerTag } = await link.sub.consume(queue, (msg) => this.deliver(link, topic, sub.handler, msg));
      link.consumerTags.push(consumerTag);
    }
  }

  private deliver(link: Link, topic: string, handler: Handler, msg: ConsumeMessage | null): void {
    if (!msg) {
      // The broker cancelled the consumer (its queue was deleted): reconnect and declare it again.
      this.lost(link, new Error(`consumer of ${topic} cancelled by the broker`));
      return;
    }
    const p: Promise<void> = this.handle(link, topic, handler, msg).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async handle(link: Link, topic: string, handler: Handler, msg: ConsumeMessage): Promise<void> {
    const { replyTo, correlationId } = msg.properties as { replyTo?: string; correlationId?: string };
    let env: Envelope;
    try {
      env = JSON.parse(msg.content.toString("utf8")) as Envelope;
      if (typeof env.method !== "string") throw new Error("no method");
    } catch (err) {
      this.log.error({ err, topic }, "dropping a malformed message");
      this.ack(link, msg);
      return;
    }
    let reply: Reply;
    try {
      reply = { msgId: env.msgId, result: await handler(env.method, env.payload) };
    } catch (err) {
      if (!replyTo) this.log.error({ err, topic, method: env.method }, "cast handler failed");
      reply = { msgId: env.msgId, failure: failureOf(err) };
    }
    if (replyTo) {
      this.send("reply", topic, env.method, reply, "", replyTo, { correlationId: correlationId ?? env.msgId });
    }
    this.ack(link, msg);
  }

  private ack(link: Link, msg: Message): void {
    if (link.dead) return; // the broker has already requeued it
    try {
      link.sub.ack(msg);
    } catch (err) {
      this.log.warn({ err }, "ack failed; the message will be redelivered");
    }
  }

  private onReply(link: Link, msg: ConsumeMessage | null): void {
    if (!msg) {
      this.lost(link, new Error("reply consumer cancelled by the broker"));
      return;
    }
    try {
      const reply = JSON.parse(msg.content.toString("utf8")) as Reply;
      this.settleCall(String(msg.properties.correlationId ?? reply.msgId), reply);
    } catch (err) {
      this.log.error({ err }, "dropping a malformed reply");
    }
  }

  private settleCall(msgId: string, reply: Reply): void {
    const call = this.calls.get(msgId);
    if (!call) {
      this.log.debug({ msgId }, "reply to a call no longer waiting (timed out)");
      return;
    }
    this.calls.delete(msgId);
    clearTimeout(call.timer);
    if (reply.failure) call.reject(new RemoteError(reply.failure.excType, reply.failure.value));
    else call.resolve(reply.result);
  }

  private onReturn(msg: Message): void {
    const msgId = String(msg.properties.correlationId ?? msg.properties.messageId);
    const call = this.calls.get(msgId);
    if (!call) return;
    this.calls.delete(msgId);
    clearTimeout(call.timer);
    call.reject(new MessageUndeliverable(call.topic, call.method));
  }

  // --- connection ---------------------------------------------------------------------------

  /** Connect, declare the exchange and the reply queue, start every consumer, then flush the outbox. */
  private async open(): Promise<void> {
    const conn = await connect(this.url, { clientProperties: { connection_name: this.connectionName } });
    conn.on("error", (err: Error) => this.log.warn({ err }, "AMQP connection error"));
    let link: Link | undefined;
    try {
      const pub = await conn.createConfirmChannel();
      const sub = await conn.createChannel();
      let markGone!: () => void;
      const gone = new Promise<void>((r) => (markGone = r));
      const l: Link = { conn, pub, sub, declared: new Map(), consumerTags: [], dead: false, gone, markGone };
      link = l;
      conn.on("close", (err?: Error) => this.lost(l, err ?? new Error("connection closed")));
      for (const [ch, name] of [[pub, "publish"], [sub, "consumer"]] as const) {
        ch.on("error", (err: Error) => this.lost(l, err));
        ch.on("close", () => this.lost(l, new Error(`${name} channel closed`)));
      }
      pub.on("return", (msg: Message) => this.onReturn(msg));
      await pub.assertExchange(this.exchange, "topic", { durable: true });
      await sub.prefetch(this.prefetch);
      await sub.assertQueue(this.replyQueue, { exclusive: true, autoDelete: true, durable: false });
      const reply = await sub.consume(this.replyQueue, (msg) => this.onReply(l, msg), { noAck: true });
      l.consumerTags.push(reply.consumerTag);
      for (const topic of this.subscriptions.keys()) await this.consume(l, topic);
    } catch (err) {
      if (link) {
        link.dead = true;
        link.markGone();
      }
      await conn.close().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      link.dead = true;
      await conn.close().catch(() => undefined);
      return;
    }
    // The broker closed the connection as its last declaration was answered (both in one read, as
    // when it shuts down): `lost` has scheduled the next attempt. Installing the dead link would
    // stall the outbox, and make it spin on a call or a reply (nothing to declare for those).
    if (link.dead) throw new Error("AMQP connection closed while it was being opened");
    this.link = link;
    this.outageLogged = false;
    void this.outbox.pump();
  }

  /** The link died (connection or channel error): drop it and reconnect. */
  private lost(link: Link, err: unknown): void {
    if (link.dead) return;
    link.dead = true;
    link.markGone();
    if (this.link === link) this.link = undefined;
    link.conn.close().catch(() => undefined);
    if (this.closed) return;
    this.log.warn({ err }, "AMQP connection lost; reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const base = Math.min(this.delay.max, this.delay.initial * 2 ** this.reconnectAttempt);
    const delayMs = Math.round(base * (0.75 + Math.random() * 0.25));
    this.reconnectAttempt += 1;
    this.log.info({ attempt: this.reconnectAttempt, delayMs }, "AMQP reconnect scheduled");
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open().then(
        () => {
          if (this.closed) return;
          this.log.info({ attempts: this.reconnectAttempt }, "AMQP connection restored");
          this.reconnectAttempt = 0;
        },
        (err: unknown) => {
          this.log.warn({ err, attempt: this.reconnectAttempt }, "AMQP reconnect failed");
          this.scheduleReconnect();
        },
      );
    }, delayMs);
  }
}
