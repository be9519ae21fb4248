/**
 * Configuration: defaults, then a config file (JSON or YAML), then CINDERBLOCK_* environment
 * variables, then command-line flags; validated once at start.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import type { KeystoneOptions } from "./identity/keystone";
import type { AuthMode } from "./identity/service";
import { SERVICE_DOWN_SECONDS } from "./contract/services";
import { MESSAGE_REAP_INTERVAL_SECONDS, MESSAGE_TTL_SECONDS } from "./contract/messages";

export interface BackendConfig {
  /** The backend's name: `host@<name>` in Cinder's host strings, and its volume_backend_name unless volumeBackendName is set. */
  name: string;
  driver: string;
  availabilityZone?: string;
  /**
   * Cinder's `volume_backend_name`: what volume types name in their `volume_backend_name` extra
   * spec. Several backends may share one, and the scheduler picks among them. Default: `name`.
   */
  volumeBackendName?: string;
  /** Driver options (e.g. `dir` for the file driver). */
  options: Record<string, unknown>;
}

export interface QuotaDefaults {
  volumes: number;
  snapshots: number;
  gigabytes: number;
  backups: number;
  backup_gigabytes: number;
  groups: number;
  per_volume_gigabytes: number;
}

/** Where volume keys live (keymgr/registry.ts). */
export interface KeyManagerOptions {
  backend: "builtin" | "barbican";
  /** Barbican's endpoint, e.g. http://controller:9311. */
  url?: string;
}

export interface Config {
  /**
   * The image service volumes come from and go to: `builtin` (the default: served at /image from
   * the data directory) or `glance:URL` (an external Glance's endpoint, e.g.
   * `glance:http://glance:9292`).
   */
  imageService: string;
  /** The built-in image service's per-project image limit (Glance's image_count_total); 0: none. */
  imageQuota: number;
  /** The largest image the built-in service stores, bytes (Glance's image_size_cap, 1 TiB). */
  imageSizeCap: number;
  /** Where volume keys are kept: the built-in key manager (default) or Barbican. */
  keyManager?: KeyManagerOptions;
  port: number;
  bind: string;
  dataDir: string;
  /** Database URL: sqlite:PATH or postgres://...; default SQLite in the data directory. */
  db: string;
  /** builtin (Cinderblock's own Keystone subset), keystone (an external one) or noauth (development). */
  auth: AuthMode;
  /** Lifetime of built-in tokens. */
  tokenTtlSeconds: number;
  /**
   * Keystone's [security_compliance] lockout_failure_attempts: wrong passwords (within
   * lockoutDurationSeconds of each other) before a built-in user is locked out; 0 = never.
   */
  lockoutFailureAttempts: number;
  /** Keystone's lockout_duration: how long a locked-out user, or a refused client address, stays refused. */
  lockoutDurationSeconds: number;
  /**
   * Failed password logins from one client address (an IPv6 /64) before every login from it is
   * refused for lockoutDurationSeconds (bounds floods over unknown or many users); 0 = never.
   */
  authClientFailureAttempts: number;
  /**
   * Keystone's [security_compliance] password_regex: a password the built-in identity sets (user
   * create, update, change-password) must match it (JavaScript syntax, matched from the start);
   * unset: any. passwordRegexDescription is what a refused request is told.
   */
  passwordRegex?: string;
  passwordRegexDescription?: string;
  /** Characters a new password must have at least (0: no minimum, as Keystone's default). */
  passwordMinLength: number;
  /** External Keystone for `auth: keystone`. */
  keystone?: KeystoneOptions;
  /** A policy file (YAML or JSON) overriding Cinder's default rules. */
  policyFile?: string;
  /** The host name this process's services register under (Cinder's `host` option). */
  host: string;
  defaultAvailabilityZone: string;
  /** Overrides scheme://host:port in links (Cinder's public_endpoint). */
  publicEndpoint?: string;
  backends: BackendConfig[];
  /**
   * Cinder's `transport_url`: the RabbitMQ the services of separate processes meet on
   * (`amqp://user:password@host:5672/vhost`); unset = one process on the in-process bus.
   */
  transportUrl?: string;
  /** Cinder's `rpc_response_timeout`: how long a call over the bus waits for its answer. */
  rpcResponseTimeoutSeconds: number;
  /**
   * Cinder's `cluster`: volume services of several hosts that share their backends (same storage)
   * join the cluster `<cluster>@<backend>` and take its work active-active; unset = no cluster.
   */
  cluster?: string;
  /**
   * Cinder's `target_helper`: export volumes of every backend through this target (`tgt`); unset
   * = volumes are local only. A backend's own `targetHelper` option wins.
   */
  targetHelper?: string;
  /** Cinder's `target_ip_address`: the portal address hosts connect to. */
  targetIp: string;
  /** Cinder's `target_port`. */
  targetPort: number;
  /**
   * Cinder's `root_helper`: a command line (split on spaces, e.g. `sudo -n`) put in front of the
   * commands that need root (LVM, dd on devices) when the server does not run as root.
   */
  rootHelper?: string;
  /** Cinder's osapi_max_limit. */
  maxLimit: number;
  /** Cinder's `default_group_type`: the group type `group_types/default` shows (none by default). */
  defaultGroupType?: string;
  quotas: QuotaDefaults;
  logLevel: string;
  /** pretty (colored lines for people) or json (one object a line); unset: pretty on a terminal, json otherwise. */
  logFormat?: "pretty" | "json";
  /**
   * Keep SQLite read results and whole answers of repeated reads while the database is unchanged
   * (default true; off, every read runs its query: for measuring the database itself).
   */
  readCache: boolean;
  /** Serve Prometheus metrics at /metrics (default true). */
  metrics: boolean;
  /** When set, /metrics answers only requests with `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** Projects the volume metrics name (those with the most volumes); the others are summed as "other". */
  metricsMaxProjects: number;
  /** How long a graceful shutdown waits for operations in flight before parking them. */
  shutdownTimeoutMs: number;
  /** How often volume managers refresh their capacity report. */
  statsIntervalMs: number;
  /** How often services heartbeat (Cinder's report_interval). */
  reportIntervalMs: number;
  /**
   * Operations whose message was lost (an API process that died between its commit and its cast, a
   * broker that lost it) are re-sent from the database after this long: unplaced volumes by the
   * scheduler, stalled operations by their volume service. 0: only at a service's start.
   */
  resumeAfterSeconds: number;
  /** Cinder's service_down_time: a service without a heartbeat for this long is down (and gets no work). */
  serviceDownTimeSeconds: number;
  /** Cinder's message_ttl: a user message is kept (and listed) this long after it is written. */
  messageTtlSeconds: number;
  /** Where and how backups are stored (Cinder's backup_driver and chunked driver options). */
  backup: BackupOptions;
  /** Cinder's message_reap_interval: how often the scheduler removes expired user messages. */
  messageReapIntervalSeconds: number;
  /** HTTP: the request line and headers must arrive within this long (0: no limit). */
  headersTimeoutMs: number;
  /**
   * HTTP: the whole request, body included, must arrive within this long (0: no limit). Image data
   * (`PUT /image/v2/images/{id}/file`) is held to the idle timeout instead while it keeps arriving.
   */
  requestTimeoutMs: number;
  /** HTTP: an idle keep-alive connection is closed after this long (0: left for the client to close). */
  keepAliveTimeoutMs: number;
  /** HTTP: a client that sends or reads nothing for this long mid-request is disconnected (0: no limit). */
  idleTimeoutMs: number;
  /** HTTP: requests served on one connection before it is closed (0: no limit). */
  maxRequestsPerSocket: number;
  /** HTTP: connections open at once; more are closed as they arrive (0: no limit). */
  maxConnections: number;
  /** HTTP: connections open at once from one client address (an IPv6 /64); more are refused with 413 overLimit (0: no limit). */
  maxConnectionsPerClient: number;
  /**
   * POST and PUT requests of the volume API a project may make a minute, per verb and per API
   * process (as Cinder's ratelimit middleware, per worker); more get 413 overLimit with Retry-After
   * (0: no limit, as Cinder's default pipeline).
   */
  writeRateLimitPerMinute: number;
  /** Cinder's backup_s3_endpoint_url. */
  backupS3Endpoint?: string;
  /** Cinder's backup_s3_store_bucket (default volumebackups). */
  backupS3Bucket?: string;
  /** Cinder's backup_s3_store_access_key. */
  backupS3AccessKey?: string;
  /** Cinder's backup_s3_store_secret_key (also CINDERBLOCK_BACKUP_S3_SECRET_KEY). */
  backupS3SecretKey?: string;
  /** The region requests to the S3 service are signed for (default us-east-1). */
  backupS3Region?: string;
  /** Cinder's backup_s3_verify_ssl: check the S3 service's TLS certificate (default true). */
  backupS3VerifySsl?: boolean;
  /** Cinder's backup_s3_ca_cert_file: a PEM bundle of the CAs to trust instead of the system's. */
  backupS3CaCertFile?: string;
  /** Cinder's backup_s3_retry_max_attempts: tries of one S3 request, the first included (default 4). */
  backupS3RetryMaxAttempts?: number;
}

export const DEFAULT_QUOTAS: QuotaDefaults = {
  volumes: 10,
  snapshots: 10,
  gigabytes: 1000,
  backups: 10,
  backup_gigabytes: 1000,
  groups: 10,
  per_volume_gigabytes: -1,
};

export function defaults(dataDir = "./data"): Config {
  return {
    port: 8776,
    bind: "127.0.0.1",
    dataDir,
    db: "",
    auth: "builtin",
    tokenTtlSeconds: 3600,
    imageService: "builtin",
    imageQuota: 100,
    imageSizeCap: 1024 ** 4,
    lockoutFailureAttempts: 5,
    lockoutDurationSeconds: 300,
    authClientFailureAttempts: 30,
    passwordMinLength: 0,
    host: os.hostname(),
    defaultAvailabilityZone: "nova",
    backends: [{ name: "file", driver: "file", options: {} }],
    targetIp: "127.0.0.1",
    targetPort: 3260,
    maxLimit: 1000,
    quotas: { ...DEFAULT_QUOTAS },
    logLevel: "info",
    readCache: true,
    metrics: true,
    metricsMaxProjects: 20,
    shutdownTimeoutMs: 30_000,
    statsIntervalMs: 60_000,
    reportIntervalMs: 10_000,
    serviceDownTimeSeconds: SERVICE_DOWN_SECONDS,
    resumeAfterSeconds: 300,
    messageTtlSeconds: MESSAGE_TTL_SECONDS,
    backup: { ...DEFAULT_BACKUP },
    messageReapIntervalSeconds: MESSAGE_REAP_INTERVAL_SECONDS,
    rpcResponseTimeoutSeconds: 60,
    // Request bodies here are small JSON (at most MAX_BODY_BYTES, 112 KiB; volume data never goes
    // through this API, and image data is held to the idle timeout instead), so a client on any working link sends its headers in well under 10 s and
    // a whole request in well under 30 s; slower ones are holding a socket, not uploading.
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    // Fastify's default, longer than the 60 s idle timeout of the usual proxies and load balancers:
    // the client side closes an idle connection first. A server that closes first races a client
    // reusing the connection at that moment, which then sees a reset (clients keep an idle
    // connection for about the server's advertised timeout less a second, too little on a busy host).
    keepAliveTimeoutMs: 72_000,
    // Only while the client is expected to act (not while a handler works): a peer that stops
    // reading an answer for a minute has gone.
    idleTimeoutMs: 60_000,
    // Keep-alive reuse is already bounded by the keep-alive timeout; capping it only adds reconnects.
    maxRequestsPerSocket: 0,
    // Well above the concurrent clients of a cloud's control plane (Cinder's WSGI pool serves 100
    // requests at once per worker), well below the descriptor limit Node raises itself to.
    maxConnections: 1000,
    // Off by default: behind a load balancer or a proxy every client has the same address.
    maxConnectionsPerClient: 0,
    writeRateLimitPerMinute: 0,
  };
}

/** Flag and environment names for the scalar settings. */
const SCALARS: Record<string, { key: keyof Config; type: "number" | "string" | "boolean" }> = {
  port: { key: "port", type: "number" },
  bind: { key: "bind", type: "string" },
  "data-dir": { key: "dataDir", type: "string" },
  db: { key: "db", type: "string" },
  "transport-url": { key: "transportUrl", type: "string" },
  "rpc-response-timeout": { key: "rpcResponseTimeoutSeconds", type: "number" },
  cluster: { key: "cluster", type: "string" },
  auth: { key: "auth", type: "string" },
  host: { key: "host", type: "string" },
  "public-endpoint": { key: "publicEndpoint", type: "string" },
  "log-level": { key: "logLevel", type: "string" },
  "log-format": { key: "logFormat", type: "string" },
  "read-cache": { key: "readCache", type: "boolean" },
  metrics: { key: "metrics", type: "boolean" },
  "metrics-token": { key: "metricsToken", type: "string" },
  "metrics-max-projects": { key: "metricsMaxProjects", type: "number" },
  "default-availability-zone": { key: "defaultAvailabilityZone", type: "string" },
  "max-limit": { key: "maxLimit", type: "number" },
  "default-group-type": { key: "defaultGroupType", type: "string" },
  "token-ttl": { key: "tokenTtlSeconds", type: "number" },
  "image-service": { key: "imageService", type: "string" },
  "image-quota": { key: "imageQuota", type: "number" },
  "image-size-cap": { key: "imageSizeCap", type: "number" },
  "lockout-failure-attempts": { key: "lockoutFailureAttempts", type: "number" },
  "lockout-duration": { key: "lockoutDurationSeconds", type: "number" },
  "auth-client-failure-attempts": { key: "authClientFailureAttempts", type: "number" },
  "password-regex": { key: "passwordRegex", type: "string" },
  "password-regex-description": { key: "passwordRegexDescription", type: "string" },
  "password-min-length": { key: "passwordMinLength", type: "number" },
  "policy-file": { key: "policyFile", type: "string" },
  "target-helper": { key: "targetHelper", type: "string" },
  "target-ip": { key: "targetIp", type: "string" },
  "target-port": { key: "targetPort", type: "number" },
  "root-helper": { key: "rootHelper", type: "string" },
  "headers-timeout-ms": { key: "headersTimeoutMs", type: "number" },
  "request-timeout-ms": { key: "requestTimeoutMs", type: "number" },
  "keep-alive-timeout-ms": { key: "keepAliveTimeoutMs", type: "number" },
  "idle-timeout-ms": { key: "idleTimeoutMs", type: "number" },
  "max-requests-per-socket": { key: "maxRequestsPerSocket", type: "number" },
  "max-connections": { key: "maxConnections", type: "number" },
  "max-connections-per-client": { key: "maxConnectionsPerClient", type: "number" },
  "write-rate-limit": { key: "writeRateLimitPerMinute", type: "number" },
  "service-down-time": { key: "serviceDownTimeSeconds", type: "number" },
  "resume-after": { key: "resumeAfterSeconds", type: "number" },
  "message-ttl": { key: "messageTtlSeconds", type: "number" },
  "message-reap-interval": { key: "messageReapIntervalSeconds", type: "number" },
  "report-interval-ms": { key: "reportIntervalMs", type: "number" },
  "stats-interval-ms": { key: "statsIntervalMs", type: "number" },
  "backup-s3-endpoint": { key: "backupS3Endpoint", type: "string" },
  "backup-s3-bucket": { key: "backupS3Bucket", type: "string" },
  "backup-s3-access-key": { key: "backupS3AccessKey", type: "string" },
  "backup-s3-secret-key": { key: "backupS3SecretKey", type: "string" },
  "backup-s3-region": { key: "backupS3Region", type: "string" },
  "backup-s3-verify-ssl": { key: "backupS3VerifySsl", type: "boolean" },
  "backup-s3-ca-cert-file": { key: "backupS3CaCertFile", type: "string" },
  "backup-s3-retry-max-attempts": { key: "backupS3RetryMaxAttempts", type: "number" },
};

export class ConfigError extends Error {}

/** The backup section (`backup: {driver, chunkSize, shaBlockSize, posixPath}`), also as flags. */
export interface BackupOptions {
  /** `posix` (default) or `s3`: the object store backups go to. */
  driver: string;
  /** Cinder's backup_file_size / chunk size: bytes of volume data per stored object. */
  chunkSizeBytes: number;
  /** Cinder's backup_sha_block_size_bytes: bytes per sha256 in a backup's sha file. */
  shaBlockSizeBytes: number;
  /** posix: the directory (default DATA_DIR/backups). */
  posixPath?: string;
}

export const DEFAULT_BACKUP: BackupOptions = { driver: "posix", chunkSizeBytes: 32 * 1024 * 1024, shaBlockSizeBytes: 32 * 1024 };

const BACKUP_SETTINGS: Record<string, { key: keyof BackupOptions; type: "number" | "string" }> = {
  "backup-driver": { key: "driver", type: "string" },
  "backup-chunk-size": { key: "chunkSizeBytes", type: "number" },
  "backup-sha-block-size": { key: "shaBlockSizeBytes", type: "number" },
  "backup-posix-path": { key: "posixPath", type: "string" },
};

/** Settings of the key manager section (`keyManager: {backend, url}`), also as flags. */
const KEY_MANAGER_SETTINGS: Record<string, "backend" | "url"> = { "key-manager": "backend", "barbican-url": "url" };

function setScalar(cfg: Config, name: string, raw: string, source: string): void {
  const km = KEY_MANAGER_SETTINGS[name];
  if (km) {
    cfg.keyManager = { backend: "builtin", ...cfg.keyManager, [km]: raw } as KeyManagerOptions;
    return;
  }
  const bk = BACKUP_SETTINGS[name];
  if (bk) {
    const n = Number(raw);
    if (bk.type === "number" && (!Number.isInteger(n) || n <= 0)) throw new ConfigError(`${source}: '${name}' must be a positive whole number, got '${raw}'`);
    cfg.backup = { ...cfg.backup, [bk.key]: bk.type === "number" ? n : raw };
    return;
  }
  const spec = SCALARS[name];
  if (!spec) throw new ConfigError(`${source}: unknown setting '${name}'`);
  if (spec.type === "number") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${source}: '${name}' must be a whole number, got '${raw}'`);
    (cfg as unknown as Record<string, unknown>)[spec.key] = n;
  } else if (spec.type === "boolean") {
    const b = { true: true, yes: true, on: true, "1": true, false: false, no: false, off: false, "0": false }[raw.trim().toLowerCase()];
    if (b === undefined) throw new ConfigError(`${source}: '${name}' must be true or false, got '${raw}'`);
    (cfg as unknown as Record<string, unknown>)[spec.key] = b;
  } else {
    (cfg as unknown as Record<string, unknown>)[spec.key] = raw;
  }
}

export function loadConfig(flags: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Config {
  const cfg = defaults();
  const file = flags.config ?? env.CINDERBLOCK_CONFIG;
  if (file) applyFile(cfg, file);
  for (const name of [...Object.keys(SCALARS), ...Object.keys(KEY_MANAGER_SETTINGS), ...Object.keys(BACKUP_SETTINGS)]) {
    const v = env[`CINDERBLOCK_${name.toUpperCase().replace(/-/g, "_")}`];
    if (v !== undefined && v !== "") setScalar(cfg, name, v, "environment");
  }
  for (const [name, v] of Object.entries(flags)) if (name !== "config") setScalar(cfg, name, v, "command line");
  return finish(cfg);
}

function applyFile(cfg: Config, file: string): void {
  let doc: unknown;
  try {
    const text = readFileSync(file, "utf8");
    doc = file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== "object") throw new ConfigError(`config file ${file} must hold a mapping`);
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (k === "backends") cfg.backends = parseBackends(v, file);
    else if (k === "keystone") cfg.keystone = parseKeystone(v, file);
    else if (k === "backup") {
      for (const [bk, bv] of Object.entries((v ?? {}) as Record<string, unknown>)) {
        const flag = { driver: "backup-driver", chunkSize: "backup-chunk-size", shaBlockSize: "backup-sha-block-size", posixPath: "backup-posix-path" }[bk];
        if (!flag) throw new ConfigError(`${file}: unknown backup setting '${bk}'`);
        setScalar(cfg, flag, String(bv), file);
      }
    } else if (k === "keyManager") {
      const o = (v ?? {}) as Record<string, unknown>;
      cfg.keyManager = { backend: String(o.backend ?? "builtin") as KeyManagerOptions["backend"], ...(o.url === undefined ? {} : { url: String(o.url) }) };
    } else if (k === "quotas") cfg.quotas = { ...cfg.quotas, ...(v as Partial<QuotaDefaults>) };
    else {
      const name = k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()).replace(/_/g, "-");
      setScalar(cfg, name, String(v), `config file ${file}`);
    }
  }
}

function parseKeystone(v: unknown, file: string): KeystoneOptions {
  const k = (v ?? {}) as Record<string, unknown>;
  const need = ["url", "serviceUser", "servicePassword", "serviceProject"];
  const missing = need.filter((n) => typeof k[n] !== "string" || k[n] === "");
  if (missing.length) throw new ConfigError(`${file}: keystone needs ${missing.join(", ")}`);
  return {
    url: k.url as string,
    serviceUser: k.serviceUser as string,
    servicePassword: k.servicePassword as string,
    serviceProject: k.serviceProject as string,
    serviceDomain: (k.serviceDomain as string) ?? "Default",
    cacheSeconds: typeof k.cacheSeconds === "number" ? k.cacheSeconds : 300,
  };
}

function parseBackends(v: unknown, file: string): BackendConfig[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(`${file}: 'backends' must be a non-empty list`);
  return v.map((b: Record<string, unknown>, i) => {
    if (typeof b?.name !== "string" || typeof b?.driver !== "string") {
      throw new ConfigError(`${file}: backends[${i}] needs a 'name' and a 'driver'`);
    }
    const { name, driver, availability_zone, availabilityZone, volume_backend_name, volumeBackendName, ...options } = b;
    const vbn = volumeBackendName ?? volume_backend_name;
    if (vbn !== undefined && (typeof vbn !== "string" || vbn === "")) {
      throw new ConfigError(`${file}: backends[${i}].volumeBackendName must be a non-empty string`);
    }
    return {
      name,
      driver,
      availabilityZone: (availabilityZone ?? availability_zone) as string | undefined,
      ...(vbn === undefined ? {} : { volumeBackendName: vbn as string }),
      options,
    };
  });
}

function finish(cfg: Config): Config {
  if (cfg.logFormat !== undefined && cfg.logFormat !== "pretty" && cfg.logFormat !== "json") {
    throw new ConfigError(`log format '${cfg.logFormat}' is not available; use pretty or json`);
  }
  if (cfg.metricsToken === "") throw new ConfigError("the metrics token is empty: give a secret, or leave it unset for open metrics");
  if (!["builtin", "keystone", "noauth"].includes(cfg.auth)) {
    throw new ConfigError(`auth '${cfg.auth}' is not available; use builtin, keystone or noauth`);
  }
  if (cfg.auth === "keystone" && !cfg.keystone) {
    throw new ConfigError("auth 'keystone' needs a 'keystone' section in the config file (url, serviceUser, servicePassword, serviceProject)");
  }
  if (cfg.imageService !== "builtin" && !/^glance:https?:\/\/[^/\s]+/.test(cfg.imageService)) {
    throw new ConfigError(`image service '${cfg.imageService}' is not valid; use builtin or glance:URL (e.g. glance:http://glance:9292)`);
  }
  if (!["posix", "s3"].includes(cfg.backup.driver)) throw new ConfigError(`backup driver '${cfg.backup.driver}' is not available; use posix or s3`);
  if (cfg.backup.chunkSizeBytes % cfg.backup.shaBlockSizeBytes !== 0) {
    throw new ConfigError(`backup chunk size ${cfg.backup.chunkSizeBytes} must be a multiple of the sha block size ${cfg.backup.shaBlockSizeBytes}`);
  }
  const km = cfg.keyManager;
  if (km && !["builtin", "barbican"].includes(km.backend)) throw new ConfigError(`key manager '${km.backend}' is not available; use builtin or barbican`);
  if (km?.backend === "barbican" && !km.url) throw new ConfigError("key manager 'barbican' needs its URL (keyManager.url or --barbican-url)");
  cfg.dataDir = path.resolve(cfg.dataDir);
  if (!cfg.db) cfg.db = `sqlite:${path.join(cfg.dataDir, "cinderblock.sqlite")}`;
  if (cfg.port > 65535) throw new ConfigError(`port ${cfg.port} is out of range`);
  if (cfg.targetPort < 1 || cfg.targetPort > 65535) throw new ConfigError(`target port ${cfg.targetPort} is out of range`);
  if (cfg.requestTimeoutMs > 0 && cfg.headersTimeoutMs > cfg.requestTimeoutMs) {
    throw new ConfigError(`headers timeout ${cfg.headersTimeoutMs} ms is longer than the request timeout ${cfg.requestTimeoutMs} ms`);
  }
  if (cfg.targetHelper === "") cfg.targetHelper = undefined;
  if (cfg.rootHelper !== undefined && cfg.rootHelper.trim() === "") cfg.rootHelper = undefined;
  if (cfg.transportUrl === "") cfg.transportUrl = undefined;
  if (cfg.transportUrl !== undefined && !/^amqps?:\/\/[^\s]+$/.test(cfg.transportUrl)) {
    // Not echoed: the URL holds the password.
    throw new ConfigError("the transport URL must be an AMQP URL: amqp://user:password@host:5672/vhost (or amqps://)");
  }
  if (cfg.passwordRegex === "") cfg.passwordRegex = undefined;
  if (cfg.passwordRegex !== undefined) {
    try {
      new RegExp(cfg.passwordRegex);
    } catch (err) {
      throw new ConfigError(`password regex '${cfg.passwordRegex}' is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  if (cfg.passwordMinLength < 0) throw new ConfigError(`password minimum length ${cfg.passwordMinLength} must not be negative`);
  if (cfg.rpcResponseTimeoutSeconds < 1) throw new ConfigError(`rpc response timeout ${cfg.rpcResponseTimeoutSeconds} s must be at least 1 s`);
  if (cfg.cluster === "") cfg.cluster = undefined;
  if (cfg.cluster !== undefined && !/^[A-Za-z0-9_.-]+$/.test(cfg.cluster)) {
    throw new ConfigError(`cluster name '${cfg.cluster}' may only use letters, digits, '.', '_' and '-'`);
  }
  if (cfg.backup.driver !== undefined && !["posix", "s3"].includes(cfg.backup.driver)) {
    throw new ConfigError(`backup driver '${cfg.backup.driver}' is not available; use posix or s3`);
  }
  if (cfg.backup.driver === "s3") {
    const missing = [
      ["backupS3Endpoint", "--backup-s3-endpoint"],
      ["backupS3AccessKey", "--backup-s3-access-key"],
      ["backupS3SecretKey", "--backup-s3-secret-key or CINDERBLOCK_BACKUP_S3_SECRET_KEY"],
    ].filter(([k]) => !cfg[k as keyof Config]);
    if (missing.length) throw new ConfigError(`backup driver 's3' needs ${missing.map(([k, f]) => `${k} (${f})`).join(", ")}`);
    if (!/^https?:\/\/[^\s]+$/.test(cfg.backupS3Endpoint!)) throw new ConfigError(`the S3 backup endpoint '${cfg.backupS3Endpoint}' must be an http:// or https:// URL`);
    if (cfg.backupS3RetryMaxAttempts !== undefined && cfg.backupS3RetryMaxAttempts < 1) {
      throw new ConfigError(`the S3 retry attempts must be at least 1 (the first try counts), got ${cfg.backupS3RetryMaxAttempts}`);
    }
    if (cfg.backupS3CaCertFile === "") cfg.backupS3CaCertFile = undefined;
    if (cfg.backupS3CaCertFile !== undefined) {
      cfg.backupS3CaCertFile = path.resolve(cfg.backupS3CaCertFile);
      if (!existsSync(cfg.backupS3CaCertFile)) throw new ConfigError(`the S3 CA bundle ${cfg.backupS3CaCertFile} does not exist`);
    }
  }
  const names = new Set<string>();
  for (const b of cfg.backends) {
    if (!/^[A-Za-z0-9_.-]+$/.test(b.name)) throw new ConfigError(`backend name '${b.name}' may only use letters, digits, '.', '_' and '-'`);
    if (names.has(b.name)) throw new ConfigError(`backend '${b.name}' is configured twice`);
    names.add(b.name);
  }
  return cfg;
}
