/**
 * The AMQP bus against a real RabbitMQ on 127.0.0.1:5672, and the contract it shares with the
 * in-process bus (cast, call, remote errors, drain). Topics carry a random suffix per run and their
 * queues are deleted afterwards.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { connect, type ChannelModel } from "amqplib";
import { InProcessBus, type Bus } from "../../server/src/bus/bus";
import { AmqpBus, connectAmqpBus, MessageUndeliverable, MessagingTimeout, type AmqpBusOptions } from "../../server/src/bus/amqp";
import { RemoteError } from "../../server/src/bus/errors";
import type { Log } from "../../server/src/log";

const URL = process.env.CINDERBLOCK_TEST_AMQP ?? "amqp://guest:guest@127.0.0.1:5672";
const RUN = randomBytes(4).toString("hex");
const EXCHANGE = `cinderblock-test-${RUN}`;

/** A Log that keeps warnings and errors, for assertions and for failure output. */
function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (obj: object, msg: string) => void lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  return { lines, debug() {}, info() {}, warn: keep("warn"), error: keep("error") };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves with what the first `n` deliveries to a handler carry. */
function collector(n = 1): { handler: (method: string, payload: unknown) => Promise<unknown>; got: Promise<Array<[string, unknown]>> } {
  const seen: Array<[string, unknown]> = [];
  let done!: (v: Array<[string, unknown]>) => void;
  const got = new Promise<Array<[string, unknown]>>((r) => (done = r));
  return {
    handler: async (method, payload) => {
      seen.push([method, payload]);
      if (seen.length === n) done(seen);
      return undefined;
    },
    got,
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

interface BusMaker {
  /** A fresh bus; closed by the contract at the end of each test. */
  open(): Promise<Bus>;
  /** A topic name unique to this run. */
  topic(base: string): string;
}

/** What every Bus does, in process or over a broker. */
function busContract(make: () => BusMaker): void {
  let maker: BusMaker;
  let bus: Bus;
  beforeEach(async () => {
    maker = make();
    bus = await maker.open();
  });
  afterEach(() => bus.close());

  it("delivers a cast to the topic's subscriber", async () => {
    const topic = maker.topic("cast");
    const c = collector();
    bus.subscribe(topic, c.handler);
    bus.cast(topic, "createVolume", { volumeId: "v-1" });
    assert.deepEqual(await within(c.got, 5000, "cast"), [["createVolume", { volumeId: "v-1" }]]);
  });

  it("answers a call with the handler's result", async () => {
    const topic = maker.topic("call");
    bus.subscribe(topic, async (method, payload) => ({ method, echo: payload }));
    assert.deepEqual(await bus.call(topic, "getPools", { filters: null }), { method: "getPools", echo: { filters: null } });
  });

  it("rejects a call with the remote handler's error and its message", async () => {
    const topic = maker.topic("remote-error");
    bus.subscribe(topic, async (method) => {
      if (method === "plain") throw new Error("disk on fire");
      throw new RemoteError("InvalidVolume", "Invalid volume: volume v-1 is in-use");
    });
    await assert.rejects(bus.call(topic, "plain", {}), (err: Error) => /disk on fire/.test(err.message));
    await assert.rejects(
      bus.call(topic, "remote", {}),
      (err: unknown) => err instanceof RemoteError && err.excType === "InvalidVolume" && err.value === "Invalid volume: volume v-1 is in-use",
    );
  });

  it("drains: waits for in-flight handlers, and reports a handler that outlasts the timeout", async () => {
    const topic = maker.topic("drain");
    let finished = 0;
    bus.subscribe(topic, async (method) => {
      await sleep(method === "slow" ? 1500 : 200);
      finished += 1;
    });
    const c = collector();
    const probe = maker.topic("drain-probe");
    bus.subscribe(probe, c.handler);
    bus.cast(topic, "quick", {});
    bus.cast(probe, "started", {});
    await within(c.got, 5000, "probe");
    assert.equal(await bus.drain(5000), true);
    assert.equal(finished, 1);
    bus.cast(topic, "slow", {});
    await sleep(100);
    assert.equal(await bus.drain(200), false);
    assert.equal(await bus.drain(5000), true);
    assert.equal(finished, 2);
  });
}

describe("bus contract: InProcessBus", () => {
  busContract(() => ({ open: async () => new InProcessBus(recordingLog()), topic: (base) => `${base}.${RUN}` }));
});

function rabbitReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port: 5672 });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe("AmqpBus (RabbitMQ)", function () {
  let admin: ChannelModel | undefined;
  const topics = new Set<string>();
  const buses: AmqpBus[] = [];
  let log: ReturnType<typeof recordingLog>;

  const topic = (base: string): string => {
    const t = `test.${base}.${RUN}.${randomBytes(3).toString("hex")}`;
    topics.add(t);
    return t;
  };
  const open = async (opts: Partial<AmqpBusOptions> = {}): Promise<AmqpBus> => {
    const bus = await connectAmqpBus(URL, { log, exchange: EXCHANGE, callTimeoutMs: 5000, reconnectDelayMs: { initial: 50, max: 500 }, ...opts });
    buses.push(bus);
    return bus;
  };

  before(async function () {
    if (!(await rabbitReachable())) {
      console.log("      skipped: RabbitMQ not reachable on 127.0.0.1:5672: apt-get install rabbitmq-server");
      this.skip();
    }
    admin = await connect(URL);
  });

  beforeEach(() => {
    log = recordingLog();
  });

  afterEach(async function () {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    if (this.currentTest?.state === "failed") console.log(log.lines.join("\n"));
  });

  after(async () => {
    if (!admin) return;
    const ch = await admin.createChannel();
    for (const t of topics) {
      await ch.deleteQueue(t);
      await ch.deleteExchange(`${t}_fanout`);
    }
    await ch.deleteExchange(EXCHANGE);
    await admin.close();
  });

  describe("bus contract", () => {
    busContract(() => ({ open: () => open(), topic }));
  });

  it("fails a call to a topic no queue is bound to at once, with MessageUndeliverable", async () => {
    const bus = await open({ callTimeoutMs: 500 });
    const t = topic("nobody");
    const started = Date.now();
    await assert.rejects(bus.call(t, "getPools", {}), (err: unknown) => err instanceof MessageUndeliverable && err.message.includes(`${t}.getPools`));
    assert.ok(Date.now() - started < 500);
  });

  it("fails a call to a queue nobody consumes within the timeout, with MessagingTimeout", async () => {
    const t = topic("unconsumed");
    const ch = await admin!.createChannel();
    await ch.assertExchange(EXCHANGE, "topic", { durable: true });
    await ch.assertQueue(t, { durable: true });
    await ch.bindQueue(t, EXCHANGE, t);
    const bus = await open({ callTimeoutMs: 500 });
    const started = Date.now();
    await assert.rejects(bus.call(t, "getPools", {}), (err: unknown) => {
      assert.ok(err instanceof MessagingTimeout);
      assert.equal(String(err), `MessagingTimeout: no reply from ${t}.getPools within 500 ms`);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 450 && took < 1500, `rejected after ${took} ms`);
    // The call expired with its timeout: nothing is left for a consumer that starts later.
    await sleep(100);
    assert.equal((await ch.checkQueue(t)).messageCount, 0);
    await ch.close();
  });

  it("keeps a cast sent before any consumer in the durable queue until one subscribes", async () => {
    const t = topic("early");
    const producer = await open();
    producer.cast(t, "deleteVolume", { volumeId: "v-9" });
    assert.equal(await producer.drain(5000), true, "the broker confirmed the cast");
    await producer.close();
    const consumer = await open();
    const c = collector();
    consumer.subscribe(t, c.handler);
    assert.deepEqual(await within(c.got, 5000, "late consumer"), [["deleteVolume", { volumeId: "v-9" }]]);
  });

  it("redelivers a message whose consumer went away before acking it", async () => {
    const t = topic("redeliver");
    const producer = await open();
    const first = await open();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    first.subscribe(t, () => {
      started();
      return new Promise(() => {}); // never settles: the ack never comes
    });
    producer.cast(t, "extendVolume", { volumeId: "v-2", newSize: 2 });
    await within(running, 5000, "first consumer");
    await first.close();
    const second = await open();
    const c = collector();
    second.subscribe(t, c.handler);
    assert.deepEqual(await within(c.got, 5000, "redelivery"), [["extendVolume", { volumeId: "v-2", newSize: 2 }]]);
  });

  it("broadcasts a fanout to every subscriber of the topic", async () => {
    const t = topic("fanout");
    const a = await open();
    const b = await open();
    const ca = collector();
    const cb = collector();
    a.subscribe(t, ca.handler);
    b.subscribe(t, cb.handler);
    await sleep(200); // both fanout queues bound
    a.fanout(t, "publishServiceCapabilities", {});
    const [ga, gb] = await within(Promise.all([ca.got, cb.got]), 5000, "fanout");
    assert.deepEqual(ga, [["publishServiceCapabilities", {}]]);
    assert.deepEqual(gb, [["publishServiceCapabilities", {}]]);
  });

  it("does not take up a connection that died as it was being opened: it opens another, and calls and casts go through", async () => {
    const t = topic("opening");
    const bus = await open();
    const c = collector(2);
    bus.subscribe(t, c.handler);
    assert.equal(await bus.call(t, "ping", {}), undefined);
    type Internals = { link?: { dead: boolean; conn: { connection: { stream: net.Socket } } }; consume(link: unknown, topic: string): Promise<void>; lost(link: unknown, err: unknown): void };
    const bus_ = bus as unknown as Internals;
    const consume = bus_.consume.bind(bus);
    let died!: () => void;
    const diedWhileOpening = new Promise<void>((r) => (died = r));
    let once = true;
    // On the next connection the broker closes it just as the last declaration is answered (as
    // when it shuts down, both arrive in one read).
    bus_.consume = async (link, tp) => {
      await consume(link, tp);
      if (!once) return;
      once = false;
      bus_.lost(link, new Error("connection closed by the broker"));
      died();
    };
    bus_.link!.conn.connection.stream.destroy(new Error("network down"));
    await within(diedWhileOpening, 10_000, "the next connection");
    await new Promise((r) => setImmediate(r));
    assert.notEqual(bus_.link?.dead, true, "the dead connection is not the bus's");
    await within(
      (async () => {
        while (!bus_.link) await sleep(20);
      })(),
      10_000,
      "another connection",
    );
    await assert.rejects(within(bus.call(topic("nobody"), "ping", {}), 10_000, "call"), MessageUndeliverable);
    bus.cast(t, "createVolume", { volumeId: "v-4" });
    assert.deepEqual(await within(c.got, 10_000, "cast"), [["ping", {}], ["createVolume", { volumeId: "v-4" }]]);
  });

  it("reconnects after losing its connection: consumers come back and casts sent meanwhile arrive", async () => {
    const t = topic("reconnect");
    const bus = await open();
    const c = collector(2);
    bus.subscribe(t, c.handler);
    assert.equal(await bus.call(t, "ping", {}), undefined);
    // Cut the socket under the bus, as a broker restart or a network failure would.
    const link = (bus as unknown as { link: { conn: { connection: { stream: net.Socket } } } }).link;
    link.conn.connection.stream.destroy(new Error("network down"));
    bus.cast(t, "createVolume", { volumeId: "v-3" });
    await within(c.got, 10_000, "cast across reconnect");
    assert.equal(await bus.drain(5000), true);
    assert.ok(log.lines.some((l) => l.includes("AMQP connection lost")), log.lines.join("\n"));
    assert.equal(await bus.call(t, "ping", {}), undefined);
  });
});
