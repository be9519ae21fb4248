/**
 * An extend is decided once. The scheduler decides it (room on the volume's backend, or a refusal
 * that puts the volume back); once it has placed it, only the volume manager acts on it. A second
 * decision on the same extend (a scheduler restarted that gets the message again, or a lost message
 * re-sent) while the manager grows the volume must not refuse it: the refusal put the row back to
 * the old size while the manager left the file at the new one, a volume whose file is larger than
 * its row says. And a volume manager sent an extend the scheduler has not placed leaves it alone.
 */
import assert from "node:assert/strict";
import type { VolumeDriver } from "../../server/src/drivers/interface";
import { createLogger } from "../../server/src/log";
import { Scheduler } from "../../server/src/scheduler/scheduler";
import { extendVolume } from "../../server/src/volume/manager/operations";
import { createVolume, fileSize, GiB, volumeAction, volumeFile } from "../helpers/lifecycle";
import { startServer, type TestServer } from "../helpers/server";
import { ADMIN } from "../helpers/state";
import { waitFor } from "../helpers/wait";

describe("an extend is decided once, by the scheduler", function () {
  this.timeout(60_000);
  let s: TestServer;
  before(async () => {
    s = await startServer("sqlite");
  });
  after(() => s.destroy());

  /** Another scheduler on the same database, with no pool reported to it: it refuses every extend it decides. */
  const secondScheduler = () =>
    new Scheduler(s.app.services.db, s.app.services.bus, s.app.services.volumes, createLogger("silent"), { initWaitMs: 0 });
  const gigabytesInUse = async () => (await s.client.as(ADMIN).get("/v3/admin/os-quota-sets/p1?usage=true")).body.quota_set.gigabytes.in_use;
  const row = async (id: string) => (await s.client.get(`/v3/p1/volumes/${id}`)).body.volume;

  it("a second decision while the manager grows the volume leaves it to the manager", async () => {
    const v = await createVolume(s.client, "p1", { size: 1 });
    const driver: VolumeDriver = s.app.managers[0].driver;
    const extend = driver.extendVolume.bind(driver);
    let grown!: () => void;
    const growing = new Promise<void>((r) => (grown = r));
    let letGo!: () => void;
    const gate = new Promise<void>((r) => (letGo = r));
    driver.extendVolume = async (ref, size) => {
      await extend(ref, size);
      grown();
      await gate;
    };
    try {
      assert.equal((await volumeAction(s.client, "p1", v.id, "os-extend", { new_size: 2 })).status, 202);
      await growing;
      await secondScheduler().extendVolume(v.id);
      assert.equal((await row(v.id)).status, "extending", "a second decision refused the extend the scheduler had placed");
    } finally {
      letGo();
      driver.extendVolume = extend;
    }
    const done = await waitFor(async () => {
      const r = await row(v.id);
      return r.status === "extending" ? undefined : r;
    }, "the extend to finish");
    assert.equal(done.status, "available");
    assert.equal(done.size, 2);
    assert.equal(await fileSize(volumeFile(s, v.id)), 2 * GiB);
    assert.equal(await gigabytesInUse(), 2);
  });

  it("a volume manager sent an extend the scheduler has not placed does not grow the volume", async () => {
    const v = await createVolume(s.client, "p1", { size: 1 });
    // Accepted by an API, its message to the scheduler not handled yet.
    await s.app.services.db.kysely
      .updateTable("volumes")
      .set({ status: "extending", previous_status: "available", task: JSON.stringify({ op: "extend", new_size: 2 }) })
      .where("id", "=", v.id)
      .execute();
    await extendVolume(s.app.managers[0], v.id);
    assert.equal(await fileSize(volumeFile(s, v.id)), GiB);
    const r = await row(v.id);
    assert.equal(r.status, "extending");
    assert.equal(r.size, 1);
  });
});
