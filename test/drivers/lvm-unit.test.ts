/**
 * The lvm driver's parsers, argument arrays and decisions, against what LVM really printed:
 * test/fixtures/lvm/*.json were recorded inside the kernel lab by test/lab/record-lvm-fixtures.ts
 * (the driver's own commands on a thin pool and a thick VG). The driver runs on an executor that
 * answers from those recordings and keeps the command lines it was given; the real LVM runs are
 * in the kernel-lab tests.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { ExecError, type ExecOptions, type ExecResult, type Executor } from "../../server/src/exec/executor";
import { LvmDriver, VolumeBusyError } from "../../server/src/drivers/lvm/driver";
import {
  isBusy,
  isNotFound,
  isValidName,
  Lvm,
  lvsArgs,
  mapperPath,
  parseLvmVersion,
  parseLvs,
  parseVgs,
  reportRecords,
  vgsArgs,
} from "../../server/src/drivers/lvm/lvm";
import { createDriver } from "../../server/src/drivers/registry";
import { FIXTURES, FOREIGN, fx, SNAP, VOL, VOL2, type Recorded } from "./lvm-fixtures";
import { InProcessBus } from "../../server/src/bus/bus";
import { DEFAULT_QUOTAS } from "../../server/src/config";
import { migrate, openDb } from "../../server/src/db/database";
import { createLogger } from "../../server/src/log";
import { VolumeManager } from "../../server/src/volume/manager/manager";
import { reconcile } from "../../server/src/volume/manager/reconcile";

const GIB = 1024 ** 3;
const DIR = FIXTURES;

/** Answers reports from the recordings; every other command succeeds silently. Keeps every command line. */
class RecordedLvm implements Executor {
  readonly ran: string[][] = [];
  /** Replies for commands matched by their first words, e.g. "lvremove" → a failure. */
  readonly overrides: { prefix: string[]; reply: Recorded }[] = [];

  constructor(private readonly vgReport: Record<string, { lvs: Recorded; vgs: Recorded }>) {}

  async run(cmd: string, args: readonly string[], _opts?: ExecOptions): Promise<ExecResult> {
    const line = [cmd, ...args];
    this.ran.push(line);
    const o = this.overrides.find((x) => x.prefix.every((p, i) => line[i] === p));
    if (o) return this.reply(cmd, args, o.reply);
    const target = args[args.length - 1];
    if (cmd === "vgs") {
      const r = this.vgReport[target]?.vgs;
      return this.reply(cmd, args, r ?? { ...fx("vgs-missing"), stderr: fx("vgs-missing").stderr.replaceAll("no-such-vg", target) });
    }
    if (cmd === "lvs") {
      const [vg, lv] = target.split("/");
      const all = this.vgReport[vg]?.lvs;
      if (!all) throw new Error(`no recording for VG ${vg}`);
      if (!lv) return this.reply(cmd, args, all);
      const rows = reportRecords(all.stdout, "lv").filter((r) => r.lv_name === lv);
      if (rows.length === 0) {
        const missing = fx("lvs-missing-lv");
        return this.reply(cmd, args, { ...missing, stderr: `  Failed to find logical volume "${target}"\n` });
      }
      return this.reply(cmd, args, { ...all, stdout: JSON.stringify({ report: [{ lv: rows }] }) });
    }
    return { stdout: "", stderr: "", code: 0 };
  }

  private reply(cmd: string, args: readonly string[], r: Recorded): ExecResult {
    if (r.code !== 0) throw new ExecError(cmd, args, r.code, r.stdout, r.stderr, false);
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  }

  /** Command lines other than reports. */
  changes(): string[] {
    return this.ran.filter((l) => !["lvs", "vgs"].includes(l[0])).map((l) => l.join(" "));
  }
}

const thin = () => new RecordedLvm({ "cinder-thin": { lvs: fx("lvs-thin-vg"), vgs: fx("vgs-thin") } });
const thick = () => new RecordedLvm({ "cinder-thick": { lvs: fx("lvs-thick-vg"), vgs: fx("vgs-thick") } });

async function driver(exec: RecordedLvm, options: Record<string, unknown>): Promise<LvmDriver> {
  const d = createDriver("lvm", { backendName: "lvm-1", dataDir: "/nonexistent", executor: exec, options }) as LvmDriver;
  await d.setup();
  return d;
}

describe("lvm driver: parsers against recorded LVM output", () => {
  it("the recordings are the driver's own command lines", () => {
    for (const f of readdirSync(DIR)) {
      const r = fx(f.replace(/\.json$/, ""));
      assert.ok(["lvm", "lvs", "vgs", "lvcreate", "lvextend"].includes(r.cmd), f);
    }
    assert.deepEqual(fx("lvs-thin-vg").args, lvsArgs("cinder-thin"));
    assert.deepEqual(fx("vgs-thick").args, vgsArgs("cinder-thick"));
  });

  it("parses lvs: names, attributes, byte sizes, data%, pools, origins, tags", () => {
    const lvs = parseLvs(fx("lvs-thin-vg").stdout);
    const by = new Map(lvs.map((l) => [l.name, l]));
    assert.deepEqual([...by.keys()].sort(), [`_snapshot-${SNAP}`, "cinder-thin-pool", `volume-${VOL}`, `volume-${VOL2}`, `volume-${FOREIGN}`]);
    assert.deepEqual(by.get(`volume-${VOL}`)!.tags, ["cinderblock"]);
    assert.deepEqual(by.get(`volume-${FOREIGN}`)!.tags, []);
    const pool = by.get("cinder-thin-pool")!;
    assert.equal(pool.attr[0], "t");
    assert.equal(pool.sizeBytes, 4072669184);
    assert.equal(pool.dataPercent, 1.65);
    const snap = by.get(`_snapshot-${SNAP}`)!;
    assert.equal(snap.attr, "Vwi---tz-k", "a thin snapshot: inactive, activation skip");
    assert.equal(snap.dataPercent, null, "an inactive thin LV reports no data%");
    assert.equal(snap.origin, `volume-${VOL}`);
    assert.equal(by.get(`volume-${VOL2}`)!.sizeBytes, 2 * GIB);
    assert.equal(by.get(`volume-${VOL2}`)!.origin, `_snapshot-${SNAP}`);
    const thickLvs = new Map(parseLvs(fx("lvs-thick-vg").stdout).map((l) => [l.name, l]));
    assert.equal(thickLvs.get(`volume-${VOL}`)!.attr[0], "o", "a thick origin with a snapshot");
    assert.equal(thickLvs.get(`_snapshot-${SNAP}`)!.attr[0], "s");
    assert.deepEqual(thickLvs.get(`volume-${VOL2}`)!.tags, ["cinderblock", "cinderblock-incomplete"]);
    assert.deepEqual(thickLvs.get(`volume-${VOL}`)!.tags, ["cinderblock"]);
  });

  it("parses vgs and lvm version", () => {
    const [vg] = parseVgs(fx("vgs-thick").stdout);
    assert.equal(vg.name, "cinder-thick");
    assert.equal(vg.extentSizeBytes, 4 * 1024 * 1024);
    assert.ok(vg.sizeBytes > 7 * GIB && vg.sizeBytes < 8 * GIB, String(vg.sizeBytes));
    assert.equal(vg.lvCount, 3);
    assert.ok(vg.freeBytes < vg.sizeBytes);
    const v = parseLvmVersion(fx("lvm-version").stdout);
    assert.ok(v && v[0] === 2 && v[1] >= 2, JSON.stringify(v));
    assert.equal(parseLvmVersion("no version here"), null);
  });

  it("refuses a report that is not LVM's JSON, and a size that is not a number", () => {
    assert.throws(() => parseLvs("  LV VG Attr\n"), /not JSON/);
    assert.throws(() => parseLvs('{"report":[{"lv":[{"lv_name":"x","lv_size":""}]}]}'), /no number for lv_size/);
  });

  it("tells 'not found' and 'busy' apart from other failures by exit code and message", () => {
    const err = (name: string) => {
      const r = fx(name);
      return new ExecError(r.cmd, r.args, r.code, r.stdout, r.stderr, false);
    };
    assert.equal(isNotFound(err("vgs-missing")), true);
    assert.equal(isNotFound(err("lvs-missing-lv")), true);
    assert.equal(isNotFound(err("lvcreate-no-space")), false);
    assert.equal(isNotFound(err("lvcreate-reserved-name")), false);
    assert.match(fx("lvcreate-reserved-name").stderr, /reserved/, "LVM refuses names starting with 'snapshot': why snapshots are _snapshot-<id>");
    assert.equal(fx("lvcreate-reserved-name").code, 3);
    assert.equal(isBusy(err("lvcreate-no-space")), false);
    assert.equal(isBusy(new ExecError("lvremove", [], 5, "", '  Logical volume cinder-thick/volume-x in use.\n', false)), true);
  });

  it("builds the argument arrays that LVM accepted in the lab", async () => {
    const seen: string[][] = [];
    const lvm = new Lvm({ executor: { run: async (cmd, args) => (seen.push([cmd, ...args]), { stdout: "", stderr: "", code: 0 }) } });
    const owner = ["cinderblock"];
    await lvm.createThin("cinder-thin", "cinder-thin-pool", `volume-${VOL}`, 1, owner);
    await lvm.createSnapshot("cinder-thin", `_snapshot-${SNAP}`, `volume-${VOL}`, undefined, owner);
    await lvm.createSnapshot("cinder-thin", `volume-${VOL2}`, `_snapshot-${SNAP}`, undefined, owner);
    await lvm.createThick("cinder-thick", `volume-${VOL}`, 1, owner);
    await lvm.createSnapshot("cinder-thick", `_snapshot-${SNAP}`, `volume-${VOL}`, GIB, owner);
    await lvm.createThick("cinder-thick", `volume-${VOL2}`, 1, [...owner, "cinderblock-incomplete"]);
    const recorded = ["lvcreate-thin", "lvcreate-thin-snapshot", "lvcreate-thin-from-snapshot", "lvcreate-thick", "lvcreate-thick-snapshot", "lvcreate-thick-incomplete"];
    assert.deepEqual(
      seen,
      recorded.map((n) => [fx(n).cmd, ...fx(n).args]),
    );
    for (const n of recorded) assert.equal(fx(n).code, 0, `${n} succeeded in the lab`);
  });

  it("names devices and checks names as LVM does", () => {
    assert.equal(mapperPath("cinder-volumes", `volume-${VOL}`), `/dev/mapper/cinder--volumes-volume--0b5c1f9e--4d3a--4c1e--9a7b--2f6d8e1c3a50`);
    assert.equal(isValidName("cinder-volumes"), true);
    assert.equal(isValidName("-x"), false);
    assert.equal(isValidName("a b"), false);
    assert.equal(isValidName(".."), false);
  });
});

describe("lvm driver: decisions on recorded LVM state", () => {
  it("reports a thin pool as Cinder does: pool size, free from data%, provisioned = other LVs", async () => {
    const d = await driver(thin(), { volumeGroup: "cinder-thin", lvmType: "auto", reservedPercentage: 5, maxOverSubscriptionRatio: 10 });
    assert.equal(d.thinProvisioned, true, "auto is thin when the pool exists");
    const s = await d.getStats();
    const [p] = s.pools;
    assert.equal(s.storageProtocol, "iSCSI");
    assert.equal(p.poolName, "lvm-1");
    assert.equal(p.totalCapacityGb, Math.floor((4072669184 / GIB) * 100) / 100);
    assert.equal(p.freeCapacityGb, Math.floor(((4072669184 * (1 - 0.0165)) / GIB) * 100) / 100);
    assert.equal(p.provisionedCapacityGb, 5, "1 GiB volume + 1 GiB snapshot + 2 GiB volume + 1 GiB LV of someone else");
    assert.equal(p.thinProvisioningSupport, true);
    assert.equal(p.thickProvisioningSupport, false);
    assert.equal(p.reservedPercentage, 5);
    assert.equal(p.maxOverSubscriptionRatio, 10);
    assert.equal(p.capabilities.total_volumes, 3);
    assert.equal(p.capabilities.location_info, "LVMVolumeDriver:lvm-1:cinder-thin:thin:0");
  });

  it("reports a thick VG: its size, free and allocated space; auto stays thick when the VG has LVs but no pool", async () => {
    const d = await driver(thick(), { volumeGroup: "cinder-thick" });
    assert.equal(d.thinProvisioned, false);
    const [vg] = parseVgs(fx("vgs-thick").stdout);
    const [p] = (await d.getStats()).pools;
    assert.equal(p.totalCapacityGb, Math.floor((vg.sizeBytes / GIB) * 100) / 100);
    assert.equal(p.freeCapacityGb, Math.floor((vg.freeBytes / GIB) * 100) / 100);
    assert.equal(p.provisionedCapacityGb, Math.floor(((vg.sizeBytes - vg.freeBytes) / GIB) * 100) / 100);
    assert.equal(p.thickProvisioningSupport, true);
  });

  it("lists as its own only the LVs it made (Cinder's names and its tag): others in the VG are never even reported as orphans", async () => {
    const d = await driver(thin(), { volumeGroup: "cinder-thin" });
    assert.deepEqual(await d.listResources(), { volumes: [VOL, VOL2].sort(), snapshots: [SNAP] });
  });

  it("refuses a VG that does not exist, with the name", async () => {
    const exec = thin();
    const d = createDriver("lvm", { backendName: "x", dataDir: "/", executor: exec, options: { volumeGroup: "nope" } });
    await assert.rejects(d.setup(), /LVM volume group 'nope' does not exist/);
  });

  it("creates thin volumes in the pool; an existing LV is left alone", async () => {
    const exec = thin();
    const d = await driver(exec, { volumeGroup: "cinder-thin", lvmType: "thin" });
    const fresh = "11111111-2222-4333-8444-555555555555";
    await d.createVolume({ id: fresh, size: 3 });
    await d.createVolume({ id: VOL, size: 1 });
    assert.deepEqual(exec.changes(), [`lvcreate --yes -T -V 3g -n volume-${fresh} --addtag cinderblock cinder-thin/cinder-thin-pool`]);
  });

  it("will not delete a thick origin that still has snapshots (LVM would drop them with it)", async () => {
    const exec = thick();
    const d = await driver(exec, { volumeGroup: "cinder-thick" });
    await assert.rejects(d.deleteVolume({ id: VOL, size: 1 }), VolumeBusyError);
    assert.deepEqual(exec.changes(), []);
  });

  it("clears a thick volume before removing it (volume_clear=zero), all of it or volumeClearSize MiB, under ionice", async () => {
    const dev = mapperPath("cinder-thick", `volume-${VOL2}`);
    const remove = `lvremove --config activation { retry_deactivation = 1 } -f cinder-thick/volume-${VOL2}`;
    let exec = thick();
    await (await driver(exec, { volumeGroup: "cinder-thick" })).deleteVolume({ id: VOL2, size: 1 });
    assert.deepEqual(exec.changes(), [
      `lvchange -a y --yes -K cinder-thick/volume-${VOL2}`,
      `dd if=/dev/zero of=${dev} count=${GIB} bs=1M iflag=count_bytes oflag=direct`,
      remove,
    ]);
    exec = thick();
    await (await driver(exec, { volumeGroup: "cinder-thick", volumeClearSize: 100, volumeClearIonice: "-c3" })).deleteVolume({ id: VOL2, size: 1 });
    assert.equal(exec.changes()[1], `ionice -c3 dd if=/dev/zero of=${dev} count=${100 * 1024 * 1024} bs=1M iflag=count_bytes oflag=direct`);
    exec = thick();
    await (await driver(exec, { volumeGroup: "cinder-thick", volumeClear: "none" })).deleteVolume({ id: VOL2, size: 1 });
    assert.deepEqual(exec.changes(), [remove]);
  });

  it("never clears thin volumes; clears a thick snapshot's COW area before removing it", async () => {
    const exec = thin();
    await (await driver(exec, { volumeGroup: "cinder-thin" })).deleteVolume({ id: VOL2, size: 2 });
    assert.deepEqual(exec.changes(), [`lvremove --config activation { retry_deactivation = 1 } -f cinder-thin/volume-${VOL2}`]);
    const t = thick();
    await (await driver(t, { volumeGroup: "cinder-thick" })).deleteSnapshot({ id: SNAP, volumeId: VOL, volumeSize: 1 });
    assert.deepEqual(t.changes(), [
      `dd if=/dev/zero of=${mapperPath("cinder-thick", `_snapshot-${SNAP}`)}-cow count=${GIB} bs=1M iflag=count_bytes oflag=direct`,
      `lvremove --config activation { retry_deactivation = 1 } -f cinder-thick/_snapshot-${SNAP}`,
    ]);
  });

  it("extends a thick origin with snapshots while inactive (LVM refuses otherwise, as recorded)", async () => {
    assert.match(fx("lvextend-thick-origin-active").stderr, /only while inactive/);
    const exec = thick();
    await (await driver(exec, { volumeGroup: "cinder-thick" })).extendVolume({ id: VOL, size: 1 }, 2);
    assert.deepEqual(exec.changes(), [
      `lvchange -a n cinder-thick/volume-${VOL}`,
      `lvextend -L 2g cinder-thick/volume-${VOL}`,
      `lvchange -a y --yes -K cinder-thick/volume-${VOL}`,
    ]);
  });

  it("copies again into a volume whose copy a crash interrupted (tagged incomplete), then drops the tag", async () => {
    const exec = thick();
    const d = await driver(exec, { volumeGroup: "cinder-thick" });
    await d.createVolumeFromSnapshot({ id: VOL2, size: 1 }, { id: SNAP, volumeId: VOL, volumeSize: 1 });
    assert.deepEqual(exec.changes(), [
      `lvchange -a y --yes -K cinder-thick/_snapshot-${SNAP}`,
      `dd if=${mapperPath("cinder-thick", `_snapshot-${SNAP}`)} of=${mapperPath("cinder-thick", `volume-${VOL2}`)} count=${GIB} bs=1M iflag=count_bytes,direct oflag=direct`,
      `lvchange --deltag cinderblock-incomplete cinder-thick/volume-${VOL2}`,
    ]);
  });

  it("makes a volume from a thin snapshot as a thin snapshot of it, activated for good and grown", async () => {
    const exec = thin();
    const d = await driver(exec, { volumeGroup: "cinder-thin" });
    const fresh = "11111111-2222-4333-8444-555555555555";
    await d.createVolumeFromSnapshot({ id: fresh, size: 1 }, { id: SNAP, volumeId: VOL, volumeSize: 1 }).catch(() => undefined);
    assert.deepEqual(exec.changes().slice(0, 2), [
      `lvcreate --yes --name volume-${fresh} --addtag cinderblock --snapshot cinder-thin/_snapshot-${SNAP}`,
      `lvchange -a y --yes -k n cinder-thin/volume-${fresh}`,
    ]);
    await assert.rejects(
      d.createVolumeFromSnapshot({ id: fresh, size: 1 }, { id: "99999999-2222-4333-8444-555555555555", volumeId: VOL, volumeSize: 1 }),
      /not on LVM volume group 'cinder-thin'/,
    );
  });

  it("gives up removing a busy LV after Cinder's retries, with a busy error", async function () {
    this.timeout(10_000);
    const exec = thin();
    exec.overrides.push({
      prefix: ["lvremove"],
      reply: { cmd: "lvremove", args: [], code: 5, stdout: "", stderr: `  Logical volume cinder-thin/volume-${VOL2} in use.\n` },
    });
    await assert.rejects((await driver(exec, { volumeGroup: "cinder-thin" })).deleteVolume({ id: VOL2, size: 2 }), VolumeBusyError);
    const removes = exec.changes().filter((l) => l.startsWith("lvremove"));
    assert.equal(removes.length, 3);
    assert.match(removes[1], /ignore_suspended_devices = 1/, "the retry skips suspended devices");
  });

  it("checks its options at configuration time", () => {
    const make = (options: Record<string, unknown>) => () => createDriver("lvm", { backendName: "x", dataDir: "/", executor: thin(), options });
    assert.throws(make({ lvmType: "fat" }), /'lvmType' must be one of default, thin, auto/);
    assert.throws(make({ volumeClear: "shred" }), /'volumeClear' must be one of zero, none/);
    assert.throws(make({ volumeClearSize: 2048 }), /0 \(all\) to 1024/);
    assert.throws(make({ volumeGroup: "bad name" }), /not a valid LVM name/);
    assert.throws(make({ volume_group: "x" }), /Unknown lvm driver option\(s\) volume_group/);
  });
});

describe("lvm driver: restart reconciliation on a database that knows none of the LVs", () => {
  /** Reconcile a manager of the recorded VG on an empty database; the commands it ran that change something. */
  async function reconcileOnEmptyDb(exec: RecordedLvm, vg: string): Promise<string[]> {
    const d = await driver(exec, { volumeGroup: vg });
    const db = openDb("sqlite::memory:");
    await migrate(db);
    const log = createLogger("silent");
    const opts = { host: "h", backendName: "lvm-1", availabilityZone: "nova", statsIntervalMs: 60_000, reportIntervalMs: 60_000, quotas: DEFAULT_QUOTAS };
    const before = exec.changes().length;
    try {
      await reconcile(new VolumeManager(db, new InProcessBus(log), d, opts, log));
    } finally {
      await db.close();
    }
    return exec.changes().slice(before);
  }

  it("removes none of its own tagged volumes and snapshots (the database may be the wrong one)", async () => {
    const changes = await reconcileOnEmptyDb(thin(), "cinder-thin");
    assert.deepEqual(changes, [], "no lvremove, no clear, nothing");
  });

  it("removes only the copy it had marked unfinished (cinderblock-incomplete); keeps the tagged origin and its snapshot", async () => {
    const changes = await reconcileOnEmptyDb(thick(), "cinder-thick");
    const removed = changes.filter((l) => l.startsWith("lvremove")).map((l) => l.split(" ").pop());
    assert.deepEqual(removed, [`cinder-thick/volume-${VOL2}`]);
    assert.ok(!changes.some((l) => l.includes(`volume-${VOL} `) || l.endsWith(`volume-${VOL}`) || l.includes(`_snapshot-${SNAP}`)), changes.join("\n"));
  });
});
