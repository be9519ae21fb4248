/**
 * The file driver's behaviour when called again after a crash, on missing resources, with hostile
 * ids, and when a copy fails half-way. Real files and the real ProcessExecutor; a failing copy is
 * simulated by injecting an Executor that runs the real command and then fails.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { FileDriver } from "../../server/src/drivers/file/driver";
import { ExecError, ProcessExecutor, type ExecOptions, type ExecResult, type Executor } from "../../server/src/exec/executor";
import {
  firstMismatch,
  GIB,
  listDir,
  makeDriver,
  makeTempDir,
  randomPattern,
  removeDir,
  snap,
  snapshotPath,
  vol,
  volumePath,
  writePattern,
} from "./helpers";

describe("FileDriver idempotency", () => {
  let root: string;
  let driver: FileDriver;

  beforeEach(async () => {
    root = await makeTempDir();
    driver = await makeDriver(root);
  });
  afterEach(async () => removeDir(root));

  it("setup twice", async () => {
    await driver.setup();
    await driver.setup();
    assert.deepEqual(await listDir(path.join(root, "vols")), []);
  });

  it("createVolume twice succeeds; a different size for the same id is refused", async () => {
    const v = vol(2);
    await driver.createVolume(v);
    await driver.createVolume(v);
    assert.equal((await fsp.stat(volumePath(root, v.id))).size, 2 * GIB);
    await assert.rejects(driver.createVolume({ id: v.id, size: 1 }), /already exists/);
  });

  it("createSnapshot twice keeps the first copy (it was complete: published by rename)", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    const first = randomPattern(1);
    await writePattern(volumePath(root, v.id), first);
    const s = snap(v);
    await driver.createSnapshot(s, v);
    await writePattern(volumePath(root, v.id), randomPattern(1));
    await driver.createSnapshot(s, v);
    assert.equal(await firstMismatch(snapshotPath(root, s.id), first), null);
  });

  it("createVolumeFromSnapshot and createClonedVolume twice keep the data written in between", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    const s = snap(v);
    await driver.createSnapshot(s, v);
    const fromSnap = vol(1);
    const clone = vol(1);
    await driver.createVolumeFromSnapshot(fromSnap, s);
    await driver.createClonedVolume(clone, v);
    const written = randomPattern(1);
    await writePattern(volumePath(root, fromSnap.id), written);
    await writePattern(volumePath(root, clone.id), written);
    await driver.createVolumeFromSnapshot(fromSnap, s);
    await driver.createClonedVolume(clone, v);
    assert.equal(await firstMismatch(volumePath(root, fromSnap.id), written), null);
    assert.equal(await firstMismatch(volumePath(root, clone.id), written), null);
  });

  it("a re-run of create-from-snapshot still grows an existing target to its size", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    const s = snap(v);
    await driver.createSnapshot(s, v);
    const target = vol(2);
    await driver.createVolumeFromSnapshot({ id: target.id, size: 1 }, s);
    await driver.createVolumeFromSnapshot(target, s);
    assert.equal((await fsp.stat(volumePath(root, target.id))).size, 2 * GIB);
  });

  it("extendVolume twice to the same size succeeds", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    await driver.extendVolume(v, 2);
    await driver.extendVolume(v, 2);
    assert.equal((await fsp.stat(volumePath(root, v.id))).size, 2 * GIB);
  });

  it("revertToSnapshot twice gives the snapshot's data", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    const atSnap = randomPattern(1);
    await writePattern(volumePath(root, v.id), atSnap);
    const s = snap(v);
    await driver.createSnapshot(s, v);
    await writePattern(volumePath(root, v.id), randomPattern(1));
    await driver.revertToSnapshot(v, s);
    await driver.revertToSnapshot(v, s);
    assert.equal(await firstMismatch(volumePath(root, v.id), atSnap), null);
  });

  it("deleteVolume and deleteSnapshot twice, and of resources that never existed, succeed", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    const s = snap(v);
    await driver.createSnapshot(s, v);
    await driver.deleteSnapshot(s);
    await driver.deleteSnapshot(s);
    await driver.deleteVolume(v);
    await driver.deleteVolume(v);
    await driver.deleteVolume(vol(1));
    await driver.deleteSnapshot(snap(vol(1)));
    assert.deepEqual(await listDir(path.join(root, "vols")), []);
  });
});

describe("FileDriver missing sources", () => {
  let root: string;
  let driver: FileDriver;

  beforeEach(async () => {
    root = await makeTempDir();
    driver = await makeDriver(root);
  });
  afterEach(async () => removeDir(root));

  it("refuses to work from a snapshot or volume that does not exist, creating nothing", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    const ghostVol = vol(1);
    const ghostSnap = snap(ghostVol);
    await assert.rejects(driver.createVolumeFromSnapshot(vol(1), ghostSnap), /not found/);
    await assert.rejects(driver.createClonedVolume(vol(1), ghostVol), /not found/);
    await assert.rejects(driver.createSnapshot(snap(ghostVol), ghostVol), /not found/);
    await assert.rejects(driver.extendVolume(ghostVol, 2), /not found/);
    await assert.rejects(driver.revertToSnapshot(v, ghostSnap), /not found/);
    await assert.rejects(driver.revertToSnapshot(ghostVol, snap(v)), /not found/);
    assert.deepEqual(await listDir(path.join(root, "vols")), [`volume-${v.id}`]);
  });
});

describe("FileDriver ids", () => {
  let root: string;
  let driver: FileDriver;

  beforeEach(async () => {
    root = await makeTempDir();
    driver = await makeDriver(root);
  });
  afterEach(async () => removeDir(root));

  const hostile = ["../escape", "..", "a/b", "/etc/passwd", "x/../../y", ".hidden", "", "a\\b", "a\0b", "a..b"];

  for (const id of hostile) {
    it(`rejects id ${JSON.stringify(id)} in every method before touching the disk`, async () => {
      const good = vol(1);
      await driver.createVolume(good);
      const bad = { id, size: 1 };
      const badSnap = { id, volumeId: good.id, volumeSize: 1 };
      const calls: (() => Promise<unknown>)[] = [
        () => driver.createVolume(bad),
        () => driver.createVolumeFromSnapshot(bad, snap(good)),
        () => driver.createVolumeFromSnapshot(vol(1), badSnap),
        () => driver.createClonedVolume(bad, good),
        () => driver.createClonedVolume(vol(1), bad),
        () => driver.deleteVolume(bad),
        () => driver.extendVolume(bad, 2),
        () => driver.createSnapshot(badSnap, good),
        () => driver.createSnapshot(snap(good), bad),
        () => driver.deleteSnapshot(badSnap),
        () => driver.revertToSnapshot(bad, snap(good)),
        () => driver.revertToSnapshot(good, badSnap),
      ];
      for (const call of calls) await assert.rejects(call, /Invalid .*id/);
      assert.deepEqual(await listDir(root), ["vols"]);
      assert.deepEqual(await listDir(path.join(root, "vols")), [`volume-${good.id}`]);
    });
  }

  it("rejects sizes that are not positive whole GiB", async () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(driver.createVolume(vol(size)), /Invalid volume size/);
    }
  });
});

/** Runs the real command, then fails as if the disk filled up at the very end of the copy. */
class FailAfterCopyExecutor implements Executor {
  private readonly inner = new ProcessExecutor();
  async run(cmd: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    await this.inner.run(cmd, args, opts);
    throw new ExecError(cmd, args, 1, "", "No space left on device", false);
  }
}

describe("FileDriver temporary files", () => {
  let root: string;
  let vols: string;

  beforeEach(async () => {
    root = await makeTempDir();
    vols = path.join(root, "vols");
  });
  afterEach(async () => removeDir(root));

  it("setup removes temporary files older than the process, keeping everything else", async () => {
    await fsp.mkdir(vols);
    const old = new Date(Date.now() - 24 * 3600 * 1000);
    const future = new Date(Date.now() + 3600 * 1000);
    for (const name of [".volume-a.tmp-1", ".snapshot-b.tmp-2", ".volume-c.tmp-3", "volume-d", "notes.txt"]) {
      await fsp.writeFile(path.join(vols, name), "x");
    }
    for (const name of [".volume-a.tmp-1", ".snapshot-b.tmp-2", "volume-d", "notes.txt"]) {
      await fsp.utimes(path.join(vols, name), old, old);
    }
    // Touched after this process started: another process's copy in progress, left alone.
    await fsp.utimes(path.join(vols, ".volume-c.tmp-3"), future, future);
    await makeDriver(root);
    assert.deepEqual(await listDir(vols), [".volume-c.tmp-3", "notes.txt", "volume-d"]);
  });

  it("delete removes the temporary files a failed copy of the id could not remove, and only those", async () => {
    const good = await makeDriver(root);
    const v = vol(1);
    await good.createVolume(v);
    const failing = await makeDriver(root, { executor: new FailAfterCopyExecutor() });
    const clone = vol(2);
    // The rollback's unlink of the copy's temporary file fails (a busy or read-only filesystem).
    const unlink = fsp.unlink;
    fsp.unlink = async (p) => {
      if (String(p).includes(`.volume-${clone.id}.tmp-`)) throw Object.assign(new Error("EBUSY: resource busy"), { code: "EBUSY" });
      return unlink(p);
    };
    try {
      await assert.rejects(failing.createClonedVolume(clone, v), ExecError);
    } finally {
      fsp.unlink = unlink;
    }
    const stray = (await listDir(vols)).filter((n) => n.startsWith(`.volume-${clone.id}.tmp-`));
    assert.equal(stray.length, 1, "the copy's temporary file stayed");
    // Another id's temporary file is not the delete's business.
    await fsp.writeFile(path.join(vols, `.volume-${clone.id}x.tmp-abc`), "x");
    await failing.deleteVolume(clone);
    assert.deepEqual(await listDir(vols), [`.volume-${clone.id}x.tmp-abc`, `volume-${v.id}`]);
  });

  it("a copy that fails leaves neither a final nor a temporary file", async () => {
    const good = await makeDriver(root);
    const v = vol(1);
    await good.createVolume(v);
    const s = snap(v);
    await good.createSnapshot(s, v);
    const failing = await makeDriver(root, { executor: new FailAfterCopyExecutor() });
    await assert.rejects(failing.createSnapshot(snap(v), v), ExecError);
    await assert.rejects(failing.createVolumeFromSnapshot(vol(1), s), /No space left/);
    await assert.rejects(failing.createClonedVolume(vol(1), v), ExecError);
    const before = randomPattern(1);
    await writePattern(volumePath(root, v.id), before);
    await assert.rejects(failing.revertToSnapshot(v, s), ExecError);
    assert.equal(await firstMismatch(volumePath(root, v.id), before), null, "failed revert left the volume as it was");
    assert.deepEqual(await listDir(vols), [`snapshot-${s.id}`, `volume-${v.id}`]);
  });
});
