/**
 * The file driver on real files in a temporary folder, with the real ProcessExecutor (real `cp`):
 * data written through file handles must survive snapshot, clone, create-from-snapshot, revert and
 * extend byte for byte, and copies must stay sparse.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import type { FileDriver } from "../../server/src/drivers/file/driver";
import {
  allocatedBytes,
  firstMismatch,
  GIB,
  makeDriver,
  makeTempDir,
  MIB,
  randomPattern,
  readAt,
  removeDir,
  snap,
  snapshotPath,
  vol,
  volumePath,
  writePattern,
  type Pattern,
} from "./helpers";

/** Far below the apparent size: only the written pattern (~80 KiB) plus filesystem overhead. */
const SPARSE_LIMIT = 16 * MIB;

async function assertSparse(file: string, apparent: number): Promise<void> {
  const st = await fsp.stat(file);
  assert.equal(st.size, apparent, `${file} size`);
  const allocated = await allocatedBytes(file);
  assert.ok(allocated < SPARSE_LIMIT, `${file} should be sparse, but ${allocated} bytes are allocated`);
}

describe("FileDriver data integrity", () => {
  let root: string;
  let driver: FileDriver;

  beforeEach(async () => {
    root = await makeTempDir();
    driver = await makeDriver(root);
  });
  afterEach(async () => removeDir(root));

  it("creates a sparse volume file of exactly the requested size", async () => {
    const v = vol(1);
    await driver.createVolume(v);
    await assertSparse(volumePath(root, v.id), GIB);
    assert.equal((await readAt(volumePath(root, v.id), GIB - 10, 10)).length, 10);
  });

  describe("after writing a pattern and taking a snapshot", () => {
    const v = vol(1);
    const s = snap(v);
    let atSnapshot: Pattern;
    let afterSnapshot: Pattern;

    beforeEach(async () => {
      await driver.createVolume(v);
      atSnapshot = randomPattern(1);
      await writePattern(volumePath(root, v.id), atSnapshot);
      await driver.createSnapshot(s, v);
      afterSnapshot = randomPattern(1);
      await writePattern(volumePath(root, v.id), afterSnapshot);
    });

    it("keeps snapshot-time data in the snapshot, sparse, while the volume changes", async () => {
      assert.equal(await firstMismatch(snapshotPath(root, s.id), atSnapshot), null);
      assert.equal(await firstMismatch(volumePath(root, v.id), afterSnapshot), null);
      await assertSparse(snapshotPath(root, s.id), GIB);
    });

    it("creates a volume from the snapshot with snapshot-time data", async () => {
      const v2 = vol(1);
      await driver.createVolumeFromSnapshot(v2, s);
      assert.equal(await firstMismatch(volumePath(root, v2.id), atSnapshot), null);
      await assertSparse(volumePath(root, v2.id), GIB);
    });

    it("grows a volume created from the snapshot to its larger size, with zeros beyond", async () => {
      const v2 = vol(3);
      await driver.createVolumeFromSnapshot(v2, s);
      const file = volumePath(root, v2.id);
      assert.equal(await firstMismatch(file, atSnapshot), null);
      assert.ok((await readAt(file, GIB, 4096)).equals(Buffer.alloc(4096)));
      assert.ok((await readAt(file, 3 * GIB - 4096, 4096)).equals(Buffer.alloc(4096)));
      await assertSparse(file, 3 * GIB);
    });

    it("clones the volume's current data", async () => {
      const v3 = vol(2);
      await driver.createClonedVolume(v3, v);
      const file = volumePath(root, v3.id);
      assert.equal(await firstMismatch(file, afterSnapshot), null);
      assert.ok((await readAt(file, GIB + 123, 4096)).equals(Buffer.alloc(4096)));
      await assertSparse(file, 2 * GIB);
    });

    it("reverts the volume to snapshot-time data", async () => {
      await driver.revertToSnapshot(v, s);
      assert.equal(await firstMismatch(volumePath(root, v.id), atSnapshot), null);
      await assertSparse(volumePath(root, v.id), GIB);
      // The snapshot itself is untouched and can be used again.
      assert.equal(await firstMismatch(snapshotPath(root, s.id), atSnapshot), null);
    });

    it("extends the volume keeping its data, and the new area reads zeros", async () => {
      await driver.extendVolume(v, 3);
      const file = volumePath(root, v.id);
      assert.equal(await firstMismatch(file, afterSnapshot), null);
      assert.ok((await readAt(file, 2.5 * GIB, 65536)).equals(Buffer.alloc(65536)));
      assert.ok((await readAt(file, 3 * GIB - 4096, 4096)).equals(Buffer.alloc(4096)));
      await assertSparse(file, 3 * GIB);
    });

    it("refuses to shrink a volume and leaves it intact", async () => {
      await driver.extendVolume(v, 2);
      await assert.rejects(driver.extendVolume(v, 1), /shrink/);
      assert.equal((await fsp.stat(volumePath(root, v.id))).size, 2 * GIB);
      assert.equal(await firstMismatch(volumePath(root, v.id), afterSnapshot), null);
    });

    it("refuses a volume from the snapshot that is smaller than the snapshot", async () => {
      const big = vol(2);
      await driver.createVolume(big);
      const bigSnap = snap(big);
      await driver.createSnapshot(bigSnap, big);
      const small = vol(1);
      await assert.rejects(driver.createVolumeFromSnapshot(small, bigSnap), /more than/);
      assert.deepEqual((await driver.listResources()).volumes.includes(small.id), false);
    });

    it("deletes volume and snapshot files, leaving the others", async () => {
      const v2 = vol(1);
      await driver.createVolumeFromSnapshot(v2, s);
      await driver.deleteSnapshot(s);
      await driver.deleteVolume(v);
      const left = await driver.listResources();
      assert.deepEqual(left, { volumes: [v2.id], snapshots: [] });
      assert.equal(await firstMismatch(volumePath(root, v2.id), atSnapshot), null);
    });
  });
});

describe("FileDriver stats and listing", () => {
  let root: string;
  let driver: FileDriver;

  beforeEach(async () => {
    root = await makeTempDir();
    driver = await makeDriver(root, {
      backendName: "lab-file",
      reservedPercentage: 5,
      maxOverSubscriptionRatio: 3.5,
      capabilities: { tier: "gold", replicated: false },
    });
  });
  afterEach(async () => removeDir(root));

  it("reports an empty backend", async () => {
    const stats = await driver.getStats();
    assert.equal(stats.volumeBackendName, "lab-file");
    assert.equal(stats.vendorName, "Cinderblock");
    assert.equal(stats.driverVersion, "1.0.0");
    assert.equal(stats.storageProtocol, "local");
    assert.equal(stats.pools.length, 1);
    const [pool] = stats.pools;
    assert.equal(pool.poolName, "lab-file");
    assert.equal(pool.provisionedCapacityGb, 0);
    assert.equal(pool.thinProvisioningSupport, true);
    assert.equal(pool.thickProvisioningSupport, false);
    assert.equal(pool.reservedPercentage, 5);
    assert.equal(pool.maxOverSubscriptionRatio, 3.5);
    assert.deepEqual(pool.capabilities, { tier: "gold", replicated: false });
  });

  it("reports filesystem capacity and provisioned = the sum of volume sizes (not snapshots)", async () => {
    const vols = [vol(1), vol(2), vol(3)];
    for (const v of vols) await driver.createVolume(v);
    await driver.createSnapshot(snap(vols[2]), vols[2]);
    const [pool] = (await driver.getStats()).pools;
    assert.equal(pool.provisionedCapacityGb, 6);
    assert.ok(pool.totalCapacityGb > 0, "total capacity");
    assert.ok(pool.freeCapacityGb >= 0 && pool.freeCapacityGb <= pool.totalCapacityGb, "free within total");
    const fsStats = await fsp.statfs(root);
    assert.ok(Math.abs(pool.totalCapacityGb - (fsStats.blocks * fsStats.bsize) / GIB) < 0.02);
  });

  it("keeps provisioned capacity right through every operation after its first scan, and reads the folder again after a minute", async () => {
    const provisioned = async () => (await driver.getStats()).pools[0].provisionedCapacityGb;
    assert.equal(await provisioned(), 0);
    const a = vol(1);
    await driver.createVolume(a);
    assert.equal(await provisioned(), 1, "create");
    const s = snap(a);
    await driver.createSnapshot(s, a);
    const fromSnap = vol(3);
    await driver.createVolumeFromSnapshot(fromSnap, s);
    const clone = vol(2);
    await driver.createClonedVolume(clone, a);
    assert.equal(await provisioned(), 6, "from a snapshot and a clone, snapshots not counted");
    await driver.extendVolume(a, 4);
    assert.equal(await provisioned(), 9, "extend");
    await driver.deleteVolume(fromSnap);
    assert.equal(await provisioned(), 6, "delete");
    // A report does not stat every file: a change made behind the driver's back is counted once
    // the folder is read again.
    await fsp.truncate(volumePath(root, clone.id), 5 * GIB);
    assert.equal(await provisioned(), 6, "the tally until the next scan");
    const realNow = Date.now;
    Date.now = () => realNow() + 61_000;
    try {
      assert.equal(await provisioned(), 9, "rescan after a minute");
    } finally {
      Date.now = realNow;
    }
  });

  it("uses the default ratio and no capabilities when none are configured", async () => {
    const plain = await makeDriver(root);
    const [pool] = (await plain.getStats()).pools;
    assert.equal(pool.poolName, "file-1");
    assert.equal(pool.reservedPercentage, 0);
    assert.equal(pool.maxOverSubscriptionRatio, 20);
    assert.deepEqual(pool.capabilities, {});
  });

  it("lists volume and snapshot ids, sorted, ignoring temporary and foreign files", async () => {
    const a = vol(1, "aaaaaaaa-0000-4000-8000-000000000001");
    const b = vol(1, "bbbbbbbb-0000-4000-8000-000000000002");
    await driver.createVolume(b);
    await driver.createVolume(a);
    const s = snap(a, "cccccccc-0000-4000-8000-000000000003");
    await driver.createSnapshot(s, a);
    await fsp.writeFile(`${root}/vols/.volume-${a.id}.tmp-123`, "");
    await fsp.writeFile(`${root}/vols/README`, "");
    await fsp.writeFile(`${root}/vols/volume-..`, "");
    assert.deepEqual(await driver.listResources(), { volumes: [a.id, b.id], snapshots: [s.id] });
  });
});
