/**
 * The rbd driver's view of the pool as a whole: which images and snapshots are its own (for a
 * restarting manager), and adopting existing images (cf. cinder/volume/drivers/rbd.py
 * manage_existing, manage_existing_get_size, get_manageable_volumes): an image of the pool is
 * renamed to the volume's name and grown to the volume's size.
 */
import type { Log } from "../../log";
import type { ManageableVolume, ManageRef } from "../interface";
import { ALREADY_MANAGED, InvalidReferenceError } from "../manage";
import { DELETED_SUFFIX } from "./clone";
import { GIB, type Rbd } from "./rbd";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const VOLUME_RE = new RegExp(`^volume-(${UUID})$`);
const SNAPSHOT_RE = new RegExp(`^snapshot-(${UUID})$`);

/** Why `name` cannot name an image of the pool, or null (no pool, snapshot or namespace separators, no option-like name). */
export function imageNameProblem(name: unknown): string | null {
  if (typeof name !== "string" || name.length === 0 || name.length > 255) return "The source name must be an image name of 1 to 255 characters.";
  if (/[/@\s]/.test(name) || name.startsWith("-")) return "The source name must be the name of an image in the backend's pool: no '/', '@', spaces, and not starting with '-'.";
  return null;
}

export class RbdManage {
  constructor(
    private readonly rbd: Rbd,
    private readonly log: Log,
  ) {}

  async listResources(): Promise<{ volumes: string[]; snapshots: string[] }> {
    const volumes: string[] = [];
    const snapshots: string[] = [];
    for (const img of await this.rbd.list()) {
      const id = VOLUME_RE.exec(img.name)?.[1];
      if (!id) continue;
      volumes.push(id);
      for (const s of await this.rbd.snaps(img.name)) {
        const sid = SNAPSHOT_RE.exec(s.name)?.[1];
        if (sid) snapshots.push(sid);
      }
    }
    return { volumes: volumes.sort(), snapshots: snapshots.sort() };
  }

  private checkedName(ref: ManageRef): string {
    const problem = imageNameProblem(ref.sourceName);
    if (problem) throw new InvalidReferenceError(`'${ref.sourceName}'`, problem);
    return ref.sourceName;
  }

  async manageExisting(image: string, sizeBytes: number, ref: ManageRef): Promise<void> {
    const src = this.checkedName(ref);
    if (src !== image) {
      const [srcInfo, finalInfo] = await Promise.all([this.rbd.info(src), this.rbd.info(image)]);
      if (!srcInfo && !finalInfo) throw new InvalidReferenceError(`'${src}'`, "Specified rbd image does not exist.");
      if (srcInfo && finalInfo) throw new Error(`cannot manage ${src}: ${image} already exists`);
      if (srcInfo) await this.rbd.rename(src, image);
    } else if (!(await this.rbd.info(image))) {
      throw new InvalidReferenceError(`'${src}'`, "Specified rbd image does not exist.");
    }
    await this.rbd.growTo(image, sizeBytes);
    this.log.info({ image, source: src }, "managed existing rbd image");
  }

  /**
   * Unmanage: `volume-<id>` becomes `unmanaged-volume-<id>`, which no restart counts as the
   * driver's (never an orphan to purge) and manage may adopt again. Idempotent.
   */
  async unmanage(image: string): Promise<void> {
    const kept = `unmanaged-${image}`;
    const [srcInfo, keptInfo] = await Promise.all([this.rbd.info(image), this.rbd.info(kept)]);
    if (!srcInfo) return;
    if (keptInfo) throw new Error(`cannot unmanage ${image}: ${kept} already exists`);
    await this.rbd.rename(image, kept);
    this.log.info({ image, kept }, "unmanaged rbd image");
  }

  async manageExistingGetSize(ref: ManageRef): Promise<number> {
    const info = await this.rbd.info(this.checkedName(ref));
    if (!info) throw new InvalidReferenceError(`'${ref.sourceName}'`, "Specified rbd image does not exist.");
    return Math.max(1, Math.ceil(info.sizeBytes / GIB));
  }

  /** Every image of the pool but those the driver keeps for clone children (`.deleted`). */
  async getManageableVolumes(knownIds: ReadonlySet<string>): Promise<ManageableVolume[]> {
    const out: ManageableVolume[] = [];
    for (const img of await this.rbd.list()) {
      if (img.name.endsWith(DELETED_SUFFIX)) continue;
      const id = VOLUME_RE.exec(img.name)?.[1];
      const known = id !== undefined && knownIds.has(id);
      out.push({
        sourceName: img.name,
        sizeGb: Math.max(1, Math.ceil(img.sizeBytes / GIB)),
        safe: !known,
        reasonNotSafe: known ? ALREADY_MANAGED : null,
        cinderId: known ? id : null,
        extraInfo: null,
      });
    }
    return out;
  }
}
