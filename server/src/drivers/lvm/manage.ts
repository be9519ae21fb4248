/**
 * Which LVs of the volume group an operator may hand over to the LVM driver, after
 * cinder/volume/drivers/lvm.py `_get_manageable_resource_info`: every LV but snapshots, with its
 * size rounded up to GiB; those named after a known volume are "already managed", open ones "volume
 * in use". Unlike Cinder, the thin pool and the driver's own snapshots and temporary LVs are left
 * out, since adopting them would break the backend. Pure, so it is tested on recorded reports.
 */
import type { ManageableVolume } from "../interface";
import { ALREADY_MANAGED, VOLUME_IN_USE } from "../manage";
import { GIB, type LvInfo } from "./lvm";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const VOLUME_RE = new RegExp(`^volume-(${UUID})$`);

export const isOpen = (lv: LvInfo): boolean => lv.attr[5] === "o";
const isSnapshot = (lv: LvInfo): boolean => lv.attr[0] === "s" || lv.attr[0] === "S";
const isPool = (lv: LvInfo): boolean => lv.attr[0] === "t";

export function manageableLvs(lvs: readonly LvInfo[], ownerTag: string, knownIds: ReadonlySet<string>): ManageableVolume[] {
  const out: ManageableVolume[] = [];
  for (const lv of lvs) {
    if (isSnapshot(lv) || isPool(lv)) continue;
    const id = VOLUME_RE.exec(lv.name)?.[1];
    // The driver's own LVs other than volumes: snapshots (`_snapshot-`), temporary clone snapshots.
    if (lv.tags.includes(ownerTag) && !id) continue;
    const known = id !== undefined && knownIds.has(id);
    const reason = known ? ALREADY_MANAGED : isOpen(lv) ? VOLUME_IN_USE : null;
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
