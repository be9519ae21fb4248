/**
 * Splitting a backend's options between its export target and its volume driver
 * (server/src/targets/options.ts), and the errors a bad option gives once the split halves reach
 * the target and driver factories: the same as when the composition root split them itself.
 */
import assert from "node:assert/strict";
import { createDriver } from "../../server/src/drivers/registry";
import { ProcessExecutor } from "../../server/src/exec/executor";
import { splitBackendOptions, targetOptionNames, type TargetChoice } from "../../server/src/targets/options";
import { createTarget, targets } from "../../server/src/targets/registry";

const SERVER = { targetHelper: undefined, targetIp: "127.0.0.1", targetPort: 3260 };
const executor = new ProcessExecutor();

/** Every target-side name a backend may set, with a well-typed value. */
const ALL_TARGET = {
  targetHelper: "tgt",
  targetIp: "192.0.2.7",
  targetPort: 3262,
  tgtControlPort: 7,
  volumesDir: "/srv/tgt",
  writeCache: false,
  configfsRoot: "/tmp/configfs",
  lioStateDir: "/srv/lio",
};
const DRIVER = { volumeGroup: "cinder-volumes", lvmType: "thin", dir: "/srv/volumes", capabilities: { tier: "gold" } };

function build(t: TargetChoice) {
  return createTarget(t.helper, {
    backendName: "b",
    dataDir: "/var/lib/cinderblock",
    executor,
    targetIp: t.targetIp,
    targetPort: t.targetPort,
    options: t.options,
  });
}

describe("backend options: target or driver", () => {
  it("gives the chosen helper its own options and the shared ones, and the driver the rest", () => {
    const tgt = splitBackendOptions({ ...ALL_TARGET, ...DRIVER }, SERVER);
    assert.deepEqual(tgt.driver, DRIVER);
    assert.deepEqual(tgt.target, {
      helper: "tgt",
      targetIp: "192.0.2.7",
      targetPort: 3262,
      options: { tgtControlPort: 7, volumesDir: "/srv/tgt", writeCache: false },
    });

    const lio = splitBackendOptions({ ...ALL_TARGET, targetHelper: "lio", ...DRIVER }, SERVER);
    assert.deepEqual(lio.driver, DRIVER);
    assert.deepEqual(lio.target?.options, { configfsRoot: "/tmp/configfs", lioStateDir: "/srv/lio" });
  });

  it("keeps every option name a registered helper declares away from the driver", () => {
    for (const [name, entry] of Object.entries(targets)) {
      assert.ok(entry.options.length > 0, `${name} declares its options`);
      for (const k of entry.options) {
        assert.ok(targetOptionNames().has(k), k);
        const { driver, target } = splitBackendOptions({ targetHelper: name, [k]: "x", dir: "/d" }, SERVER);
        assert.deepEqual(driver, { dir: "/d" }, `${k} is not the driver's`);
        assert.deepEqual(target?.options, { [k]: "x" }, `${k} is ${name}'s`);
      }
    }
  });

  it("falls back on the server's helper, address and port; an empty helper turns exporting off", () => {
    assert.deepEqual(splitBackendOptions({ dir: "/d" }, { ...SERVER, targetHelper: "lio" }), {
      target: { helper: "lio", targetIp: "127.0.0.1", targetPort: 3260, options: {} },
      driver: { dir: "/d" },
    });
    assert.equal(splitBackendOptions({ targetHelper: "tgt" }, { ...SERVER, targetHelper: "lio" }).target?.helper, "tgt");
    assert.equal(splitBackendOptions({ targetHelper: "" }, { ...SERVER, targetHelper: "tgt" }).target, undefined);
    // A mistyped address or port is not an error: the server's is used, as it always was.
    const t = splitBackendOptions({ targetHelper: "tgt", targetIp: 7, targetPort: "3262" }, SERVER).target;
    assert.deepEqual([t?.targetIp, t?.targetPort], ["127.0.0.1", 3260]);
  });

  it("drops target options when no helper is chosen, and leaves the input as it was", () => {
    const input = { ...ALL_TARGET, targetHelper: undefined, ...DRIVER };
    const copy = structuredClone(input);
    const split = splitBackendOptions(input, SERVER);
    assert.equal(split.target, undefined);
    assert.deepEqual(split.driver, DRIVER);
    assert.deepEqual(input, copy);
  });

  it("builds the targets the split describes", () => {
    const split = splitBackendOptions({ targetHelper: "lio", lioStateDir: "/srv/lio", tgtControlPort: "ignored by lio" }, SERVER);
    assert.equal(build(split.target!).name, "lio");
    assert.equal(build(splitBackendOptions({ tgtControlPort: 7 }, { ...SERVER, targetHelper: "tgt" }).target!).name, "tgt");
  });

  it("refuses a mistyped helper option, an unknown helper and an unknown lvm option with the factories' messages", () => {
    const bad = (options: Record<string, unknown>) => () => build(splitBackendOptions(options, SERVER).target!);
    assert.throws(bad({ targetHelper: "tgt", tgtControlPort: "x" }), { message: "Target option 'tgtControlPort' must be a whole number" });
    assert.throws(bad({ targetHelper: "tgt", tgtControlPort: -1 }), { message: "Target option 'tgtControlPort' must be a whole number" });
    assert.throws(bad({ targetHelper: "tgt", volumesDir: "" }), { message: "Target option 'volumesDir' must be a path" });
    assert.throws(bad({ targetHelper: "lio", configfsRoot: 3 }), { message: "Target option 'configfsRoot' must be a path" });
    assert.throws(bad({ targetHelper: "lio", lioStateDir: null }), { message: "Target option 'lioStateDir' must be a path" });
    assert.throws(bad({ targetHelper: "iet" }), { message: "Unknown target helper 'iet'; known target helpers: tgt, lio" });

    // A misspelt target option is nobody's: it reaches the driver, and lvm refuses names it does not know.
    const { driver } = splitBackendOptions({ targetHelper: "tgt", tgtControlPrt: 7, volumeGroup: "vg" }, SERVER);
    assert.deepEqual(driver, { tgtControlPrt: 7, volumeGroup: "vg" });
    assert.throws(
      () => createDriver("lvm", { backendName: "b", dataDir: "/var/lib/cinderblock", executor, options: driver }),
      /^Error: Unknown lvm driver option\(s\) tgtControlPrt; known: volumeGroup,/,
    );
    // ... while a correctly spelt one never does.
    const ok = splitBackendOptions({ targetHelper: "tgt", tgtControlPort: 7, volumeGroup: "vg" }, SERVER).driver;
    assert.equal(createDriver("lvm", { backendName: "b", dataDir: "/var/lib/cinderblock", executor, options: ok }).name, "lvm");
  });
});
