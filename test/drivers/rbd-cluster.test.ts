/**
 * The rbd driver over HTTP against a real single-node Ceph (test/lab/ceph/rbd-lab.sh, started in
 * before() and stopped in after()): images and pool capacity, the data written and read back with
 * `qemu-img` through the attachment's connection info, snapshots protected when cloned from,
 * a volume from a snapshot grown, a clone chain flattened at maxCloneDepth (`rbd info`: no
 * parent), extend, revert, a deleted volume with clone children kept as `.deleted` until its last
 * child goes, a backup and restore read and written through the driver, manage of an existing
 * image, and a server restart.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { createSnapshot, createVolume, deleteSnapshot, deleteVolume, volumeAction } from "../helpers/lifecycle";
import { waitStatus } from "../helpers/wait";
import { BACKUP_TEST_CONFIG, backup } from "../backup/helpers";
import { imageInfo, missingRbdTool, RBD_INSTALL, rbdAdmin, run, startRbdLab, type RbdLab } from "./rbd-lab";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const P = "p1";
const CONNECTOR = { initiator: "iqn.1993-08.org.debian:01:cad181614cec", ip: "127.0.0.1", host: "compute-1", platform: "x86_64", os_type: "linux", multipath: false };

describe("rbd driver on a real Ceph cluster", function () {
  this.timeout(600_000);
  let lab: RbdLab | undefined;
  let work: string;

  before(async function () {
    const missing = await missingRbdTool();
    if (missing) {
      console.log(`    skipped: ${missing} is not installed (${RBD_INSTALL})`);
      this.skip();
    }
    lab = await startRbdLab();
    work = await fsp.mkdtemp(path.join(os.tmpdir(), "cb-rbd-data-"));
  });
  after(async () => {
    if (work) await fsp.rm(work, { recursive: true, force: true });
    await lab?.stop();
  });

  for (const dialect of DIALECTS) {
    describe(dialect, () => {
      let s: TestServer;
      const ids: Record<string, string> = {};
      let data: Buffer;
      const config = () => ({
        backends: [
          {
            name: "ceph",
            driver: "rbd",
            options: { pool: lab!.pool, cephConf: lab!.conf, user: "cinder", keyring: lab!.cinderKeyring, maxCloneDepth: 2, reportDiscardSupported: true, secretUuid: "457eb676-33da-42ec-9a8c-9293d545c337" },
          },
        ],
        backup: BACKUP_TEST_CONFIG,
      });
      const c = () => s.client;
      const admin = () => s.client.as("admin:p1");
      const info = (key: string) => imageInfo(lab!, `volume-${ids[key]}`);
      const snaps = async (image: string) => (await rbdAdmin(lab!, ["snap", "ls", "--format", "json", `${lab!.pool}/${image}`])) as Array<{ name: string; protected: string }>;
      const qemuSpec = (image: string) => `rbd:${lab!.pool}/${image}:id=admin:conf=${lab!.conf}:keyring=${lab!.adminKeyring}`;

      /** The first `n` bytes of an image, read with qemu-img. */
      async function head(spec: string, n: number): Promise<Buffer> {
        const out = path.join(work, `read-${randomBytes(4).toString("hex")}`);
        await run("qemu-img", ["convert", "-f", "raw", "-O", "raw", spec, out]);
        try {
          const h = await fsp.open(out, "r");
          const b = Buffer.alloc(n);
          await h.read(b, 0, n, 0);
          await h.close();
          return b;
        } finally {
          await fsp.rm(out, { force: true });
        }
      }
      async function write(spec: string, b: Buffer): Promise<void> {
        const src = path.join(work, `write-${randomBytes(4).toString("hex")}`);
        await fsp.writeFile(src, b);
        await run("qemu-img", ["convert", "-n", "-f", "raw", "-O", "raw", src, spec]);
        await fsp.rm(src, { force: true });
      }
      async function volume(key: string, body: Record<string, unknown>): Promise<void> {
        ids[key] = (await createVolume(c(), P, body)).id;
      }

      before(async () => {
        s = await startServer(dialect, config());
      });
      after(async () => s?.destroy());

      it("creates a volume as an image of the pool and reports the pool's capacity", async () => {
        await volume("a", { size: 1 });
        const i = await info("a");
        assert.equal(i.size, GIB);
        assert.equal(i.object_size, 4 * MIB);
        const pools = await s.client.as("admin:admin").get("/v3/admin/scheduler-stats/get_pools?detail=true");
        assert.equal(pools.status, 200, JSON.stringify(pools.body));
        const caps = pools.body.pools[0].capabilities;
        assert.equal(caps.storage_protocol, "ceph");
        assert.equal(caps.thin_provisioning_support, true);
        assert.ok(caps.total_capacity_gb > 0 && caps.free_capacity_gb > 0, JSON.stringify(caps));
      });

      it("gives Cinder's rbd connection info through the attachments API, and qemu-img reaches the data with it", async () => {
        const r = await c().post(`/v3/${P}/attachments`, { attachment: { volume_uuid: ids.a, connector: CONNECTOR, instance_uuid: "8a3e1f4c-3b0e-4b8e-9d6e-2f1b7c9a0d11" } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const ci = r.body.attachment.connection_info;
        assert.equal(ci.driver_volume_type, "rbd");
        assert.equal(ci.name, `${lab!.pool}/volume-${ids.a}`);
        assert.deepEqual(ci.hosts, ["127.0.0.1"]);
        assert.deepEqual(ci.ports, [lab!.monPortV1]);
        assert.equal(ci.auth_enabled, true);
        assert.equal(ci.auth_username, "cinder");
        assert.equal(ci.secret_type, "ceph");
        assert.equal(ci.secret_uuid, "457eb676-33da-42ec-9a8c-9293d545c337");
        assert.equal(ci.volume_id, ids.a);
        assert.equal(ci.cluster_name, "ceph");
        assert.equal(ci.discard, true);
        assert.match(ci.keyring, /\[client\.cinder\]/);
        // What a host does with it: the monitors, the user and its key, nothing else.
        const keyring = path.join(work, "host.keyring");
        await fsp.writeFile(keyring, ci.keyring);
        const spec = `rbd:${ci.name}:id=${ci.auth_username}:keyring=${keyring}:mon_host=${ci.hosts[0]}\\:${ci.ports[0]}`;
        data = randomBytes(4 * MIB);
        await write(spec, data);
        assert.ok((await head(spec, data.length)).equals(data));
        assert.ok((await head(qemuSpec(`volume-${ids.a}`), data.length)).equals(data), "the image holds what was written");
        assert.equal((await c().post(`/v3/${P}/attachments/${r.body.attachment.id}/action`, { "os-complete": null })).status, 204);
        assert.equal((await admin().delete(`/v3/${P}/attachments/${r.body.attachment.id}`)).status, 200);
        await waitStatus(c(), "volumes", P, ids.a, "available");
      });

      it("makes a volume from a snapshot as a clone of the protected snapshot, grown to its size", async () => {
        ids.s = (await createSnapshot(c(), P, ids.a)).id;
        assert.deepEqual((await snaps(`volume-${ids.a}`)).map((x) => [x.name, x.protected]), [[`snapshot-${ids.s}`, "false"]]);
        await volume("b", { snapshot_id: ids.s, size: 2 });
        const i = await info("b");
        assert.equal(i.size, 2 * GIB);
        assert.equal(i.parent.image, `volume-${ids.a}`);
        assert.equal(i.parent.snapshot, `snapshot-${ids.s}`);
        assert.equal((await snaps(`volume-${ids.a}`)).find((x) => x.name === `snapshot-${ids.s}`)?.protected, "true");
        assert.ok((await head(qemuSpec(`volume-${ids.b}`), data.length)).equals(data));
        // Cinder's SnapshotIsBusy: the snapshot cannot go while volume-b depends on it, and stays available.
        assert.equal((await c().delete(`/v3/${P}/snapshots/${ids.s}`)).status, 202);
        await waitStatus(c(), "snapshots", P, ids.s, "available", 60_000);
        assert.equal((await snaps(`volume-${ids.a}`)).find((x) => x.name === `snapshot-${ids.s}`)?.protected, "true");
      });

      it("clones volumes copy-on-write through .clone_snap and flattens at maxCloneDepth", async () => {
        await volume("c1", { source_volid: ids.a, size: 1 });
        await volume("c2", { source_volid: ids.c1, size: 1 });
        await volume("c3", { source_volid: ids.c2, size: 1 });
        assert.deepEqual([(await info("c1")).parent.image, (await info("c1")).parent.snapshot], [`volume-${ids.a}`, `volume-${ids.c1}.clone_snap`]);
        assert.deepEqual([(await info("c2")).parent.image, (await info("c2")).parent.snapshot], [`volume-${ids.c1}`, `volume-${ids.c2}.clone_snap`]);
        // volume-c2 has 2 ancestors = maxCloneDepth: its clone is flattened and the temporary snapshot gone.
        assert.equal((await info("c3")).parent, undefined);
        assert.deepEqual(await snaps(`volume-${ids.c2}`), []);
        assert.ok((await head(qemuSpec(`volume-${ids.c3}`), data.length)).equals(data));
      });

      it("extends with rbd resize", async () => {
        const r = await volumeAction(c(), P, ids.b, "os-extend", { new_size: 3 });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        await waitStatus(c(), "volumes", P, ids.b, "available");
        assert.equal((await info("b")).size, 3 * GIB);
      });

      it("reverts to the snapshot with rbd snap rollback", async () => {
        await write(qemuSpec(`volume-${ids.a}`), randomBytes(MIB));
        assert.ok(!(await head(qemuSpec(`volume-${ids.a}`), data.length)).equals(data));
        const r = await volumeAction(c(), P, ids.a, "revert", { snapshot_id: ids.s }, "3.40");
        assert.equal(r.status, 202, JSON.stringify(r.body));
        await waitStatus(c(), "volumes", P, ids.a, "available");
        assert.ok((await head(qemuSpec(`volume-${ids.a}`), data.length)).equals(data));
      });

      it("keeps a deleted volume with clone children as .deleted, removed after its last child", async () => {
        await deleteVolume(c(), P, ids.c1, "", 60_000);
        assert.equal(await info("c1"), null);
        assert.ok(await imageInfo(lab!, `volume-${ids.c1}.deleted`));
        assert.equal((await info("c2")).parent.image, `volume-${ids.c1}.deleted`);
        await deleteVolume(c(), P, ids.c2, "", 60_000);
        assert.equal(await info("c2"), null);
        assert.equal(await imageInfo(lab!, `volume-${ids.c1}.deleted`), null);
        assert.deepEqual((await snaps(`volume-${ids.a}`)).map((x) => x.name), [`snapshot-${ids.s}`], "the clone snapshot of volume-c1 went with it");
      });

      it("backs up and restores through the driver", async () => {
        const bk = await backup(c(), P, { volume_id: ids.a });
        const r = await c().post(`/v3/${P}/backups/${bk}/restore`, { restore: { name: "restored" } });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        ids.d = r.body.restore.volume_id;
        await waitStatus(c(), "volumes", P, ids.d, "available", 120_000);
        assert.ok((await head(qemuSpec(`volume-${ids.d}`), data.length)).equals(data));
      });

      it("manages an existing image of the pool and lists it as already managed", async () => {
        const legacy = `legacy-${randomBytes(4).toString("hex")}`;
        await rbdAdmin(lab!, ["create", "--size", "1100", `${lab!.pool}/${legacy}`]);
        const list = async () => (await admin().get(`/v3/${P}/manageable_volumes/detail?host=testhost@ceph`, { version: "3.8" })).body["manageable-volumes"];
        assert.deepEqual((await list()).find((e: any) => e.reference["source-name"] === legacy), {
          reference: { "source-name": legacy },
          size: 2,
          safe_to_manage: true,
          reason_not_safe: null,
          cinder_id: null,
          extra_info: null,
        });
        const r = await admin().post(`/v3/${P}/os-volume-manage`, { volume: { host: "testhost@ceph", ref: { "source-name": legacy } } }, { version: "3.8" });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        const v = await waitStatus(admin(), "volumes", P, r.body.volume.id, "available", 60_000);
        assert.equal(v.size, 2);
        assert.equal(await imageInfo(lab!, legacy), null);
        assert.equal((await imageInfo(lab!, `volume-${v.id}`)).size, 2 * GIB);
        const listed = (await list()).find((e: any) => e.reference["source-name"] === `volume-${v.id}`);
        assert.equal(listed.reason_not_safe, "already managed");
        assert.equal(listed.cinder_id, v.id);
        await deleteVolume(admin(), P, v.id, "", 60_000);
        assert.equal(await imageInfo(lab!, `volume-${v.id}`), null);
      });

      it("keeps everything across a server restart, then unprotects and removes as volumes go", async () => {
        await s.stop();
        s = await startServer(dialect, config(), { dataDir: s.dataDir, db: s.db });
        for (const k of ["a", "b", "c3", "d"]) assert.equal((await c().get(`/v3/${P}/volumes/${ids[k]}`)).body.volume.status, "available", k);
        assert.ok((await head(qemuSpec(`volume-${ids.b}`), data.length)).equals(data));
        await deleteVolume(c(), P, ids.b, "", 60_000);
        assert.equal((await snaps(`volume-${ids.a}`))[0].protected, "true", "protection stays until the snapshot goes");
        await deleteSnapshot(c(), P, ids.s);
        assert.deepEqual(await snaps(`volume-${ids.a}`), []);
        for (const k of ["a", "c3", "d"]) await deleteVolume(c(), P, ids[k], "", 60_000);
        for (const k of Object.keys(ids).filter((x) => x !== "s")) assert.equal(await info(k), null, k);
      });
    });
  }
});
