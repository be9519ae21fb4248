/**
 * The `rbd` and `ceph` command lines as the rbd driver uses them: every call goes through the
 * executor with an argument array, asks for `--format json` where there is output to read, and
 * parses it with a pure `parse*` function. Errors keep the command's exit code, which the rbd tool
 * sets to the errno of the failure (ENOENT 2, EEXIST 17, EBUSY 16, ENOTEMPTY 39).
 *
 * Why the CLIs rather than a library: there is no maintained librbd/librados binding for Node (the
 * old `rados`/`node-rbd` addons are unmaintained and build against long-gone Ceph and Node ABIs),
 * and the CLIs ship with ceph-common wherever a Ceph client is installed. Cinder's own driver talks
 * to librbd through the Python binding (cinder/volume/drivers/rbd.py); the calls below are its
 * CLI equivalents (`rbd create`, `clone`, `flatten`, `snap protect`, ...).
 */
import { ExecError, type Executor } from "../../exec/executor";

export const ENOENT = 2;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENOTEMPTY = 39;

const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

export interface CephClient {
  /** Cinder's `rbd_cluster_name`. */
  clusterName: string;
  /** Cinder's `rbd_ceph_conf`; unset: the tools' default for the cluster. */
  cephConf?: string;
  /** Cinder's `rbd_user`: the rados user, without `client.`. */
  user: string;
  /** Cinder's `rbd_keyring_conf`; unset: the keyring ceph.conf names. */
  keyring?: string;
  /** Bound on one command; a flatten or an export of a big image takes long. */
  timeoutMs: number;
}

export interface ParentInfo {
  pool: string;
  image: string;
  snapshot: string;
}

export interface ImageInfo {
  name: string;
  sizeBytes: number;
  parent: ParentInfo | null;
}

export interface SnapInfo {
  name: string;
  sizeBytes: number;
  protected: boolean;
}

export interface PoolDf {
  bytesUsed: number;
  maxAvail: number;
}

export interface MonAddr {
  host: string;
  port: string;
}

/** The exit code of a failed command, or null when it did not get to exit (not found, timed out). */
export function exitCode(err: unknown): number | null {
  return err instanceof ExecError && !err.timedOut ? err.code : null;
}

function json(stdout: string, what: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`unreadable ${what} output: ${stdout.slice(0, 200)}`);
  }
}

/** `rbd info --format json`. */
export function parseInfo(stdout: string): ImageInfo {
  const o = json(stdout, "rbd info") as { name: string; size: number; parent?: { pool: string; image: string; snapshot: string } };
  const p = o.parent;
  return { name: o.name, sizeBytes: Number(o.size), parent: p ? { pool: p.pool, image: p.image, snapshot: p.snapshot } : null };
}

/** `rbd snap ls --format json`: `protected` is the string "true" or "false". */
export function parseSnaps(stdout: string): SnapInfo[] {
  const list = json(stdout, "rbd snap ls") as Array<{ name: string; size: number; protected?: string | boolean }>;
  return list.map((s) => ({ name: s.name, sizeBytes: Number(s.size), protected: String(s.protected) === "true" }));
}

/** `rbd children --format json`: the clone images, as `pool/image`. */
export function parseChildren(stdout: string): string[] {
  const list = json(stdout, "rbd children") as Array<{ pool: string; image: string }>;
  return list.map((c) => `${c.pool}/${c.image}`);
}

/** `rbd ls -l --format json`: images only (snapshot rows carry a `snapshot` key). */
export function parseLsLong(stdout: string): Array<{ name: string; sizeBytes: number; parent: boolean }> {
  const list = json(stdout, "rbd ls -l") as Array<{ image: string; size: number; snapshot?: string; parent?: unknown }>;
  return list.filter((r) => r.snapshot === undefined).map((r) => ({ name: r.image, sizeBytes: Number(r.size), parent: r.parent !== undefined }));
}

/** `rbd du --format json -p POOL`: the provisioned bytes of the images (their snapshots left out). */
export function parseDuProvisioned(stdout: string): number {
  const o = json(stdout, "rbd du") as { images: Array<{ snapshot?: string; provisioned_size: number }> };
  return o.images.filter((i) => i.snapshot === undefined).reduce((sum, i) => sum + Number(i.provisioned_size), 0);
}

/** `ceph df --format json`, the pool's figures; null when the pool is not listed (no mgr reports it yet). */
export function parseDf(stdout: string, pool: string): PoolDf | null {
  const o = json(stdout, "ceph df") as { pools?: Array<{ name: string; stats: { bytes_used: number; max_avail: number } }> };
  const p = o.pools?.find((x) => x.name === pool);
  return p ? { bytesUsed: Number(p.stats.bytes_used), maxAvail: Number(p.stats.max_avail) } : null;
}

/**
 * `ceph mon dump --format json` → each monitor's legacy (v1) address, as Cinder's `_get_mon_addrs`
 * takes `mon["addr"]` ("ip:port/nonce"); older tools print a "dumped monmap epoch" line first.
 */
export function parseMonAddrs(stdout: string): MonAddr[] {
  const text = stdout.split("\n").filter((l) => !l.startsWith("dumped monmap epoch")).join("\n");
  const o = json(text, "ceph mon dump") as { mons: Array<{ addr: string }> };
  return o.mons.map((m) => {
    const hostPort = m.addr.slice(0, m.addr.lastIndexOf("/"));
    const i = hostPort.lastIndexOf(":");
    return { host: hostPort.slice(0, i).replace(/^\[|\]$/g, ""), port: hostPort.slice(i + 1) };
  });
}

export class Rbd {
  constructor(
    private readonly executor: Executor,
    readonly client: CephClient,
    readonly pool: string,
  ) {}

  /** Cinder's `_ceph_args`, plus the keyring when one is configured. */
  cephArgs(): string[] {
    const c = this.client;
    const args = ["--id", c.user, "--cluster", c.clusterName];
    if (c.cephConf) args.push("--conf", c.cephConf);
    if (c.keyring) args.push("--keyring", c.keyring);
    return args;
  }

  spec(image: string, snap?: string): string {
    return `${this.pool}/${image}${snap ? `@${snap}` : ""}`;
  }

  async rbd(args: readonly string[], timeoutMs?: number): Promise<string> {
    const r = await this.executor.run("rbd", [...this.cephArgs(), ...args], { timeoutMs: timeoutMs ?? this.client.timeoutMs });
    return r.stdout;
  }

  async ceph(args: readonly string[]): Promise<string> {
    const r = await this.executor.run("ceph", [...this.cephArgs(), ...args], { timeoutMs: 60_000 });
    return r.stdout;
  }

  /** The image's info, or null when it does not exist. */
  async info(image: string): Promise<ImageInfo | null> {
    try {
      return parseInfo(await this.rbd(["info", "--format", "json", this.spec(image)], 60_000));
    } catch (err) {
      if (exitCode(err) === ENOENT) return null;
      throw err;
    }
  }

  /** The image's snapshots; none when the image does not exist. */
  async snaps(image: string): Promise<SnapInfo[]> {
    try {
      return parseSnaps(await this.rbd(["snap", "ls", "--format", "json", this.spec(image)], 60_000));
    } catch (err) {
      if (exitCode(err) === ENOENT) return [];
      throw err;
    }
  }

  async children(image: string, snap: string): Promise<string[]> {
    try {
      return parseChildren(await this.rbd(["children", "--format", "json", this.spec(image, snap)], 60_000));
    } catch (err) {
      if (exitCode(err) === ENOENT) return [];
      throw err;
    }
  }

  async create(image: string, sizeBytes: number, objectSizeMiB: number): Promise<void> {
    await this.rbd(["create", "--size", `${Math.ceil(sizeBytes / MIB)}M`, "--object-size", `${objectSizeMiB}M`, this.spec(image)]);
  }

  /** Grow the image to `sizeBytes`; an image already that big is left alone (never shrunk). */
  async growTo(image: string, sizeBytes: number): Promise<void> {
    const info = await this.info(image);
    if (!info) throw new Error(`image ${this.spec(image)} not found`);
    if (info.sizeBytes >= sizeBytes) return;
    await this.rbd(["resize", "--size", `${Math.ceil(sizeBytes / MIB)}M`, this.spec(image)]);
  }

  async remove(image: string): Promise<void> {
    try {
      await this.rbd(["rm", "--no-progress", this.spec(image)]);
    } catch (err) {
      if (exitCode(err) !== ENOENT) throw err;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await this.rbd(["rename", this.spec(from), this.spec(to)]);
  }

  async snapCreate(image: string, snap: string): Promise<void> {
    try {
      await this.rbd(["snap", "create", "--no-progress", this.spec(image, snap)]);
    } catch (err) {
      if (exitCode(err) !== EEXIST) throw err;
    }
  }

  async snapProtect(image: string, snap: string): Promise<void> {
    const s = (await this.snaps(image)).find((x) => x.name === snap);
    if (!s) throw new Error(`snapshot ${this.spec(image, snap)} not found`);
    if (!s.protected) await this.rbd(["snap", "protect", this.spec(image, snap)]);
  }

  /** Unprotect (when protected) and remove the snapshot; a missing one is a success. @throws with EBUSY while clones of it remain. */
  async snapRemove(image: string, snap: string): Promise<void> {
    const s = (await this.snaps(image)).find((x) => x.name === snap);
    if (!s) return;
    if (s.protected) await this.rbd(["snap", "unprotect", this.spec(image, snap)]);
    await this.rbd(["snap", "rm", "--no-progress", this.spec(image, snap)]);
  }

  async snapRollback(image: string, snap: string): Promise<void> {
    await this.rbd(["snap", "rollback", "--no-progress", this.spec(image, snap)]);
  }

  async clone(parent: string, snap: string, child: string): Promise<void> {
    await this.rbd(["clone", this.spec(parent, snap), this.spec(child)]);
  }

  async flatten(image: string): Promise<void> {
    await this.rbd(["flatten", "--no-progress", this.spec(image)]);
  }

  async list(): Promise<Array<{ name: string; sizeBytes: number; parent: boolean }>> {
    return parseLsLong(await this.rbd(["ls", "-l", "--format", "json", this.pool], 60_000));
  }

  async provisionedBytes(): Promise<number> {
    return parseDuProvisioned(await this.rbd(["du", "--format", "json", "-p", this.pool], 120_000));
  }

  async df(): Promise<PoolDf | null> {
    return parseDf(await this.ceph(["df", "--format", "json"]), this.pool);
  }

  async monAddrs(): Promise<MonAddr[]> {
    return parseMonAddrs(await this.ceph(["mon", "dump", "--format", "json"]));
  }

  /** Write the image's (or snapshot's) data to a local file (sparse). */
  async exportTo(image: string, snap: string | undefined, file: string): Promise<void> {
    await this.rbd(["export", "--no-progress", this.spec(image, snap), file]);
  }

  /**
   * Write a local raw file's data over the existing image, from its first byte (`rbd import`
   * makes a new image, so the copy goes through qemu-img's rbd driver, as Cinder's
   * copy_image_to_volume does with `qemu-img convert`).
   */
  async writeFrom(file: string, image: string): Promise<void> {
    const c = this.client;
    const opts = [`id=${c.user}`];
    if (c.cephConf) opts.push(`conf=${c.cephConf}`);
    if (c.keyring) opts.push(`keyring=${c.keyring}`);
    const target = `rbd:${this.spec(image)}:${opts.map((o) => o.replace(/:/g, "\\:")).join(":")}`;
    await this.executor.run("qemu-img", ["convert", "-n", "-f", "raw", "-O", "raw", file, target], { timeoutMs: c.timeoutMs });
  }
}
