/**
 * Metrics of `cinderblock api --workers N` (node:cluster): a scrape reaches one worker, which asks
 * the primary (`askPrimary`); the primary asks every listening worker for its own metrics
 * (`answerPrimary` in each), sums them with prom-client's AggregatorRegistry (counters and
 * histograms added up; the default process metrics by their own aggregators) and answers the
 * asking worker with the text. Messages go over the cluster's IPC channel; nothing listens on a port.
 */
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";

const ASK = "cinderblock:metrics:ask";
const COLLECT = "cinderblock:metrics:collect";
const COLLECTED = "cinderblock:metrics:collected";
const ANSWER = "cinderblock:metrics:answer";

/** How long the primary waits for a worker's metrics, and a worker for the primary's answer. */
export const WORKER_METRICS_TIMEOUT_MS = 5000;

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

interface Message {
  type?: string;
  id?: string;
  text?: string;
  error?: string;
  metrics?: MetricsJson[];
}

// ---- In a worker.

let seq = 0;
const asks = new Map<string, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
let collect: (() => Promise<unknown[][]>) | undefined;
let listening = false;

function onPrimaryMessage(msg: Message): void {
  if (msg?.type === COLLECT && msg.id) {
    const id = msg.id;
    const reply = (m: Message) => process.send?.(m);
    (collect ? collect() : Promise.resolve([])).then(
      (metrics) => reply({ type: COLLECTED, id, metrics: metrics as MetricsJson[] }),
      (err: unknown) => reply({ type: COLLECTED, id, error: (err as Error).message }),
    );
  } else if (msg?.type === ANSWER && msg.id) {
    const ask = asks.get(msg.id);
    if (!ask) return;
    asks.delete(msg.id);
    clearTimeout(ask.timer);
    if (msg.error !== undefined) ask.reject(new Error(msg.error));
    else ask.resolve(msg.text ?? "");
  }
}

function listen(): void {
  if (listening) return;
  listening = true;
  process.on("message", onPrimaryMessage);
}

/** In a worker: `own` gives this worker's metrics (registries' getMetricsAsJSON) when the primary asks. */
export function answerPrimary(own: () => Promise<unknown[][]>): void {
  collect = own;
  listen();
}

/** In a worker: every worker's own metrics, summed by the primary, as Prometheus text. */
export function askPrimary(timeoutMs = WORKER_METRICS_TIMEOUT_MS): Promise<string> {
  listen();
  const id = `${process.pid}:${++seq}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      asks.delete(id);
      reject(new Error(`the primary process did not answer for the workers' metrics within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    asks.set(id, { resolve, reject, timer });
    process.send!({ type: ASK, id });
  });
}

// ---- In the primary.

interface Collection {
  from: Worker;
  /** The asking worker's id of its ask. */
  askId: string;
  waiting: Set<number>;
  replies: MetricsJson[];
  timer: NodeJS.Timeout;
}

/**
 * In the primary of `cinderblock api --workers N`: answer the workers' asks for everyone's metrics.
 * Only workers that listen are asked (a starting one has counted nothing yet); one that exits or
 * stays silent past the timeout is left out of that scrape.
 */
export function serveWorkersMetrics(timeoutMs = WORKER_METRICS_TIMEOUT_MS): void {
  const ready = new Set<number>();
  const collections = new Map<string, Collection>();

  const finish = (id: string) => {
    const c = collections.get(id);
    if (!c) return;
    collections.delete(id);
    clearTimeout(c.timer);
    const answer = (m: Message) => {
      if (c.from.isConnected()) c.from.send(m);
    };
    let text: Promise<string>;
    try {
      text = AggregatorRegistry.aggregate(c.replies).metrics();
    } catch (err) {
      text = Promise.reject(err);
    }
    text.then(
      (t) => answer({ type: ANSWER, id: c.askId, text: t }),
      (err: unknown) => answer({ type: ANSWER, id: c.askId, error: (err as Error).message }),
    );
  };

  cluster.on("listening", (w) => ready.add(w.id));
  cluster.on("exit", (w) => {
    ready.delete(w.id);
    for (const [id, c] of collections) if (c.waiting.delete(w.id) && c.waiting.size === 0) finish(id);
  });
  cluster.on("message", (w: Worker, msg: Message) => {
    if (msg?.type === ASK && msg.id) {
      const id = `${w.id}:${msg.id}`;
      const workers = Object.values(cluster.workers ?? {}).filter((x): x is Worker => x !== undefined && ready.has(x.id) && x.isConnected());
      // The asking worker listens, whether or not its "listening" event came first.
      if (!workers.includes(w)) workers.push(w);
      const timer = setTimeout(() => finish(id), timeoutMs);
      timer.unref();
      collections.set(id, { from: w, askId: msg.id, waiting: new Set(workers.map((x) => x.id)), replies: [], timer });
      for (const x of workers) x.send({ type: COLLECT, id });
    } else if (msg?.type === COLLECTED && msg.id) {
      const c = collections.get(msg.id);
      if (!c || !c.waiting.delete(w.id)) return;
      if (msg.error === undefined) c.replies.push(...(msg.metrics ?? []));
      if (c.waiting.size === 0) finish(msg.id);
    }
  });
}
