/** Reading LVM and devices directly inside the kernel lab, to check what the server did. */
import { execFileSync } from "node:child_process";

const MIB = 1024 * 1024;

export interface Lv {
  lv_name: string;
  lv_attr: string;
  lv_size: string;
  data_percent: string;
  pool_lv: string;
  origin: string;
  seg_pe_ranges?: string;
}

function report(cmd: string, args: string[]): any {
  return JSON.parse(execFileSync(cmd, ["--reportformat", "json", "--units", "b", "--nosuffix", ...args], { encoding: "utf8" }));
}

export function lvs(vg: string): Lv[] {
  return report("lvs", ["-o", "lv_name,lv_attr,lv_size,data_percent,pool_lv,origin,seg_pe_ranges", vg]).report[0].lv;
}

export function lv(vg: string, name: string): Lv | undefined {
  return lvs(vg).find((l) => l.lv_name === name);
}

export function vg(name: string): { vg_size: string; vg_free: string; vg_extent_size: string } {
  return report("vgs", ["-o", "vg_size,vg_free,vg_extent_size", name]).report[0].vg[0];
}

export function peStart(pv: string): number {
  return Number(report("pvs", ["-o", "pe_start", pv]).report[0].pv[0].pe_start);
}

/** Read `length` bytes at `offset` of a device with direct I/O (no page cache between devices). */
export function readDev(dev: string, offset: number, length: number): Buffer {
  if (offset % MIB || length % MIB) throw new Error("offset and length must be whole MiB");
  const t = Date.now();
  try {
    return readDevRaw(dev, offset, length);
  } finally {
    if (process.env.LAB_DEBUG) console.log(`read ${dev} ${length} in ${Date.now() - t} ms`);
  }
}

function readDevRaw(dev: string, offset: number, length: number): Buffer {
  return execFileSync("dd", [`if=${dev}`, "bs=1M", `skip=${offset / MIB}`, `count=${length / MIB}`, "iflag=direct", "status=none"], {
    maxBuffer: length + MIB,
  });
}

/** Write a file's bytes at `offset` of a device with direct I/O, flushed. */
export function writeDev(dev: string, offset: number, file: string): void {
  if (offset % MIB) throw new Error("offset must be whole MiB");
  execFileSync("dd", [`if=${file}`, `of=${dev}`, "bs=1M", `seek=${offset / MIB}`, "oflag=direct", "conv=fsync,notrunc", "status=none"]);
}

/** Where an LV's first segment lies on its PV: `/dev/ubdb:0-255` → byte offset of extent 0. */
export function extentOffset(vgName: string, l: Lv, pv: string): number {
  const m = /^([^:]+):(\d+)-(\d+)/.exec(l.seg_pe_ranges ?? "");
  if (!m || m[1] !== pv) throw new Error(`unexpected segment layout '${l.seg_pe_ranges}' of ${l.lv_name}`);
  return peStart(pv) + Number(m[2]) * Number(vg(vgName).vg_extent_size);
}
