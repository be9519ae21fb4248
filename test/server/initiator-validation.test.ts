/**
 * Connectors are checked at the API before anything changes: an `initiator` that is not an iSCSI
 * name (RFC 3720 §3.2.6: iqn.yyyy-mm.reversed.domain[:identifier], eui. + 16 hex digits, naa. +
 * 16 or 32 hex digits, at most 223 bytes) is a 400 "Invalid input received" on every operation
 * that takes a connector (os-initialize_connection, os-terminate_connection, os-force_detach, the
 * attachments API's create and update), and the volume's status and attachments stay as they were.
 * An initiator becomes a configfs folder name on the LIO target, so `../..` or `/` in it would reach
 * other tenants' ACLs. Valid names, and connectors without an initiator (a backend without a
 * target serves `local` connections), are accepted as before.
 */
import assert from "node:assert/strict";
import { assertFault, createVolume, volumeAction } from "../helpers/lifecycle";
import { forEachDialect } from "../helpers/suite";

const INSTANCE = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
const GOOD = { initiator: "iqn.1993-08.org.debian:01:0badc0ffee01", ip: "192.168.1.40", host: "compute-9", platform: "x86_64", os_type: "linux", multipath: false };

const HOSTILE: Array<[string, unknown]> = [
  ["a relative path", "../../x"],
  ["an iqn with a path in it", "iqn.2004-01.x/../../y"],
  ["an option", "-x"],
  ["a newline", "iqn.2004-01.org.example:a\nb"],
  ["a name over 223 bytes", `iqn.2004-01.org.example:${"a".repeat(200)}`],
  ["a number", 42],
];
const REFUSED = /^Invalid input received: Connector initiator .* is not a valid iSCSI name/;

forEachDialect("connector initiators are iSCSI names", (fx) => {
  const volume = async (id: string) => (await fx.c.get(`/v3/p1/volumes/${id}`)).body.volume;
  const attachmentsOf = async (id: string) => (await fx.admin.get(`/v3/p1/attachments?all_tenants=1&volume_id=${id}`)).body.attachments;
  const hostile = (initiator: unknown) => ({ ...GOOD, initiator });

  /** An attachment made through the attachments API with a good connector, completed: the volume is in-use. */
  async function attached(volumeId: string): Promise<string> {
    const r = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: volumeId, instance_uuid: INSTANCE, connector: GOOD } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await fx.c.post(`/v3/p1/attachments/${r.body.attachment.id}/action`, { "os-complete": null })).status, 204);
    assert.equal((await volume(volumeId)).status, "in-use");
    return r.body.attachment.id;
  }

  it("os-initialize_connection refuses each hostile initiator with 400; the volume stays available", async () => {
    const v = await createVolume(fx.c, "p1");
    for (const [what, initiator] of HOSTILE) {
      const r = await volumeAction(fx.c, "p1", v.id, "os-initialize_connection", { connector: hostile(initiator) });
      assertFault(r, 400, REFUSED);
      assert.equal((await volume(v.id)).status, "available", what);
    }
    assert.deepEqual(await attachmentsOf(v.id), []);
  });

  it("the message names the problem, escaped and cut short", async () => {
    const v = await createVolume(fx.c, "p1");
    const init = (initiator: unknown) => volumeAction(fx.c, "p1", v.id, "os-initialize_connection", { connector: hostile(initiator) });
    const slash = assertFault(await init("iqn.2004-01.x/../../y"), 400, REFUSED);
    assert.match(slash, /"iqn\.2004-01\.x\/\.\.\/\.\.\/y"/);
    assert.match(slash, /only letters, digits, '\.', '-' and ':'/);
    const newline = assertFault(await init("iqn.2004-01.org.example:a\nb"), 400, REFUSED);
    assert.ok(!newline.includes("\n"), "no raw newline in the message");
    assert.match(newline, /a\\nb/);
    const long = assertFault(await init(`iqn.2004-01.org.example:${"a".repeat(300)}`), 400, /at most 223 bytes/);
    assert.ok(long.length < 400, `a long value is cut short: ${long.length} characters`);
    assertFault(await init("iqn.2004-13.org.example:x"), 400, /iqn\.yyyy-mm\.reversed\.domain/);
    assertFault(await init("eui.12345"), 400, /16 hex digits/);
    assertFault(await init("wwn.0123456789abcdef"), 400, /does not start with iqn\., eui\. or naa\./);
  });

  it("attachment create refuses a hostile initiator: no attachment row, the volume stays available", async () => {
    const v = await createVolume(fx.c, "p1");
    for (const [what, initiator] of HOSTILE) {
      const r = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE, connector: hostile(initiator) } });
      assertFault(r, 400, REFUSED);
      assert.equal((await volume(v.id)).status, "available", what);
      assert.deepEqual(await attachmentsOf(v.id), [], what);
    }
  });

  it("attachment update refuses a hostile initiator: the attachment stays reserved and unconnected", async () => {
    const v = await createVolume(fx.c, "p1");
    const r = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const id = r.body.attachment.id;
    for (const [what, initiator] of HOSTILE) {
      const u = await fx.c.put(`/v3/p1/attachments/${id}`, { attachment: { connector: hostile(initiator) } });
      assertFault(u, 400, REFUSED);
      const a = (await fx.c.get(`/v3/p1/attachments/${id}`)).body.attachment;
      assert.equal(a.status, "reserved", what);
      assert.deepEqual(a.connection_info, {}, what);
      assert.equal((await volume(v.id)).status, "reserved", what);
    }
  });

  it("os-terminate_connection and os-force_detach refuse a hostile initiator; the attachment stays", async () => {
    const v = await createVolume(fx.c, "p1");
    const attachmentId = await attached(v.id);
    for (const [what, initiator] of HOSTILE) {
      assertFault(await volumeAction(fx.c, "p1", v.id, "os-terminate_connection", { connector: hostile(initiator) }), 400, REFUSED);
      const fd = await volumeAction(fx.admin, "p1", v.id, "os-force_detach", { connector: hostile(initiator), attachment_id: attachmentId });
      assertFault(fd, 400, REFUSED);
      const after = await volume(v.id);
      assert.equal(after.status, "in-use", what);
      assert.deepEqual(after.attachments.map((a: { attachment_id: string }) => a.attachment_id), [attachmentId], what);
    }
  });

  it("a connector host that cannot be a host name (control characters, over 255 characters) is refused", async () => {
    const v = await createVolume(fx.c, "p1");
    for (const host of ["compute\n1", "h".repeat(256), 7]) {
      const r = await fx.c.post("/v3/p1/attachments", { attachment: { volume_uuid: v.id, instance_uuid: INSTANCE, connector: { ...GOOD, host } } });
      assertFault(r, 400, /^Invalid input received: Connector host /);
      assert.equal((await volume(v.id)).status, "available");
      assert.deepEqual(await attachmentsOf(v.id), []);
    }
  });

  it("valid names of each kind, in either case, are accepted; so is a connector without an initiator", async () => {
    const v = await createVolume(fx.c, "p1");
    for (const initiator of [
      "iqn.2004-10.org.debian:01:c9b1f0f8e0f",
      "iqn.1991-05.com.microsoft:WIN-HOST.corp.example.com",
      "iqn.2008-11.org.linux-kvm",
      "eui.02004567A425678D",
      "naa.52004567BA64678D",
      "naa.6001405abcdef0123456789abcdef012",
    ]) {
      const r = await volumeAction(fx.c, "p1", v.id, "os-initialize_connection", { connector: hostile(initiator) });
      assert.equal(r.status, 200, `${initiator}: ${JSON.stringify(r.body)}`);
    }
    const { initiator: _, ...noInitiator } = GOOD;
    const r = await volumeAction(fx.c, "p1", v.id, "os-initialize_connection", { connector: noInitiator });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.connection_info.driver_volume_type, "local");
    const t = await volumeAction(fx.c, "p1", v.id, "os-terminate_connection", { connector: null });
    assert.equal(t.status, 202, JSON.stringify(t.body));
    const attachmentId = await attached(v.id);
    const fd = await volumeAction(fx.admin, "p1", v.id, "os-force_detach", { connector: GOOD, attachment_id: attachmentId });
    assert.equal(fd.status, 202, JSON.stringify(fd.body));
    assert.equal((await volume(v.id)).status, "available");
  });
});
