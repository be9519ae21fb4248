/**
 * The LVM backends' storage in a chaos run (inside the kernel lab): the LVs as the driver's own
 * `lvs` report (server/src/drivers/lvm/lvm.ts through the project's executor) and the LIO exports
 * as configfs holds them. A guest's data is written to and read back from the LV's device with
 * direct I/O, so what is checked is what the kernel holds, not a page cache.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ProcessExecutor } from "../../server/src/exec/executor";
import { Lvm, mapperPath } from "../../server/src/drivers/lvm/lvm";
import type { Inventory, Storage } from "./storage";

export interface LvmBackend {
  /** `host@backend`; its one pool is named as the backend. */
  host: string;
  vg: string;
  /** A thin backend: new LVs go in the pool `<vg>-pool`. */
  thin: boolean;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const VOLUME_LV = new RegExp(`^volume-(${UUID})$`);
const SNAPSHOT_LV = new RegExp(`^_snapshot-(${UUID})$`);
const EXPORT_NAME = new RegExp(`volume-(${UUID})$`);
const INCOMPLETE_TAG = "cinderblock-incomplete";
const MIB = 1024 ** 2;
/** Where a guest writes: the first MiB and the MiB at 300 MiB (every volume is at least 1 GiB). */
const REGIONS = [0, 300 * MIB];

/** What LIO exports: the iSCSI targets and the block backstores, by volume id. */
async function lioExports(configfs: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const dir of [path.join(configfs, "iscsi"), path.join(configfs, "core", "iblock_0")]) {
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const n of names) {
      const m = EXPORT_NAME.exec(n);
      if (m) ids.add(m[1]);
    }
  }
  return [...ids].sort();
}

export function lvmStorage(backends: LvmBackend[], opts: { configfs?: string; initiator: string }): Storage {
  const executor = new ProcessExecutor();
  const lvm = new Lvm({ executor, timeoutMs: 600_000 });
  const configfs = opts.configfs ?? "/sys/kernel/config/target";
  const backendOf = (host: string): LvmBackend => {
    const b = backends.find((x) => x.host === host.split("#")[0]);
    if (!b) throw new Error(`${host} is no LVM backend of the run`);
    return b;
  };
  const dd = (args: string[]) => executor.run("dd", [...args, "bs=1M", "status=none"], { timeoutMs: 600_000 });
  /** The hash of the regions a guest writes, read from the device with direct I/O. */
  const hashOf = async (disk: string): Promise<string> => {
    const h = createHash("sha256");
    for (const at of REGIONS) {
      // One file per read: guests write, and so hash, several volumes at once.
      const tmp = path.join(os.tmpdir(), `chaos-read-${process.pid}-${randomBytes(6).toString("hex")}-${at}`);
      await dd([`if=${disk}`, `of=${tmp}`, `skip=${at / MIB}`, "count=1", "iflag=direct"]);
      h.update(await fsp.readFile(tmp));
      await fsp.rm(tmp, { force: true });
    }
    return h.digest("hex");
  };
  return {
    async inventory() {
      const inv: Inventory = { volumes: new Map(), snapshots: new Map(), leftovers: [], exported: await lioExports(configfs), unfinished: [] };
      for (const b of backends) {
        const volumes = new Map<string, number>();
        const snapshots = new Set<string>();
        for (const lv of await lvm.lvs(b.vg)) {
          const v = VOLUME_LV.exec(lv.name);
          const s = SNAPSHOT_LV.exec(lv.name);
          if (v) volumes.set(v[1], lv.sizeBytes);
          if (v && lv.tags.includes(INCOMPLETE_TAG)) inv.unfinished!.push(v[1]);
          else if (s) snapshots.add(s[1]);
          else if (!v && lv.name !== `${b.vg}-pool` && !/^import-\d+$/.test(lv.name)) inv.leftovers.push(`an LV nobody should have left: ${b.vg}/${lv.name}`);
        }
        inv.volumes.set(b.host, volumes);
        inv.snapshots.set(b.host, snapshots);
      }
      return inv;
    },
    async write(volumeId, host) {
      const disk = mapperPath(backendOf(host).vg, `volume-${volumeId}`);
      for (const at of REGIONS) {
        // One file per volume and region: guests write to several volumes at once.
        const tmp = path.join(os.tmpdir(), `chaos-write-${process.pid}-${volumeId}-${at}`);
        await fsp.writeFile(tmp, Buffer.concat([Buffer.from(`the data of ${volumeId} at ${at}`), randomBytes(MIB - 64)]).subarray(0, MIB));
        await dd([`if=${tmp}`, `of=${disk}`, `seek=${at / MIB}`, "count=1", "oflag=direct", "conv=fsync,notrunc"]);
        await fsp.rm(tmp, { force: true });
      }
      return { disk, hash: await hashOf(disk) };
    },
    async hashes(disks) {
      const out = new Map<string, string>();
      for (const d of disks) out.set(d, await hashOf(d));
      return out;
    },
    async foreign(n, one) {
      const b = one(backends);
      const name = `import-${n}`;
      if (b.thin) await lvm.createThin(b.vg, `${b.vg}-pool`, name, 1);
      else await lvm.createThick(b.vg, name, 1);
      return { host: `${b.host}#${b.host.split("@")[1]}`, name };
    },
    connector: { initiator: opts.initiator, ip: "127.0.0.1", host: "chaos-guest", platform: "x86_64", os_type: "linux", multipath: false },
  };
}

