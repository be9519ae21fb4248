/**
 * Layer 4: a "mini engine". The example program (examples/pulumi/program.ts) runs under
 * `pulumi.runtime.setMocks`, and every registration is forwarded to the real provider process over
 * gRPC the way the engine steps it — Check(olds) → Create, or Diff → Update / replace
 * (create-then-delete, or delete-first when the provider asks) — and resources no longer declared
 * are deleted in reverse order. Four runs against a live server: create, change, replace, destroy.
 * It does not reproduce the engine's parallelism, refresh, or state persistence.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { connect, type CinderClient } from "@cinderblock/sdk";
import { defaults, storage, type Settings } from "../../examples/pulumi/program";
import { startServer, type TestServer } from "../helpers/server";
import { js, provproto, rpc, secret, startPlugin, type Plugin } from "./harness";

interface Entry {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, any>;
  outs: Record<string, any>;
}

class MiniEngine {
  state = new Map<string, Entry>();
  /** Registration order of the last run, for deletes in reverse. */
  order: string[] = [];
  log: string[] = [];
  constructor(private p: Plugin) {}

  private async check(type: string, name: string, news: object, olds: object) {
    const r = await this.p.call<provproto.CheckResponse>("check", rpc.check(type, name, news, olds));
    if (r.getFailuresList().length) throw new Error(`check ${name}: ${r.getFailuresList().map((f) => f.getReason()).join("; ")}`);
    return js(r.getInputs());
  }

  private async create(type: string, name: string, inputs: Record<string, any>): Promise<Entry> {
    const r = await this.p.call<provproto.CreateResponse>("create", rpc.create(type, name, inputs, { timeout: 60 }));
    return { type, name, id: r.getId(), inputs, outs: js(r.getProperties()) };
  }

  private async delete(e: Entry) {
    await this.p.call("delete", rpc.delete(e.type, e.name, e.id, e.outs, { timeout: 60 }));
  }

  async register(type: string, name: string, news: Record<string, any>): Promise<Entry> {
    const key = `${type}::${name}`;
    this.order.push(key);
    const old = this.state.get(key);
    const inputs = await this.check(type, name, news, old?.inputs ?? {});
    let next: Entry;
    if (!old) {
      next = await this.create(type, name, inputs);
      this.log.push(`create ${name}`);
    } else {
      const d = await this.p.call<provproto.DiffResponse>("diff", rpc.diff(type, name, old.id, old.outs, inputs, old.inputs));
      if (d.getReplacesList().length) {
        if (d.getDeletebeforereplace()) await this.delete(old);
        next = await this.create(type, name, inputs);
        if (!d.getDeletebeforereplace()) await this.delete(old);
        this.log.push(`replace ${name} (${d.getReplacesList().join(",")})`);
      } else if (d.getChanges() === provproto.DiffResponse.DiffChanges.DIFF_SOME) {
        const u = await this.p.call<provproto.UpdateResponse>("update", rpc.update(type, name, old.id, old.outs, inputs, old.inputs, { timeout: 60 }));
        next = { ...old, inputs, outs: js(u.getProperties()) };
        this.log.push(`update ${name} (${d.getDiffsList().join(",")})`);
      } else next = old;
    }
    this.state.set(key, next);
    return next;
  }

  /** One `pulumi up` of `program` (or `destroy` with no program). */
  async up(program?: () => Record<string, pulumi.Output<unknown>>): Promise<Record<string, unknown>> {
    const previous = this.order;
    this.order = [];
    this.log = [];
    const pending = new Set<Promise<unknown>>();
    const p = this.p;
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const work = this.register(args.type, args.name, args.inputs).then((e) => ({ id: e.id, state: e.outs }));
          pending.add(work);
          return work;
        },
        call: async (args) => {
          const r = await p.call<provproto.InvokeResponse>("invoke", rpc.invoke(args.token, args.inputs));
          if (r.getFailuresList().length) throw new Error(r.getFailuresList()[0].getReason());
          return js(r.getReturn());
        },
      },
      "cinder-storage",
      "test",
      false,
    );
    const outputs: Record<string, unknown> = {};
    if (program) {
      const outs = program();
      for (const [k, o] of Object.entries(outs)) outputs[k] = await new Promise((resolve) => o.apply(resolve));
    }
    // Let every registration finish (some have no output the program waits on).
    for (let settled = 0; settled < 3; ) {
      const n = pending.size;
      await Promise.all(pending);
      await new Promise((r) => setImmediate(r));
      settled = pending.size === n ? settled + 1 : 0;
    }
    for (const key of [...previous].reverse()) {
      if (this.order.includes(key) || !this.state.has(key)) continue;
      const e = this.state.get(key)!;
      await this.delete(e);
      this.state.delete(key);
      this.log.push(`delete ${e.name}`);
    }
    return outputs;
  }
}

describe("provider mini-engine over examples/pulumi (sqlite)", function () {
  this.timeout(120_000);
  let s: TestServer;
  let p: Plugin;
  let admin: CinderClient;
  let engine: MiniEngine;

  before(async () => {
    s = await startServer("sqlite");
    [p, admin] = await Promise.all([
      startPlugin({ OS_AUTH_URL: "", OS_TOKEN: "", OS_PASSWORD: "" }),
      connect({ env: {}, endpoint: s.url, auth: { type: "noauth", userId: "admin", projectId: "admin" } }),
    ]);
    const config = { endpoint: s.url, projectId: "admin", token: secret("admin:admin") };
    await p.call("configure", new provproto.ConfigureRequest().setArgs(rpc.check("x", "x", config).getNews()!).setAcceptsecrets(true));
    engine = new MiniEngine(p);
  });
  after(async () => {
    await p?.stop();
    await s?.destroy();
  });

  const run = (settings: Partial<Settings>) => engine.up(() => storage({ ...defaults, ...settings }));
  const volumes = async () => {
    const out = new Map<string, Awaited<ReturnType<CinderClient["volumes"]["get"]>>>();
    for await (const v of admin.volumes.list()) out.set(v.name ?? v.id, v);
    return out;
  };

  it("run 1 creates the QoS spec, types, association, volumes, snapshot and restored volume", async () => {
    const outs = await run({});
    assert.deepEqual(engine.log.filter((l) => l.startsWith("create")).length, 8);
    const vs = await volumes();
    assert.deepEqual([...vs.keys()].sort(), ["data", "logs", "restored"]);
    assert.equal(vs.get("data")!.volume_type, "gold");
    assert.deepEqual(vs.get("data")!.metadata, { team: "storage" });
    const snaps = [];
    for await (const x of admin.snapshots.list()) snaps.push(x);
    assert.equal(snaps.length, 1);
    assert.equal(vs.get("restored")!.snapshot_id, snaps[0].id);
    const fast = (await (async () => { for await (const q of admin.qosSpecs.list()) if (q.name === "fast") return q; })())!;
    assert.deepEqual((await admin.qosSpecs.listAssociations(fast.id)).map((a) => a.name), ["gold"]);
    assert.equal(outs.dataStatus, "available");
    assert.ok((outs.zones as string[]).includes("nova"));
  });

  it("run 2 grows the data volume and changes its metadata in place", async () => {
    const dataId = engine.state.get("cinder:index:Volume::data")!.id;
    await run({ dataSize: 2, team: "platform" });
    assert.deepEqual(engine.log, ["update data (size,metadata)"]);
    const v = await admin.volumes.get(dataId);
    assert.equal(v.size, 2);
    assert.deepEqual(v.metadata, { team: "platform" });
  });

  it("run 3 moves logs to silver in place: a retype, not a replacement", async () => {
    const oldLogs = engine.state.get("cinder:index:Volume::logs")!.id;
    await run({ dataSize: 2, team: "platform", logsTier: "silver" });
    assert.deepEqual(engine.log, ["update logs (volumeType)"]);
    const vs = await volumes();
    assert.equal(vs.get("logs")!.volume_type, "silver");
    assert.equal(vs.get("logs")!.id, oldLogs, "the same volume, retyped");
  });

  it("run 4 destroys everything in reverse order", async () => {
    await engine.up();
    assert.equal(engine.log.length, 8);
    assert.equal(engine.log[0], "delete restored");
    assert.equal((await volumes()).size, 0);
    const types = [];
    for await (const t of admin.volumeTypes.list()) types.push(t.name);
    assert.ok(!types.includes("gold") && !types.includes("silver"), types.join());
    for await (const q of admin.qosSpecs.list()) assert.notEqual(q.name, "fast");
  });
});
