/**
 * The services of Cinderblock composed separately (server/src/app.ts startServices): an API-only
 * process, a scheduler-only process and one volume service per backend, sharing one database and
 * one bus. The volume services start before any scheduler is there (their first capability report
 * has no receiver, and they start regardless); volumes of each type land on their backend's
 * service; os-services shows every service.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ALL_ROLES, type Running, startServices } from "../../server/src/app";
import { InProcessBus } from "../../server/src/bus/bus";
import { ConfigError, defaults, type Config } from "../../server/src/config";
import { createLogger } from "../../server/src/log";
import { Client } from "../helpers/client";
import { DIALECTS, makeDb, type TestDb } from "../helpers/server";
import { waitFor } from "../helpers/wait";

const UNLIMITED = { volumes: -1, snapshots: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1, groups: -1, per_volume_gigabytes: -1 };

for (const dialect of DIALECTS) {
  describe(`separate services on one bus (${dialect})`, function () {
    this.timeout(60_000);
    let dataDir: string;
    let db: TestDb;
    let config: Config;
    const running: Running[] = [];
    let c: Client;
    const log = createLogger(process.env.CINDERBLOCK_TEST_LOG ?? "silent");
    const bus = new InProcessBus(log);

    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-roles-"));
      db = await makeDb(dialect, dataDir);
      config = {
        ...defaults(dataDir),
        host: "rolehost",
        auth: "noauth",
        db: db.url,
        quotas: UNLIMITED,
        statsIntervalMs: 300,
        reportIntervalMs: 300,
        serviceDownTimeSeconds: 2,
        backends: [
          { name: "east", driver: "file", options: {} },
          { name: "west", driver: "file", options: {} },
        ],
      };
      running.push(await startServices(config, log, { api: false, scheduler: false, backends: ["east"] }, bus, { closeBus: false }));
      running.push(await startServices(config, log, { api: false, scheduler: false, backends: ["west"] }, bus, { closeBus: false }));
      running.push(await startServices(config, log, { api: false, scheduler: true, backends: [] }, bus, { closeBus: false }));
      const api = await startServices(config, log, { api: true, scheduler: false, backends: [] }, bus, { closeBus: false });
      running.push(api);
      await api.http!.listen({ port: 0, host: "127.0.0.1" });
      c = new Client(`http://127.0.0.1:${(api.http!.server.address() as { port: number }).port}`);
    });

    after(async () => {
      for (const r of running.reverse()) await r.close();
      await bus.close();
      await db?.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it("builds only what each process runs", () => {
      assert.deepEqual(
        running.map((r) => [Boolean(r.http), r.managers.map((m) => m.backend)]),
        [
          [false, ["rolehost@east"]],
          [false, ["rolehost@west"]],
          [false, []],
          [true, []],
        ],
      );
    });

    it("places each volume on its type's backend, served by that backend's process", async () => {
      const admin = c.as("admin:admin");
      for (const name of ["east", "west"]) {
        const t = await admin.post("/v3/admin/types", { volume_type: { name: `on-${name}`, extra_specs: { volume_backend_name: name } } });
        assert.equal(t.status, 200, JSON.stringify(t.body));
      }
      // The scheduler learns of the backends from their next reports.
      await waitFor(async () => ((await admin.get("/v3/admin/scheduler-stats/get_pools")).body.pools.length === 2 ? true : undefined), "both backends reported");
      const hosts: string[] = [];
      for (const name of ["east", "west"]) {
        const r = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: `on-${name}` } });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        const v = await waitFor(async () => {
          const g = (await admin.get(`/v3/admin/volumes/${r.body.volume.id}`)).body.volume;
          return g.status === "creating" ? undefined : g;
        }, `the ${name} volume`);
        assert.equal(v.status, "available");
        hosts.push(v["os-vol-host-attr:host"]);
      }
      assert.deepEqual(hosts.map((h) => h.split("#")[0]), ["rolehost@east", "rolehost@west"]);
    });

    it("lists every service in os-services, up", async () => {
      const r = await c.as("admin:admin").get("/v3/admin/os-services");
      assert.equal(r.status, 200);
      const seen = r.body.services.map((s: { binary: string; host: string; state: string }) => `${s.binary} ${s.host} ${s.state}`).sort();
      assert.deepEqual(seen, ["cinder-backup rolehost up", "cinder-scheduler rolehost up", "cinder-volume rolehost@east up", "cinder-volume rolehost@west up"]);
    });

    it("places nothing on a volume service that stopped heartbeating: it shows down, and its volumes fail to schedule", async () => {
      const admin = c.as("admin:admin");
      await running[0].close(); // east stops: no more heartbeats (its last capability report stays with the scheduler)
      await waitFor(async () => {
        const r = await admin.get("/v3/admin/os-services?binary=cinder-volume");
        return r.body.services.find((s: { host: string; state: string }) => s.host === "rolehost@east")?.state === "down" ? true : undefined;
      }, "east to show down");
      const r = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-east" } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const v = await waitFor(async () => {
        const g = (await admin.get(`/v3/admin/volumes/${r.body.volume.id}`)).body.volume;
        return g.status === "creating" ? undefined : g;
      }, "the east volume to leave creating");
      assert.equal(v.status, "error");
      assert.equal(v["os-vol-host-attr:host"] ?? null, null, "never placed");
      const west = await c.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-west" } });
      const w = await waitFor(async () => {
        const g = (await admin.get(`/v3/admin/volumes/${west.body.volume.id}`)).body.volume;
        return g.status === "creating" ? undefined : g;
      }, "the west volume");
      assert.equal(w.status, "available", "the other backend still takes volumes");
    });

    it("refuses a backend the configuration does not have, naming the ones it has", async () => {
      await assert.rejects(
        startServices(config, log, { ...ALL_ROLES, api: false, scheduler: false, backends: ["north"] }, bus),
        (err: unknown) => err instanceof ConfigError && /no backend named north in the configuration \(backends: east, west\)/.test(err.message),
      );
    });
  });
}
