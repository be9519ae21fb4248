/**
 * The lvm driver's snapshot manage methods against the recorded VG reports
 * (test/fixtures/lvm/lvs-thin-vg.json and lvs-thick-vg.json: the driver's snapshot
 * `_snapshot-5a6b…` of `volume-0b5c…`, a thin volume made from it, a foreign LV without origin).
 * The executor answers reports from the recording and applies the driver's `lvrename` and
 * `lvchange --addtag/--deltag` to it, so the driver sees its changes afterwards.
 */
import assert from "node:assert/strict";
import { LvmDriver } from "../../server/src/drivers/lvm/driver";
import { manageableSnapshotLvs } from "../../server/src/drivers/lvm/snapshot-manage";
import { parseLvs, reportRecords } from "../../server/src/drivers/lvm/lvm";
import { InvalidReferenceError } from "../../server/src/drivers/manage";
import { ExecError, type ExecOptions, type ExecResult, type Executor } from "../../server/src/exec/executor";
import { createDriver } from "../../server/src/drivers/registry";
import { FOREIGN, fx, SNAP, VOL, VOL2 } from "./lvm-fixtures";

const NEW = "11111111-2222-4333-8444-555555555555";

/** A recorded VG as mutable rows; renames and tags change them. */
class RecordedVg implements Executor {
  readonly ran: string[][] = [];
  readonly rows: Record<string, string>[];

  constructor(private readonly vg: "thin" | "thick") {
    this.rows = reportRecords(fx(`lvs-${vg}-vg`).stdout, "lv");
  }

  async run(cmd: string, args: readonly string[], _opts?: ExecOptions): Promise<ExecResult> {
    this.ran.push([cmd, ...args]);
    const target = args[args.length - 1];
    if (cmd === "vgs") return { stdout: fx(`vgs-${this.vg}`).stdout, stderr: "", code: 0 };
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
    if (cmd === "lvchange" && (args[0] === "--addtag" || args[0] === "--deltag")) {
      const row = this.rows.find((r) => `cinder-${this.vg}/${r.lv_name}` === target);
      const tags = row?.lv_tags ? row.lv_tags.split(",") : [];
      if (row) row.lv_tags = (args[0] === "--addtag" ? [...tags, args[1]] : tags.filter((t) => t !== args[1])).join(",");
    }
    return { stdout: "", stderr: "", code: 0 };
  }

  changes(): string[] {
    return this.ran.filter((l) => !["lvs", "vgs"].includes(l[0])).map((l) => l.join(" "));
  }
}

async function driver(exec: RecordedVg, type: "thin" | "default" = "thin"): Promise<LvmDriver> {
  const d = createDriver("lvm", {
    backendName: "lvm-1",
    dataDir: "/nonexistent",
    executor: exec,
    options: { volumeGroup: type === "thin" ? "cinder-thin" : "cinder-thick", lvmType: type },
  }) as LvmDriver;
  await d.setup();
  return d;
}

describe("lvm driver: manage existing snapshots", () => {
  it("lists its own snapshot with a row as already managed, with its origin; volumes made from snapshots are not snapshots", async () => {
    const d = await driver(new RecordedVg("thin"));
    assert.deepEqual(await d.getManageableSnapshots(new Map([[SNAP, VOL]])), [
      {
        sourceName: `_snapshot-${SNAP}`,
        sizeGb: 1,
        safe: false,
        reasonNotSafe: "already managed",
        cinderId: SNAP,
        extraInfo: null,
        sourceReference: { "source-name": `volume-${VOL}` },
      },
    ]);
    // Without a row it is an orphan snapshot of its origin's volume: offered, safe.
    const orphan = (await d.getManageableSnapshots(new Map()))[0];
    assert.equal(orphan.safe, true);
    assert.equal(orphan.cinderId, null);
  });

  it("unmanages by dropping its tag, lists the LV as foreign, and manages it again under a new snapshot's name", async () => {
    const exec = new RecordedVg("thin");
    const d = await driver(exec);
    const before = exec.changes().length;
    await d.unmanageSnapshot({ id: SNAP, volumeId: VOL, volumeSize: 1 });
    assert.deepEqual(exec.changes().slice(before), [`lvchange --deltag cinderblock cinder-thin/_snapshot-${SNAP}`]);
    assert.deepEqual((await d.listResources()).snapshots, [], "no longer one of the driver's own: not an orphan on restart");
    await d.unmanageSnapshot({ id: SNAP, volumeId: VOL, volumeSize: 1 });
    assert.equal(exec.changes().length, before + 1, "a re-run changes nothing");

    const listed = await d.getManageableSnapshots(new Map());
    assert.deepEqual(listed.map((e) => [e.sourceName, e.safe, e.sourceReference]), [[`_snapshot-${SNAP}`, true, { "source-name": `volume-${VOL}` }]]);

    const ref = { sourceName: `_snapshot-${SNAP}` };
    assert.equal(await d.manageExistingSnapshotGetSize({ id: NEW, volumeId: VOL, volumeSize: 1 }, ref), 1);
    const mark = exec.changes().length;
    await d.manageExistingSnapshot({ id: NEW, volumeId: VOL, volumeSize: 1 }, ref);
    assert.deepEqual(exec.changes().slice(mark), [
      `lvrename cinder-thin _snapshot-${SNAP} _snapshot-${NEW}`,
      `lvchange --addtag cinderblock cinder-thin/_snapshot-${NEW}`,
    ]);
    assert.deepEqual((await d.listResources()).snapshots, [NEW]);
    await d.manageExistingSnapshot({ id: NEW, volumeId: VOL, volumeSize: 1 }, ref);
    assert.equal(exec.changes().length, mark + 2, "a re-run only checks");
  });

  it("refuses what is not a snapshot of the snapshot's volume, and bad names, changing nothing", async () => {
    const exec = new RecordedVg("thin");
    const d = await driver(exec);
    await d.unmanageSnapshot({ id: SNAP, volumeId: VOL, volumeSize: 1 });
    const before = exec.changes().length;
    const reasons: Array<[string, string, string]> = [
      [`_snapshot-${SNAP}`, VOL2, `It is not a snapshot of volume ${VOL2} (its origin is 'volume-${VOL}').`],
      [`volume-${FOREIGN}`, VOL, `It is not a snapshot of volume ${VOL} (its origin is '').`],
      [`volume-${VOL2}`, VOL, `It is not a snapshot of volume ${VOL} (its origin is '_snapshot-${SNAP}').`],
      ["no-such-lv", VOL, "Specified logical volume does not exist."],
      ["a/b", VOL, "Logical volume names use only letters, digits and '+', '_', '.', '-', and do not start with '-'."],
      ["snapshot0", VOL, "The name is one LVM reserves for its own internal volumes."],
    ];
    for (const [sourceName, volumeId, reason] of reasons) {
      for (const call of [
        () => d.manageExistingSnapshotGetSize({ id: NEW, volumeId, volumeSize: 1 }, { sourceName }),
        () => d.manageExistingSnapshot({ id: NEW, volumeId, volumeSize: 1 }, { sourceName }),
      ]) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(err instanceof InvalidReferenceError, String(err));
          assert.equal((err as Error).message, `Manage existing volume failed due to invalid backend reference '${sourceName}': ${reason}`);
          return true;
        });
      }
    }
    assert.deepEqual(exec.changes().slice(before), []);
  });

  it("sizes a thick snapshot as its origin, skips the driver's unfinished copies, and marks open snapshots in use", async () => {
    const lvs = parseLvs(fx("lvs-thick-vg").stdout);
    // A thick snapshot's lv_size is its copy-on-write area: half the origin here.
    const small = lvs.map((lv) => (lv.name === `_snapshot-${SNAP}` ? { ...lv, sizeBytes: lv.sizeBytes / 2, tags: [], attr: "swi-aos---" } : lv));
    assert.deepEqual(manageableSnapshotLvs(small, "cinderblock", new Map()), [
      {
        sourceName: `_snapshot-${SNAP}`,
        sizeGb: 1,
        safe: false,
        reasonNotSafe: "snapshot in use",
        cinderId: null,
        extraInfo: null,
        sourceReference: { "source-name": `volume-${VOL}` },
      },
    ]);
    const exec = new RecordedVg("thick");
    for (const r of exec.rows) if (r.lv_name === `_snapshot-${SNAP}`) r.lv_size = String(512 * 1024 ** 2);
    const d = await driver(exec, "default");
    await d.unmanageSnapshot({ id: SNAP, volumeId: VOL, volumeSize: 1 });
    assert.equal(await d.manageExistingSnapshotGetSize({ id: NEW, volumeId: VOL, volumeSize: 1 }, { sourceName: `_snapshot-${SNAP}` }), 1);
    const incomplete = lvs.map((lv) => (lv.name === `_snapshot-${SNAP}` ? { ...lv, tags: ["cinderblock", "cinderblock-incomplete"] } : lv));
    assert.deepEqual(manageableSnapshotLvs(incomplete, "cinderblock", new Map()), []);
  });
});
