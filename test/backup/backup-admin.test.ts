/**
 * The backup operations beyond create/restore/delete, over HTTP on both dialects: a record
 * exported and imported into another server (its own database, the objects copied to its own
 * store) restores the same bytes; os-reset_status (admin, `available` or `error` only, Cinder's
 * messages); os-force_delete (admin) of a backup still being made; a dependent incremental backup
 * in any status keeps its parent (cinder/backup/api.py delete counts every child row).
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { DEFAULT_QUOTAS } from "../../server/src/config";
import { assertFault } from "../helpers/faults";
import { startServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";
import { waitFor, waitStatus } from "../helpers/wait";
import { backup, BACKUP_TEST_CONFIG, sameBytes, scribble, volume, volumePath } from "./helpers";

const CONFIG = { backup: BACKUP_TEST_CONFIG, quotas: { ...DEFAULT_QUOTAS, volumes: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1 } };

forEachDialect("backup records and admin actions", CONFIG, function (fx) {
  this.timeout(180_000);
  let n = 0;
  const fresh = () => `ba${++n}`;
  const as = (p: string) => fx.s.client.as(`u:${p}`);
  const admin = () => fx.s.client.as("admin:admin");
  const container = (dataDir: string) => path.join(dataDir, "backups", "volumebackups");

  async function usage(p: string): Promise<[number, number]> {
    const r = await admin().get(`/v3/admin/os-quota-sets/${p}?usage=true`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return [r.body.quota_set.backups.in_use, r.body.quota_set.backup_gigabytes.in_use];
  }

  async function gone(p: string, id: string): Promise<void> {
    await waitFor(async () => ((await as(p).get(`/v3/${p}/backups/${id}`)).status === 404 ? true : undefined), `backup ${id} to be deleted`, 60_000);
  }

  it("an exported record imported into another server restores the same bytes there", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    await scribble(fx.s, vid, 4, 16);
    const bid = await backup(c, p, { volume_id: vid, name: "exported", description: "d" });
    assertFault(await c.get(`/v3/${p}/backups/${bid}/export_record`), 403);
    const ex = await admin().get(`/v3/admin/backups/${bid}/export_record`);
    assert.equal(ex.status, 200, JSON.stringify(ex.body));
    const record = ex.body["backup-record"];
    assert.equal(record.backup_service, "cinder.backup.drivers.posix");
    assert.ok(record.backup_url.length > 0);

    // This server has the backup already.
    assertFault(await admin().post(`/v3/admin/backups/import_record`, { "backup-record": record }), 400, "Invalid backup: Backup already exists in database.");
    assertFault(
      await admin().post(`/v3/admin/backups/import_record`, { "backup-record": { backup_service: record.backup_service, backup_url: "bm90IGpzb24=" } }),
      400,
      /Can't parse backup record/,
    );

    const other = await startServer(fx.dialect, CONFIG);
    try {
      const dir = container(other.dataDir);
      await fsp.mkdir(dir, { recursive: true });
      for (const f of await fsp.readdir(container(fx.s.dataDir))) {
        if (f.startsWith(`backup_${bid}`)) await fsp.copyFile(path.join(container(fx.s.dataDir), f), path.join(dir, f));
      }
      const oc = other.client.as("admin:admin");
      const im = await oc.post(`/v3/admin/backups/import_record`, { "backup-record": record });
      assert.equal(im.status, 201, JSON.stringify(im.body));
      assert.equal(im.body.backup.id, bid);
      const shown = (await oc.get(`/v3/admin/backups/${bid}`)).body.backup;
      assert.equal(shown.status, "available");
      assert.equal(shown.name, "exported");
      assert.equal(shown.size, 1);
      const target = await volume(oc, "admin");
      const r = await oc.post(`/v3/admin/backups/${bid}/restore`, { restore: { volume_id: target } });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      await waitStatus(oc, "volumes", "admin", target, "available", 60_000);
      assert.ok(await sameBytes(volumePath(fx.s, vid), other.app.managers[0].driver.localPath({ id: target, size: 1 })));
    } finally {
      await other.destroy();
    }
  });

  it("os-reset_status: admin only, available or error in any case, Cinder's message otherwise", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    const bid = await backup(c, p, { volume_id: vid });
    const reset = (cl: typeof c, status: unknown) => cl.post(`/v3/${cl === c ? p : "admin"}/backups/${bid}/action`, { "os-reset_status": { status } });
    assertFault(await reset(c, "error"), 403);
    assertFault(await reset(admin(), "creating"), 400, "Backup status: creating is invalid, valid statuses are: ['available', 'error'].");
    assertFault(await reset(admin(), ""), 400, "Backup status:  is invalid, valid statuses are: ['available', 'error'].");
    assertFault(await reset(admin(), 7), 400, /Invalid input for field\/attribute status\. Value: 7\. 7 is not of type 'string'/);
    assert.equal((await c.get(`/v3/${p}/backups/${bid}`)).body.backup.status, "available");
    assert.equal((await reset(admin(), "ERROR")).status, 202);
    assert.equal((await c.get(`/v3/${p}/backups/${bid}`)).body.backup.status, "error");
    assert.equal((await reset(admin(), "available")).status, 202);
    assert.equal((await c.get(`/v3/${p}/backups/${bid}`)).body.backup.status, "available");
    assertFault(await admin().post(`/v3/admin/backups/00000000-0000-0000-0000-000000000000/action`, { "os-reset_status": { status: "error" } }), 404);
  });

  it("os-force_delete: admin only; a backup still being made is abandoned, its objects and quota gone, its volume available", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p, 4);
    await scribble(fx.s, vid, 8, 64);
    const r = await c.post(`/v3/${p}/backups`, { backup: { volume_id: vid } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const bid = r.body.backup.id;
    assert.equal((await c.get(`/v3/${p}/backups/${bid}`)).body.backup.status, "creating");
    assertFault(await c.delete(`/v3/${p}/backups/${bid}`), 400, "Invalid backup: Backup status must be available or error");
    assertFault(await c.post(`/v3/${p}/backups/${bid}/action`, { "os-force_delete": {} }), 403);
    assert.deepEqual(await usage(p), [1, 4]);
    assert.equal((await admin().post(`/v3/admin/backups/${bid}/action`, { "os-force_delete": {} })).status, 202);
    await gone(p, bid);
    await waitStatus(c, "volumes", p, vid, "available", 60_000);
    assert.deepEqual(await usage(p), [0, 0]);
    const left = await fsp.readdir(container(fx.s.dataDir)).catch(() => [] as string[]);
    assert.deepEqual(left.filter((f) => f.includes(bid)), []);
    // The volume backs up again.
    assert.ok(await backup(c, p, { volume_id: vid }));
  });

  it("os-reset_status of a backup being made stops its work: the volume available, the row error and still counted", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p, 4);
    await scribble(fx.s, vid, 8, 64);
    const r = await c.post(`/v3/${p}/backups`, { backup: { volume_id: vid } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const bid = r.body.backup.id;
    assert.equal((await admin().post(`/v3/admin/backups/${bid}/action`, { "os-reset_status": { status: "error" } })).status, 202);
    await waitStatus(c, "volumes", p, vid, "available", 60_000);
    assert.equal((await c.get(`/v3/${p}/backups/${bid}`)).body.backup.status, "error");
    assert.deepEqual(await usage(p), [1, 4]);
    // Deleting the error backup removes whatever it had stored and gives the quota back.
    assert.equal((await c.delete(`/v3/${p}/backups/${bid}`)).status, 202);
    await gone(p, bid);
    assert.deepEqual(await usage(p), [0, 0]);
    const left = await fsp.readdir(container(fx.s.dataDir)).catch(() => [] as string[]);
    assert.deepEqual(left.filter((f) => f.includes(bid)), []);
  });

  it("an incremental child in any status (error included) keeps its parent", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    const parent = await backup(c, p, { volume_id: vid });
    const child = await backup(c, p, { volume_id: vid, incremental: true });
    assert.equal((await admin().post(`/v3/admin/backups/${child}/action`, { "os-reset_status": { status: "error" } })).status, 202);
    assertFault(await c.delete(`/v3/${p}/backups/${parent}`), 400, "Invalid backup: Incremental backups exist for this backup.");
    assertFault(await admin().post(`/v3/admin/backups/${parent}/action`, { "os-force_delete": {} }), 400, "Invalid backup: Incremental backups exist for this backup.");
    assert.equal((await c.delete(`/v3/${p}/backups/${child}`)).status, 202);
    await gone(p, child);
    assert.equal((await c.get(`/v3/${p}/backups/${parent}`)).body.backup.has_dependent_backups, false);
    assert.equal((await c.delete(`/v3/${p}/backups/${parent}`)).status, 202);
    await gone(p, parent);
  });
});
