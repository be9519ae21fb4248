/**
 * The migration's data copy between two file backends: through each driver's openData, bit for
 * bit, a sparse source staying sparse, and a migrated volume's storage found by its name_id.
 */
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { copyVolumeData } from "../../server/src/volume/manager/copy-data";
import { vref } from "../../server/src/volume/manager/operations";
import type { VolumeRow } from "../../server/src/db/schema";
import { MIB, makeDriver, makeTempDir, readAt, removeDir, vol, writeAt } from "../drivers/helpers";

describe("migration data copy between two file backends", function () {
  this.timeout(60_000);
  let root: string;
  before(async () => {
    root = await makeTempDir("cinderblock-migrate-");
  });
  after(async () => removeDir(root));

  it("copies random bytes at the start, the middle and the last chunk bit for bit", async () => {
    const a = await makeDriver(path.join(root, "a"), { backendName: "a" });
    const b = await makeDriver(path.join(root, "b"), { backendName: "b" });
    const src = vol(1);
    const dst = vol(1);
    await a.createVolume(src);
    await b.createVolume(dst);
    const pieces = [0, 512 * MIB + 17, 1024 * MIB - 4096].map((at) => ({ at, bytes: randomBytes(4096) }));
    for (const p of pieces) await writeAt(a.localPath(src), p.at, p.bytes);
    const written = await copyVolumeData(a, src, b, dst);
    assert.ok(written > 0 && written <= 4 * MIB, `only chunks holding data are written (${written})`);
    for (const p of pieces) assert.deepEqual(await readAt(b.localPath(dst), p.at, p.bytes.length), p.bytes);
    const st = await fsp.stat(b.localPath(dst));
    assert.equal(st.size, 1024 * MIB);
    assert.ok(st.blocks * 512 < 64 * MIB, `the copy stays sparse (${st.blocks * 512} bytes allocated)`);
  });

  it("refuses volumes of different sizes and a source without data, writing nothing", async () => {
    const a = await makeDriver(path.join(root, "c"), { backendName: "c" });
    const b = await makeDriver(path.join(root, "d"), { backendName: "d" });
    const src = vol(1);
    const big = vol(2);
    await a.createVolume(src);
    await b.createVolume(big);
    await assert.rejects(copyVolumeData(a, src, b, big), /cannot copy a 1 GiB volume into a 2 GiB one/);
    await assert.rejects(copyVolumeData(a, vol(2), b, big), /ENOENT/);
    assert.equal((await fsp.stat(b.localPath(big))).blocks, 0);
  });

  it("a row with a name_id reaches the storage named after it", async () => {
    const a = await makeDriver(path.join(root, "e"), { backendName: "e" });
    const storage = vol(1);
    await a.createVolume(storage);
    const bytes = randomBytes(512);
    await writeAt(a.localPath(storage), 0, bytes);
    const row = { id: randomUUID(), size: 1, name_id: storage.id } as VolumeRow;
    const h = await a.openData({ volume: vref(row) }, "read");
    try {
      const buf = Buffer.alloc(512);
      await h.read(buf, 0, 512, 0);
      assert.deepEqual(buf, bytes);
    } finally {
      await h.close();
    }
    assert.equal(vref({ ...row, name_id: null }).id, row.id);
  });
});
