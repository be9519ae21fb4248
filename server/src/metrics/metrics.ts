/**
 * Prometheus metrics (prom-client) of one process. The request path only counts and observes
 * (`request`: one counter increment and one histogram observation on a cached child); everything
 * about the stored volumes, the backends' capacity and the bus is read when Prometheus scrapes
 * (`scrape`): one grouped query, the scheduler's view of the pools, the bus's own counts.
 * README "Metrics" lists every metric.
 *
 * Under `cinderblock api --workers N` each scrape reaches one worker; that worker asks the primary
 * process, which gathers every worker's own metrics over IPC and sums them (./cluster.ts), so the
 * counters a scrape shows are the whole service's, whichever worker answers.
 */
import cluster from "node:cluster";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { askPrimary, answerPrimary } from "./cluster";
import type { Db } from "../db/database";
import { volumeTotals } from "../db/repos/metrics";

/** One pool as the scheduler last heard of it. */
export interface PoolCapacity {
  /** `host@backend`. */
  backend: string;
  pool: string;
  totalGb: number;
  freeGb: number;
}

/** Messages this process's bus holds: being handled, and (RabbitMQ) waiting to be sent or confirmed. */
export interface BusDepth {
  handling: number;
  unsent: number;
}

export interface MetricSources {
  db: Db;
  /** The scheduler's pools (only in a process that runs the scheduler). */
  capacity?: () => PoolCapacity[];
  bus?: () => BusDepth;
  /** Projects shown by name in the volume gauges (those with most volumes); the rest are "other". */
  maxProjects: number;
}

/** Seconds: from a cached GET (well under a millisecond) to a slow create. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: from `lvs` to copying a large volume. */
const COMMAND_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
export const OTHER_PROJECTS = "other";

interface RequestChildren {
  count: { inc(): void };
  latency: { observe(v: number): void };
}

/** The process's own metrics (CPU, memory, event loop, GC): one set per process, however many apps it builds. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: "cinderblock_" });
  }
  return processRegistry;
}

export class Metrics {
  /** What each process counts on its own: summed over the workers of `cinderblock api --workers N`. */
  readonly registry = new Registry();
  /** What every process reads alike from the database and the scheduler: taken from the one scraped. */
  readonly shared = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly processes = new Gauge({
    name: "cinderblock_processes",
    help: "Processes whose own metrics (requests, faults, commands, bus, the process's) this scrape sums: the API workers of `cinderblock api --workers N`, else 1",
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: "cinderblock_http_requests_total",
    help: "HTTP requests answered, by operation (the spec's operationId, or the action's) and status",
    labelNames: ["operation", "status"] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: "cinderblock_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer, by operation and status",
    labelNames: ["operation", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly faults = new Counter({
    name: "cinderblock_faults_total",
    help: "Fault answers, by status and fault name (itemNotFound, badRequest, ...; Keystone's API: its title)",
    labelNames: ["status", "fault"] as const,
    registers: [this.registry],
  });
  private readonly commands = new Histogram({
    name: "cinderblock_command_duration_seconds",
    help: "Duration of the external commands drivers and targets run, by command and outcome (ok, failed, timeout)",
    labelNames: ["command", "outcome"] as const,
    buckets: COMMAND_BUCKETS,
    registers: [this.registry],
  });
  private readonly volumes = new Gauge({
    name: "cinderblock_volumes",
    help: "Volumes by status, backend (host@backend, none while unscheduled) and project (the largest projects by name, the rest 'other')",
    labelNames: ["status", "backend", "project"] as const,
    registers: [this.shared],
  });
  private readonly gigabytes = new Gauge({
    name: "cinderblock_volume_gigabytes",
    help: "Gigabytes of volumes by status, backend and project (as cinderblock_volumes)",
    labelNames: ["status", "backend", "project"] as const,
    registers: [this.shared],
  });
  private readonly capacityTotal = new Gauge({
    name: "cinderblock_backend_capacity_total_gigabytes",
    help: "A pool's total capacity as the scheduler last heard it",
    labelNames: ["backend", "pool"] as const,
    registers: [this.shared],
  });
  private readonly capacityFree = new Gauge({
    name: "cinderblock_backend_capacity_free_gigabytes",
    help: "A pool's free capacity as the scheduler sees it (its last report, less what it placed since)",
    labelNames: ["backend", "pool"] as const,
    registers: [this.shared],
  });
  private readonly busMessages = new Gauge({
    name: "cinderblock_bus_messages",
    help: "Bus messages of this process: being handled (handling), or waiting to be sent or confirmed by RabbitMQ (unsent)",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });
  private readonly children = new Map<string, RequestChildren>();

  constructor(private readonly sources: MetricSources) {
    this.processes.set(1);
    // A worker answers the primary's requests for its own metrics.
    if (cluster.isWorker) answerPrimary(() => this.own());
  }

  /** The hot path: one lookup, one increment, one observation. */
  request(operation: string, status: number, seconds: number): void {
    const key = `${operation} ${status}`;
    let c = this.children.get(key);
    if (!c) {
      const labels = { operation, status: String(status) };
      c = { count: this.requests.labels(labels), latency: this.latency.labels(labels) };
      this.children.set(key, c);
    }
    c.count.inc();
    c.latency.observe(seconds);
  }

  fault(status: number, name: string): void {
    this.faults.labels({ status: String(status), fault: name }).inc();
  }

  command(cmd: string, seconds: number, outcome: "ok" | "failed" | "timeout"): void {
    this.commands.labels({ command: cmd.slice(cmd.lastIndexOf("/") + 1), outcome }).observe(seconds);
  }

  /**
   * The text Prometheus reads: the shared gauges refreshed now, and every process's own metrics
   * (a worker's: summed over all the workers by the primary; else this process's).
   */
  async scrape(): Promise<string> {
    await this.refresh();
    let own: string;
    if (cluster.isWorker && process.send) own = await askPrimary();
    else {
      this.refreshBus();
      own = (await this.registry.metrics()) + (await processMetrics().metrics());
    }
    return own + (await this.shared.metrics());
  }

  /** This process's own metrics, as prom-client's AggregatorRegistry takes them. */
  private async own(): Promise<unknown[][]> {
    this.refreshBus();
    return [await this.registry.getMetricsAsJSON(), await processMetrics().getMetricsAsJSON()];
  }

  private async refresh(): Promise<void> {
    const totals = await volumeTotals(this.sources.db.kysely);
    const named = largestProjects(totals, this.sources.maxProjects);
    this.volumes.reset();
    this.gigabytes.reset();
    for (const t of totals) {
      const labels = { status: t.status, backend: backendOf(t.host), project: named.has(t.project_id) ? t.project_id : OTHER_PROJECTS };
      this.volumes.inc(labels, t.volumes);
      this.gigabytes.inc(labels, t.gigabytes);
    }
    this.capacityTotal.reset();
    this.capacityFree.reset();
    for (const p of this.sources.capacity?.() ?? []) {
      this.capacityTotal.set({ backend: p.backend, pool: p.pool }, p.totalGb);
      this.capacityFree.set({ backend: p.backend, pool: p.pool }, p.freeGb);
    }
  }

  /** The bus of this process: each process tells its own. */
  private refreshBus(): void {
    const depth = this.sources.bus?.();
    if (depth) {
      this.busMessages.set({ state: "handling" }, depth.handling);
      this.busMessages.set({ state: "unsent" }, depth.unsent);
    }
  }
}

/** `host@backend#pool` → `host@backend`; none while the volume has no host. */
function backendOf(host: string | null): string {
  if (!host) return "none";
  const hash = host.indexOf("#");
  return hash < 0 ? host : host.slice(0, hash);
}

/** The projects with the most volumes, at most `max` of them. */
function largestProjects(totals: readonly { project_id: string; volumes: number }[], max: number): Set<string> {
  const count = new Map<string, number>();
  for (const t of totals) count.set(t.project_id, (count.get(t.project_id) ?? 0) + t.volumes);
  const ranked = [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return new Set(ranked.slice(0, max).map(([p]) => p));
}
