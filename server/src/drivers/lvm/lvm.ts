/**
 * LVM2 through its own commands (cf. cinder/brick/local_dev/lvm.py), with machine-readable output:
 * reports are read as `--reportformat json --units b --nosuffix` (every value a string, sizes in
 * bytes), never scraped from padded text. This module builds argument arrays and parses reports;
 * it holds no state and decides nothing about volumes (that is the driver's job).
 *
 * Every command runs through the Executor as root, with LVM_SUPPRESS_FD_WARNINGS=1 (the parent's
 * descriptors otherwise make LVM print "File descriptor N leaked" on stderr) and, when configured,
 * LVM_SYSTEM_DIR pointing at an lvm.conf of our own (Cinder's `lvm_conf_file`).
 */
import { ExecError, type ExecOptions, type Executor } from "../../exec/executor";

export const GIB = 1024 ** 3;

/** One logical volume, as `lvs` reports it. */
export interface LvInfo {
  name: string;
  /** The ten-character `lv_attr`: [0] o/O origin (O: merge pending), s/S thick snapshot, V thin volume, t thin pool; [4] a active; [5] o open. */
  attr: string;
  sizeBytes: number;
  /** The pool's or a thin volume's data usage in percent; null where LVM reports none. */
  dataPercent: number | null;
  poolLv: string;
  origin: string;
  tags: string[];
}

export interface VgInfo {
  name: string;
  sizeBytes: number;
  freeBytes: number;
  extentSizeBytes: number;
  lvCount: number;
}

/** The fields the driver reads from `lvs`, in the order they are requested. */
export const LV_FIELDS = ["lv_name", "lv_attr", "lv_size", "data_percent", "pool_lv", "origin", "lv_tags"] as const;
export const VG_FIELDS = ["vg_name", "vg_size", "vg_free", "vg_extent_size", "lv_count"] as const;

const REPORT = ["--reportformat", "json", "--units", "b", "--nosuffix"];

export function lvsArgs(target: string): string[] {
  return [...REPORT, "-o", LV_FIELDS.join(","), target];
}

export function vgsArgs(vg: string): string[] {
  return [...REPORT, "-o", VG_FIELDS.join(","), vg];
}

/** The records of one kind (`lv`, `vg`) in a JSON report: `{"report":[{"lv":[{...}]}]}`. */
export function reportRecords(stdout: string, kind: "lv" | "vg"): Record<string, string>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new Error(`LVM printed a report that is not JSON: ${stdout.slice(0, 200)}`);
  }
  const reports = (doc as { report?: unknown }).report;
  if (!Array.isArray(reports)) throw new Error("LVM's JSON report has no 'report' list");
  const out: Record<string, string>[] = [];
  for (const r of reports) {
    const rows = (r as Record<string, unknown>)[kind];
    if (Array.isArray(rows)) out.push(...(rows as Record<string, string>[]));
  }
  return out;
}

function bytes(v: string | undefined, field: string): number {
  const n = Number(v);
  if (v === undefined || v === "" || !Number.isFinite(n)) throw new Error(`LVM reported no number for ${field}: '${v}'`);
  return n;
}

export function parseLvs(stdout: string): LvInfo[] {
  return reportRecords(stdout, "lv").map((r) => ({
    name: r.lv_name,
    attr: r.lv_attr,
    sizeBytes: bytes(r.lv_size, "lv_size"),
    dataPercent: r.data_percent === "" || r.data_percent === undefined ? null : Number(r.data_percent),
    poolLv: r.pool_lv ?? "",
    origin: r.origin ?? "",
    tags: r.lv_tags ? r.lv_tags.split(",") : [],
  }));
}

export function parseVgs(stdout: string): VgInfo[] {
  return reportRecords(stdout, "vg").map((r) => ({
    name: r.vg_name,
    sizeBytes: bytes(r.vg_size, "vg_size"),
    freeBytes: bytes(r.vg_free, "vg_free"),
    extentSizeBytes: bytes(r.vg_extent_size, "vg_extent_size"),
    lvCount: bytes(r.lv_count, "lv_count"),
  }));
}

/** `lvm version`'s "LVM version: 2.03.16(2) (2022-05-18)" as [2, 3, 16]. */
export function parseLvmVersion(stdout: string): [number, number, number] | null {
  const m = /LVM version:\s*(\d+)\.(\d+)\.(\d+)/.exec(stdout);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** LVM's escaping in device-mapper names: every '-' of the VG and LV names is doubled. */
export function mapperPath(vg: string, lv: string): string {
  return `/dev/mapper/${vg.replace(/-/g, "--")}-${lv.replace(/-/g, "--")}`;
}

/** A VG or LV name LVM accepts (letters, digits, `+_.-`, not starting with '-'). */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/.test(name) && name !== "." && name !== "..";
}

/**
 * LVM's way of saying the VG or LV is not there (exit code 5 with one of these messages; the
 * wording is LVM2 2.02–2.03's): `Failed to find logical volume "vg/lv"`, `Volume group "vg" not found`.
 */
export function isNotFound(err: unknown): boolean {
  return (
    err instanceof ExecError &&
    err.code === 5 &&
    /Failed to find logical volume|Volume group "[^"]*" not found|not found in volume group|One or more specified logical volume\(s\) not found/.test(
      err.stderr,
    )
  );
}

/** The device is open or held (a target exports it, a process reads it). */
export function isBusy(err: unknown): boolean {
  return err instanceof ExecError && /in use|busy|Can't remove open logical volume/i.test(err.stderr);
}

/** Sizes are GiB as in the API; LVM reads `Ng` as GiB. */
export function gib(size: number): string {
  return `${size}g`;
}

function tagArgs(tags: string[]): string[] {
  return tags.flatMap((t) => ["--addtag", t]);
}

export const REMOVE_CONFIG = "activation { retry_deactivation = 1 }";
/** Cinder's second try (LP#1270192): skip devices that are suspended by a concurrent activation. */
export const REMOVE_CONFIG_RETRY = "activation { retry_deactivation = 1 } devices { ignore_suspended_devices = 1 }";

export interface LvmOptions {
  executor: Executor;
  /** Folder of an lvm.conf to use instead of /etc/lvm (LVM_SYSTEM_DIR). */
  systemDir?: string;
  /** Per command; default 120 s. */
  timeoutMs?: number;
}

/** The LVM commands the driver runs, each an argument array through the Executor. */
export class Lvm {
  constructor(private readonly opts: LvmOptions) {}

  run(cmd: string, args: string[], extra: ExecOptions = {}): Promise<string> {
    const env: Record<string, string> = { LVM_SUPPRESS_FD_WARNINGS: "1" };
    if (this.opts.systemDir) env.LVM_SYSTEM_DIR = this.opts.systemDir;
    return this.opts.executor
      .run(cmd, args, { root: true, timeoutMs: this.opts.timeoutMs ?? 120_000, env, ...extra })
      .then((r) => r.stdout);
  }

  /**
   * A read-only report, retried when LVM itself crashes (exit 139, LP#1901783): the one failure
   * Cinder retries for reports, since re-reading is always safe.
   */
  private async report(cmd: "lvs" | "vgs", args: string[]): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run(cmd, args);
      } catch (err) {
        if (!(err instanceof ExecError && err.code === 139) || attempt === 3) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async vg(vg: string): Promise<VgInfo | null> {
    try {
      return parseVgs(await this.report("vgs", vgsArgs(vg)))[0] ?? null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Every LV of the VG (hidden pool internals excluded, as `lvs` without `-a`). */
  async lvs(vg: string): Promise<LvInfo[]> {
    return parseLvs(await this.report("lvs", lvsArgs(vg)));
  }

  async lv(vg: string, name: string): Promise<LvInfo | null> {
    try {
      return parseLvs(await this.report("lvs", lvsArgs(`${vg}/${name}`)))[0] ?? null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async version(): Promise<[number, number, number] | null> {
    return parseLvmVersion(await this.run("lvm", ["version"]));
  }

  /** A thick LV; `--yes` answers LVM's "wipe the old signature?" prompt, which on reused extents would otherwise abort. */
  createThick(vg: string, name: string, sizeGib: number, tags: string[] = []): Promise<string> {
    return this.run("lvcreate", ["--yes", "-n", name, ...tagArgs(tags), "-L", gib(sizeGib), vg]);
  }

  createThin(vg: string, pool: string, name: string, sizeGib: number, tags: string[] = []): Promise<string> {
    return this.run("lvcreate", ["--yes", "-T", "-V", gib(sizeGib), "-n", name, ...tagArgs(tags), `${vg}/${pool}`]);
  }

  /** The thin pool, on `extents` extents (Cinder: 95 % of the VG's free space). */
  createPool(vg: string, pool: string, extents: number): Promise<string> {
    return this.run("lvcreate", ["--yes", "-T", "-l", String(extents), `${vg}/${pool}`]);
  }

  /** A snapshot of `origin`: thick with a COW area of `cowBytes`, thin (in the origin's pool) without. */
  createSnapshot(vg: string, name: string, origin: string, cowBytes?: number, tags: string[] = []): Promise<string> {
    const size = cowBytes === undefined ? [] : ["-L", `${cowBytes}b`];
    return this.run("lvcreate", ["--yes", "--name", name, ...tagArgs(tags), "--snapshot", `${vg}/${origin}`, ...size]);
  }

  /** Activate; `skip: "ignore"` activates an LV flagged activation-skip (thin snapshots) once, `"clear"` drops the flag for good. */
  activate(vg: string, name: string, skip: "ignore" | "clear" = "ignore"): Promise<string> {
    return this.run("lvchange", ["-a", "y", "--yes", ...(skip === "ignore" ? ["-K"] : ["-k", "n"]), `${vg}/${name}`]);
  }

  deactivate(vg: string, name: string): Promise<string> {
    return this.run("lvchange", ["-a", "n", `${vg}/${name}`]);
  }

  extend(vg: string, name: string, sizeGib: number): Promise<string> {
    return this.run("lvextend", ["-L", gib(sizeGib), `${vg}/${name}`]);
  }

  remove(vg: string, name: string, config = REMOVE_CONFIG): Promise<string> {
    return this.run("lvremove", ["--config", config, "-f", `${vg}/${name}`]);
  }

  /** Merge a thick snapshot back into its origin (revert); deferred to the next activation while the origin is open. */
  merge(vg: string, snapshot: string): Promise<string> {
    return this.run("lvconvert", ["--merge", `${vg}/${snapshot}`]);
  }

  /** Rename an LV (cf. brick lvm `rename_volume`: `lvrename VG OLD NEW`). */
  rename(vg: string, from: string, to: string): Promise<string> {
    return this.run("lvrename", [vg, from, to]);
  }

  addTag(vg: string, name: string, tag: string): Promise<string> {
    return this.run("lvchange", ["--addtag", tag, `${vg}/${name}`]);
  }

  deleteTag(vg: string, name: string, tag: string): Promise<string> {
    return this.run("lvchange", ["--deltag", tag, `${vg}/${name}`]);
  }
}
