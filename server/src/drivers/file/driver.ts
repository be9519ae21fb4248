/**
 * The file driver: every volume is a raw sparse file `<dir>/volume-<id>` and every snapshot a
 * full (reflinked where possible) copy `<dir>/snapshot-<id>`, after Cinder's file-based drivers
 * (cinder/volume/drivers/remotefs.py, nfs.py with `nfs_sparsed_volumes`). It needs no LVM and no
 * root, which makes it the driver for development and CI.
 *
 * Crash safety and idempotency. Every file that holds copied data is built under a dot-name
 * (`.volume-<id>.tmp-<random>`), flushed, then renamed into place, so a final name only ever
 * names a complete file. Consequences for re-runs after a crash:
 *   - createVolume / createSnapshot / createVolumeFromSnapshot / createClonedVolume: an existing
 *     final file is the finished result of an earlier run and is kept (the copy is NOT redone;
 *     redoing it could only lose writes made since). A create-from-source only makes sure the
 *     file has reached its target size.
 *   - revertToSnapshot: redone in full; copying the same snapshot again gives the same result.
 *   - deletes: a missing file is success; stray temporary files of the id are removed too.
 * Leftover temporary files of a crashed process are removed by `setup()`: they are the driver's
 * own half-made work, the only data it ever removes without being asked. A final file without a
 * database row is kept (`listIncomplete` has nothing to offer: a final name is always complete).
 *
 * Privacy. The folder is 0700 and every volume and snapshot file 0600 (tenant data); `setup()`
 * tightens looser ones left by older versions.
 */
import { promises as fsp, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Executor } from "../../exec/executor";
import { silentLog, type Log } from "../../log";
import type {
  BackendStats,
  DataSource,
  ManageableDriver,
  ManageableSnapshot,
  ManageableSnapshotDriver,
  ManageableVolume,
  ManageRef,
  SnapshotRef,
  VolumeDriver,
  VolumeRef,
} from "../interface";
import { FileSnapshotManage } from "./snapshot-manage";
import { ALREADY_MANAGED, InvalidReferenceError } from "../manage";
import {
  assertValidId,
  assertValidSize,
  filePath,
  GIB,
  gibToBytes,
  isPlainName,
  parseFileName,
  TEMP_RE,
  tempPath,
  tempPrefix,
  type Kind,
} from "./paths";
import { fsyncDir, growTo, lstatOrNull, publishAtomically, publishSparse, randomSuffix, removeIfExists, sparseCopy, statOrNull } from "./files";
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFile } from "../../lib/private-file";

export interface FileDriverOptions {
  dir: string;
  backendName: string;
  executor: Executor;
  /** Cinder's `reserved_percentage`; default 0. */
  reservedPercentage?: number;
  /** Cinder's `max_over_subscription_ratio`; default 20.0 as in cinder/volume/driver.py. */
  maxOverSubscriptionRatio?: number;
  /** Extra pool capabilities, matched against volume type extra specs. */
  capabilities?: Record<string, string | number | boolean>;
  /** Bound on one copy. It catches a hung filesystem, not a slow one; default 6 hours. */
  copyTimeoutMs?: number;
  log?: Log;
}

/**
 * Cinder has `file` (cinder/common/constants.py FILE, reported by the GPFS driver) and os-brick a
 * `LOCAL` connector. Nothing exports these files yet, so we report "local" (the data is only
 * reachable on this host); once an export target is composed with the driver, its protocol
 * (e.g. "iSCSI") replaces this.
 */
const STORAGE_PROTOCOL = "local";
const DEFAULT_COPY_TIMEOUT_MS = 6 * 60 * 60 * 1000;
/** How long the provisioned capacity may rest on the driver's own tally before the folder is read again. */
const RESCAN_MS = 60_000;


function floor2(n: number): number {
  return Math.floor(n * 100) / 100;
}

export class FileDriver implements VolumeDriver, ManageableDriver, ManageableSnapshotDriver {
  readonly name = "file";
  readonly supportsActiveActive = true;
  private readonly dir: string;
  private readonly log: Log;
  private readonly copyTimeoutMs: number;
  /**
   * Apparent sizes of the volume files by id, for the provisioned capacity: read from the folder
   * by a scan at most once a minute, kept up to date by each operation in between, so a report
   * does not stat every file.
   */
  private sizes: Map<string, number> | undefined;
  private scannedAt = 0;
  /** The scan in progress, which a second report waits for rather than seeing an empty tally. */
  private scanning: Promise<Map<string, number>> | undefined;
  /** Changes made while a scan runs, applied on top of what it read. */
  private changesDuringScan: Array<[string, number | undefined]> | undefined;
  /** Temporary files a failed operation could not remove; a delete of their volume or snapshot retries. */
  private readonly strays = new Set<string>();
  private readonly onStray = (tmp: string): void => void this.strays.add(tmp);
  /** Managing existing snapshots (./snapshot-manage.ts). */
  private readonly snapshots: FileSnapshotManage;

  constructor(private readonly opts: FileDriverOptions) {
    if (!opts.dir) throw new Error("FileDriver needs a dir");
    this.dir = path.resolve(opts.dir);
    this.log = opts.log ?? silentLog;
    this.copyTimeoutMs = opts.copyTimeoutMs ?? DEFAULT_COPY_TIMEOUT_MS;
    this.snapshots = new FileSnapshotManage(this.dir, this.log);
  }

  async setup(): Promise<void> {
    await ensurePrivateDir(this.dir, this.log);
    // Setup runs before any operation of this process, so a temporary file last touched before the
    // process started belongs to an operation a crash interrupted. The age check spares files of
    // another live process wrongly pointed at the same folder.
    const processStart = Date.now() - process.uptime() * 1000;
    for (const name of await fsp.readdir(this.dir)) {
      if (!TEMP_RE.test(name)) continue;
      const file = path.join(this.dir, name);
      const st = await statOrNull(file);
      if (st && st.mtimeMs < processStart) {
        this.log.warn({ file }, "removing temporary file left by an interrupted operation");
        await removeIfExists(file);
      }
    }
    for (const name of await fsp.readdir(this.dir)) {
      if (parseFileName(name)) await tightenFile(path.join(this.dir, name), this.log);
    }
  }

  localPath(volume: VolumeRef): string {
    return this.path("volume", volume.id);
  }

  async openData(source: DataSource, mode: "read" | "write"): Promise<FileHandle> {
    if ("snapshot" in source) {
      if (mode === "write") throw new Error(`snapshot ${source.snapshot.id} cannot be written`);
      return fsp.open(this.path("snapshot", source.snapshot.id), "r");
    }
    return fsp.open(this.path("volume", source.volume.id), mode === "write" ? "r+" : "r");
  }

  async createVolume(volume: VolumeRef): Promise<void> {
    assertValidId(volume.id, "volume");
    assertValidSize(volume.size, "volume");
    const final = this.path("volume", volume.id);
    const bytes = gibToBytes(volume.size);
    const existing = await statOrNull(final);
    if (existing) {
      if (existing.size !== bytes) {
        throw new Error(`volume-${volume.id} already exists with ${existing.size} bytes, expected ${bytes}`);
      }
      this.log.debug({ volumeId: volume.id }, "volume file already exists");
      return;
    }
    await publishSparse(this.temp("volume", volume.id), final, bytes, this.onStray);
    this.noteSize(volume.id, bytes);
    this.log.info({ volumeId: volume.id, size: volume.size }, "created sparse volume file");
  }

  async createVolumeFromSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void> {
    assertValidId(snapshot.id, "snapshot");
    await this.createFromFile(volume, this.path("snapshot", snapshot.id), `snapshot ${snapshot.id}`);
  }

  async createClonedVolume(volume: VolumeRef, source: VolumeRef): Promise<void> {
    assertValidId(source.id, "source volume");
    await this.createFromFile(volume, this.path("volume", source.id), `source volume ${source.id}`);
  }

  async deleteVolume(volume: VolumeRef): Promise<void> {
    await this.deleteFile("volume", volume.id);
  }

  async extendVolume(volume: VolumeRef, newSize: number): Promise<void> {
    assertValidId(volume.id, "volume");
    assertValidSize(newSize, "new");
    const file = this.path("volume", volume.id);
    if (!(await statOrNull(file))) throw new Error(`volume ${volume.id} not found in ${this.dir}`);
    await growTo(file, gibToBytes(newSize));
    this.noteSize(volume.id, gibToBytes(newSize));
    this.log.info({ volumeId: volume.id, newSize }, "extended volume file");
  }

  async createSnapshot(snapshot: SnapshotRef, volume: VolumeRef): Promise<void> {
    assertValidId(snapshot.id, "snapshot");
    assertValidId(volume.id, "volume");
    const final = this.path("snapshot", snapshot.id);
    if (await statOrNull(final)) {
      this.log.debug({ snapshotId: snapshot.id }, "snapshot file already exists");
      return;
    }
    const src = this.path("volume", volume.id);
    if (!(await statOrNull(src))) throw new Error(`volume ${volume.id} not found in ${this.dir}`);
    await publishAtomically(
      this.temp("snapshot", snapshot.id),
      final,
      (tmp) => sparseCopy(this.opts.executor, src, tmp, this.copyTimeoutMs, this.log),
      this.onStray,
    );
    this.log.info({ snapshotId: snapshot.id, volumeId: volume.id }, "created snapshot file");
  }

  async deleteSnapshot(snapshot: SnapshotRef): Promise<void> {
    await this.deleteFile("snapshot", snapshot.id);
  }

  /**
   * Replaces the volume file by a copy of the snapshot (rename over it). The volume must not be
   * open elsewhere: a process holding the old file would keep the old data. Cinder only reverts
   * `available` volumes (cinder/volume/api.py revert_to_snapshot), which have no export.
   */
  async revertToSnapshot(volume: VolumeRef, snapshot: SnapshotRef): Promise<void> {
    assertValidId(volume.id, "volume");
    assertValidId(snapshot.id, "snapshot");
    assertValidSize(volume.size, "volume");
    const final = this.path("volume", volume.id);
    const src = this.path("snapshot", snapshot.id);
    const bytes = gibToBytes(volume.size);
    if (!(await statOrNull(final))) throw new Error(`volume ${volume.id} not found in ${this.dir}`);
    await this.assertSourceFits(src, `snapshot ${snapshot.id}`, bytes);
    await this.publishCopy(volume.id, src, bytes);
    this.log.info({ volumeId: volume.id, snapshotId: snapshot.id }, "reverted volume to snapshot");
  }

  async getStats(): Promise<BackendStats> {
    const fsStats = await fsp.statfs(this.dir);
    let provisionedBytes = 0;
    for (const bytes of (await this.volumeSizes()).values()) provisionedBytes += bytes;
    return {
      volumeBackendName: this.opts.backendName,
      vendorName: "Cinderblock",
      driverVersion: "1.0.0",
      storageProtocol: STORAGE_PROTOCOL,
      pools: [
        {
          poolName: this.opts.backendName,
          // bavail, not bfree: blocks reserved for root are not ours (as nfs.py `stat -f -c %a`).
          totalCapacityGb: floor2((fsStats.blocks * fsStats.bsize) / GIB),
          freeCapacityGb: floor2((fsStats.bavail * fsStats.bsize) / GIB),
          provisionedCapacityGb: Math.ceil(provisionedBytes / GIB),
          thinProvisioningSupport: true,
          thickProvisioningSupport: false,
          reservedPercentage: this.opts.reservedPercentage ?? 0,
          maxOverSubscriptionRatio: this.opts.maxOverSubscriptionRatio ?? 20,
          capabilities: { ...this.opts.capabilities },
        },
      ],
    };
  }

  async listResources(): Promise<{ volumes: string[]; snapshots: string[] }> {
    const volumes: string[] = [];
    const snapshots: string[] = [];
    for (const name of await this.names()) {
      const parsed = parseFileName(name);
      if (parsed) (parsed.kind === "volume" ? volumes : snapshots).push(parsed.id);
    }
    return { volumes: volumes.sort(), snapshots: snapshots.sort() };
  }

  /** Nothing: copies are built under temporary names (swept by `setup()`), so a final name is always complete. */
  async listIncomplete(): Promise<string[]> {
    return [];
  }

  /**
   * Manage existing: a regular file directly in the folder (not a dot-name, not a symbolic link)
   * is adopted by renaming it to `volume-<id>` and growing it to whole GiB (sparse), so its data
   * is kept as the start of the volume (cf. cinder/volume/drivers/nfs.py manage_existing). A
   * `snapshot-<id>` file is a complete copy and may be adopted too: the API refuses it while a
   * snapshot row has that id, so only an orphan's data is taken.
   */
  async manageExisting(volume: VolumeRef, ref: ManageRef): Promise<void> {
    assertValidSize(volume.size, "volume");
    const final = this.path("volume", volume.id);
    const src = this.sourcePath(ref);
    if (src !== final) {
      const [srcStat, finalStat] = await Promise.all([lstatOrNull(src), lstatOrNull(final)]);
      if (!srcStat && !finalStat) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified file does not exist.");
      if (srcStat) this.assertRegular(ref, srcStat);
      if (srcStat && finalStat) throw new Error(`cannot manage ${ref.sourceName}: volume-${volume.id} already exists`);
      if (srcStat) await fsp.rename(src, final);
    }
    // A re-run after the rename finds the volume's own file, which must be just as regular.
    const st = await lstatOrNull(final);
    if (!st) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified file does not exist.");
    this.assertRegular(ref, st);
    await fsp.chmod(final, PRIVATE_FILE_MODE);
    await growTo(final, gibToBytes(volume.size));
    this.noteSize(volume.id, Math.max(st.size, gibToBytes(volume.size)));
    this.log.info({ volumeId: volume.id, source: ref.sourceName }, "managed existing file");
  }

  /**
   * Unmanage: `volume-<id>` becomes `unmanaged-volume-<id>`, a name no restart counts as the
   * driver's (so never an orphan to purge) and that manage may adopt again. A re-run after the
   * rename finds nothing left to do.
   */
  async unmanage(volume: VolumeRef): Promise<void> {
    const src = this.path("volume", volume.id);
    const kept = path.join(this.dir, unmanagedVolumeName(volume.id));
    const [srcStat, keptStat] = await Promise.all([lstatOrNull(src), lstatOrNull(kept)]);
    if (!srcStat) return;
    if (keptStat) throw new Error(`cannot unmanage volume ${volume.id}: ${unmanagedVolumeName(volume.id)} already exists`);
    await fsp.rename(src, kept);
    await fsyncDir(this.dir);
    this.log.info({ volumeId: volume.id, kept: unmanagedVolumeName(volume.id) }, "unmanaged volume file");
  }

  async manageExistingGetSize(ref: ManageRef): Promise<number> {
    const st = await lstatOrNull(this.sourcePath(ref));
    if (!st) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified file does not exist.");
    this.assertRegular(ref, st);
    return Math.max(1, Math.ceil(st.size / GIB));
  }

  async getManageableVolumes(knownIds: ReadonlySet<string>, knownSnapshotIds?: ReadonlySet<string>): Promise<ManageableVolume[]> {
    const out: ManageableVolume[] = [];
    for (const name of await fsp.readdir(this.dir)) {
      const parsed = parseFileName(name);
      if (!isPlainName(name)) continue;
      // A snapshot's data is offered only when its id has no row (an orphan), and only as safe.
      if (parsed?.kind === "snapshot" && (!knownSnapshotIds || knownSnapshotIds.has(parsed.id))) continue;
      // lstat: a symbolic link is not offered, whatever it points at.
      const st = await lstatOrNull(path.join(this.dir, name));
      if (!st?.isFile()) continue;
      const known = parsed?.kind === "volume" && knownIds.has(parsed.id);
      out.push({
        sourceName: name,
        sizeGb: Math.max(1, Math.ceil(st.size / GIB)),
        safe: !known,
        reasonNotSafe: known ? ALREADY_MANAGED : null,
        cinderId: known ? parsed.id : null,
        extraInfo: null,
      });
    }
    return out;
  }

  manageExistingSnapshot(snapshot: SnapshotRef, ref: ManageRef): Promise<void> {
    return this.snapshots.manageExistingSnapshot(snapshot, ref);
  }

  manageExistingSnapshotGetSize(snapshot: SnapshotRef, ref: ManageRef): Promise<number> {
    return this.snapshots.manageExistingSnapshotGetSize(snapshot, ref);
  }

  unmanageSnapshot(snapshot: SnapshotRef): Promise<void> {
    return this.snapshots.unmanageSnapshot(snapshot);
  }

  getManageableSnapshots(known: ReadonlyMap<string, string>): Promise<ManageableSnapshot[]> {
    return this.snapshots.getManageableSnapshots(known);
  }

  /** The file a reference names: a plain name directly in the folder, never a path, a dot-name or an option-like name. */
  private sourcePath(ref: ManageRef): string {
    const name = ref.sourceName;
    if (!isPlainName(name)) {
      throw new InvalidReferenceError(
        `'${name}'`,
        "The source name must be the name of a file directly in the backend folder: no '/', '\\' or '..', and not starting with '.' or '-'.",
      );
    }
    return path.join(this.dir, name);
  }

  /** Only a regular file is adopted: a symbolic link could hand over any file of the host, a device or a folder is no volume. */
  private assertRegular(ref: ManageRef, st: Stats): void {
    if (st.isSymbolicLink()) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified file is a symbolic link; only regular files are managed.");
    if (!st.isFile()) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified file is not a regular file.");
  }

  /** The folder's entries; none when it does not exist (an admin command run before the first start). */
  private async names(): Promise<string[]> {
    try {
      return await fsp.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
  }

  /** Shared by create-from-snapshot and clone: copy `src`, grow to the volume's size, publish. */
  private async createFromFile(volume: VolumeRef, src: string, srcLabel: string): Promise<void> {
    assertValidId(volume.id, "volume");
    assertValidSize(volume.size, "volume");
    const final = this.path("volume", volume.id);
    const bytes = gibToBytes(volume.size);
    if (await statOrNull(final)) {
      // Complete by construction (atomic rename); only the growth may be missing in files
      // published by older code, and growTo is a no-op otherwise.
      await growTo(final, bytes);
      this.log.debug({ volumeId: volume.id }, "volume file already exists");
      return;
    }
    await this.assertSourceFits(src, srcLabel, bytes);
    await this.publishCopy(volume.id, src, bytes);
    this.log.info({ volumeId: volume.id, size: volume.size, source: srcLabel }, "created volume from copy");
  }

  /** The volume's file made anew as a copy of `src` grown to `bytes` (publishAtomically). */
  private async publishCopy(volumeId: string, src: string, bytes: number): Promise<void> {
    await publishAtomically(
      this.temp("volume", volumeId),
      this.path("volume", volumeId),
      async (tmp) => {
        await sparseCopy(this.opts.executor, src, tmp, this.copyTimeoutMs, this.log);
        await growTo(tmp, bytes);
      },
      this.onStray,
    );
    this.noteSize(volumeId, bytes);
  }

  private async assertSourceFits(src: string, srcLabel: string, bytes: number): Promise<void> {
    const st = await statOrNull(src);
    if (!st) throw new Error(`${srcLabel} not found in ${this.dir}`);
    if (st.size > bytes) {
      throw new Error(`${srcLabel} holds ${st.size} bytes, more than the ${bytes} bytes of the target volume`);
    }
  }

  /** The volume files' sizes: the tally, or a scan of the folder when it is missing or old (one at a time). */
  private async volumeSizes(): Promise<Map<string, number>> {
    if (this.sizes && Date.now() - this.scannedAt < RESCAN_MS) return this.sizes;
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scan(): Promise<Map<string, number>> {
    this.changesDuringScan = [];
    try {
      const sizes = new Map<string, number>();
      for (const name of await fsp.readdir(this.dir)) {
        const parsed = parseFileName(name);
        if (parsed?.kind !== "volume") continue;
        const st = await statOrNull(path.join(this.dir, name));
        if (st) sizes.set(parsed.id, st.size);
      }
      for (const [id, bytes] of this.changesDuringScan) {
        if (bytes === undefined) sizes.delete(id);
        else sizes.set(id, bytes);
      }
      this.sizes = sizes;
      this.scannedAt = Date.now();
      return sizes;
    } finally {
      this.changesDuringScan = undefined;
    }
  }

  /** A volume file now has `bytes` (undefined: it is gone). */
  private noteSize(id: string, bytes: number | undefined): void {
    this.changesDuringScan?.push([id, bytes]);
    if (!this.sizes) return;
    if (bytes === undefined) this.sizes.delete(id);
    else this.sizes.set(id, bytes);
  }

  private async deleteFile(kind: Kind, id: string): Promise<void> {
    assertValidId(id, kind);
    await removeIfExists(this.path(kind, id));
    if (kind === "volume") this.noteSize(id, undefined);
    // Temporary files of this id exist only while an operation on it runs (they are built under a
    // lock, and setup() sweeps what a crash left); one a failed operation could not remove is retried.
    const prefix = path.join(this.dir, tempPrefix(kind, id));
    for (const tmp of this.strays) {
      if (!tmp.startsWith(prefix)) continue;
      await removeIfExists(tmp);
      this.strays.delete(tmp);
    }
    this.log.info({ [`${kind}Id`]: id }, `deleted ${kind} file`);
  }

  private path(kind: Kind, id: string): string {
    return filePath(this.dir, kind, id);
  }

  private temp(kind: Kind, id: string): string {
    return tempPath(this.dir, kind, id, randomSuffix());
  }
}

/** Where the file driver keeps an unmanaged volume's data. */
export const unmanagedVolumeName = (id: string): string => `unmanaged-volume-${id}`;
