/**
 * The driver registry, and a compliance check that every registered driver implements the whole
 * VolumeDriver contract (cf. cinder/tests/compliance/test_volume_drivers.py).
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { canManageSnapshots, type VolumeDriver } from "../../server/src/drivers/interface";
import { createDriver, drivers, type DriverFactoryOptions } from "../../server/src/drivers/registry";
import { ProcessExecutor } from "../../server/src/exec/executor";
import { makeTempDir, removeDir } from "./helpers";

/** Every method of VolumeDriver; `satisfies` makes the compiler flag a method added to the interface. */
const CONTRACT = {
  setup: true,
  createVolume: true,
  createVolumeFromSnapshot: true,
  createClonedVolume: true,
  deleteVolume: true,
  extendVolume: true,
  createSnapshot: true,
  deleteSnapshot: true,
  revertToSnapshot: true,
  localPath: true,
  openData: true,
  getStats: true,
  listResources: true,
  listIncomplete: true,
} satisfies Record<Exclude<keyof VolumeDriver, "name" | "supportsActiveActive" | "unmanage">, true>;

describe("driver registry", () => {
  let root: string;
  const opts = (options: Record<string, unknown> = {}): DriverFactoryOptions => ({
    backendName: "backend-a",
    dataDir: root,
    executor: new ProcessExecutor(),
    options,
  });

  beforeEach(async () => {
    root = await makeTempDir("cinderblock-registry-");
  });
  afterEach(async () => removeDir(root));

  for (const name of Object.keys(drivers)) {
    it(`'${name}' implements every VolumeDriver method and reports its name`, async () => {
      const driver = createDriver(name, opts());
      assert.equal(driver.name, name);
      for (const method of Object.keys(CONTRACT)) {
        assert.equal(typeof (driver as unknown as Record<string, unknown>)[method], "function", method);
      }
    });
  }

  it("'file' and 'lvm' manage existing snapshots", () => {
    assert.equal(canManageSnapshots(createDriver("file", opts())), true);
    assert.equal(canManageSnapshots(createDriver("lvm", opts())), true);
  });

  it("throws on an unknown driver, naming the known ones", () => {
    assert.throws(() => createDriver("lvmx", opts()), {
      message: "Unknown volume driver 'lvmx'; known drivers: file, lvm, rbd",
    });
    assert.throws(() => createDriver("toString", opts()), /Unknown volume driver 'toString'/);
  });

  it("puts file volumes under <dataDir>/volumes/<backendName> by default", async () => {
    const driver = createDriver("file", opts());
    await driver.setup();
    await driver.createVolume({ id: "11111111-2222-4333-8444-555555555555", size: 1 });
    const dir = path.join(root, "volumes", "backend-a");
    assert.deepEqual(await fsp.readdir(dir), ["volume-11111111-2222-4333-8444-555555555555"]);
  });

  it("honours the file driver's options", async () => {
    const dir = path.join(root, "elsewhere");
    const driver = createDriver(
      "file",
      opts({ dir, reservedPercentage: 10, maxOverSubscriptionRatio: 2, capabilities: { tier: "fast" } }),
    );
    await driver.setup();
    const [pool] = (await driver.getStats()).pools;
    assert.equal(pool.reservedPercentage, 10);
    assert.equal(pool.maxOverSubscriptionRatio, 2);
    assert.deepEqual(pool.capabilities, { tier: "fast" });
    assert.ok((await fsp.stat(dir)).isDirectory());
  });

  it("rejects mistyped file driver options", () => {
    assert.throws(() => createDriver("file", opts({ dir: 3 })), /'dir' must be a non-empty string/);
    assert.throws(() => createDriver("file", opts({ reservedPercentage: "10" })), /must be a number/);
    assert.throws(() => createDriver("file", opts({ capabilities: { a: [1] } })), /capabilities/);
    assert.throws(() => createDriver("file", opts({ directory: "/srv" })), /Unknown file driver option\(s\) directory; known: dir, /);
  });
});
