/**
 * Work whose message is lost (an API process that died between its commit and its cast, a broker
 * that lost a message) is re-sent from the database: the scheduler places volumes left unplaced,
 * and a volume service resumes its operations left transitional, once they are `resumeAfter` old:
 * volume and snapshot work, and backup work (create, restore, delete).
 * The transport here loses the chosen casts on purpose (the services and the database are real).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ALL_ROLES, type Running, startServices } from "../../server/src/app";
import { type Bus, InProcessBus } from "../../server/src/bus/bus";
import { defaults } from "../../server/src/config";
import { createLogger } from "../../server/src/log";
import { Client } from "../helpers/client";
import { DIALECTS, makeDb, type TestDb } from "../helpers/server";
import { waitFor } from "../helpers/wait";

/** An in-process bus that drops the casts `lose` picks, counting them. */
class LossyBus extends InProcessBus implements Bus {
  lost: string[] = [];
  lose: (topic: string, method: string) => boolean = () => false;

  override cast(topic: string, method: string, payload: unknown): void {
    if (this.lose(topic, method)) {
      this.lost.push(`${topic} ${method}`);
      return;
    }
    super.cast(topic, method, payload);
  }
}

for (const dialect of DIALECTS) {
  describe(`lost messages are re-sent from the database (${dialect})`, function () {
    this.timeout(60_000);
    let dataDir: string;
    let db: TestDb;
    let app: Running;
    let c: Client;
    const bus = new LossyBus(createLogger("silent"));

    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-lost-"));
      db = await makeDb(dialect, dataDir);
      const config = { ...defaults(dataDir), host: "losthost", auth: "noauth" as const, db: db.url, statsIntervalMs: 500, resumeAfterSeconds: 1 };
      app = await startServices(config, createLogger("silent"), ALL_ROLES, bus);
      await app.http!.listen({ port: 0, host: "127.0.0.1" });
      c = new Client(`http://127.0.0.1:${(app.http!.server.address() as { port: number }).port}`);
    });

    after(async () => {
      await app?.close();
      await db?.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    async function created(): Promise<{ id: string; took: number }> {
      const t0 = Date.now();
      const r = await c.post("/v3/p1/volumes", { volume: { size: 1 } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const v = await waitFor(async () => {
        const g = (await c.as("admin:admin").get(`/v3/admin/volumes/${r.body.volume.id}`)).body.volume;
        return g.status === "creating" ? undefined : g;
      }, "the volume to leave creating");
      assert.equal(v.status, "available");
      return { id: v.id, took: Date.now() - t0 };
    }

    it("places a volume whose request to the scheduler was lost", async () => {
      let once = true;
      bus.lose = (topic, method) => topic === "cinder-scheduler" && method === "createVolume" && once && !(once = false);
      const { took } = await created();
      assert.deepEqual(bus.lost, ["cinder-scheduler createVolume"]);
      assert.ok(took >= 1000, `placed only after the resume delay (${took} ms)`);
    });

    it("creates a volume whose message to its volume service was lost", async () => {
      bus.lost = [];
      let once = true;
      bus.lose = (topic, method) => topic.startsWith("cinder-volume.") && method === "createVolume" && once && !(once = false);
      const { took } = await created();
      assert.deepEqual(bus.lost, ["cinder-volume.losthost@file createVolume"]);
      assert.ok(took >= 1000, `created only after the resume delay (${took} ms)`);
    });

    it("deletes a volume whose delete message was lost", async () => {
      const { id } = await created();
      bus.lost = [];
      let once = true;
      bus.lose = (topic, method) => method === "deleteVolume" && once && !(once = false);
      assert.equal((await c.delete(`/v3/p1/volumes/${id}`)).status, 202);
      await waitFor(async () => ((await c.get(`/v3/p1/volumes/${id}`)).status === 404 ? true : undefined), "the volume to be gone");
      assert.deepEqual(bus.lost, ["cinder-volume.losthost@file deleteVolume"]);
    });

    async function backupStatus(id: string, from: string): Promise<any> {
      return waitFor(async () => {
        const r = await c.get(`/v3/p1/backups/${id}`);
        if (r.status === 404) return { status: "gone" };
        return r.body.backup.status === from ? undefined : r.body.backup;
      }, `the backup to leave ${from}`);
    }

    it("makes, restores and deletes a backup whose messages were lost", async () => {
      const { id: vol } = await created();
      const loseOnce = (name: string) => {
        bus.lost = [];
        let once = true;
        bus.lose = (topic, method) => topic.startsWith("cinder-volume.") && method === name && once && !(once = false);
      };

      loseOnce("createBackup");
      let t0 = Date.now();
      const b = await c.post("/v3/p1/backups", { backup: { volume_id: vol } });
      assert.equal(b.status, 202, JSON.stringify(b.body));
      assert.equal((await backupStatus(b.body.backup.id, "creating")).status, "available");
      assert.ok(Date.now() - t0 >= 1000, "made only after the resume delay");
      assert.deepEqual(bus.lost, ["cinder-volume.losthost@file createBackup"]);
      assert.equal((await c.get(`/v3/p1/volumes/${vol}`)).body.volume.status, "available");

      loseOnce("restoreBackup");
      t0 = Date.now();
      const r = await c.post(`/v3/p1/backups/${b.body.backup.id}/restore`, { restore: { volume_id: vol } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal((await backupStatus(b.body.backup.id, "restoring")).status, "available");
      assert.ok(Date.now() - t0 >= 1000, "restored only after the resume delay");
      assert.deepEqual(bus.lost, ["cinder-volume.losthost@file restoreBackup"]);
      assert.equal((await c.get(`/v3/p1/volumes/${vol}`)).body.volume.status, "available");

      loseOnce("deleteBackup");
      assert.equal((await c.delete(`/v3/p1/backups/${b.body.backup.id}`)).status, 202);
      assert.equal((await backupStatus(b.body.backup.id, "deleting")).status, "gone");
      assert.deepEqual(bus.lost, ["cinder-volume.losthost@file deleteBackup"]);
      bus.lose = () => false;
    });
  });
}
