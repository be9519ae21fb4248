/**
 * Which LVs of the volume group an operator may hand over to the LVM driver, after
 * cinder/volume/drivers/lvm.py `_get_manageable_resource_info`: every LV but snapshots, with its
 * size rounded up to GiB; those named after a known volume are "already managed", open ones "volume
 * in use". Unlike Cinder, the thin pool and the driver's own snapshots and temporary LVs are left
 * out, since adopting them would break the backend; but the driver's thin snapshots whose id has
 * no row (orphans, e.g. after a start on an older database) are offered, since a thin snapshot
 * stands alone as a volume. Pure, so it is tested on recorded reports.
 */
import type { ManageableVolume } from "../interface";
import { ALREADY_MANAGED, VOLUME_IN_USE } from "../manage";
import { GIB, type LvInfo } from "./lvm";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const VOLUME_RE = new RegExp(`^volume-(${UUID})$`);
const SNAPSHOT_RE = new RegExp(`^_snapshot-(${UUID})$`);
export const INCOMPLETE_TAG = "cinderblock-incomplete";
const UNFINISHED = "unfinished copy";

/**
 * Names LVM keeps for itself (lib/misc/lvm-string.c `apply_lvname_restrictions`): prefixes
 * `snapshot` and `pvmove`, and the suffixes of hidden sub-LVs (a pool's `_tdata`, a mirror's
 * `_mimage_0`, ...). Such an LV is part of another one and is never adopted on its own.
 */
const RESERVED_PREFIXES = ["snapshot", "pvmove"];
const RESERVED_PARTS = ["_cdata", "_cmeta", "_corig", "_cpool", "_cvol", "_wcorig", "_imeta", "_iorig", "_mlog", "_mimage", "_pmspare", "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin"];

/** Why `name` cannot name an LV to adopt, or null: LVM's characters (letters, digits, `+_.-`), no leading '-', not reserved. */
export function lvNameProblem(name: string): string | null {
  if (typeof name !== "string" || name.length === 0 || name.length > 127 || name === "." || name === "..") {
    return "Logical volume names have 1 to 127 characters and are not '.' or '..'.";
  }
  if (!/^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/.test(name)) {
    return "Logical volume names use only letters, digits and '+', '_', '.', '-', and do not start with '-'.";
  }
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p)) || RESERVED_PARTS.some((p) => name.includes(p))) {
    return "The name is one LVM reserves for its own internal volumes.";
  }
  return null;
}

export const isOpen = (lv: LvInfo): boolean => lv.attr[5] === "o";
const isSnapshot = (lv: LvInfo): boolean => lv.attr[0] === "s" || lv.attr[0] === "S";
const isPool = (lv: LvInfo): boolean => lv.attr[0] === "t";

export function manageableLvs(
  lvs: readonly LvInfo[],
  ownerTag: string,
  knownIds: ReadonlySet<string>,
  knownSnapshotIds?: ReadonlySet<string>,
): ManageableVolume[] {
  const out: ManageableVolume[] = [];
  for (const lv of lvs) {
    if (isSnapshot(lv) || isPool(lv)) continue;
    const id = VOLUME_RE.exec(lv.name)?.[1];
    const ours = lv.tags.includes(ownerTag);
    const snapId = ours ? SNAPSHOT_RE.exec(lv.name)?.[1] : undefined;
    const orphanSnapshot = snapId !== undefined && knownSnapshotIds !== undefined && !knownSnapshotIds.has(snapId);
    // The driver's own LVs other than volumes: snapshots with a row (`_snapshot-`), temporary clone snapshots.
    if (ours && !id && !orphanSnapshot) continue;
    const known = id !== undefined && knownIds.has(id);
    const reason = known ? ALREADY_MANAGED : ours && lv.tags.includes(INCOMPLETE_TAG) ? UNFINISHED : isOpen(lv) ? VOLUME_IN_USE : null;
    out.push({
      sourceName: lv.name,
      sizeGb: Math.ceil(lv.sizeBytes / GIB),
      safe: reason === null,
      reasonNotSafe: reason,
      cinderId: known ? id : null,
      extraInfo: null,
    });
  }
  return out;
}
