/**
 * Managing existing snapshots with the LVM driver (cinder/volume/drivers/lvm.py
 * manage_existing_snapshot, manage_existing_snapshot_get_size, get_manageable_snapshots).
 *
 * A snapshot LV is one with an origin (LVM's `origin` field: a thick `s` snapshot, or a thin
 * snapshot); it is a snapshot of volume V when its origin is `volume-<V>`. As in Cinder, managing
 * renames it to `_snapshot-<id>` (`lvrename`), and the listing gives each snapshot LV's origin as
 * its `source_reference`, the driver's own snapshots with a row as "already managed" and open ones
 * as "snapshot in use". Unlike Cinder (which checks nothing), the LV must be a snapshot of the
 * snapshot's volume; the driver's other LVs with an origin (thin clones and volumes made from
 * snapshots, temporary clone snapshots, unfinished copies) are never offered or adopted.
 *
 * Sizes: a thick snapshot's `lv_size` is its copy-on-write area, while its data is as large as
 * its origin, so it counts as its origin's size (Cinder takes the COW size); a thin snapshot's is
 * its own.
 *
 * Unmanaging keeps the LV and its name and drops the driver's owner tag, so that a restarting
 * manager does not take it for an orphan of its own; it is then listed (and manageable) again.
 */
import type { Log } from "../../log";
import type { ManageableSnapshot, ManageRef, SnapshotRef } from "../interface";
import { ALREADY_MANAGED, InvalidReferenceError } from "../manage";
import { GIB, type Lvm, type LvInfo } from "./lvm";
import { INCOMPLETE_TAG, isOpen, lvNameProblem } from "./manage";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const SNAPSHOT_RE = new RegExp(`^_snapshot-(${UUID})$`);
const SNAPSHOT_IN_USE = "snapshot in use";

export const snapshotLvName = (id: string): string => `_snapshot-${id}`;
const isThickSnapshot = (lv: LvInfo): boolean => lv.attr[0] === "s" || lv.attr[0] === "S";

/** The bytes of data a snapshot LV holds: its origin's size for a thick one, its own for a thin one. */
function snapshotBytes(lv: LvInfo, origin: LvInfo | null | undefined): number {
  return isThickSnapshot(lv) && origin ? Math.max(lv.sizeBytes, origin.sizeBytes) : lv.sizeBytes;
}

/**
 * The snapshot LVs one could adopt, unsorted: foreign ones, and the driver's own `_snapshot-<id>`
 * (not safe when `known` has the id, else an orphan of its origin's volume, safe). Pure, so it is
 * tested on recorded reports.
 */
export function manageableSnapshotLvs(lvs: readonly LvInfo[], ownerTag: string, known: ReadonlyMap<string, string>): ManageableSnapshot[] {
  const byName = new Map(lvs.map((lv) => [lv.name, lv]));
  const out: ManageableSnapshot[] = [];
  for (const lv of lvs) {
    if (!lv.origin) continue;
    const ours = lv.tags.includes(ownerTag);
    const id = SNAPSHOT_RE.exec(lv.name)?.[1];
    if (ours && (!id || lv.tags.includes(INCOMPLETE_TAG))) continue;
    const managed = ours && id !== undefined && known.has(id);
    const reason = managed ? ALREADY_MANAGED : isOpen(lv) ? SNAPSHOT_IN_USE : null;
    out.push({
      sourceName: lv.name,
      sizeGb: Math.ceil(snapshotBytes(lv, byName.get(lv.origin)) / GIB),
      safe: reason === null,
      reasonNotSafe: reason,
      cinderId: managed ? id! : null,
      extraInfo: null,
      sourceReference: { "source-name": lv.origin },
    });
  }
  return out;
}

export class LvmSnapshotManage {
  constructor(
    private readonly lvm: Lvm,
    private readonly vg: string,
    private readonly ownerTag: string,
    private readonly log: Log,
  ) {}

  /** Rename the snapshot LV to `_snapshot-<id>` and tag it as the driver's; a re-run finds it renamed and only checks the tag. */
  async manageExistingSnapshot(snapshot: SnapshotRef, ref: ManageRef): Promise<void> {
    const name = snapshotLvName(snapshot.id);
    if (ref.sourceName !== name && (await this.sourceLv(snapshot, ref))) await this.lvm.rename(this.vg, ref.sourceName, name);
    const lv = await this.lvm.lv(this.vg, name);
    if (!lv) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified logical volume does not exist.");
    if (!lv.tags.includes(this.ownerTag)) await this.lvm.addTag(this.vg, name, this.ownerTag);
    this.log.info({ snapshotId: snapshot.id, volumeId: snapshot.volumeId, source: ref.sourceName }, "managed existing snapshot LV");
  }

  async manageExistingSnapshotGetSize(snapshot: SnapshotRef, ref: ManageRef): Promise<number> {
    const lv = await this.sourceLv(snapshot, ref);
    if (!lv) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified logical volume does not exist.");
    return Math.ceil(snapshotBytes(lv, await this.lvm.lv(this.vg, lv.origin)) / GIB);
  }

  /** Drop the owner tag, keeping the LV; a snapshot LV already gone or untagged is a success. */
  async unmanageSnapshot(snapshot: SnapshotRef): Promise<void> {
    const name = snapshotLvName(snapshot.id);
    const lv = await this.lvm.lv(this.vg, name);
    if (lv?.tags.includes(this.ownerTag)) await this.lvm.deleteTag(this.vg, name, this.ownerTag);
    this.log.info({ snapshotId: snapshot.id, lv: name }, "unmanaged snapshot LV");
  }

  async getManageableSnapshots(known: ReadonlyMap<string, string>): Promise<ManageableSnapshot[]> {
    return manageableSnapshotLvs(await this.lvm.lvs(this.vg), this.ownerTag, known);
  }

  /** The snapshot LV a reference names, or null when there is none; anything but a snapshot of the snapshot's volume is refused. */
  private async sourceLv(snapshot: SnapshotRef, ref: ManageRef): Promise<LvInfo | null> {
    const problem = lvNameProblem(ref.sourceName);
    if (problem) throw new InvalidReferenceError(`'${ref.sourceName}'`, problem);
    const lv = await this.lvm.lv(this.vg, ref.sourceName);
    if (!lv) return null;
    if (lv.origin !== `volume-${snapshot.volumeId}`) {
      throw new InvalidReferenceError(`'${ref.sourceName}'`, `It is not a snapshot of volume ${snapshot.volumeId} (its origin is '${lv.origin}').`);
    }
    if (lv.tags.includes(this.ownerTag) && !SNAPSHOT_RE.test(lv.name)) {
      throw new InvalidReferenceError(`'${ref.sourceName}'`, "It is one of the backend's own volumes, not a snapshot.");
    }
    if (lv.tags.includes(this.ownerTag) && lv.tags.includes(INCOMPLETE_TAG)) {
      throw new InvalidReferenceError(`'${ref.sourceName}'`, "It is an unfinished copy; its data is incomplete.");
    }
    return lv;
  }
}
