/**
 * A call over the bus that no volume service answers (its process is gone: MessagingTimeout after
 * rpcResponseTimeoutSeconds; no queue for its topic: MessageUndeliverable) is a 503
 * serviceUnavailable naming the service and the wait, and the request leaves nothing half-done:
 * a new attachment's volume goes back to the status it had, the attachment is error_attaching.
 * The volume service's calls are made to fail here the way the AMQP bus fails them;
 * test/scale/host-gone.test.ts kills a real volume process.
 */
import assert from "node:assert/strict";
import { MessageUndeliverable, MessagingTimeout } from "../../server/src/bus/amqp-wire";
import { RemoteError } from "../../server/src/bus/errors";
import { volumeTopic } from "../../server/src/bus/rpc";
import { unansweredCallFault } from "../../server/src/volume/api/unanswered";
import { assertFault, createVolume, volumeAction } from "../helpers/lifecycle";
import { forEachDialect, type ServerFixture } from "../helpers/suite";

const INSTANCE = "8a3e1f4c-3b0e-4b8e-9d6e-2f1b7c9a0d11";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:cad181614cec", ip: "192.168.1.20", host: "compute-1", platform: "x86_64", os_type: "linux", multipath: false };
const CALLS = ["initializeConnection", "terminateConnection", "attachVolume", "detachVolume"] as const;

describe("unanswered calls: the fault", () => {
  it("names the service, its queue and the wait, and where to look", () => {
    const timeout = unansweredCallFault(new MessagingTimeout("cinder-volume.hostB@file", "initializeConnection", 3000));
    assert.equal(timeout?.status, 503);
    assert.equal(timeout?.message, "The volume service cinder-volume.hostB@file did not answer within 3 s; it may be down (see openstack volume service list)");
    const scheduler = unansweredCallFault(new MessagingTimeout("cinder-scheduler", "getPools", 60_000));
    assert.equal(scheduler?.message, "The scheduler service cinder-scheduler did not answer within 60 s; it may be down (see openstack volume service list)");
    assert.equal(unansweredCallFault(new MessagingTimeout("cinder-volume.h@b", "x", 1500))?.message.includes("within 1.5 s"), true);
    const nobody = unansweredCallFault(new MessageUndeliverable("cinder-volume.hostB@file", "attachVolume"));
    assert.equal(nobody?.status, 503);
    assert.equal(nobody?.message, "No volume service is listening on cinder-volume.hostB@file; it may be down or never started (see openstack volume service list)");
  });

  it("leaves every other error alone", () => {
    assert.equal(unansweredCallFault(new RemoteError("VolumeBackendAPIException", "boom")), undefined);
    assert.equal(unansweredCallFault(new Error("no reply")), undefined);
    assert.equal(unansweredCallFault(undefined), undefined);
  });
});

forEachDialect("unanswered calls to a volume service", (fx) => {
  type Calls = Record<string, (...a: unknown[]) => Promise<unknown>>;
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  /** Every call to a volume service fails with what `fail` makes of its topic, until restored. */
  function unanswered(f: ServerFixture, fail: (topic: string, method: string) => Error): void {
    const volumes = f.s.app.services.volumes as unknown as Calls;
    const own = new Map(CALLS.map((m) => [m, Object.getOwnPropertyDescriptor(volumes, m)]));
    for (const m of CALLS) volumes[m] = async (host: unknown) => Promise.reject(fail(volumeTopic(String(host)), m));
    restore = () => {
      for (const [m, d] of own) {
        if (d) Object.defineProperty(volumes, m, d);
        else delete volumes[m];
      }
      restore = undefined;
    };
  }
  const timeout = (topic: string, method: string) => new MessagingTimeout(topic, method, 3000);
  const volume = async (id: string) => (await fx.admin.get(`/v3/p1/volumes/${id}`)).body.volume;
  const attachments = async (volumeId: string) =>
    (await fx.admin.get(`/v3/p1/attachments?volume_id=${volumeId}`)).body.attachments as Array<{ id: string; status: string }>;

  it("attachment create with a connector: 503 naming the service, the volume back to available, the attachment error_attaching; once it answers, the attach works", async () => {
    const v = await createVolume(fx.c, "p1");
    const topic = volumeTopic(v["os-vol-host-attr:host"] ?? (await volume(v.id))["os-vol-host-attr:host"]);
    unanswered(fx, timeout);
    const r = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE, connector: CONNECTOR } });
    assertFault(r, 503, `The volume service ${topic} did not answer within 3 s; it may be down (see openstack volume service list)`);
    assert.equal((await volume(v.id)).status, "available");
    assert.deepEqual((await attachments(v.id)).map((a) => a.status), ["error_attaching"]);

    restore?.();
    const ok = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE, connector: CONNECTOR } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.attachment.status, "attaching");
    assert.equal((await volume(v.id)).status, "reserved");
    const done = await fx.c.post(`/v3/p1/attachments/${ok.body.attachment.id}/action`, { "os-complete": null });
    assert.equal(done.status, 204);
    // The failed attachment is deleted like any other; the volume stays attached by the new one.
    const failed = (await attachments(v.id)).find((a) => a.status === "error_attaching")!;
    const d = await fx.admin.delete(`/v3/p1/attachments/${failed.id}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.deepEqual(d.body.attachments.map((a: { id: string }) => a.id), [ok.body.attachment.id]);
    assert.equal((await volume(v.id)).status, "in-use");
  });

  it("attachment update: 503, the attachment and its volume stay reserved", async () => {
    const v = await createVolume(fx.c, "p1");
    const a = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE } });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    unanswered(fx, timeout);
    const r = await fx.c.put(`/v3/p1/attachments/${a.body.attachment.id}`, { attachment: { connector: CONNECTOR } });
    assertFault(r, 503, /^The volume service cinder-volume\.\S+ did not answer within 3 s; it may be down \(see openstack volume service list\)$/);
    assert.equal((await volume(v.id)).status, "reserved");
    assert.deepEqual((await attachments(v.id)).map((x) => x.status), ["reserved"]);
    restore?.();
    const u = await fx.c.put(`/v3/p1/attachments/${a.body.attachment.id}`, { attachment: { connector: CONNECTOR } });
    assert.equal(u.status, 200, JSON.stringify(u.body));
  });

  it("the legacy actions: 503 for os-initialize_connection, os-attach, os-terminate_connection; no queue at all is a 503 too", async () => {
    const v = await createVolume(fx.c, "p1");
    unanswered(fx, timeout);
    assertFault(await volumeAction(fx.c, "p1", v.id, "os-initialize_connection", { connector: CONNECTOR }), 503, /did not answer within 3 s/);
    assertFault(await volumeAction(fx.c, "p1", v.id, "os-terminate_connection", { connector: CONNECTOR }), 503, /did not answer within 3 s/);
    assert.equal((await volumeAction(fx.c, "p1", v.id, "os-reserve", {})).status, 202);
    assertFault(await volumeAction(fx.c, "p1", v.id, "os-attach", { instance_uuid: INSTANCE, mountpoint: "/dev/vdb" }), 503, /did not answer/);
    assert.equal((await volumeAction(fx.c, "p1", v.id, "os-unreserve", {})).status, 202);
    restore?.();
    unanswered(fx, (topic, method) => new MessageUndeliverable(topic, method));
    assertFault(
      await volumeAction(fx.c, "p1", v.id, "os-initialize_connection", { connector: CONNECTOR }),
      503,
      /^No volume service is listening on cinder-volume\.\S+; it may be down or never started \(see openstack volume service list\)$/,
    );
    assert.equal((await volume(v.id)).status, "available");
  });

  it("a backend that refuses the connection also puts the new attachment's volume back (500, as Cinder answers)", async () => {
    const v = await createVolume(fx.c, "p1");
    unanswered(fx, () => new RemoteError("VolumeBackendAPIException", "Create export of volume failed (disk on fire)"));
    const r = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE, connector: CONNECTOR } });
    assertFault(r, 500, "Unable to create attachment for volume (Create export of volume failed (disk on fire)).");
    assert.equal((await volume(v.id)).status, "available");
    assert.deepEqual((await attachments(v.id)).map((a) => a.status), ["error_attaching"]);
  });
});
