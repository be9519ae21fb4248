/**
 * Orphans: backend data (volume or snapshot data of the driver's own naming) whose id has no
 * database row. Rows are written before the backend is touched and removed only after its data is
 * gone, so with the right database an orphan is the leftover of a delete cut short. But the
 * database may be the wrong one: an older backup, a new empty PostgreSQL, a `--db` typo. Deleting
 * orphans on sight would then wipe every tenant's data, so nothing here deletes by itself: the
 * manager reports orphans on start and leaves them in place (a restart on the right database finds
 * them where its rows expect them), the manageable list offers them for adoption, and an admin
 * removes them with `cinderblock admin orphans purge --yes`. The one exception is data the driver
 * itself marked as unfinished (`listIncomplete`), which holds no complete volume.
 */
import type { Kysely } from "kysely";
import { existingSnapshotIds } from "../../db/repos/snapshots";
import { existingVolumeIds } from "../../db/repos/volumes";
import type { Database } from "../../db/schema";
import type { VolumeDriver } from "../../drivers/interface";

export interface Orphans {
  volumes: string[];
  snapshots: string[];
  /** The orphaned volumes whose data the driver marked as its own unfinished work (a subset of `volumes`). */
  incomplete: string[];
}

export type OrphanKind = "volume" | "snapshot";

/**
 * The backend's data without a row. The backend is listed before the database is read: a create
 * commits its row before it makes the data, so data seen here has a row visible here.
 */
export async function findOrphans(db: Kysely<Database>, driver: VolumeDriver): Promise<Orphans> {
  const held = await driver.listResources();
  const incomplete = new Set(await driver.listIncomplete());
  const knownVolumes = await existingVolumeIds(db, held.volumes);
  const knownSnapshots = await existingSnapshotIds(db, held.snapshots);
  const volumes = held.volumes.filter((id) => !knownVolumes.has(id));
  return {
    volumes,
    snapshots: held.snapshots.filter((id) => !knownSnapshots.has(id)),
    incomplete: volumes.filter((id) => incomplete.has(id)),
  };
}

/**
 * Delete one orphan's data, checking again just before that it still has no row (a manage may
 * have adopted it since it was listed, under another name, or a row appeared). False when it has one.
 */
export async function purgeOrphan(db: Kysely<Database>, driver: VolumeDriver, kind: OrphanKind, id: string): Promise<boolean> {
  const known = kind === "volume" ? existingVolumeIds : existingSnapshotIds;
  if ((await known(db, [id])).size > 0) return false;
  if (kind === "volume") await driver.deleteVolume({ id, size: 0 });
  else await driver.deleteSnapshot({ id, volumeId: "", volumeSize: 0 });
  return true;
}
