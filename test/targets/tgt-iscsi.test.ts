/**
 * Proof on the host: file-backend volumes exported through a real tgtd, reached with libiscsi's
 * userspace initiator (qemu-img iscsi://) using only the connection_info the API returned.
 * Data written over iSCSI survives a snapshot and a create-from-snapshot; CHAP refuses a wrong
 * password; the legacy attach flow, extend of an in-use volume and detach work; deletion removes
 * the target; and a tgtd restart while the server is down is repaired by the next start.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startServer, type TestServer } from "../helpers/server";
import { createSnapshot, createVolume, deleteSnapshot, deleteVolume, volumeAction } from "../helpers/lifecycle";
import { waitStatus } from "../helpers/wait";
import { missingTools, Tgtd } from "./tgtd";

const P = "p1";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:test", ip: "127.0.0.1", host: "test" };
const MIB = 1024 * 1024;

function iscsiUrl(data: any, password = data.auth_password as string): string {
  return `iscsi://${data.auth_username}%${password}@${data.target_portal}/${data.target_iqn}/${data.target_lun}`;
}

describe("tgt target: iSCSI round trip on the host", function () {
  this.timeout(180_000);
  let tgtd: Tgtd;
  let srv: TestServer;
  let work: string;
  const controlPort = 40 + (process.pid % 50);

  const start = (reuse?: TestServer) =>
    startServer(
      "sqlite",
      {
        targetHelper: "tgt",
        targetIp: "127.0.0.1",
        targetPort: tgtd.port,
        backends: [{ name: "file", driver: "file", options: { tgtControlPort: controlPort } }],
      },
      reuse ? { dataDir: reuse.dataDir, db: reuse.db } : undefined,
    );

  before(async function () {
    const why = missingTools();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    work = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-tgt-"));
    tgtd = new Tgtd(controlPort, await freePort());
    await tgtd.start();
    srv = await start();
  });

  after(async () => {
    await srv?.destroy();
    await tgtd?.stop();
    if (work) await fsp.rm(work, { recursive: true, force: true });
  });

  async function connect(id: string): Promise<any> {
    const r = await volumeAction(srv.client, P, id, "os-initialize_connection", { connector: CONNECTOR });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.connection_info;
  }

  it("writes through iSCSI, refuses a wrong CHAP password, and a volume from a snapshot reads the same bytes", async () => {
    const vol = await createVolume(srv.client, P, { size: 1 });
    const info = await connect(vol.id);
    assert.equal(info.driver_volume_type, "iscsi");
    const d = info.data;
    assert.equal(d.target_iqn, `iqn.2010-10.org.openstack:volume-${vol.id}`);
    assert.equal(d.target_portal, `127.0.0.1:${tgtd.port}`);
    assert.equal(d.target_lun, 1);
    assert.equal(d.auth_method, "CHAP");
    assert.match(d.auth_username, /^[2-9A-HJ-NP-Za-km-z]{20}$/);
    assert.match(d.auth_password, /^[2-9A-HJ-NP-Za-km-z]{16}$/);
    assert.equal(d.target_discovered, false);
    assert.equal(d.volume_id, vol.id);
    assert.equal(d.access_mode, "rw");
    assert.equal(d.qos_specs, null);
    assert.equal(d.encrypted, false);
    assert.equal(d.discard, true);

    const src = path.join(work, "src.bin");
    await fsp.writeFile(src, randomBytes(64 * MIB));
    execFileSync("qemu-img", ["convert", "-n", "-f", "raw", "-O", "raw", src, iscsiUrl(d)]);

    const wrong = spawnSync("iscsi-inq", [iscsiUrl(d, "WrongPassword234")], { encoding: "utf8" });
    assert.notEqual(wrong.status, 0, "a wrong CHAP password must be refused");
    assert.match(wrong.stderr + wrong.stdout, /Authentication failure|Login Failed/i);
    const right = spawnSync("iscsi-inq", [iscsiUrl(d)], { encoding: "utf8" });
    assert.equal(right.status, 0, right.stderr);

    const snap = await createSnapshot(srv.client, P, vol.id);
    const r = await srv.client.post(`/v3/${P}/volumes`, { volume: { size: 1, snapshot_id: snap.id } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const copy = await waitStatus(srv.client, "volumes", P, r.body.volume.id, "available", 60_000);
    const info2 = await connect(copy.id);
    assert.notEqual(info2.data.auth_username, d.auth_username, "credentials are per volume");
    const out = path.join(work, "out.bin");
    execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "raw", iscsiUrl(info2.data), out]);
    const [a, b] = await Promise.all([fsp.readFile(src), fsp.readFile(out)]);
    assert.equal(b.length, 1024 * MIB);
    assert.ok(a.equals(b.subarray(0, 64 * MIB)), "the bytes read over iSCSI differ from those written");

    // terminate + delete: the targets are gone.
    for (const id of [vol.id, copy.id]) {
      const t = await volumeAction(srv.client, P, id, "os-terminate_connection", { connector: CONNECTOR });
      assert.equal(t.status, 202, JSON.stringify(t.body));
    }
    assert.match(tgtd.show(), new RegExp(vol.id));
    await deleteVolume(srv.client, P, copy.id);
    await deleteSnapshot(srv.client, P, snap.id);
    await deleteVolume(srv.client, P, vol.id);
    const shown = tgtd.show();
    assert.doesNotMatch(shown, new RegExp(vol.id));
    assert.doesNotMatch(shown, new RegExp(copy.id));
    assert.doesNotMatch(tgtd.tgtadm("--lld", "iscsi", "--op", "show", "--mode", "account"), new RegExp(d.auth_username));
  });

  it("runs the legacy attach flow: reserve, connect, attach, extend in-use (3.42), refuse delete, detach", async () => {
    const vol = await createVolume(srv.client, P, { size: 1 });
    const c = srv.client;
    assert.equal((await volumeAction(c, P, vol.id, "os-reserve", {})).status, 202);
    assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "attaching");
    const again = await volumeAction(c, P, vol.id, "os-reserve", {});
    assert.equal(again.status, 400);
    assert.equal(again.body.badRequest.message, "Invalid volume: Volume status must be available to reserve, but the status is attaching.");
    const info = await connect(vol.id);
    const att = await volumeAction(c, P, vol.id, "os-attach", { host_name: "test", mountpoint: "/dev/sdb", mode: "rw" });
    assert.equal(att.status, 202, JSON.stringify(att.body));
    const shown = (await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume;
    assert.equal(shown.status, "in-use");
    assert.equal(shown.attachments.length, 1);
    assert.equal(shown.attachments[0].device, "/dev/sdb");
    assert.equal(shown.attachments[0].host_name, null, "the host is shown to admins only");
    assert.equal(shown.metadata.attached_mode, "rw");

    const del = await c.delete(`/v3/${P}/volumes/${vol.id}`);
    assert.equal(del.status, 400, "an attached volume cannot be deleted");

    const below = await volumeAction(c, P, vol.id, "os-extend", { new_size: 2 }, "3.41");
    assert.equal(below.status, 400);
    assert.equal((await volumeAction(c, P, vol.id, "os-extend", { new_size: 2 }, "3.42")).status, 202);
    await waitStatus(c, "volumes", P, vol.id, "in-use");
    assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.size, 2);
    const cap = execFileSync("iscsi-readcapacity16", [iscsiUrl(info.data)], { encoding: "utf8" });
    assert.match(cap, /Total size:2147483648/, cap);

    assert.equal((await volumeAction(c, P, vol.id, "os-begin_detaching", {})).status, 202);
    assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "detaching");
    assert.equal((await volumeAction(c, P, vol.id, "os-roll_detaching", {})).status, 202);
    assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "in-use");
    assert.equal((await volumeAction(c, P, vol.id, "os-begin_detaching", {})).status, 202);
    assert.equal((await volumeAction(c, P, vol.id, "os-terminate_connection", { connector: CONNECTOR })).status, 202);
    assert.equal((await volumeAction(c, P, vol.id, "os-detach", {})).status, 202);
    const after = (await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume;
    assert.equal(after.status, "available");
    assert.deepEqual(after.attachments, []);
    assert.doesNotMatch(tgtd.show(), new RegExp(vol.id), "detach removes the export");
    await deleteVolume(c, P, vol.id);
  });

  it("runs the attachments API (3.27+): reserve, update with a connector, complete, delete removes the export", async () => {
    const vol = await createVolume(srv.client, P, { size: 1 });
    const c = srv.client;
    const created = await c.post(`/v3/${P}/attachments`, { attachment: { volume_uuid: vol.id } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const id = created.body.attachment.id;
    assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "reserved");
    const u = await c.put(`/v3/${P}/attachments/${id}`, { attachment: { connector: CONNECTOR } });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    const ci = u.body.attachment.connection_info;
    assert.equal(ci.driver_volume_type, "iscsi");
    assert.equal(ci.attachment_id, id);
    assert.equal(ci.target_iqn, `iqn.2010-10.org.openstack:volume-${vol.id}`);
    assert.equal(ci.target_portal, `127.0.0.1:${tgtd.port}`);
    assert.equal(ci.auth_method, "CHAP");
    const cap = execFileSync("iscsi-readcapacity16", [iscsiUrl(ci)], { encoding: "utf8" });
    assert.match(cap, /Total size:1073741824/, cap);
    assert.equal((await c.post(`/v3/${P}/attachments/${id}/action`, { "os-complete": null })).status, 204);
    assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "in-use");
    const d = await c.delete(`/v3/${P}/attachments/${id}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.deepEqual(d.body.attachments, []);
    assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "available");
    assert.doesNotMatch(tgtd.show(), new RegExp(vol.id), "deleting the last attachment removes the export");
    await deleteVolume(c, P, vol.id);
  });

  it("refuses a connector without an initiator", async () => {
    const vol = await createVolume(srv.client, P, { size: 1 });
    const r = await volumeAction(srv.client, P, vol.id, "os-initialize_connection", { connector: { ip: "127.0.0.1" } });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, "Invalid input received: Invalid input received: Connector doesn't have required information: initiator");
    await deleteVolume(srv.client, P, vol.id);
  });

  it("restores exports with the same IQN and credentials after tgtd restarts while the server is down", async () => {
    const vol = await createVolume(srv.client, P, { size: 1 });
    const before = (await connect(vol.id)).data;
    const pattern = path.join(work, "pattern.bin");
    await fsp.writeFile(pattern, randomBytes(4 * MIB));
    execFileSync("qemu-img", ["convert", "-n", "-f", "raw", "-O", "raw", pattern, iscsiUrl(before)]);

    await srv.stop();
    await tgtd.stop();
    await tgtd.start();
    assert.equal(tgtd.show().trim(), "", "a restarted tgtd has no targets");
    srv = await start(srv);

    const shown = tgtd.show();
    assert.match(shown, new RegExp(`Target \\d+: ${before.target_iqn}`));
    assert.match(shown, new RegExp(`^\\s+${before.auth_username}$`, "m"));
    const right = spawnSync("iscsi-inq", [iscsiUrl(before)], { encoding: "utf8" });
    assert.equal(right.status, 0, `the old connection_info must work again: ${right.stderr}`);
    const back = path.join(work, "back.bin");
    execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "raw", iscsiUrl(before), back]);
    const got = (await fsp.readFile(back)).subarray(0, 4 * MIB);
    assert.ok(got.equals(await fsp.readFile(pattern)));
    const after = (await connect(vol.id)).data;
    assert.deepEqual(
      [after.target_iqn, after.auth_username, after.auth_password],
      [before.target_iqn, before.auth_username, before.auth_password],
    );
    await deleteVolume(srv.client, P, vol.id);
    assert.doesNotMatch(tgtd.show(), new RegExp(vol.id));
  });
});
