/**
 * Backups over HTTP on both dialects: a full and an incremental backup of random data restored bit
 * for bit into a new and an existing volume, a snapshot as the source, an in-use volume with and
 * without force, the quota taken and given back (413 past it), dependents refusing a delete,
 * list/show/update, and a corrupted chunk failing its restore with a user message.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { DEFAULT_QUOTAS } from "../../server/src/config";
import { assertFault } from "../helpers/faults";
import { forEachDialect } from "../helpers/suite";
import { waitFor, waitStatus } from "../helpers/wait";
import { backup, BACKUP_TEST_CONFIG, sameBytes, scribble, volume, volumePath, waitBackup } from "./helpers";

forEachDialect("backups", { backup: BACKUP_TEST_CONFIG, quotas: { ...DEFAULT_QUOTAS, volumes: -1, gigabytes: -1, backups: -1, backup_gigabytes: -1 } }, function (fx) {
  this.timeout(180_000);
  let n = 0;
  const fresh = () => `b${++n}`;
  const as = (p: string) => fx.s.client.as(`u:${p}`);
  const admin = () => fx.s.client.as("admin:admin");

  async function usage(project: string): Promise<Record<string, number>> {
    const r = await admin().get(`/v3/admin/os-quota-sets/${project}?usage=true`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.body.quota_set)) if (v && typeof v === "object") out[k] = (v as { in_use: number }).in_use;
    return out;
  }

  it("full and incremental backups restore bit for bit into a new and an existing volume", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    await scribble(fx.s, vid, 6);
    const original = await fsp.readFile(volumePath(fx.s, vid));
    const full = await backup(c, p, { volume_id: vid, name: "full" });
    const fullView = (await c.get(`/v3/${p}/backups/${full}`)).body.backup;
    assert.equal(fullView.is_incremental, false);
    assert.equal(fullView.size, 1);
    assert.ok(fullView.object_count > 2, JSON.stringify(fullView));
    assert.equal((await c.get(`/v3/${p}/volumes/${vid}`)).body.volume.status, "available");

    await scribble(fx.s, vid, 1, 8);
    const incr = await backup(c, p, { volume_id: vid, incremental: true });
    const incrView = (await c.get(`/v3/${p}/backups/${incr}`)).body.backup;
    assert.equal(incrView.is_incremental, true);
    assert.ok(incrView.object_count < fullView.object_count, `${incrView.object_count} < ${fullView.object_count}`);
    assert.equal((await c.get(`/v3/${p}/backups/${full}`)).body.backup.has_dependent_backups, true);

    // Restore the incremental into a new volume: the volume as it is now.
    const r = await c.post(`/v3/${p}/backups/${incr}/restore`, { restore: { name: "restored" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.restore.backup_id, incr);
    assert.equal(r.body.restore.volume_name, "restored");
    await waitStatus(c, "volumes", p, r.body.restore.volume_id, "available", 60_000);
    await waitBackup(c, p, incr, "available");
    assert.ok(await sameBytes(volumePath(fx.s, vid), volumePath(fx.s, r.body.restore.volume_id)));

    // Restore the full one over the volume itself: the data as it was first.
    const back = await c.post(`/v3/${p}/backups/${full}/restore`, { restore: { volume_id: vid } });
    assert.equal(back.status, 202, JSON.stringify(back.body));
    await waitStatus(c, "volumes", p, vid, "available", 60_000);
    assert.ok((await fsp.readFile(volumePath(fx.s, vid))).equals(original));

    // 3.47: a volume created from the backup.
    const v347 = await c.post(`/v3/${p}/volumes`, { volume: { backup_id: incr } }, { version: "3.47" });
    assert.equal(v347.status, 202, JSON.stringify(v347.body));
    await waitStatus(c, "volumes", p, v347.body.volume.id, "available", 60_000);
    assert.ok(await sameBytes(volumePath(fx.s, r.body.restore.volume_id), volumePath(fx.s, v347.body.volume.id)));
  });

  it("a snapshot is backed up as it was taken; an in-use volume needs force", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    await scribble(fx.s, vid, 3, 16);
    const before = await fsp.readFile(volumePath(fx.s, vid));
    const s = await c.post(`/v3/${p}/snapshots`, { snapshot: { volume_id: vid } });
    await waitStatus(c, "snapshots", p, s.body.snapshot.id, "available");
    await scribble(fx.s, vid, 2, 16);
    const bid = await backup(c, p, { volume_id: vid, snapshot_id: s.body.snapshot.id });
    assert.equal((await c.get(`/v3/${p}/backups/${bid}`)).body.backup.snapshot_id, s.body.snapshot.id);
    assert.equal((await c.get(`/v3/${p}/snapshots/${s.body.snapshot.id}`)).body.snapshot.status, "available");
    const target = await volume(c, p);
    assert.equal((await c.post(`/v3/${p}/backups/${bid}/restore`, { restore: { volume_id: target } })).status, 202);
    await waitStatus(c, "volumes", p, target, "available", 60_000);
    assert.ok((await fsp.readFile(volumePath(fx.s, target))).equals(before));

    const att = await c.post(`/v3/${p}/volumes/${vid}/action`, { "os-attach": { instance_uuid: "9a3b7c3e-8d35-4e1b-9b4e-2f7e5d0c1a11", mountpoint: "/dev/vdb" } });
    assert.equal(att.status, 202, JSON.stringify(att.body));
    await waitStatus(c, "volumes", p, vid, "in-use");
    assertFault(await c.post(`/v3/${p}/backups`, { backup: { volume_id: vid } }), 400, "Invalid volume: Backing up an in-use volume must use the force flag.");
    const forced = await backup(c, p, { volume_id: vid, force: true });
    assert.ok(forced);
    assert.equal((await c.get(`/v3/${p}/volumes/${vid}`)).body.volume.status, "in-use");
  });

  it("quota is taken with the row, refused past the limit and given back on delete; dependents refuse a delete", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    assert.equal((await admin().put(`/v3/admin/os-quota-sets/${p}`, { quota_set: { backups: 2 } })).status, 200);
    const full = await backup(c, p, { volume_id: vid });
    const incr = await backup(c, p, { volume_id: vid, incremental: true });
    assert.deepEqual([(await usage(p)).backups, (await usage(p)).backup_gigabytes], [2, 2]);
    assertFault(await c.post(`/v3/${p}/backups`, { backup: { volume_id: vid } }), 413, /BackupLimitExceeded: Maximum number of backups allowed \(2\) exceeded/);
    assertFault(await c.delete(`/v3/${p}/backups/${full}`), 400, "Invalid backup: Incremental backups exist for this backup.");
    assert.equal((await c.delete(`/v3/${p}/backups/${incr}`)).status, 202);
    await waitGoneBackup(p, incr);
    assert.equal((await c.delete(`/v3/${p}/backups/${full}`)).status, 202);
    await waitGoneBackup(p, full);
    assert.deepEqual([(await usage(p)).backups, (await usage(p)).backup_gigabytes], [0, 0]);
    const left = await fsp.readdir(path.join(fx.s.dataDir, "backups", "volumebackups")).catch(() => []);
    assert.deepEqual(left.filter((f) => f.includes(full) || f.includes(incr)), []);
    assertFault(await c.post(`/v3/${p}/backups`, { backup: { volume_id: vid, incremental: true } }), 400, "Invalid backup: No backups available to do an incremental backup.");
  });

  async function waitGoneBackup(p: string, id: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const r = await as(p).get(`/v3/${p}/backups/${id}`);
      if (r.status === 404) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`backup ${id} was not deleted`);
  }

  it("lists, shows, updates (3.9, metadata 3.43) and counts (3.45); another project sees none", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    const a = await backup(c, p, { volume_id: vid, name: "a" });
    const b = await backup(c, p, { volume_id: vid, name: "b", description: "second" });
    const list = await c.get(`/v3/${p}/backups?with_count=true`, { version: "3.45" });
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 2);
    assert.deepEqual(list.body.backups.map((x: any) => x.name), ["b", "a"]);
    const detail = await c.get(`/v3/${p}/backups/detail?name=a`);
    assert.deepEqual(detail.body.backups.map((x: any) => x.id), [a]);
    assert.equal(detail.body.backups[0].volume_id, vid);
    assertFault(await c.put(`/v3/${p}/backups/${b}`, { backup: { name: "x" } }, { version: "3.8" }), 404);
    const u = await c.put(`/v3/${p}/backups/${b}`, { backup: { name: "renamed", metadata: { k: "v" } } }, { version: "3.43" });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(u.body.backup.name, "renamed");
    assert.deepEqual(u.body.backup.metadata, { k: "v" });
    assertFault(await as("other").get(`/v3/other/backups/${a}`), 404, `Backup ${a} could not be found.`);
    assert.deepEqual((await as("other").get(`/v3/other/backups`)).body.backups, []);
  });

  it("a corrupted chunk fails the restore: the volume error_restoring, the backup error, a user message", async () => {
    const p = fresh();
    const c = as(p);
    const vid = await volume(c, p);
    await scribble(fx.s, vid, 2, 4);
    const bid = await backup(c, p, { volume_id: vid });
    const dir = path.join(fx.s.dataDir, "backups", "volumebackups");
    const chunk = (await fsp.readdir(dir)).filter((f) => f.startsWith(`backup_${bid}-`)).sort()[0];
    const data = await fsp.readFile(path.join(dir, chunk));
    data[data.length >> 1] ^= 0xff;
    await fsp.writeFile(path.join(dir, chunk), data);
    const target = await volume(c, p);
    assert.equal((await c.post(`/v3/${p}/backups/${bid}/restore`, { restore: { volume_id: target } })).status, 202);
    await waitStatus(c, "volumes", p, target, "error_restoring", 60_000);
    const b = await waitBackup(c, p, bid, "error");
    assert.match(b.fail_reason, /does not (match|inflate)/);
    // The message follows the status, as Cinder's manager writes it after the status change.
    const m = await waitFor(async () => (await c.get(`/v3/${p}/messages`, { version: "3.3" })).body.messages.find((x: any) => x.resource_uuid === bid), "the restore's user message");
    assert.equal(m.event_id, "VOLUME_VOLUME_BACKUP_015_026");
    assert.equal(m.user_message, "restore backup:Backup driver failed to restore backup.");
  });
});
