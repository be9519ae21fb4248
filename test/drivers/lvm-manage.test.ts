/**
 * The lvm driver's manage-existing methods against the recorded thin VG report
 * (test/fixtures/lvm/lvs-thin-vg.json, which holds an untagged LV `volume-f0f0...` that the driver
 * did not make). The executor answers reports from that recording and applies the driver's
 * `lvrename` and `lvchange --addtag` to it, so the driver sees the LV under its new name afterwards.
 */
import assert from "node:assert/strict";
import { LvmDriver } from "../../server/src/drivers/lvm/driver";
import { manageableLvs } from "../../server/src/drivers/lvm/manage";
import { parseLvs, reportRecords } from "../../server/src/drivers/lvm/lvm";
import { InvalidReferenceError } from "../../server/src/drivers/manage";
import { ExecError, type ExecOptions, type ExecResult, type Executor } from "../../server/src/exec/executor";
import { createDriver } from "../../server/src/drivers/registry";
import { FOREIGN, fx, SNAP, VOL, VOL2 } from "./lvm-fixtures";

const NEW = "11111111-2222-4333-8444-555555555555";

/** The recorded thin VG as mutable rows; renames and tags change them. */
class ThinVg implements Executor {
  readonly ran: string[][] = [];
  readonly rows: Record<string, string>[] = reportRecords(fx("lvs-thin-vg").stdout, "lv");

  async run(cmd: string, args: readonly string[], _opts?: ExecOptions): Promise<ExecResult> {
    this.ran.push([cmd, ...args]);
    const target = args[args.length - 1];
    if (cmd === "vgs") return { stdout: fx("vgs-thin").stdout, stderr: "", code: 0 };
    if (cmd === "lvs") {
      const [, lv] = target.split("/");
      const rows = lv ? this.rows.filter((r) => r.lv_name === lv) : this.rows;
      if (lv && rows.length === 0) {
        const m = fx("lvs-missing-lv");
        throw new ExecError(cmd, args, m.code, "", `  Failed to find logical volume "${target}"\n`, false);
      }
      return { stdout: JSON.stringify({ report: [{ lv: rows }] }), stderr: "", code: 0 };
    }
    if (cmd === "lvrename") {
      const row = this.rows.find((r) => r.lv_name === args[1]);
      if (row) row.lv_name = args[2];
    }
    if (cmd === "lvchange" && args[0] === "--addtag") {
      const row = this.rows.find((r) => `cinder-thin/${r.lv_name}` === target);
      if (row) row.lv_tags = row.lv_tags ? `${row.lv_tags},${args[1]}` : args[1];
    }
    if (cmd === "lvchange" && args[0] === "--deltag") {
      const row = this.rows.find((r) => `cinder-thin/${r.lv_name}` === target);
      if (row) row.lv_tags = row.lv_tags.split(",").filter((t) => t !== args[1]).join(",");
    }
    return { stdout: "", stderr: "", code: 0 };
  }

  changes(): string[] {
    return this.ran.filter((l) => !["lvs", "vgs"].includes(l[0])).map((l) => l.join(" "));
  }
}

async function driver(exec: ThinVg): Promise<LvmDriver> {
  const d = createDriver("lvm", {
    backendName: "lvm-1",
    dataDir: "/nonexistent",
    executor: exec,
    options: { volumeGroup: "cinder-thin", lvmType: "thin" },
  }) as LvmDriver;
  await d.setup();
  return d;
}

describe("lvm driver: manage existing", () => {
  it("lists the foreign LV as safe, known volumes as already managed, and skips the pool and snapshots", async () => {
    const d = await driver(new ThinVg());
    const list = await d.getManageableVolumes(new Set([VOL]));
    const by = new Map(list.map((e) => [e.sourceName, e]));
    assert.deepEqual([...by.keys()].sort(), [`volume-${VOL}`, `volume-${VOL2}`, `volume-${FOREIGN}`]);
    assert.deepEqual(by.get(`volume-${FOREIGN}`), {
      sourceName: `volume-${FOREIGN}`,
      sizeGb: 1,
      safe: true,
      reasonNotSafe: null,
      cinderId: null,
      extraInfo: null,
    });
    assert.equal(by.get(`volume-${VOL}`)!.reasonNotSafe, "already managed");
    assert.equal(by.get(`volume-${VOL}`)!.cinderId, VOL);
    assert.equal(by.get(`volume-${VOL2}`)!.safe, true, "an LV of a volume the database does not know");
    assert.equal(by.get(`volume-${VOL2}`)!.sizeGb, 2);
  });

  it("marks open LVs as in use, skips thick snapshots, and rounds sizes up", () => {
    const lvs = parseLvs(fx("lvs-thick-vg").stdout).map((lv) => ({ ...lv, tags: [] as string[] }));
    const opened = lvs.map((lv) => (lv.name === `volume-${VOL2}` ? { ...lv, attr: "-wi-ao----", sizeBytes: lv.sizeBytes + 1 } : lv));
    const out = manageableLvs(opened, "cinderblock", new Set());
    assert.deepEqual(
      out.map((e) => [e.sourceName, e.sizeGb, e.safe, e.reasonNotSafe]),
      [
        [`volume-${VOL}`, 1, true, null],
        [`volume-${VOL2}`, 2, false, "volume in use"],
      ],
    );
  });

  it("sizes a reference in whole GiB and refuses what does not exist, the pool and bad names", async () => {
    const d = await driver(new ThinVg());
    assert.equal(await d.manageExistingGetSize({ sourceName: `volume-${VOL2}` }), 2);
    const reasons: Record<string, string> = {
      "no-such-lv": "Specified logical volume does not exist.",
      "cinder-thin-pool": "It is the backend's thin pool, which holds the volumes.",
      "-bad": "Logical volume names use only letters, digits and '+', '_', '.', '-', and do not start with '-'.",
      "a/b": "Logical volume names use only letters, digits and '+', '_', '.', '-', and do not start with '-'.",
      "..": "Logical volume names have 1 to 127 characters and are not '.' or '..'.",
      "cinder-thin-pool_tdata": "The name is one LVM reserves for its own internal volumes.",
      "snapshot0": "The name is one LVM reserves for its own internal volumes.",
    };
    for (const [sourceName, reason] of Object.entries(reasons)) {
      await assert.rejects(d.manageExistingGetSize({ sourceName }), (err: unknown) => {
        assert.ok(err instanceof InvalidReferenceError, String(err));
        assert.equal((err as Error).message, `Manage existing volume failed due to invalid backend reference '${sourceName}': ${reason}`);
        return true;
      });
    }
  });

  it("unmanage drops the owner tag and keeps the LV: no longer the driver's on a restart, offered for manage again", async () => {
    const exec = new ThinVg();
    const d = await driver(exec);
    assert.ok((await d.listResources()).volumes.includes(VOL), "the driver's own volume before");
    const before = exec.changes().length;
    await d.unmanage({ id: VOL, size: 1 });
    assert.deepEqual(exec.changes().slice(before), [`lvchange --deltag cinderblock cinder-thin/volume-${VOL}`]);
    assert.ok(!(await d.listResources()).volumes.includes(VOL), "a restart does not count it as its own (no orphan to purge)");
    const entry = (await d.getManageableVolumes(new Set())).find((e) => e.sourceName === `volume-${VOL}`);
    assert.equal(entry?.safe, true);
    await d.unmanage({ id: VOL, size: 1 });
    assert.deepEqual(exec.changes().slice(before).length, 1, "unmanaging again changes nothing");
    await d.manageExisting({ id: NEW, size: 1 }, { sourceName: `volume-${VOL}` });
    assert.ok((await d.listResources()).volumes.includes(NEW), "adopted again under the new volume's name, with the tag");
  });

  it("a bad reference changes nothing: no rename, no tag", async () => {
    const exec = new ThinVg();
    const d = await driver(exec);
    const before = exec.changes().length;
    for (const sourceName of ["-bad", "a/b", "cinder-thin-pool", "cinder-thin-pool_tmeta", "no-such-lv"]) {
      await assert.rejects(d.manageExisting({ id: NEW, size: 1 }, { sourceName }), InvalidReferenceError);
    }
    assert.deepEqual(exec.changes().slice(before), []);
  });

  it("offers its own thin snapshot only when the database has no row for it, and adopts it as an activatable volume", async () => {
    const exec = new ThinVg();
    const d = await driver(exec);
    const names = async (known?: Set<string>) => (await d.getManageableVolumes(new Set([VOL, VOL2]), known)).map((e) => e.sourceName).sort();
    assert.ok(!(await names()).includes(`_snapshot-${SNAP}`), "no snapshot without the database's snapshot ids");
    assert.ok(!(await names(new Set([SNAP]))).includes(`_snapshot-${SNAP}`), "a snapshot with a row is never offered");
    const orphan = (await d.getManageableVolumes(new Set([VOL, VOL2]), new Set())).find((e) => e.sourceName === `_snapshot-${SNAP}`);
    assert.deepEqual(orphan, { sourceName: `_snapshot-${SNAP}`, sizeGb: 1, safe: true, reasonNotSafe: null, cinderId: null, extraInfo: null });
    const before = exec.changes().length;
    await d.manageExisting({ id: NEW, size: 1 }, { sourceName: `_snapshot-${SNAP}` });
    assert.deepEqual(exec.changes().slice(before), [
      `lvrename cinder-thin _snapshot-${SNAP} volume-${NEW}`,
      `lvchange -a y --yes -k n cinder-thin/volume-${NEW}`,
    ]);
  });

  it("refuses a thick snapshot and an unfinished copy of its own", async () => {
    const exec = new ThinVg();
    for (const r of exec.rows) {
      if (r.lv_name === `_snapshot-${SNAP}`) r.lv_attr = "swi-a-s---";
      if (r.lv_name === `volume-${VOL2}`) r.lv_tags = "cinderblock,cinderblock-incomplete";
    }
    const d = await driver(exec);
    await assert.rejects(d.manageExistingGetSize({ sourceName: `_snapshot-${SNAP}` }), /It is a thick snapshot, not a volume\.$/);
    await assert.rejects(d.manageExistingGetSize({ sourceName: `volume-${VOL2}` }), /It is an unfinished copy; its data is incomplete\.$/);
    const listed = (await d.getManageableVolumes(new Set([VOL]), new Set())).find((e) => e.sourceName === `volume-${VOL2}`);
    assert.equal(listed?.reasonNotSafe, "unfinished copy");
  });

  it("renames the foreign LV to volume-<id> and tags it; a re-run only checks", async () => {
    const exec = new ThinVg();
    const d = await driver(exec);
    const before = exec.ran.length;
    await d.manageExisting({ id: NEW, size: 1 }, { sourceName: `volume-${FOREIGN}` });
    assert.deepEqual(
      exec.ran.slice(before).filter((l) => !["lvs", "vgs"].includes(l[0])).map((l) => l.join(" ")),
      [`lvrename cinder-thin volume-${FOREIGN} volume-${NEW}`, `lvchange --addtag cinderblock cinder-thin/volume-${NEW}`],
    );
    assert.deepEqual((await d.listResources()).volumes.includes(NEW), true, "now one of the driver's volumes");
    const after = exec.changes().length;
    await d.manageExisting({ id: NEW, size: 1 }, { sourceName: `volume-${FOREIGN}` });
    assert.equal(exec.changes().length, after, "nothing to do the second time");
    await assert.rejects(d.manageExisting({ id: "99999999-2222-4333-8444-555555555555", size: 1 }, { sourceName: "no-such-lv" }), InvalidReferenceError);
  });
});
