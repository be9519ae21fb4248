/**
 * Runs INSIDE the kernel lab, twice, on the same disks and state folder (LAB_STATE), with a guest
 * reboot in between (test/lab/kernel-lab.test.ts):
 *
 *   LAB_PHASE=before  attach a thin and a thick volume through LIO, write data over iSCSI, stop
 *                     the server with the exports in place; the guest then halts.
 *   LAB_PHASE=after   a fresh kernel: no LIO targets at all. The server starts on the same data:
 *                     every in-use volume is exported again under the same IQN, with the same
 *                     CHAP credentials and the initiator's ACL, and the data reads back over iSCSI
 *                     with the connection_info given before the reboot.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, promises as fsp, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { startServer, type TestServer } from "../../helpers/server";
import { waitStatus } from "../../helpers/wait";
import { diskOf, initiatorName, login, logout, startIscsid, stopIscsid } from "./initiator";
import { readDev, writeDev } from "./lvm";
import { serverConfig } from "./config";

const P = "p1";
const DATA = 8 * 1024 * 1024;
const CONFIGFS_ISCSI = "/sys/kernel/config/target/iscsi";
const STATE = process.env.LAB_STATE ?? "";
const PHASE = process.env.LAB_PHASE ?? "";

interface Saved {
  volumes: { id: string; backend: string; ci: any; pattern: string }[];
}

function lioTargets(): string[] {
  return existsSync(CONFIGFS_ISCSI) ? readdirSync(CONFIGFS_ISCSI).filter((n) => n.startsWith("iqn.")) : [];
}

describe(`kernel lab: exports across a reboot (${PHASE})`, function () {
  this.timeout(600_000);
  let srv: TestServer | undefined;
  let iscsid: ChildProcess;
  const dataDir = path.join(STATE, "data");
  const savedFile = path.join(STATE, "saved.json");
  const start = () =>
    startServer("sqlite", { ...serverConfig(), statsIntervalMs: 5000 }, { dataDir, db: { url: `sqlite:${path.join(dataDir, "cinderblock.sqlite")}`, drop: async () => {} } });

  before(async () => {
    assert.ok(STATE && ["before", "after"].includes(PHASE), "LAB_STATE and LAB_PHASE (before|after) must be set");
    await fsp.mkdir(dataDir, { recursive: true });
    iscsid = await startIscsid();
  });

  after(async () => {
    stopIscsid(iscsid);
  });

  if (PHASE === "before") {
    it("attaches a thin and a thick volume, writes over iSCSI, and stops the server with the exports in place", async () => {
      srv = await start();
      const c = srv.client.as("admin:p1");
      const saved: Saved = { volumes: [] };
      const connector = { initiator: initiatorName(), ip: "127.0.0.1", host: os.hostname() };
      for (const backend of ["lvm-thin", "lvm-thick"]) {
        const t = await c.post(`/v3/${P}/types`, { volume_type: { name: backend, extra_specs: { volume_backend_name: backend } } });
        assert.equal(t.status, 200, JSON.stringify(t.body));
        const r = await c.post(`/v3/${P}/volumes`, { volume: { size: 1, volume_type: backend } });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        const vol = await waitStatus(c, "volumes", P, r.body.volume.id, "available", 120_000);
        const a = await c.post(`/v3/${P}/attachments`, { attachment: { volume_uuid: vol.id, connector } }, { version: "3.54" });
        assert.equal(a.status, 200, JSON.stringify(a.body));
        const done = await c.post(`/v3/${P}/attachments/${a.body.attachment.id}/action`, { "os-complete": null }, { version: "3.54" });
        assert.equal(done.status, 204);
        const ci = a.body.attachment.connection_info;
        const target = { portal: ci.target_portal, iqn: ci.target_iqn, user: ci.auth_username, password: ci.auth_password };
        assert.equal(login(target).status, 0);
        const pattern = randomBytes(DATA);
        const file = path.join(STATE, `${vol.id}.bin`);
        await fsp.writeFile(file, pattern);
        writeDev(await diskOf(ci.target_iqn), 0, file);
        logout(target);
        saved.volumes.push({ id: vol.id, backend, ci, pattern: file });
      }
      await fsp.writeFile(savedFile, JSON.stringify(saved, null, 2));
      await srv.stop();
      assert.equal(lioTargets().length, 2, "the exports stay in place when the server stops");
    });
  } else {
    it("restores every export with the same IQN, credentials and ACL, and the data reads back", async () => {
      const saved = JSON.parse(await fsp.readFile(savedFile, "utf8")) as Saved;
      assert.deepEqual(lioTargets(), [], "a rebooted kernel has no LIO targets");
      srv = await start();
      try {
        const c = srv.client.as("admin:p1");
        for (const v of saved.volumes) {
          const shown = (await c.get(`/v3/${P}/volumes/${v.id}`)).body.volume;
          assert.equal(shown.status, "in-use", `${v.backend} volume stays in-use`);
          assert.ok(lioTargets().includes(v.ci.target_iqn), `the target ${v.ci.target_iqn} is back`);
          const acl = path.join(CONFIGFS_ISCSI, v.ci.target_iqn, "tpgt_1", "acls", initiatorName(), "auth", "userid");
          assert.equal((await fsp.readFile(acl, "utf8")).trim(), v.ci.auth_username, "the initiator's ACL is back with the same user");
          const target = { portal: v.ci.target_portal, iqn: v.ci.target_iqn, user: v.ci.auth_username, password: v.ci.auth_password };
          const r = login(target);
          assert.equal(r.status, 0, `login with the credentials given before the reboot: ${r.output}`);
          const data = readDev(await diskOf(v.ci.target_iqn), 0, DATA);
          assert.ok(data.equals(await fsp.readFile(v.pattern)), `${v.backend}: the data written before the reboot`);
          logout(target);
        }
      } finally {
        await srv.stop();
      }
    });
  }
});
