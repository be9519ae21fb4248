/**
 * buildApp: every role of Cinderblock in one process (api, scheduler, one volume manager per
 * backend) on an in-process bus, sharing one database. main/cli listens; tests call this.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { InProcessBus } from "./bus/bus";
import { SchedulerRpc, VolumeRpc } from "./bus/rpc";
import type { Config } from "./config";
import { migrate, openDb } from "./db/database";
import { createDriver } from "./drivers/registry";
import { createTarget } from "./targets/registry";
import { splitBackendOptions } from "./targets/options";
import { ProcessExecutor } from "./exec/executor";
import { buildHttp } from "./http/server";
import { prepareDataDir } from "./data-dir";
import { Scheduler } from "./scheduler/scheduler";
import { bootstrapIdentity } from "./identity/bootstrap";
import { createIdentity } from "./identity/service";
import { Policy } from "./policy/policy";
import { recountUsage } from "./quota/recount";
import type { Services } from "./services";
import { VolumeManager } from "./volume/manager/manager";

export interface App {
  http: FastifyInstance;
  services: Services;
  managers: VolumeManager[];
  /** Stop taking requests, let operations in flight finish (or park them), and close the database. */
  close(): Promise<void>;
}

export async function buildApp(config: Config, log: Logger): Promise<App> {
  await prepareDataDir(config, log);
  const db = openDb(config.db);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const bus = new InProcessBus(log);
  const identity = createIdentity(config.auth, db.kysely, {
    tokenTtlSeconds: config.tokenTtlSeconds,
    keystone: config.keystone,
    lockout: {
      failureAttempts: config.lockoutFailureAttempts,
      durationSeconds: config.lockoutDurationSeconds,
      clientFailureAttempts: config.authClientFailureAttempts,
    },
  });
  if (config.auth === "builtin") {
    const boot = await bootstrapIdentity(db.kysely, config.dataDir);
    if (boot.adminPassword) {
      // Shown once, on the start that created the account; never logged.
      process.stdout.write(
        `\nCreated the admin user (project admin, domain Default). Its password is:\n\n    ${boot.adminPassword}\n\n` +
          `It is also in ${boot.passwordFile} (mode 0600). \`cinderblock admin openrc\` prints the environment for the openstack CLI.\n\n`,
      );
    }
  }
  const services: Services = {
    config,
    db,
    bus,
    log,
    scheduler: new SchedulerRpc(bus),
    volumes: new VolumeRpc(bus),
    identity,
    policy: config.policyFile ? Policy.fromFile(config.policyFile) : new Policy(),
  };
  const scheduler = new Scheduler(db, bus, services.volumes, log.child({ role: "scheduler" }), {
    service: { host: config.host, availabilityZone: config.defaultAvailabilityZone, reportIntervalMs: config.reportIntervalMs },
  });
  scheduler.start();
  await scheduler.register();

  const executor = new ProcessExecutor({
    rootHelper: config.rootHelper?.trim().split(/\s+/),
    log: log.child({ role: "exec" }),
  });
  // Before any manager resumes work, so the rows counted are the ones at rest.
  await recountUsage(db, log.child({ role: "quota" }));
  const managers: VolumeManager[] = [];
  for (const b of config.backends) {
    const mlog = log.child({ role: "volume", backend: b.name });
    const split = splitBackendOptions(b.options, config);
    const driver = createDriver(b.driver, {
      backendName: b.name,
      dataDir: config.dataDir,
      executor,
      options: split.driver,
      log: mlog,
    });
    const target = split.target
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
    const manager = new VolumeManager(
      db,
      bus,
      driver,
      {
        host: config.host,
        backendName: b.name,
        availabilityZone: b.availabilityZone ?? config.defaultAvailabilityZone,
        volumeBackendName: b.volumeBackendName,
        quotas: config.quotas,
        statsIntervalMs: config.statsIntervalMs,
        reportIntervalMs: config.reportIntervalMs,
      },
      mlog,
      target,
    );
    await manager.start();
    managers.push(manager);
  }
  await scheduler.reconcile();

  const http = buildHttp(services, log);
  await http.ready();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await http.close();
      for (const m of managers) m.stop();
      scheduler.stop();
      const drained = await bus.drain(config.shutdownTimeoutMs);
      if (!drained) log.warn("operations still running at shutdown are parked; the next start resumes them");
      await bus.close();
      await db.close();
    })());
  return { http, services, managers, close };
}
