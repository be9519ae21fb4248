/**
 * The bus protocol (server/src/bus/protocol.ts): a receiver gets each message at its function of
 * that name, calls answer the receiver's result or its error, a method the receiver lacks is
 * refused by name; and the compiler holds senders and receivers to the protocol (the
 * `@ts-expect-error` lines fail the typecheck if they ever compile).
 */
import assert from "node:assert/strict";
import { InProcessBus } from "../../server/src/bus/bus";
import { type Cast, type Call, type Receiver, Sender, serve } from "../../server/src/bus/protocol";
import { SchedulerRpc, VolumeRpc, volumeTopic } from "../../server/src/bus/rpc";
import { silentLog } from "../../server/src/log";

interface Echo {
  note: Cast<{ text: string }>;
  twice: Call<{ n: number }, number>;
  fail: Call<{ why: string }, void>;
}

describe("bus protocol", () => {
  it("dispatches casts and calls to the receiver's function of that name", async () => {
    const bus = new InProcessBus(silentLog);
    const notes: string[] = [];
    serve<Echo>(bus, "echo", {
      note: async ({ text }) => void notes.push(text),
      twice: async ({ n }) => n * 2,
      fail: async ({ why }) => {
        throw new Error(why);
      },
    });
    const send = new Sender<Echo>(bus);
    send.cast("echo", "note", { text: "hello" });
    assert.equal(await send.call("echo", "twice", { n: 21 }), 42);
    await assert.rejects(send.call("echo", "fail", { why: "no room" }), /no room/);
    assert.ok(await bus.drain(1000));
    assert.deepEqual(notes, ["hello"]);
  });

  it("refuses a method the receiver does not have, naming it", async () => {
    const bus = new InProcessBus(silentLog);
    serve<Echo>(bus, "echo", { note: async () => undefined, twice: async ({ n }) => n, fail: async () => undefined });
    await assert.rejects(bus.call("echo", "shout", {}), /echo has no method shout/);
  });

  it("carries the scheduler's and the volume managers' messages to their topics, ids only", async () => {
    const bus = new InProcessBus(silentLog);
    const seen: Array<[string, string, unknown]> = [];
    bus.subscribe("cinder-scheduler", async (method, payload) => void seen.push(["cinder-scheduler", method, payload]));
    bus.subscribe(volumeTopic("h@b#pool"), async (method, payload) => void seen.push([volumeTopic("h@b"), method, payload]));
    new SchedulerRpc(bus).retypeVolume("v1");
    const report = { backend: "h@b", availabilityZone: "nova", disabled: false, stats: { pools: [] } } as unknown as Parameters<SchedulerRpc["updateBackend"]>[0];
    new SchedulerRpc(bus).updateBackend(report);
    new VolumeRpc(bus).createSnapshot("h@b#pool", "s1");
    assert.ok(await bus.drain(1000));
    assert.deepEqual(seen, [
      // The fanout is delivered at once, ahead of the cast queued before it.
      ["cinder-scheduler", "updateBackend", report],
      ["cinder-scheduler", "retypeVolume", { volumeId: "v1" }],
      ["cinder-volume.h@b", "createSnapshot", { snapshotId: "s1" }],
    ]);
  });

  it("is checked by the compiler (the typecheck fails if any of these compiles)", () => {
    const bus = new InProcessBus(silentLog);
    const send = new Sender<Echo>(bus);
    const misuses = [
      // @ts-expect-error a call is not sent as a cast
      () => send.cast("echo", "twice", { n: 1 }),
      // @ts-expect-error the payload is the method's
      () => send.call("echo", "twice", { text: "x" }),
      // @ts-expect-error no such method
      () => send.call("echo", "shout", {}),
    ];
    // @ts-expect-error a receiver must answer every method of its protocol
    const partial: Receiver<Echo> = { note: async () => undefined };
    assert.equal(misuses.length, 3);
    assert.equal(Object.keys(partial).length, 1);
  });
});
