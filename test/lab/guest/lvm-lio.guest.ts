/**
 * Runs INSIDE the kernel lab (test/lab/kernel-lab.test.ts boots it): the real server with two
 * LVM backends, `lvm-thin` on the thin pool of VG cinder-thin and `lvm-thick` on VG cinder-thick
 * (volume_clear=zero), exported through LIO, reached with open-iscsi over the guest's loopback.
 *
 * For each backend: data written over iSCSI with CHAP reads back through the LV itself; a wrong
 * CHAP password is refused; a snapshot, a bigger volume from it and a clone hold the same bytes;
 * revert puts the snapshot's data back; an in-use extend is seen by the initiator after a rescan;
 * pool stats match `lvs`; deleting a thick volume leaves zeros where its data was.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, type TestServer } from "../../helpers/server";
import type { Client } from "../../helpers/client";
import { createSnapshot, deleteSnapshot, deleteVolume, volumeAction } from "../../helpers/lifecycle";
import { waitFor, waitStatus } from "../../helpers/wait";
import { diskOf, initiatorName, login, logout, rescanSize, startIscsid, stopIscsid, type Target } from "./initiator";
import { extentOffset, lv, lvs, readDev, vg, writeDev } from "./lvm";
import type { ChildProcess } from "node:child_process";
import { BACKENDS, serverConfig } from "./config";

const P = "p1";
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const DATA = 16 * MIB;
/** A thick LV's delete zeroes it first (volume_clear=zero): gigabytes through a slow guest's disk. */
const DELETE_WAIT_MS = 480_000;
const CONFIGFS = "/sys/kernel/config/target";
const ORPHAN = "0a0a0a0a-0000-4000-8000-00000000000a";
const FOREIGN = "0f0f0f0f-0000-4000-8000-00000000000f";
const UNFINISHED = "0b0b0b0b-0000-4000-8000-00000000000b";

const mapper = (vgName: string, name: string) => `/dev/mapper/${vgName.replace(/-/g, "--")}-${name.replace(/-/g, "--")}`;

function targetOf(ci: any, password = ci.auth_password as string): Target {
  return { portal: ci.target_portal, iqn: ci.target_iqn, user: ci.auth_username, password };
}

describe("kernel lab: LVM thin and thick volumes exported through LIO", function () {
  this.timeout(600_000);
  let srv: TestServer;
  let c: Client;
  let iscsid: ChildProcess;
  let work: string;
  const INI = initiatorName();
  const connector = { initiator: INI, ip: "127.0.0.1", host: os.hostname(), platform: "x86_64", os_type: "linux", multipath: false };

  before(async () => {
    work = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-lab-"));
    iscsid = await startIscsid();
    // Before the server starts: an LV it made that the database does not know (its tag, no row), a
    // copy of its own that never finished (its tag and the unfinished tag, no row), and an LV under
    // Cinder's naming that someone else made (no tag).
    execFileSync("lvcreate", ["--yes", "-T", "-V", "1g", "-n", `volume-${ORPHAN}`, "--addtag", "cinderblock", "cinder-thin/cinder-thin-pool"]);
    execFileSync("lvcreate", [
      "--yes", "-T", "-V", "1g", "-n", `volume-${UNFINISHED}`,
      "--addtag", "cinderblock", "--addtag", "cinderblock-incomplete", "cinder-thin/cinder-thin-pool",
    ]);
    execFileSync("lvcreate", ["--yes", "-T", "-V", "1g", "-n", `volume-${FOREIGN}`, "cinder-thin/cinder-thin-pool"]);
    srv = await startServer("sqlite", { ...serverConfig(), statsIntervalMs: 2000 });
    c = srv.client.as("admin:p1");
    for (const b of BACKENDS) {
      const r = await c.post(`/v3/${P}/types`, {
        volume_type: { name: b.name, extra_specs: { volume_backend_name: b.name } },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  });

  after(async () => {
    stopIscsid(iscsid);
    await srv?.destroy();
    if (work) await fsp.rm(work, { recursive: true, force: true });
  });

  async function create(body: Record<string, unknown>): Promise<any> {
    const r = await c.post(`/v3/${P}/volumes`, { volume: body });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return waitStatus(c, "volumes", P, r.body.volume.id, "available", 480_000);
  }

  /** The attachments API (3.27+): reserve with the connector, complete; returns the connection_info. */
  async function attach(volumeId: string): Promise<{ id: string; ci: any }> {
    const t = Date.now();
    try {
      return await attachRaw(volumeId);
    } finally {
      if (process.env.LAB_DEBUG) console.log(`attach in ${Date.now() - t} ms`);
    }
  }

  async function attachRaw(volumeId: string): Promise<{ id: string; ci: any }> {
    const r = await c.post(`/v3/${P}/attachments`, { attachment: { volume_uuid: volumeId, connector } }, { version: "3.54" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const id = r.body.attachment.id;
    assert.equal((await c.post(`/v3/${P}/attachments/${id}/action`, { "os-complete": null }, { version: "3.54" })).status, 204);
    return { id, ci: r.body.attachment.connection_info };
  }

  async function detach(attachmentId: string, ci: any): Promise<void> {
    const t = Date.now();
    logout(targetOf(ci));
    const d = await c.delete(`/v3/${P}/attachments/${attachmentId}`, { version: "3.54" });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.ok(!existsSync(path.join(CONFIGFS, "iscsi", ci.target_iqn)), "deleting the last attachment removes the LIO target");
    if (process.env.LAB_DEBUG) console.log(`detach in ${Date.now() - t} ms`);
  }

  it("on start, keeps the LVs the database does not know (its own too, offered for manage), and removes only its unfinished copies", async () => {
    assert.ok(lv("cinder-thin", `volume-${ORPHAN}`), "its own orphan stays: the database may be the wrong one");
    assert.ok(lv("cinder-thin", `volume-${FOREIGN}`), "an LV it did not make stays");
    assert.equal(lv("cinder-thin", `volume-${UNFINISHED}`), undefined, "an unfinished copy of its own is removed");
    const listed = await c.get(`/v3/${P}/manageable_volumes?host=${encodeURIComponent("testhost@lvm-thin#lvm-thin")}`, { version: "3.8" });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const orphan = listed.body["manageable-volumes"].find((m: any) => m.reference["source-name"] === `volume-${ORPHAN}`);
    assert.equal(orphan?.safe_to_manage, true, JSON.stringify(listed.body));
    assert.ok(await c.get(`/v3/${P}/volumes/${ORPHAN}`).then((r) => r.status === 404), "and it is no volume until managed");
    execFileSync("lvremove", ["--yes", `cinder-thin/volume-${ORPHAN}`]);
  });

  it("manages an LV it did not make: listed as safe, renamed to volume-<id> with its data, then listed as managed", async () => {
    const host = "testhost@lvm-thin#lvm-thin";
    const foreign = mapper("cinder-thin", `volume-${FOREIGN}`);
    const data = randomBytes(DATA);
    const file = path.join(work, "foreign.bin");
    await fsp.writeFile(file, data);
    writeDev(foreign, 0, file);
    const listed = await c.get(`/v3/${P}/manageable_volumes/detail?host=${encodeURIComponent(host)}`, { version: "3.8" });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const entry = listed.body["manageable-volumes"].find((m: any) => m.reference["source-name"] === `volume-${FOREIGN}`);
    assert.ok(entry, JSON.stringify(listed.body));
    assert.equal(entry.safe_to_manage, true);
    assert.equal(entry.size, 1);
    const r = await c.post(`/v3/${P}/manageable_volumes`, { volume: { host, ref: { "source-name": `volume-${FOREIGN}` }, name: "adopted" } }, { version: "3.8" });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const vol = await waitStatus(c, "volumes", P, r.body.volume.id, "available", 480_000);
    assert.equal(vol.size, 1);
    assert.equal(lv("cinder-thin", `volume-${FOREIGN}`), undefined, "the LV was renamed");
    assert.ok(lv("cinder-thin", `volume-${vol.id}`));
    assert.ok(readDev(mapper("cinder-thin", `volume-${vol.id}`), 0, DATA).equals(data), "with its data");
    const again = await c.get(`/v3/${P}/manageable_volumes?host=${encodeURIComponent(host)}`, { version: "3.8" });
    const now = again.body["manageable-volumes"].find((m: any) => m.reference["source-name"] === `volume-${vol.id}`);
    assert.equal(now?.safe_to_manage, false, "a managed LV is no longer safe to manage");
    await deleteVolume(c, P, vol.id, "", DELETE_WAIT_MS);
    assert.equal(lv("cinder-thin", `volume-${vol.id}`), undefined, "a managed volume is deleted like any other");
  });

  for (const b of BACKENDS) {
    describe(b.name, () => {
      let vol: any;
      let snap: any;
      let pattern: Buffer;
      const patternFile = () => path.join(work, `${b.name}.bin`);

      it("creates the LV under Cinder's name, thin or thick as configured", async () => {
        vol = await create({ size: 1, volume_type: b.name, name: `${b.name}-a` });
        const l = lv(b.vg, `volume-${vol.id}`);
        assert.ok(l, `volume-${vol.id} is not in ${b.vg}: ${JSON.stringify(lvs(b.vg))}`);
        assert.equal(Number(l.lv_size), GIB);
        if (b.thin) {
          assert.equal(l.lv_attr[0], "V", "a thin volume");
          assert.equal(l.pool_lv, `${b.vg}-pool`);
        } else {
          assert.equal(l.lv_attr[0], "-", "a plain (thick) LV");
        }
      });

      it("serves the volume over iSCSI with a per-initiator ACL and CHAP; a wrong password is refused", async () => {
        const { id, ci } = await attach(vol.id);
        assert.equal(ci.driver_volume_type, "iscsi");
        assert.equal(ci.target_iqn, `iqn.2010-10.org.openstack:volume-${vol.id}`);
        assert.equal(ci.target_portal, "127.0.0.1:3260");
        assert.equal(ci.target_lun, 0, "LIO serves the data as LUN 0");
        assert.equal(ci.auth_method, "CHAP");
        const tpg = path.join(CONFIGFS, "iscsi", ci.target_iqn, "tpgt_1");
        assert.equal((await fsp.readFile(path.join(tpg, "acls", INI, "auth", "userid"), "utf8")).trim(), ci.auth_username);
        assert.equal((await fsp.readFile(path.join(tpg, "attrib", "authentication"), "utf8")).trim(), "1");

        const wrong = login(targetOf(ci, "WrongPassword234"));
        assert.notEqual(wrong.status, 0, `a wrong CHAP password logged in: ${wrong.output}`);
        logout(targetOf(ci));
        const ok = login(targetOf(ci));
        assert.equal(ok.status, 0, ok.output);
        const disk = await diskOf(ci.target_iqn);
        assert.equal(rescanSize(disk), GIB);

        pattern = randomBytes(DATA);
        await fsp.writeFile(patternFile(), pattern);
        writeDev(disk, 0, patternFile());
        assert.ok(readDev(disk, 0, DATA).equals(pattern), "read back over iSCSI");
        assert.ok(readDev(mapper(b.vg, `volume-${vol.id}`), 0, DATA).equals(pattern), "the LV itself holds what iSCSI wrote");
        await detach(id, ci);
        assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "available");
      });

      it("snapshots, creates a bigger volume from the snapshot and clones: the same bytes", async () => {
        snap = await createSnapshot(c, P, vol.id);
        const s = lv(b.vg, `_snapshot-${snap.id}`);
        assert.ok(s, "the snapshot LV is _snapshot-<id>");
        assert.equal(s.origin, `volume-${vol.id}`);
        assert.equal(s.lv_attr[0], b.thin ? "V" : "s");

        const fromSnap = await create({ size: 2, snapshot_id: snap.id, volume_type: b.name });
        const clone = await create({ size: 1, source_volid: vol.id, volume_type: b.name });
        for (const v of [fromSnap, clone]) {
          const l = lv(b.vg, `volume-${v.id}`);
          assert.ok(l);
          assert.equal(Number(l.lv_size), v.size * GIB);
          assert.ok(readDev(mapper(b.vg, `volume-${v.id}`), 0, DATA).equals(pattern), `volume ${v.id} holds the source's bytes`);
        }
        assert.deepEqual(
          lvs(b.vg).filter((l) => l.lv_name.startsWith("clone-snap-")),
          [],
          "the clone's temporary snapshot is gone",
        );
        // The bigger volume over iSCSI: its size and its bytes.
        const { id, ci } = await attach(fromSnap.id);
        assert.equal(login(targetOf(ci)).status, 0);
        const disk = await diskOf(ci.target_iqn);
        assert.equal(rescanSize(disk), 2 * GIB);
        assert.ok(readDev(disk, 0, DATA).equals(pattern), "the volume from the snapshot, read over iSCSI");
        await detach(id, ci);
        await deleteVolume(c, P, fromSnap.id, "", DELETE_WAIT_MS);
        await deleteVolume(c, P, clone.id, "", DELETE_WAIT_MS);
      });

      it("reverts to the snapshot (3.40)", async () => {
        const dev = mapper(b.vg, `volume-${vol.id}`);
        const other = path.join(work, `${b.name}-other.bin`);
        await fsp.writeFile(other, randomBytes(DATA));
        writeDev(dev, 0, other);
        assert.ok(!readDev(dev, 0, DATA).equals(pattern));
        const r = await volumeAction(c, P, vol.id, "revert", { snapshot_id: snap.id }, "3.40");
        assert.equal(r.status, 202, JSON.stringify(r.body));
        await waitStatus(c, "volumes", P, vol.id, "available", 480_000);
        assert.ok(readDev(dev, 0, DATA).equals(pattern), "the volume holds the snapshot's data again");
        const s = lv(b.vg, `_snapshot-${snap.id}`);
        assert.ok(s, "the snapshot still exists after the revert");
        assert.ok(readDev(mapper(b.vg, `_snapshot-${snap.id}`), 0, DATA).equals(pattern));
      });

      it("extends an in-use volume (3.42): the initiator sees the new size after a rescan", async () => {
        await deleteSnapshot(c, P, snap.id);
        assert.equal(lv(b.vg, `_snapshot-${snap.id}`), undefined);
        const { id, ci } = await attach(vol.id);
        assert.equal(login(targetOf(ci)).status, 0);
        const disk = await diskOf(ci.target_iqn);
        assert.equal((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.status, "in-use");
        const r = await volumeAction(c, P, vol.id, "os-extend", { new_size: 2 }, "3.42");
        assert.equal(r.status, 202, JSON.stringify(r.body));
        await waitFor(
          async () => ((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.size === 2 ? true : undefined),
          "the extend",
          480_000,
        );
        await waitStatus(c, "volumes", P, vol.id, "in-use");
        assert.equal(Number(lv(b.vg, `volume-${vol.id}`)?.lv_size), 2 * GIB);
        assert.equal(rescanSize(disk), 2 * GIB, "LIO serves the grown LV");
        assert.ok(readDev(disk, 0, DATA).equals(pattern), "the data survives the extend");
        await detach(id, ci);
      });

      it("reports pool capacity that matches lvs", async () => {
        const expected = () => {
          const all = lvs(b.vg);
          if (b.thin) {
            const pool = all.find((l) => l.lv_name === `${b.vg}-pool`)!;
            const size = Number(pool.lv_size);
            return {
              total: Math.floor((size / GIB) * 100) / 100,
              free: Math.floor(((size * (1 - Number(pool.data_percent) / 100)) / GIB) * 100) / 100,
              provisioned: Math.floor((all.filter((l) => l !== pool).reduce((n, l) => n + Number(l.lv_size), 0) / GIB) * 100) / 100,
            };
          }
          const g = vg(b.vg);
          return {
            total: Math.floor((Number(g.vg_size) / GIB) * 100) / 100,
            free: Math.floor((Number(g.vg_free) / GIB) * 100) / 100,
            provisioned: Math.floor(((Number(g.vg_size) - Number(g.vg_free)) / GIB) * 100) / 100,
          };
        };
        let last = "";
        await waitFor(
          async () => {
            const r = await c.get(`/v3/${P}/scheduler-stats/get_pools?detail=true`);
            assert.equal(r.status, 200);
            const pool = r.body.pools.find((p: any) => p.name.endsWith(`@${b.name}#${b.name}`));
            assert.ok(pool, JSON.stringify(r.body.pools.map((p: any) => p.name)));
            const caps = pool.capabilities;
            const want = expected();
            last = JSON.stringify({ got: caps, want });
            assert.equal(caps.thin_provisioning_support, b.thin);
            assert.equal(caps.thick_provisioning_support, !b.thin);
            assert.equal(caps.storage_protocol, "iSCSI");
            const same =
              caps.total_capacity_gb === want.total &&
              Math.abs(caps.free_capacity_gb - want.free) <= 0.01 &&
              caps.provisioned_capacity_gb === want.provisioned;
            return same ? true : undefined;
          },
          `pool stats of ${b.name} to match lvs (${last})`,
          30_000,
        ).catch((err: Error) => assert.fail(`${err.message}: ${last}`));
      });

      it(b.thin ? "deletes the volume and its LV" : "deletes with volume_clear=zero: the freed extents read back as zeros", async () => {
        const l = lv(b.vg, `volume-${vol.id}`)!;
        if (!b.thin) {
          const offset = extentOffset(b.vg, l, b.pv);
          assert.ok(readDev(b.pv, offset, DATA).equals(pattern), "before the delete the PV holds the volume's data at its extents");
          await deleteVolume(c, P, vol.id, "", DELETE_WAIT_MS);
          assert.ok(readDev(b.pv, offset, DATA).equals(Buffer.alloc(DATA)), "the delete cleared the extents");
        } else {
          await deleteVolume(c, P, vol.id, "", DELETE_WAIT_MS);
        }
        assert.equal(lv(b.vg, `volume-${vol.id}`), undefined);
      });
    });
  }

  it("a multiattach volume attached twice from one host keeps the host's ACL until the last attachment goes", async () => {
    const t = await c.post(`/v3/${P}/types`, {
      volume_type: { name: "shared", extra_specs: { volume_backend_name: "lvm-thin", multiattach: "<is> True" } },
    });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const vol = await create({ size: 1, volume_type: "shared" });
    assert.equal(vol.multiattach, true);
    const first = await attach(vol.id);
    const second = await attach(vol.id);
    const acl = path.join(CONFIGFS, "iscsi", first.ci.target_iqn, "tpgt_1", "acls", INI);
    assert.ok(existsSync(acl));
    const d1 = await c.delete(`/v3/${P}/attachments/${first.id}`, { version: "3.54" });
    assert.equal(d1.status, 200, JSON.stringify(d1.body));
    assert.ok(existsSync(acl), "the host's other attachment still needs its ACL");
    assert.equal(login(targetOf(second.ci)).status, 0, "the host can still log in");
    await detach(second.id, second.ci);
    await deleteVolume(c, P, vol.id, "", DELETE_WAIT_MS);
  });

  it("exports the file backend's volumes through LIO too (fileio): round trip, and an in-use extend rebuilds the backstore", async () => {
    const t = await c.post(`/v3/${P}/types`, { volume_type: { name: "files", extra_specs: { volume_backend_name: "files" } } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const vol = await create({ size: 1, volume_type: "files" });
    const file = path.join(srv.dataDir, "volumes", "files", `volume-${vol.id}`);
    const { id, ci } = await attach(vol.id);
    assert.ok(existsSync(path.join(CONFIGFS, "core", "fileio_0", `volume-${vol.id}`)), "a fileio backstore");
    assert.equal(login(targetOf(ci)).status, 0);
    const disk = await diskOf(ci.target_iqn);
    assert.equal(rescanSize(disk), GIB);
    const pattern = randomBytes(DATA);
    const src = path.join(work, "files.bin");
    await fsp.writeFile(src, pattern);
    writeDev(disk, 0, src);
    const fh = await fsp.open(file, "r");
    const onFile = Buffer.alloc(DATA);
    await fh.read(onFile, 0, DATA, 0);
    await fh.close();
    assert.ok(onFile.equals(pattern), "the volume file holds what iSCSI wrote");
    const r = await volumeAction(c, P, vol.id, "os-extend", { new_size: 2 }, "3.42");
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitFor(async () => ((await c.get(`/v3/${P}/volumes/${vol.id}`)).body.volume.size === 2 ? true : undefined), "the extend", 240_000);
    await waitStatus(c, "volumes", P, vol.id, "in-use");
    // The rebuilt backstore drops the session; the initiator logs in again, as os-brick would.
    logout(targetOf(ci));
    assert.equal(login(targetOf(ci)).status, 0);
    const again = await diskOf(ci.target_iqn);
    assert.equal(rescanSize(again), 2 * GIB);
    assert.ok(readDev(again, 0, DATA).equals(pattern));
    await detach(id, ci);
    await deleteVolume(c, P, vol.id, "", DELETE_WAIT_MS);
  });
});
