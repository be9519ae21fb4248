/**
 * Concurrency: many requests racing on one volume leave it in one consistent state. The status
 * compare-and-set lets exactly one request win while the volume is in a transitional status;
 * every loser gets a Cinder fault (400/409), and the database and the backend agree at the end.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import type { Client, Response } from "../helpers/client";
import { assertFault } from "../helpers/faults";
import { DEFAULT_QUOTAS } from "../../server/src/config";
import { holdManagerLocks } from "../helpers/gate";
import type { TestServer } from "../helpers/server";
import { forEachDialect } from "../helpers/suite";
import { ADMIN, backendDir, contentHashes, listFiles, settle, snapshotFile, volumeFile, writeAt } from "../helpers/state";
import { waitFor, waitGone, waitStatus } from "../helpers/wait";

const GIB = 1024 ** 3;
const TRANSITIONAL = ["creating", "deleting", "extending", "reverting"];

const EXTEND_LOST = (id: string) =>
  new RegExp(`^Invalid volume: Volume ${id} status must be 'available' to extend, currently (extending|deleting)\\.$`);
const DELETE_LOST = /^Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer\.$/;

interface Shot {
  kind: "extend" | "delete" | "snapshot" | "clone";
  newSize?: number;
  r: Response;
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return undefined;
  }
}

/** The volume once it is out of every transitional status; undefined when it is gone. */
async function settled(c: Client, id: string): Promise<any> {
  return waitFor(async () => {
    const r = await c.get(`/v3/p1/volumes/${id}`);
    if (r.status === 404) return null;
    return TRANSITIONAL.includes(r.body.volume.status) ? undefined : r.body.volume;
  }, `volume ${id} to settle`).then((v) => v ?? undefined);
}

/** A new available 1 GiB volume; with `dataDir`, some data written into its file. */
async function newVolume(c: Client, dataDir?: string): Promise<string> {
  const r = await c.post("/v3/p1/volumes", { volume: { size: 1 } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const id = r.body.volume.id as string;
  await waitStatus(c, "volumes", "p1", id, "available");
  if (dataDir) {
    await writeAt(volumeFile(dataDir, id), 0, randomBytes(256 << 10));
    await writeAt(volumeFile(dataDir, id), 300 << 20, Buffer.from(`end of ${id}`));
  }
  return id;
}

/** 25 extends to distinct sizes interleaved with 25 deletes, all sent at once. */
function extendsAndDeletes(c: Client, id: string): Promise<Shot[]> {
  const shots: Array<Promise<Shot>> = [];
  for (let i = 0; i < 25; i++) {
    const newSize = 2 + i;
    shots.push(c.post(`/v3/p1/volumes/${id}/action`, { "os-extend": { new_size: newSize } }).then((r) => ({ kind: "extend", newSize, r })));
    shots.push(c.delete(`/v3/p1/volumes/${id}`).then((r) => ({ kind: "delete", r })));
  }
  return Promise.all(shots);
}

function assertLoser(s: Shot, volumeId: string): void {
  if (s.kind === "extend") assertFault(s.r, 400, EXTEND_LOST(volumeId));
  else if (s.kind === "delete") assertFault(s.r, 400, DELETE_LOST);
  else assert.fail(`unexpected loser ${s.kind}`);
}

/** The backend holds exactly one file per row, and nothing else (no temporary files left over). */
async function assertBackendMatchesDb(s: TestServer): Promise<void> {
  await settle(s);
  const db = s.app.services.db.kysely;
  const volumes = await db.selectFrom("volumes").select(["id", "size", "status"]).execute();
  const snapshots = await db.selectFrom("snapshots").select(["id", "volume_size", "status"]).execute();
  const expected = [...volumes.map((v) => `volume-${v.id}`), ...snapshots.map((x) => `snapshot-${x.id}`)].sort();
  const files = await listFiles(backendDir(s.dataDir));
  assert.deepEqual(files.map((f) => f.name), expected);
  for (const v of volumes) {
    assert.ok(!TRANSITIONAL.includes(v.status), `volume ${v.id} is still ${v.status}`);
    assert.equal(files.find((f) => f.name === `volume-${v.id}`)?.size, v.size * GIB, `size of volume-${v.id}`);
  }
  for (const x of snapshots) assert.equal(x.status, "available", `snapshot ${x.id}`);
}

forEachDialect("concurrency", function (fx) {
  this.timeout(120_000);

  it("25 extends and 25 deletes while the winner's work is pending: exactly one 202, 49 losers with 400", async () => {
    for (let round = 0; round < 3; round++) {
      const id = await newVolume(fx.c);
      const held = await holdManagerLocks(fx.s, [id]);
      let shots: Shot[];
      let during: string;
      try {
        shots = await extendsAndDeletes(fx.c, id);
        during = (await fx.c.get(`/v3/p1/volumes/${id}`)).body.volume.status;
      } finally {
        await held.release();
      }
      const winners = shots.filter((x) => x.r.status === 202);
      assert.equal(winners.length, 1, `winners: ${winners.map((w) => w.kind + (w.newSize ?? "")).join(", ")}`);
      for (const loser of shots.filter((x) => x.r.status !== 202)) assertLoser(loser, id);
      const winner = winners[0];
      assert.equal(during, winner.kind === "extend" ? "extending" : "deleting");
      const final = await settled(fx.c, id);
      if (winner.kind === "delete") {
        assert.equal(final, undefined);
        assert.equal(await fileSize(volumeFile(fx.s.dataDir, id)), undefined);
      } else {
        assert.equal(final.status, "available");
        assert.equal(final.size, winner.newSize);
        assert.equal(await fileSize(volumeFile(fx.s.dataDir, id)), winner.newSize! * GIB);
        assert.equal((await fx.c.delete(`/v3/p1/volumes/${id}`)).status, 202);
        await waitGone(fx.c, "volumes", "p1", id);
      }
    }
    await assertBackendMatchesDb(fx.s);
  });

  it("25 extends and 25 deletes running free: one consistent end state", async () => {
    for (let round = 0; round < 3; round++) {
      const id = await newVolume(fx.c);
      const shots = await extendsAndDeletes(fx.c, id);
      const deleted = shots.filter((x) => x.kind === "delete" && x.r.status === 202);
      const grown = shots.filter((x) => x.kind === "extend" && x.r.status === 202);
      assert.ok(deleted.length <= 1, `${deleted.length} deletes won`);
      for (const x of shots) {
        if (x.r.status === 202) continue;
        // Once the winning delete has finished the volume is gone, and "not found" is the truth.
        if (x.r.status === 404 && deleted.length === 1) {
          assertFault(x.r, 404, `Volume ${id} could not be found.`);
          continue;
        }
        // An extend that lost to a finished extend is told the size it asked for is no longer larger.
        if (x.kind === "extend" && x.r.status === 400 && /New size for extend/.test(JSON.stringify(x.r.body))) {
          assertFault(x.r, 400, /^Invalid input received: New size for extend must be greater than current size\. \(current: \d+, extended: \d+\)\.$/);
          continue;
        }
        assertLoser(x, id);
      }
      // Winning extends ran one after another (each needs `available` and the size it read).
      const sizes = grown.map((x) => x.newSize!);
      assert.equal(new Set(sizes).size, sizes.length);
      const final = await settled(fx.c, id);
      if (deleted.length === 1) {
        assert.equal(final, undefined);
        assert.equal(await fileSize(volumeFile(fx.s.dataDir, id)), undefined);
      } else {
        const expectedSize = sizes.length > 0 ? Math.max(...sizes) : 1;
        assert.equal(final.status, "available");
        assert.equal(final.size, expectedSize);
        assert.equal(await fileSize(volumeFile(fx.s.dataDir, id)), expectedSize * GIB);
        assert.equal((await fx.c.delete(`/v3/p1/volumes/${id}`)).status, 202);
        await waitGone(fx.c, "volumes", "p1", id);
      }
    }
    await assertBackendMatchesDb(fx.s);
  });

  it("50 deletes of one volume: exactly one 202", async () => {
    const id = await newVolume(fx.c);
    const held = await holdManagerLocks(fx.s, [id]);
    let shots: Response[];
    try {
      shots = await Promise.all(Array.from({ length: 50 }, () => fx.c.delete(`/v3/p1/volumes/${id}`)));
    } finally {
      await held.release();
    }
    assert.equal(shots.filter((r) => r.status === 202).length, 1);
    for (const r of shots.filter((x) => x.status !== 202)) assertFault(r, 400, DELETE_LOST);
    await waitGone(fx.c, "volumes", "p1", id);
    assert.equal(await fileSize(volumeFile(fx.s.dataDir, id)), undefined);
  });

  const orders = {
    "the delete sent first": "first",
    "the delete sent last": "last",
    "the delete sent once the first snapshot is accepted": "afterFirst",
  } as const;
  for (const [title, order] of Object.entries(orders)) {
    it(`50 snapshot creates and one delete (${title}): snapshots xor delete`, async () => {
      const id = await newVolume(fx.c, fx.s.dataDir);
      const sourceHash = (await contentHashes([volumeFile(fx.s.dataDir, id)])).get(volumeFile(fx.s.dataDir, id));
      const snapshot = (i: number): Promise<Shot> =>
        fx.c.post("/v3/p1/snapshots", { snapshot: { volume_id: id, name: `snap-${i}` } }).then((r) => ({ kind: "snapshot", r }));
      const remove = (): Promise<Shot> => fx.c.delete(`/v3/p1/volumes/${id}`).then((r) => ({ kind: "delete", r }));
      const shots: Array<Promise<Shot>> = [];
      if (order === "first") shots.push(remove());
      for (let i = 0; i < 50; i++) shots.push(snapshot(i));
      if (order === "last") shots.push(remove());
      if (order === "afterFirst") shots.push(Promise.race(shots).then(() => remove()));
      const all = await Promise.all(shots);
      const del = all.find((x) => x.kind === "delete")!;
      const snaps = all.filter((x) => x.kind === "snapshot");
      const made = snaps.filter((x) => x.r.status === 202).map((x) => x.r.body.snapshot.id as string);
      if (del.r.status === 202) {
        assert.equal(made.length, 0, "a volume being deleted got snapshots");
        for (const x of snaps) {
          if (x.r.status === 404) assertFault(x.r, 404, `Volume ${id} could not be found.`);
          else assertFault(x.r, 400, `Invalid volume: Volume ${id} status must be available, in-use, but current status is: deleting.`);
        }
        await waitGone(fx.c, "volumes", "p1", id);
        assert.equal(await fileSize(volumeFile(fx.s.dataDir, id)), undefined);
      } else {
        assertFault(del.r, 400, DELETE_LOST);
        assert.equal(made.length, 50, "every snapshot create should win against a refused delete");
        for (const sid of made) await waitStatus(fx.c, "snapshots", "p1", sid, "available");
        const list = await fx.c.get(`/v3/p1/snapshots?volume_id=${id}`);
        assert.deepEqual(list.body.snapshots.map((x: { id: string }) => x.id).sort(), [...made].sort());
        const hashes = await contentHashes(made.map((sid) => snapshotFile(fx.s.dataDir, sid)));
        for (const sid of made) assert.equal(hashes.get(snapshotFile(fx.s.dataDir, sid)), sourceHash, `content of snapshot ${sid}`);
        // Clean up with a cascade delete, which takes the 50 snapshots along.
        assert.equal((await fx.c.delete(`/v3/p1/volumes/${id}?cascade=true`)).status, 202);
        await waitGone(fx.c, "volumes", "p1", id);
      }
      if (order === "afterFirst") assert.equal(del.r.status, 400, "the delete came after a snapshot was accepted");
      await assertBackendMatchesDb(fx.s);
    });
  }

  for (const deletesAfterFirstClone of [false, true]) {
    const title = deletesAfterFirstClone ? "the deletes sent once the first clone is accepted" : "all sent at once";
    it(`25 clones and 25 deletes of one source (${title}): no clone loses its source`, async () => {
      const id = await newVolume(fx.c, fx.s.dataDir);
      const sourceHash = (await contentHashes([volumeFile(fx.s.dataDir, id)])).get(volumeFile(fx.s.dataDir, id));
      const clone = (i: number): Promise<Shot> =>
        fx.c.post("/v3/p1/volumes", { volume: { source_volid: id, name: `clone-${i}` } }).then((r) => ({ kind: "clone", r }));
      const remove = (): Promise<Shot> => fx.c.delete(`/v3/p1/volumes/${id}`).then((r) => ({ kind: "delete", r }));
      const shots: Array<Promise<Shot>> = [];
      if (deletesAfterFirstClone) {
        for (let i = 0; i < 25; i++) shots.push(clone(i));
        const first = Promise.race(shots);
        for (let i = 0; i < 25; i++) shots.push(first.then(() => remove()));
      } else {
        for (let i = 0; i < 25; i++) shots.push(clone(i), remove());
      }
      const all = await Promise.all(shots);
      const clones = all.filter((x) => x.kind === "clone" && x.r.status === 202).map((x) => x.r.body.volume.id as string);
      const deletes = all.filter((x) => x.kind === "delete" && x.r.status === 202);
      assert.ok(deletes.length <= 1);
      if (deletesAfterFirstClone) assert.ok(clones.length >= 1);
      for (const x of all.filter((y) => y.r.status !== 202)) {
        if (x.r.status === 404) {
          assert.equal(deletes.length, 1, "not found although no delete won");
          assertFault(x.r, 404, `Volume ${id} could not be found.`);
        } else if (x.kind === "clone") {
          assertFault(x.r, 400, "Invalid volume: Originating source volume status must be one of 'available, in-use' values");
        } else {
          assertFault(x.r, 400, DELETE_LOST);
        }
      }
      const files = clones.map((cid) => volumeFile(fx.s.dataDir, cid));
      for (const cid of clones) await waitStatus(fx.c, "volumes", "p1", cid, "available");
      const hashes = await contentHashes(files);
      for (const f of files) assert.equal(hashes.get(f), sourceHash, `content of ${f}`);
      const source = await settled(fx.c, id);
      assert.equal(source === undefined, deletes.length === 1);
      for (const cid of clones) assert.equal((await fx.c.delete(`/v3/p1/volumes/${cid}`)).status, 202);
      if (source) assert.equal((await fx.c.delete(`/v3/p1/volumes/${id}`)).status, 202);
      for (const cid of [...clones, id]) await waitGone(fx.c, "volumes", "p1", cid);
      await assertBackendMatchesDb(fx.s);
    });
  }

  it("50 creates in one project: all accepted, distinct ids, all available; 50 deletes: all gone", async () => {
    const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.c.post("/v3/p1/volumes", { volume: { size: 1, name: `many-${i}` } })));
    for (const r of rs) assert.equal(r.status, 202, JSON.stringify(r.body));
    const ids = rs.map((r) => r.body.volume.id as string);
    assert.equal(new Set(ids).size, 50);
    await Promise.all(ids.map((id) => waitStatus(fx.c, "volumes", "p1", id, "available")));
    const list = await fx.c.as(ADMIN).get("/v3/admin/volumes?all_tenants=1&name~=many-", { version: "3.71" });
    assert.deepEqual(list.body.volumes.map((v: { id: string }) => v.id).sort(), [...ids].sort());
    await assertBackendMatchesDb(fx.s);
    const ds = await Promise.all(ids.map((id) => fx.c.delete(`/v3/p1/volumes/${id}`)));
    for (const d of ds) assert.equal(d.status, 202, JSON.stringify(d.body));
    await Promise.all(ids.map((id) => waitGone(fx.c, "volumes", "p1", id)));
    await assertBackendMatchesDb(fx.s);
    assert.deepEqual(await listFiles(backendDir(fx.s.dataDir)), []);
  });
});

/** Quotas under a race: the usage update is the arbiter, so a limit of 10 admits exactly 10. */
forEachDialect("concurrency under quotas", { quotas: { ...DEFAULT_QUOTAS, volumes: 10, snapshots: 10, gigabytes: 1000 } }, function (fx) {
  this.timeout(120_000);

  const used = async () => (await fx.c.get("/v3/p1/limits")).body.limits.absolute;

  it("50 creates against a quota of 10 volumes: exactly 10 accepted, 40 answered 413, usage back to 0 after deleting", async () => {
    const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.c.post("/v3/p1/volumes", { volume: { size: 1, name: `q-${i}` } })));
    const ok = rs.filter((r) => r.status === 202).map((r) => r.body.volume.id as string);
    assert.equal(ok.length, 10);
    for (const r of rs.filter((x) => x.status !== 202)) {
      assertFault(r, 413, "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.");
    }
    await Promise.all(ok.map((id) => waitStatus(fx.c, "volumes", "p1", id, "available")));
    assert.deepEqual(
      (({ totalVolumesUsed, totalGigabytesUsed }) => ({ totalVolumesUsed, totalGigabytesUsed }))(await used()),
      { totalVolumesUsed: 10, totalGigabytesUsed: 10 },
    );
    await assertBackendMatchesDb(fx.s);
    for (const id of ok) assert.equal((await fx.c.delete(`/v3/p1/volumes/${id}`)).status, 202);
    await Promise.all(ok.map((id) => waitGone(fx.c, "volumes", "p1", id)));
    assert.equal((await used()).totalVolumesUsed, 0);
    assert.equal((await used()).totalGigabytesUsed, 0);
  });

  it("50 snapshot creates against a quota of 10 snapshots: exactly 10 accepted, 40 answered 413", async () => {
    const id = await newVolume(fx.c);
    const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.c.post("/v3/p1/snapshots", { snapshot: { volume_id: id, name: `qs-${i}` } })));
    const ok = rs.filter((r) => r.status === 202).map((r) => r.body.snapshot.id as string);
    assert.equal(ok.length, 10);
    for (const r of rs.filter((x) => x.status !== 202)) assertFault(r, 413, "SnapshotLimitExceeded: Maximum number of snapshots allowed (10) exceeded");
    await Promise.all(ok.map((sid) => waitStatus(fx.c, "snapshots", "p1", sid, "available")));
    assert.equal((await used()).totalSnapshotsUsed, 10);
    assert.equal((await fx.c.delete(`/v3/p1/volumes/${id}?cascade=true`)).status, 202);
    await waitGone(fx.c, "volumes", "p1", id);
    assert.deepEqual(
      (({ totalVolumesUsed, totalSnapshotsUsed, totalGigabytesUsed }) => ({ totalVolumesUsed, totalSnapshotsUsed, totalGigabytesUsed }))(await used()),
      { totalVolumesUsed: 0, totalSnapshotsUsed: 0, totalGigabytesUsed: 0 },
    );
    await assertBackendMatchesDb(fx.s);
  });
});
