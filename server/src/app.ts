/**
 * The composition root. startServices builds the services a process runs (the API, the scheduler,
 * the volume managers of some or all backends) on a bus and one database; buildApp runs them all
 * in one process on the in-process bus (the embedded default; main/cli listens, tests call it).
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { type Bus, InProcessBus } from "./bus/bus";
import { connectAmqpBus } from "./bus/amqp";
import { SchedulerRpc, VOLUME_FANOUT_TOPIC, VolumeRpc } from "./bus/rpc";
import { serve, type VolumeFanoutProtocol } from "./bus/protocol";
import { type Config, ConfigError } from "./config";
import { migrate, openDb } from "./db/database";
import { createDriver } from "./drivers/registry";
import { connectsItself } from "./drivers/interface";
import { createTarget } from "./targets/registry";
import { splitBackendOptions } from "./targets/options";
import path from "node:path";
import { observedExecutor, ProcessExecutor, type Executor } from "./exec/executor";
import { Metrics, type PoolCapacity } from "./metrics/metrics";
import { buildHttp } from "./http/server";
import { prepareDataDir } from "./data-dir";
import { Scheduler } from "./scheduler/scheduler";
import { bootstrapIdentity } from "./identity/bootstrap";
import { createIdentity } from "./identity/service";
import { Policy } from "./policy/policy";
import { recountUsage } from "./quota/recount";
import { keyManagerFor } from "./keymgr/registry";
import type { Services } from "./services";
import { BuiltinImages } from "./image/builtin";
import { GlanceClient, glanceEndpointOf } from "./image/glance-client";
import { ImageFileStore } from "./image/store";
import { VolumeManager } from "./volume/manager/manager";
import { closeBackupStore, createBackupObjectStore, prepareBackupStore } from "./backup/stores";
import { backupContainers } from "./db/repos/backups";

export interface App {
  http: FastifyInstance;
  services: Services;
  managers: VolumeManager[];
  /** Stop taking requests, let operations in flight finish (or park them), and close the database. */
  close(): Promise<void>;
}

/**
 * Which services this process runs: the API (HTTP, stateless), the scheduler, and the volume
 * managers of some or all of the configured backends. `serve` runs them all.
 */
export interface Roles {
  api: boolean;
  scheduler: boolean;
  /** The configured backends whose volume managers run here; undefined: all of them. */
  backends?: readonly string[];
}

export const ALL_ROLES: Roles = { api: true, scheduler: true };

/** The services of a process, as startServices built them; http only with the api role. */
export interface Running {
  http?: FastifyInstance;
  services: Services;
  managers: VolumeManager[];
  close(): Promise<void>;
}

/** Every role in one process: the embedded default, and what the tests run. */
export async function buildApp(config: Config, log: Logger, opts: { executor?: Executor } = {}): Promise<App> {
  const running = await startServices(config, log, ALL_ROLES, new InProcessBus(log), opts);
  if (!running.http) throw new Error("the api role built no HTTP server");
  return { ...running, http: running.http };
}

/** The bus of the configuration: RabbitMQ when a transport URL is set, else the in-process bus. */
export async function createBus(config: Config, log: Logger): Promise<Bus> {
  if (!config.transportUrl) return new InProcessBus(log);
  return connectAmqpBus(config.transportUrl, {
    log: log.child({ role: "bus" }),
    connectionName: `cinderblock@${config.host}`,
    callTimeoutMs: config.rpcResponseTimeoutSeconds * 1000,
  });
}

/** The backends of the configuration this process serves, refusing names it does not have. */
function backendsOf(config: Config, roles: Roles): Config["backends"] {
  if (roles.backends === undefined) return config.backends;
  const known = new Set(config.backends.map((b) => b.name));
  const unknown = roles.backends.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new ConfigError(`no backend named ${unknown.join(", ")} in the configuration (backends: ${[...known].join(", ") || "none"})`);
  }
  return config.backends.filter((b) => roles.backends!.includes(b.name));
}

export async function startServices(
  config: Config,
  log: Logger,
  roles: Roles,
  bus: Bus,
  /**
   * closeBus: close the bus with the services (default); false when other services of this process
   * share it. executor: what runs the drivers' and targets' commands (default: processes, through
   * the configured root helper).
   */
  { closeBus = true, executor: given }: { closeBus?: boolean; executor?: Executor } = {},
): Promise<Running> {
  const backends = backendsOf(config, roles);
  await prepareDataDir(config, log);
  const db = openDb(config.db, { readCache: config.readCache });
  try {
    // A server's log is its progress: a line as each pending migration starts.
    await migrate(db, (name, index, pending) => log.info({ migration: name, step: index, of: pending }, "migrating the database"));
  } catch (err) {
    await db.close();
    throw err;
  }
  const identity = createIdentity(config.auth, db.kysely, {
    tokenTtlSeconds: config.tokenTtlSeconds,
    keystone: config.keystone,
    lockout: {
      failureAttempts: config.lockoutFailureAttempts,
      durationSeconds: config.lockoutDurationSeconds,
      clientFailureAttempts: config.authClientFailureAttempts,
    },
  });
  if (roles.api && config.auth === "builtin") {
    const boot = await bootstrapIdentity(db.kysely, config.dataDir);
    if (boot.adminPassword) {
      // Shown once, on the start that created the account; never logged.
      process.stdout.write(
        `\nCreated the admin user (project admin, domain Default). Its password is:\n\n    ${boot.adminPassword}\n\n` +
          `It is also in ${boot.passwordFile} (mode 0600). \`cinderblock admin openrc\` prints the environment for the openstack CLI.\n\n`,
      );
    }
  }
  // The scheduler, made below, tells the pools' capacity at scrape time.
  let pools: (() => PoolCapacity[]) | undefined;
  const metrics = new Metrics({
    db,
    bus: () => bus.depth(),
    maxProjects: config.metricsMaxProjects,
    capacity: () => pools?.() ?? [],
  });
  const executor = observedExecutor(
    given ??
      new ProcessExecutor({
        rootHelper: config.rootHelper?.trim().split(/\s+/),
        log: log.child({ role: "exec" }),
      }),
    (cmd, seconds, outcome) => metrics.command(cmd, seconds, outcome),
  );
  const glanceEndpoint = glanceEndpointOf(config.imageService);
  const builtinImages = glanceEndpoint
    ? undefined
    : new BuiltinImages(db.kysely, new ImageFileStore(config.dataDir), executor, { imageQuota: config.imageQuota, maxImageBytes: config.imageSizeCap });
  if (builtinImages && roles.api) await builtinImages.sweep();
  const services: Services = {
    config,
    db,
    bus,
    log,
    scheduler: new SchedulerRpc(bus),
    volumes: new VolumeRpc(bus),
    identity,
    policy: config.policyFile ? Policy.fromFile(config.policyFile) : new Policy(),
    keyManager: keyManagerFor(config, db),
    images: builtinImages ?? new GlanceClient(glanceEndpoint!),
    ...(builtinImages ? { builtinImages } : {}),
  };
  const scheduler = roles.scheduler
    ? new Scheduler(db, bus, services.volumes, log.child({ role: "scheduler" }), {
        service: { host: config.host, availabilityZone: config.defaultAvailabilityZone, reportIntervalMs: config.reportIntervalMs },
        serviceDownSeconds: config.serviceDownTimeSeconds,
        resumeAfterMs: config.resumeAfterSeconds * 1000,
        messageTtlSeconds: config.messageTtlSeconds,
        messageReapIntervalMs: config.messageReapIntervalSeconds * 1000,
      })
    : undefined;
  scheduler?.start();
  await scheduler?.register();

  if (scheduler) {
    pools = () =>
      scheduler.poolStates().map((p) => ({ backend: p.backend, pool: p.pool.poolName, totalGb: p.pool.totalCapacityGb, freeGb: p.pool.freeCapacityGb }));
  }
  // Before any manager resumes work, so the rows counted are the ones at rest: only a process that
  // runs every service knows that nothing else is changing them.
  if (roles.api && roles.scheduler && roles.backends === undefined) await recountUsage(db, log.child({ role: "quota" }));
  const managers: VolumeManager[] = [];
  const peers = new Map<string, VolumeManager>();
  const backupStore = createBackupObjectStore(config);
  if (backends.length > 0) {
    try {
      await prepareBackupStore(backupStore, await backupContainers(db.kysely), log.child({ role: "backup" }));
    } catch (err) {
      closeBackupStore(backupStore);
      if (closeBus) await bus.close();
      await db.close();
      throw err;
    }
  }
  for (const b of backends) {
    const mlog = log.child({ role: "volume", backend: b.name });
    const split = splitBackendOptions(b.options, config);
    const driver = createDriver(b.driver, {
      backendName: b.name,
      dataDir: config.dataDir,
      executor,
      options: split.driver,
      log: mlog,
    });
    // A driver whose hosts reach the storage themselves (rbd) is never composed with a target,
    // even when the server names a target helper for every backend.
    const target = split.target && !connectsItself(driver)
      ? createTarget(split.target.helper, {
          backendName: b.name,
          dataDir: config.dataDir,
          executor,
          targetIp: split.target.targetIp,
          targetPort: split.target.targetPort,
          options: split.target.options,
          log: mlog,
        })
      : undefined;
    if (config.cluster) {
      // cinder/cmd/volume.py refuses a clustered driver without active-active support; an export
      // through a target helper lives on the host that made it, so it cannot be shared either.
      if (!driver.supportsActiveActive) {
        throw new ConfigError(`backend ${b.name}: the ${b.driver} driver does not support active-active, so it cannot join cluster ${config.cluster}`);
      }
      if (target) {
        throw new ConfigError(
          `backend ${b.name}: volumes exported through ${split.target?.helper} live on one host, so the backend cannot join cluster ${config.cluster}`,
        );
      }
    }
    const manager = new VolumeManager(
      db,
      bus,
      driver,
      {
        host: config.host,
        cluster: config.cluster,
        backendName: b.name,
        availabilityZone: b.availabilityZone ?? config.defaultAvailabilityZone,
        volumeBackendName: b.volumeBackendName,
        quotas: config.quotas,
        statsIntervalMs: config.statsIntervalMs,
        reportIntervalMs: config.reportIntervalMs,
        resumeAfterMs: config.resumeAfterSeconds * 1000,
        messageTtlSeconds: config.messageTtlSeconds,
        images: { service: services.images, executor, workDir: path.join(config.dataDir, "image-conversion") },
        backup: { store: backupStore, chunkSizeBytes: config.backup.chunkSizeBytes, shaBlockSizeBytes: config.backup.shaBlockSizeBytes,
          // cinder-backup's zone is the host's storage zone, not one backend's (cinder/cmd/backup.py).
          availabilityZone: config.defaultAvailabilityZone,
        },
      },
      mlog,
      target,
    );
    manager.peers = peers;
    peers.set(manager.backend, manager);
    await manager.start();
    managers.push(manager);
  }
  // A scheduler that starts asks for reports (scheduler.ts); this process answers for its backends.
  if (managers.length > 0) {
    serve<VolumeFanoutProtocol>(bus, VOLUME_FANOUT_TOPIC, {
      publishServiceCapabilities: async () => {
        await Promise.all(managers.map((m) => m.reportStats().catch((err: unknown) => m.log.warn({ err }, "capacity report failed"))));
      },
    });
  }
  await scheduler?.reconcile();

  // Metrics turned off cost the requests nothing: no hook is added.
  const http = roles.api ? buildHttp(services, log, config.metrics ? metrics : undefined) : undefined;
  await http?.ready();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await http?.close();
      for (const m of managers) m.stop();
      scheduler?.stop();
      const drained = await bus.drain(config.shutdownTimeoutMs);
      if (!drained) log.warn("operations still running at shutdown are parked; the next start resumes them");
      if (closeBus) await bus.close();
      closeBackupStore(backupStore);
      await db.close();
    })());
  return { http, services, managers, close };
}
