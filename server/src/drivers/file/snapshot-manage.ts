/**
 * Managing existing snapshots with the file driver (cf. cinder/volume/drivers/lvm.py
 * manage_existing_snapshot, get_manageable_snapshots and unmanage).
 *
 * Names. The driver's own snapshot is `snapshot-<id>`. A file the driver does not own counts as a
 * snapshot of volume V when it is named `volume-<V>@<label>` (as ZFS names a dataset's snapshots),
 * is a plain entry of the folder (no path, dot-name or option-like name) and a regular file, not a
 * symbolic link: the same candidates as the manageable volume list, the name telling which volume
 * the copy is of. Such a name is none of the driver's own (`parseFileName` refuses `@`), so a file
 * of that shape is never taken for an orphan, reported or purged.
 *
 * Managing renames the file to `snapshot-<id>` and grows it to whole GiB (sparse). Unmanaging
 * renames `snapshot-<id>` to `volume-<V>@snapshot-<id>`: the data stays, out of the driver's own
 * names (a `snapshot-<id>` without a row would count as an orphan), and can be managed again.
 */
import { promises as fsp, type Stats } from "node:fs";
import path from "node:path";
import type { Log } from "../../log";
import { PRIVATE_FILE_MODE } from "../../lib/private-file";
import type { ManageableSnapshot, ManageRef, SnapshotRef } from "../interface";
import { ALREADY_MANAGED, InvalidReferenceError } from "../manage";
import { fsyncDir, growTo, lstatOrNull } from "./files";
import { assertValidId, assertValidSize, fileName, filePath, GIB, gibToBytes, isPlainName, parseFileName } from "./paths";

const FOREIGN_SNAPSHOT_RE = /^volume-([^@]+)@(.+)$/;

/** The volume id a foreign snapshot file name is of (`volume-<id>@<label>`), or null. */
export function snapshotOfVolume(name: string): string | null {
  if (!isPlainName(name)) return null;
  const m = FOREIGN_SNAPSHOT_RE.exec(name);
  if (!m) return null;
  const parsed = parseFileName(`volume-${m[1]}`);
  return parsed?.kind === "volume" ? parsed.id : null;
}

/** Where an unmanaged snapshot's data is kept: a foreign snapshot of its volume. */
export function unmanagedName(snapshot: SnapshotRef): string {
  return `${fileName("volume", snapshot.volumeId)}@${fileName("snapshot", snapshot.id)}`;
}

const invalid = (ref: ManageRef, reason: string) => new InvalidReferenceError(`'${ref.sourceName}'`, reason);

export class FileSnapshotManage {
  constructor(
    private readonly dir: string,
    private readonly log: Log,
  ) {}

  async manageExistingSnapshot(snapshot: SnapshotRef, ref: ManageRef): Promise<void> {
    assertValidId(snapshot.id, "snapshot");
    assertValidSize(snapshot.volumeSize, "snapshot");
    const final = filePath(this.dir, "snapshot", snapshot.id);
    const src = this.sourcePath(snapshot, ref);
    const [srcStat, finalStat] = await Promise.all([lstatOrNull(src), lstatOrNull(final)]);
    if (!srcStat && !finalStat) throw invalid(ref, "Specified file does not exist.");
    if (srcStat) assertRegular(ref, srcStat);
    if (srcStat && finalStat) throw new Error(`cannot manage ${ref.sourceName}: snapshot-${snapshot.id} already exists`);
    if (srcStat) {
      await fsp.rename(src, final);
      await fsyncDir(this.dir);
    }
    // A re-run after the rename finds the snapshot's own file, which must be just as regular.
    const st = await lstatOrNull(final);
    if (!st) throw invalid(ref, "Specified file does not exist.");
    assertRegular(ref, st);
    await fsp.chmod(final, PRIVATE_FILE_MODE);
    await growTo(final, gibToBytes(snapshot.volumeSize));
    this.log.info({ snapshotId: snapshot.id, volumeId: snapshot.volumeId, source: ref.sourceName }, "managed existing snapshot file");
  }

  async manageExistingSnapshotGetSize(snapshot: SnapshotRef, ref: ManageRef): Promise<number> {
    const st = await lstatOrNull(this.sourcePath(snapshot, ref));
    if (!st) throw invalid(ref, "Specified file does not exist.");
    assertRegular(ref, st);
    return Math.max(1, Math.ceil(st.size / GIB));
  }

  async unmanageSnapshot(snapshot: SnapshotRef): Promise<void> {
    assertValidId(snapshot.id, "snapshot");
    const src = filePath(this.dir, "snapshot", snapshot.id);
    const kept = path.join(this.dir, unmanagedName(snapshot));
    const [srcStat, keptStat] = await Promise.all([lstatOrNull(src), lstatOrNull(kept)]);
    // Gone already (a re-run after the rename, or data never made): nothing is left to keep.
    if (!srcStat) return;
    if (keptStat) throw new Error(`cannot unmanage snapshot ${snapshot.id}: ${unmanagedName(snapshot)} already exists`);
    await fsp.rename(src, kept);
    await fsyncDir(this.dir);
    this.log.info({ snapshotId: snapshot.id, kept: unmanagedName(snapshot) }, "unmanaged snapshot file");
  }

  async getManageableSnapshots(known: ReadonlyMap<string, string>): Promise<ManageableSnapshot[]> {
    const out: ManageableSnapshot[] = [];
    for (const name of await fsp.readdir(this.dir)) {
      const parsed = parseFileName(name);
      const ownVolume = parsed?.kind === "snapshot" ? known.get(parsed.id) : undefined;
      const ofVolume = ownVolume ?? snapshotOfVolume(name);
      if (!ofVolume) continue;
      // lstat: a symbolic link is not offered, whatever it points at.
      const st = await lstatOrNull(path.join(this.dir, name));
      if (!st?.isFile()) continue;
      out.push({
        sourceName: name,
        sizeGb: Math.max(1, Math.ceil(st.size / GIB)),
        safe: !ownVolume,
        reasonNotSafe: ownVolume ? ALREADY_MANAGED : null,
        cinderId: ownVolume ? parsed!.id : null,
        extraInfo: null,
        sourceReference: { "source-name": fileName("volume", ofVolume) },
      });
    }
    return out;
  }

  /** The file a reference names: a foreign snapshot file of the snapshot's volume, directly in the folder. */
  private sourcePath(snapshot: SnapshotRef, ref: ManageRef): string {
    const name = ref.sourceName;
    if (!isPlainName(name)) {
      throw invalid(
        ref,
        "The source name must be the name of a file directly in the backend folder: no '/', '\\' or '..', and not starting with '.' or '-'.",
      );
    }
    if (snapshotOfVolume(name) !== snapshot.volumeId) {
      throw invalid(ref, `Specified file is not a snapshot of volume ${snapshot.volumeId}: its name must be volume-${snapshot.volumeId}@<label>.`);
    }
    return path.join(this.dir, name);
  }
}

/** Only a regular file is adopted: a symbolic link could hand over any file of the host. */
function assertRegular(ref: ManageRef, st: Stats): void {
  if (st.isSymbolicLink()) throw invalid(ref, "Specified file is a symbolic link; only regular files are managed.");
  if (!st.isFile()) throw invalid(ref, "Specified file is not a regular file.");
}
