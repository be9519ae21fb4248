/**
 * Losing RabbitMQ for a while delays work but loses no request. Separate api, scheduler and volume
 * processes on PostgreSQL and RabbitMQ (./harness.ts), with --resume-after 3600 so that nothing is
 * re-sent from the database during the test: what completes is carried by the bus itself (the
 * sender's outbox while the broker is away, then persistent casts on durable queues).
 *
 * The broker is stopped and started with `rabbitmqctl stop_app` / `start_app`, which stops every
 * client of this RabbitMQ for a few seconds. It is started again after every test, failed or not.
 */
import assert from "node:assert/strict";
import type { Client, Response } from "../helpers/client";
import { waitFor } from "../helpers/wait";
import { rabbitmqctl, reachable, separateProcesses } from "./harness";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:cad181614cec", ip: "192.168.1.20", host: "compute-1", platform: "x86_64", os_type: "linux", multipath: false };

describe("a RabbitMQ restart under separate processes", function () {
  this.timeout(300_000);
  let stopped = false;

  async function brokerDown(): Promise<void> {
    stopped = true;
    await rabbitmqctl("stop_app");
  }

  /** Start the broker's application and wait until it takes connections again. */
  async function brokerUp(): Promise<void> {
    if (!stopped) return;
    await rabbitmqctl("start_app");
    await waitFor(async () => ((await reachable(5672)) ? true : undefined), "RabbitMQ to accept connections on 127.0.0.1:5672", 120_000);
    stopped = false;
  }

  // Registered before the harness's hooks, so the broker is back before the harness removes the
  // virtual host and stops the processes (after hooks run in the order they are registered).
  after(brokerUp);

  const h = separateProcesses({ "--resume-after": "3600", "--service-down-time": "60" });
  let api: Client;
  let admin: Client;
  /** A volume made before any outage. */
  let ready: string;

  before(async () => {
    await h.startVolume("east");
    await h.startScheduler();
    api = await h.startApi(1);
    admin = api.as("admin:admin");
    await h.createType(api, "east");
    await waitFor(async () => ((await admin.get("/v3/admin/scheduler-stats/get_pools")).body.pools?.length === 1 ? true : undefined), "east to report");
    const r = await api.post("/v3/p1/volumes", { volume: { size: 1, volume_type: "on-east" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal((await h.settled(api, r.body.volume.id)).status, "available");
    ready = r.body.volume.id;
  });

  afterEach(async function () {
    await brokerUp();
    if (this.currentTest?.state === "failed") {
      for (const p of h.procs.values()) console.log(`--- ${p.name}\n${p.output().split("\n").slice(-60).join("\n")}`);
    }
  });

  /** The messages (ready and unacknowledged) in a queue of the run's virtual host. */
  async function queued(queue: string): Promise<number | undefined> {
    const out = await rabbitmqctl("list_queues", "-p", h.vhost, "--quiet", "--no-table-headers", "name", "messages");
    for (const line of out.split("\n")) {
      const [name, count] = line.trim().split(/\s+/);
      if (name === queue) return Number(count);
    }
    return undefined;
  }

  const create = (name: string) => api.post("/v3/p1/volumes", { volume: { size: 1, name, volume_type: "on-east" } });

  it("while RabbitMQ is stopped the API takes creates and answers GETs; once it is back, every volume becomes available", async () => {
    const ids: string[] = [];
    let call: Promise<Response> | undefined;
    await brokerDown();
    try {
      assert.equal(await reachable(5672), false, "the broker is down");
      // A call made now waits for the broker (within the rpc timeout, 60 s) and is answered once it is back.
      call = admin.post(`/v3/admin/volumes/${ready}/action`, { "os-initialize_connection": { connector: CONNECTOR } });
      const until = Date.now() + 4000;
      for (let i = 0; Date.now() < until || ids.length < 5; i++) {
        const t0 = Date.now();
        const r = await create(`outage-${h.id}-${i}`);
        assert.equal(r.status, 202, JSON.stringify(r.body));
        assert.ok(Date.now() - t0 < 2000, `a create took ${Date.now() - t0} ms`);
        ids.push(r.body.volume.id);
        // The API keeps answering from the database.
        const one = await api.get(`/v3/p1/volumes/${r.body.volume.id}`);
        assert.equal(one.status, 200, JSON.stringify(one.body));
        assert.equal(one.body.volume.status, "creating");
        const list = await api.get("/v3/p1/volumes/detail");
        assert.equal(list.status, 200);
        assert.ok(list.body.volumes.some((v: { id: string }) => v.id === r.body.volume.id));
        await sleep(400);
      }
      const waiting = (await admin.get(`/v3/admin/volumes/detail?all_tenants=1&status=creating`)).body.volumes.map((v: { id: string }) => v.id);
      for (const id of ids) assert.ok(waiting.includes(id), `volume ${id} waits, creating`);
    } finally {
      await brokerUp();
    }
    for (const id of ids) assert.equal((await h.settled(api, id, 120_000)).status, "available", `volume ${id}`);
    const answered = await call!;
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.connection_info.driver_volume_type, "local");
    const out = h.procs.get("api1")!.output();
    assert.match(out, /AMQP connection down: holding messages until it is back/);
    assert.match(out, /AMQP connection restored/);
    assert.doesNotMatch(h.procs.get("scheduler")!.output(), /scheduling a volume whose request was lost/, "nothing was re-sent from the database");
  });

  it("casts waiting in a volume service's durable queue survive a broker restart", async () => {
    const east = h.procs.get("east")!;
    const queue = `cinder-volume.${h.host("east")}@file`;
    const ids: string[] = [];
    // East stops taking messages (it stays connected, holding at most its prefetch of them).
    east.child.kill("SIGSTOP");
    try {
      for (let i = 0; i < 12; i++) {
        const r = await create(`queued-${h.id}-${i}`);
        assert.equal(r.status, 202, JSON.stringify(r.body));
        ids.push(r.body.volume.id);
      }
      await waitFor(async () => ((await queued(queue)) === ids.length ? true : undefined), `${ids.length} casts in ${queue}`, 30_000);
      await brokerDown();
      await brokerUp();
      assert.equal(await queued(queue), ids.length, "the queue kept every cast across the restart");
      for (const id of ids) assert.equal((await admin.get(`/v3/admin/volumes/${id}`)).body.volume.status, "creating");
    } finally {
      east.child.kill("SIGCONT");
    }
    for (const id of ids) assert.equal((await h.settled(api, id, 120_000)).status, "available", `volume ${id}`);
    await waitFor(async () => ((await queued(queue)) === 0 ? true : undefined), `${queue} to be empty`, 30_000);
    assert.doesNotMatch(east.output(), /resuming a (stalled|interrupted) volume operation/, "nothing was re-sent from the database");
  });
});
