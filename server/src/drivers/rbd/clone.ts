/**
 * Copy-on-write clones and their deletion, as Cinder's RBD driver does them
 * (cinder/volume/drivers/rbd.py `create_cloned_volume`, `_get_clone_depth`, `delete_volume`,
 * `_delete_clone_parent_refs`):
 *
 * - a clone of a volume goes through a temporary snapshot `<clone>.clone_snap` of the source,
 *   protected, cloned from; a clone of a snapshot clones the snapshot itself (protected first);
 * - when the source already has `maxCloneDepth` ancestors, the new image is flattened (it copies
 *   its parent's data and no longer depends on it) and a temporary snapshot is removed at once;
 * - a volume whose clone snapshots still have children cannot be removed: it is renamed
 *   `<name>.deleted` and removed, with its snapshot, when its last child goes.
 */
import type { Log } from "../../log";
import { EBUSY, exitCode, type Rbd } from "./rbd";

export const CLONE_SNAP_SUFFIX = ".clone_snap";
export const DELETED_SUFFIX = ".deleted";

/** The number of ancestral clones of `image` (Cinder's `_get_clone_depth`); parents in other pools are followed too. */
export async function cloneDepth(rbd: Rbd, image: string): Promise<number> {
  let depth = 0;
  let info = await rbd.info(image);
  const seen = new Set<string>([image]);
  while (info?.parent) {
    if (info.parent.pool !== rbd.pool) return depth + 1;
    if (seen.has(info.parent.image)) throw new Error(`clone loop at ${info.parent.image}`);
    seen.add(info.parent.image);
    depth++;
    info = await rbd.info(info.parent.image);
  }
  return depth;
}

export interface CloneOptions {
  maxCloneDepth: number;
  /** Flatten whatever the depth (rbd_flatten_volume_from_snapshot for a volume from a snapshot). */
  flatten: boolean;
  /** The snapshot is the driver's temporary one (`.clone_snap`): removed once the clone no longer needs it. */
  temporarySnap: boolean;
  log: Log;
}

/**
 * Clone `parent@snap` as `child`, flattening it when the parent is `maxCloneDepth` clones deep or
 * when told to. Returns whether the child was flattened.
 */
export async function cloneFromSnap(rbd: Rbd, parent: string, snap: string, child: string, o: CloneOptions): Promise<boolean> {
  await rbd.snapProtect(parent, snap);
  await rbd.clone(parent, snap, child);
  const depth = await cloneDepth(rbd, parent);
  if (!o.flatten && depth < o.maxCloneDepth) return false;
  o.log.info({ image: child, depth, maxCloneDepth: o.maxCloneDepth }, o.flatten ? "flattening the new volume" : "maximum clone depth reached; flattening the new volume");
  await rbd.flatten(child);
  if (o.temporarySnap) await rbd.snapRemove(parent, snap);
  return true;
}

/**
 * Remove `image` (a volume's image, or one already renamed `.deleted`) as Cinder's delete_volume
 * does: its temporary clone snapshots without children go first; when some still have children
 * the image is renamed `<name>.deleted` instead. After a removal, a `.deleted` parent whose last
 * child this was is removed in turn. A missing image is a success.
 * @throws when the image has snapshots of its own (the volume has snapshots: Cinder's VolumeIsBusy).
 */
export async function removeImage(rbd: Rbd, image: string, log: Log): Promise<void> {
  const info = await rbd.info(image);
  if (!info) return;
  const snaps = await rbd.snaps(image);
  const own = snaps.filter((s) => !s.name.endsWith(CLONE_SNAP_SUFFIX));
  if (own.length > 0 && !image.endsWith(DELETED_SUFFIX)) {
    throw new Error(`volume image ${rbd.spec(image)} has snapshots (${own.map((s) => s.name).join(", ")}); delete them first`);
  }
  let busy = own.length > 0;
  for (const s of snaps.filter((x) => x.name.endsWith(CLONE_SNAP_SUFFIX))) {
    if ((await rbd.children(image, s.name)).length > 0) {
      busy = true;
      continue;
    }
    await rbd.snapRemove(image, s.name);
  }
  if (busy) {
    if (!image.endsWith(DELETED_SUFFIX)) {
      await rbd.rename(image, image + DELETED_SUFFIX);
      log.info({ image: rbd.spec(image) }, "volume has clone children; renamed to .deleted until they go");
    }
    return;
  }
  try {
    await rbd.remove(image);
  } catch (err) {
    // A clone made from it meanwhile, or a client still watching it.
    if (exitCode(err) === EBUSY) throw new Error(`volume image ${rbd.spec(image)} is busy: ${(err as Error).message}`);
    throw err;
  }
  log.info({ image: rbd.spec(image) }, "removed image");
  // A clone of a volume leaves its temporary snapshot on the source, named after the clone: it
  // goes with the clone, and a `.deleted` source with its last snapshot.
  const base = image.endsWith(DELETED_SUFFIX) ? image.slice(0, -DELETED_SUFFIX.length) : image;
  const p = info.parent;
  if (p && p.pool === rbd.pool && p.snapshot === base + CLONE_SNAP_SUFFIX) await releaseParent(rbd, p.image, p.snapshot, log);
}

/** The clone of `parent@snap` is gone: the snapshot goes, and a `.deleted` parent without snapshots left (Cinder's `_delete_clone_parent_refs`). */
async function releaseParent(rbd: Rbd, parent: string, snap: string, log: Log): Promise<void> {
  if ((await rbd.children(parent, snap)).length > 0) return;
  await rbd.snapRemove(parent, snap);
  if (!parent.endsWith(DELETED_SUFFIX) || (await rbd.snaps(parent)).length > 0) return;
  await removeImage(rbd, parent, log);
}
