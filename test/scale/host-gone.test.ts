/**
 * A call over the bus to a volume host that is gone. The volume service of host B is killed with
 * SIGKILL; attaching its volume (a call to cinder-volume.<B>@file) then fails after
 * --rpc-response-timeout (3 s here) with a 503 serviceUnavailable that names the service and the
 * wait, and leaves the volume as it was. Restarted, B answers and the same attach works.
 */
import assert from "node:assert/strict";
import type { Client } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { waitFor } from "../helpers/wait";
import { separateProcesses } from "./harness";

const INSTANCE = "8a3e1f4c-3b0e-4b8e-9d6e-2f1b7c9a0d11";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:cad181614cec", ip: "192.168.1.20", host: "compute-1", platform: "x86_64", os_type: "linux", multipath: false };

describe("a call to a volume host that is gone", function () {
  this.timeout(120_000);
  const h = separateProcesses({ "--rpc-response-timeout": "3" });
  let api: Client;
  let admin: Client;

  before(async () => {
    await h.startVolume("b");
    await h.startScheduler();
    api = await h.startApi(1);
    admin = api.as("admin:admin");
    await h.createType(api, "b");
  });

  const volume = async (id: string) => (await admin.get(`/v3/admin/volumes/${id}`)).body.volume;
  const attach = (volumeId: string) =>
    admin.post("/v3/admin/attachments", { attachment: { volume_uuid: volumeId, instance_uuid: INSTANCE, connector: CONNECTOR } });

  it("answers 503 naming the service within the rpc timeout, leaves the volume available; restarted, the host takes the attach", async () => {
    const r = await admin.post("/v3/admin/volumes", { volume: { size: 1, volume_type: "on-b" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const v = await h.settled(api, r.body.volume.id);
    assert.equal(v.status, "available");
    const topic = `cinder-volume.${h.host("b")}@file`;
    assert.equal(v["os-vol-host-attr:host"].split("#")[0], `${h.host("b")}@file`);

    await h.stop(h.procs.get("b")!, "SIGKILL");
    const message = `The volume service ${topic} did not answer within 3 s; it may be down (see openstack volume service list)`;
    const t0 = Date.now();
    assertFault(await attach(v.id), 503, message);
    const took = Date.now() - t0;
    assert.ok(took >= 2900 && took < 10_000, `answered after ${took} ms`);
    const after = await volume(v.id);
    assert.equal(after.status, "available", "the volume is as it was");
    const left = (await admin.get(`/v3/admin/attachments?volume_id=${v.id}`)).body.attachments;
    assert.deepEqual(left.map((a: { status: string }) => a.status), ["error_attaching"], "no attachment is left attaching");

    assertFault(await admin.post(`/v3/admin/volumes/${v.id}/action`, { "os-initialize_connection": { connector: CONNECTOR } }), 503, message);
    assert.equal((await volume(v.id)).status, "available");

    await h.startVolume("b");
    await waitFor(async () => ((await h.state(api, "b")) === "up" ? true : undefined), "b to show up", 30_000);
    const ok = await attach(v.id);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.attachment.status, "attaching");
    assert.equal(ok.body.attachment.connection_info.driver_volume_type, "local");
    assert.equal((await volume(v.id)).status, "reserved");
  });
});
