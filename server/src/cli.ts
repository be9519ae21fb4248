#!/usr/bin/env node
/**
 * `cinderblock serve` runs every service in one process (the embedded default). `cinderblock api`,
 * `cinderblock scheduler` and `cinderblock volume [--backend NAME]...` run one service each, as
 * cinder-api, cinder-scheduler and cinder-volume do, meeting on RabbitMQ (`--transport-url`) and one
 * database (`--db`). Settings also come from a config file (JSON or YAML) and CINDERBLOCK_*
 * environment variables; flags win.
 */
import cluster, { type Worker } from "node:cluster";
import { parseArgs } from "node:util";
import type { Logger } from "pino";
import { ALL_ROLES, createBus, type Roles, startServices } from "./app";
import { ConfigError, loadConfig } from "./config";
import { createLogger, defaultLogFormat } from "./log";
import { banner, startInfo } from "./banner";
import { admin, AdminError } from "./admin";
import { serveWorkersMetrics } from "./metrics/cluster";

const USAGE = `usage: cinderblock serve [options]                 every service in one process
       cinderblock api [--workers N] [options]     the API only (stateless; run any number, N processes each)
       cinderblock scheduler [options]             the scheduler only
       cinderblock volume [--backend NAME]... [options]
                                                   the volume services of these backends (default: all configured)
       cinderblock admin (create-project|create-user|grant|revoke|list|openrc|orphans) ... (see docs)
       cinderblock admin orphans (list|purge [--yes])   backend data the database does not know

  --port N              port to listen on (default 8776)
  --bind ADDR           address to listen on (default 127.0.0.1)
  --data-dir DIR        where volumes and the SQLite database live (default ./data)
  --db URL              sqlite:PATH or postgres://... (default SQLite in the data directory)
  --transport-url URL   amqp://user:password@host:5672/vhost: the RabbitMQ separate services meet on
                        (needed by api, scheduler and volume; serve uses it when given)
  --rpc-response-timeout S    a call over the bus (attach, exports, manageable lists, pools) fails
                              after S seconds without an answer (default 60)
  --cluster NAME        volume services of several hosts sharing their backends' storage join the
                        cluster NAME@<backend> and share its work (active-active)
  --auth MODE           builtin (default: Cinderblock's own Keystone v3 at /identity/v3),
                        keystone (an external Keystone, set in the config file), or
                        noauth (development: X-Auth-Token: user:project)
  --policy-file FILE    YAML or JSON overriding Cinder's policy rules
  --token-ttl SECONDS   lifetime of built-in tokens (default 3600)
  --host NAME           the host name services register under (default: this machine's)
  --public-endpoint URL scheme://host:port clients reach this server at, for links
  --log-level LEVEL     trace, debug, info, warn, error (default info)
  --log-format FORMAT   pretty (lines for people) or json (one object a line); default: pretty on a
                        terminal, json otherwise
  --read-cache BOOL     keep read results and answers of repeated reads while the SQLite database
                        is unchanged (default true; false measures the database itself)
  --metrics BOOL        serve Prometheus metrics at /metrics (default true)
  --metrics-token TOKEN /metrics answers only "Authorization: Bearer TOKEN" (better:
                        CINDERBLOCK_METRICS_TOKEN; default: open, as Prometheus endpoints usually are)
  --target-helper NAME  export volumes over iSCSI through this target: tgt or lio (default: none, local only)
  --target-ip ADDR      the iSCSI portal address hosts connect to (default 127.0.0.1)
  --target-port N       the iSCSI portal port (default 3260)
  --root-helper CMD     prefix for commands that need root when not running as root (e.g. "sudo -n")
  --backup-driver NAME  where backups go: posix (default: DATA_DIR/backups) or s3
  --backup-chunk-size N bytes of volume data per backup object (default 33554432)
  --backup-sha-block-size N  bytes per sha256 in a backup's sha file (default 32768)
  --backup-posix-path DIR    the posix backup directory (default DATA_DIR/backups)
  --key-manager NAME    where volume keys live: builtin (default: sealed under DATA_DIR/master.key) or barbican
  --barbican-url URL    Barbican's endpoint (with --key-manager barbican), e.g. http://controller:9311
  --default-group-type NAME   the group type of GET group_types/default (none by default)
  --headers-timeout-ms N      a request's line and headers must arrive within N ms (default 10000; 0: no limit)
  --request-timeout-ms N      a whole request, body included, must arrive within N ms (default 30000; 0: no limit)
  --keep-alive-timeout-ms N   close an idle keep-alive connection after N ms (default 72000)
  --idle-timeout-ms N         close a connection whose client sends or reads nothing for N ms while it
                              should (not while the server works on the answer) (default 60000; 0: no limit)
  --max-requests-per-socket N close a connection after N requests (default 0: no limit)
  --max-connections N         connections open at once; more are closed as they arrive (default 1000; 0: no limit)
  --service-down-time S       a service without a heartbeat for S seconds is down and gets no work (default 60)
  --report-interval-ms N      how often each service heartbeats (default 10000)
  --resume-after S            re-send from the database, after S seconds, work whose message was lost (default 300; 0: only at start)
  --stats-interval-ms N       how often volume services report their capacity (default 60000)
  --message-ttl S             a user message is kept (and listed) for S seconds (default 2592000, 30 days)
  --message-reap-interval S   how often the scheduler removes expired user messages (default 86400)
  --backup-s3-endpoint URL    the S3 service of the s3 backup driver, e.g. http://rgw:7480
  --backup-s3-bucket NAME     the bucket of backups that name no container (default volumebackups)
  --backup-s3-access-key KEY  the S3 access key
  --backup-s3-secret-key KEY  the S3 secret key (better: CINDERBLOCK_BACKUP_S3_SECRET_KEY)
  --backup-s3-region NAME     the region S3 requests are signed for (default us-east-1)
  --backup-s3-verify-ssl BOOL check the S3 service's TLS certificate (default true)
  --backup-s3-ca-cert-file F  a PEM bundle of the CAs to trust for the S3 service
  --backup-s3-retry-max-attempts N  tries of one S3 request, the first included (default 4)
  --config FILE         JSON or YAML file with the settings above (camelCase) and 'backends'

Every setting can also be given as CINDERBLOCK_<NAME> (e.g. CINDERBLOCK_DATA_DIR).`;

type Command = "serve" | "api" | "scheduler" | "volume";

async function run(cmd: Command, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: "string", multiple: true },
      workers: { type: "string" },
      "transport-url": { type: "string" },
      port: { type: "string" },
      bind: { type: "string" },
      "data-dir": { type: "string" },
      db: { type: "string" },
      auth: { type: "string" },
      host: { type: "string" },
      "public-endpoint": { type: "string" },
      "log-level": { type: "string" },
      "log-format": { type: "string" },
      "read-cache": { type: "string" },
      metrics: { type: "string" },
      "metrics-token": { type: "string" },
      "policy-file": { type: "string" },
      "token-ttl": { type: "string" },
      "target-helper": { type: "string" },
      "target-ip": { type: "string" },
      "target-port": { type: "string" },
      "root-helper": { type: "string" },
      "headers-timeout-ms": { type: "string" },
      "request-timeout-ms": { type: "string" },
      "keep-alive-timeout-ms": { type: "string" },
      "idle-timeout-ms": { type: "string" },
      "max-requests-per-socket": { type: "string" },
      "max-connections": { type: "string" },
      "service-down-time": { type: "string" },
      "resume-after": { type: "string" },
      "report-interval-ms": { type: "string" },
      "stats-interval-ms": { type: "string" },
      "message-ttl": { type: "string" },
      "key-manager": { type: "string" },
      "barbican-url": { type: "string" },
      "default-group-type": { type: "string" },
      "message-reap-interval": { type: "string" },
      "rpc-response-timeout": { type: "string" },
      cluster: { type: "string" },
      "backup-driver": { type: "string" },
      "backup-chunk-size": { type: "string" },
      "backup-sha-block-size": { type: "string" },
      "backup-posix-path": { type: "string" },
      "backup-s3-endpoint": { type: "string" },
      "backup-s3-bucket": { type: "string" },
      "backup-s3-access-key": { type: "string" },
      "backup-s3-secret-key": { type: "string" },
      "backup-s3-region": { type: "string" },
      "backup-s3-verify-ssl": { type: "string" },
      "backup-s3-ca-cert-file": { type: "string" },
      "backup-s3-retry-max-attempts": { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const flags: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === "string" && k !== "workers") flags[k] = v;
  const config = loadConfig(flags);
  const roles = rolesOf(cmd, values.backend);
  const workers = workersOf(cmd, values.workers);
  if (cmd !== "serve" && !config.transportUrl) {
    throw new ConfigError(
      `cinderblock ${cmd} runs apart from the other services, which it reaches over RabbitMQ: give --transport-url amqp://user:password@host:5672/ ` +
        "(or CINDERBLOCK_TRANSPORT_URL, or transportUrl in the config file). `cinderblock serve` runs every service in one process.",
    );
  }
  const format = config.logFormat ?? defaultLogFormat();
  const log = createLogger(config.logLevel, undefined, cmd === "serve" ? "cinderblock" : `cinderblock-${cmd}`, format);
  if (workers > 1 && cluster.isPrimary) return superviseWorkers(workers, log);
  const bus = await createBus(config, log);
  const app = await startServices(config, log, roles, bus);
  const redacted = (url: string) => url.replace(/\/\/[^@]*@/, "//***@");
  if (app.http) {
    await app.http.listen({ port: config.port, host: config.bind });
    const port = (app.http.server.address() as { port: number } | null)?.port ?? config.port;
    const start = startInfo(config, port);
    // On a terminal the banner below says it all; in JSON, the one line carries every field.
    log.info(format === "pretty" ? { url: start.url } : { ...start, db: redacted(config.db) }, "cinderblock is serving the Cinder v3 API");
    if (format === "pretty") process.stdout.write(banner(start, redacted(config.db)));
  }
  if (cmd === "scheduler") log.info({ db: redacted(config.db) }, "the scheduler is taking requests");
  if (cmd === "volume") log.info({ backends: app.managers.map((m) => m.backend), dataDir: config.dataDir }, "the volume services are taking requests");
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/** `--workers N` (api only): how many processes serve the API on the same port. */
function workersOf(cmd: Command, raw: string | undefined): number {
  if (raw === undefined) return 1;
  if (cmd !== "api") throw new ConfigError(`--workers belongs to \`cinderblock api\`, not \`cinderblock ${cmd}\``);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`--workers must be a whole number of at least 1, got '${raw}'`);
  return n;
}

/**
 * `cinderblock api --workers N`: N worker processes share the listening socket (node:cluster), as
 * cinder-api's osapi_volume_workers do, so N cores serve requests. The first worker starts alone
 * (it may create the built-in identity's admin on a new database), the others once it listens; a
 * worker that dies is replaced; SIGTERM stops them all gracefully. /metrics shows the sum over the
 * workers, whichever one a scrape reaches (metrics/cluster.ts).
 */
async function superviseWorkers(n: number, log: Logger): Promise<void> {
  let stopping = false;
  // A scrape of /metrics reaches one worker; the primary sums every worker's for it.
  serveWorkersMetrics();
  const listening = (w: Worker) => new Promise<void>((resolve) => w.once("listening", () => resolve()));
  await listening(cluster.fork());
  for (let i = 1; i < n; i++) cluster.fork();
  cluster.on("exit", (w, code, signal) => {
    if (stopping) return;
    log.warn({ pid: w.process.pid, code, signal }, "an API worker died; starting another");
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, "shutting down the API workers");
    const all = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    void Promise.all(all.map((w) => new Promise((resolve) => (w.once("exit", resolve), w.process.kill(signal))))).then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  log.info({ workers: n }, "the API workers are serving");
}

/** The services a command runs. */
function rolesOf(cmd: Command, backends: string[] | undefined): Roles {
  if (backends && cmd !== "volume") throw new ConfigError(`--backend belongs to \`cinderblock volume\`, not \`cinderblock ${cmd}\``);
  if (cmd === "serve") return ALL_ROLES;
  if (cmd === "api") return { api: true, scheduler: false, backends: [] };
  if (cmd === "scheduler") return { api: false, scheduler: true, backends: [] };
  return { api: false, scheduler: false, backends };
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === "serve" || cmd === "api" || cmd === "scheduler" || cmd === "volume") return run(cmd, rest);
  if (cmd === "admin") return admin(rest);
  console.error(USAGE);
  process.exitCode = cmd === undefined || cmd === "--help" || cmd === "-h" ? 0 : 2;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof AdminError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`cinderblock: ${(err as Error).message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
