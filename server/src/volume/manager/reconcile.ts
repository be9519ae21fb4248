/**
 * Restart reconciliation (cf. cinder/volume/manager.py init_host and the workers cleanup of 3.24):
 * every operation a stop or a crash cut short is run again (driver methods are idempotent). What
 * the backend holds without a database row is kept and reported (see ./orphans.ts); only the
 * driver's own unfinished copies among it are removed.
 */
import { casSnapshot, snapshotsOnBackend } from "../../db/repos/snapshots";
import { casGroup, groupSnapshotsOnBackend, groupsOnBackend } from "../../db/repos/groups";
import { isMigrationTarget, MIGRATION_IDLE, parseTask, volumesOnBackend } from "../../db/repos/volumes";
import { SNAPSHOT_TRANSITIONAL, VOLUME_TRANSITIONAL } from "../../contract/status";
import type { SnapshotRow, VolumeRow } from "../../db/schema";
import { timestampAt } from "../../contract/time";
import type { VolumeManager } from "./manager";
import { ensureExports } from "./exports";
import { findOrphans } from "./orphans";
import { resumeStaleBackups } from "./backup-reconcile";
import { reconcileMigrations } from "./migrate";

/** Orphans named one per log line on start; the rest are counted (`cinderblock admin orphans list` names them all). */
const ORPHANS_LOGGED = 100;

export async function reconcile(m: VolumeManager): Promise<void> {
  await quarantineOrphans(m);
  await ensureExports(m);
  await reconcileMigrations(m);
  const volumes = await volumesOnBackend(m.db.kysely, m.backend, VOLUME_TRANSITIONAL);
  const snapshots = await snapshotsOnBackend(m.db.kysely, m.backend, SNAPSHOT_TRANSITIONAL);
  await resume(m, volumes, snapshots, "resuming an interrupted");
  await resumeGroups(m);
}

/**
 * Group work cut short: a group being made or deleted, a group snapshot being made or deleted, is
 * cast again (each re-reads its rows and does what is left). The volumes an update was moving are
 * not recorded, so an interrupted update is ended: the group is available again, its volumes as
 * far as the update got.
 */
async function resumeGroups(m: VolumeManager): Promise<void> {
  const self = m.rpc.volumes;
  for (const g of await groupsOnBackend(m.db.kysely, m.backend, ["creating", "deleting", "updating"])) {
    m.log.info({ groupId: g.id, status: g.status }, "resuming an interrupted group operation");
    if (g.status === "creating") self.createGroup(m.backend, g.id);
    else if (g.status === "deleting") self.deleteGroup(m.backend, g.id);
    else await casGroup(m.db.kysely, g.id, { status: ["updating"] }, { status: "available" });
  }
  for (const gs of await groupSnapshotsOnBackend(m.db.kysely, m.backend, ["creating", "deleting"])) {
    m.log.info({ groupSnapshotId: gs.id, status: gs.status }, "resuming an interrupted group snapshot operation");
    if (gs.status === "creating") self.createGroupSnapshot(m.backend, gs.id);
    else self.deleteGroupSnapshot(m.backend, gs.id);
  }
}

/**
 * While running: operations of this backend left in a transitional status for `ageMs` that no work
 * of this manager holds or waits for are cast again (their message was lost). Each operation checks
 * the status under its lock, so a message that was only late changes nothing.
 */
export async function resumeStale(m: VolumeManager, ageMs: number): Promise<void> {
  const cutoff = timestampAt(Date.now() - ageMs);
  const stale = <R extends { id: string; updated_at: string | null; created_at: string }>(rows: R[]) =>
    rows.filter((r) => (r.updated_at ?? r.created_at) < cutoff && !m.locks.busy(r.id));
  const volumes = stale(await volumesOnBackend(m.db.kysely, m.backend, VOLUME_TRANSITIONAL));
  const snapshots = stale(await snapshotsOnBackend(m.db.kysely, m.backend, SNAPSHOT_TRANSITIONAL)).filter((s) => s.status !== "restoring");
  await resume(m, volumes, snapshots, "resuming a stalled");
  await resumeStaleBackups(m, ageMs);
}

/** A migration's hidden target, or a volume whose retype migrates: the migration owns it, nothing is resumed. */
function migrationBusy(v: VolumeRow): boolean {
  return isMigrationTarget(v) || (v.migration_status !== null && !(MIGRATION_IDLE as readonly string[]).includes(v.migration_status));
}

async function resume(m: VolumeManager, volumes: VolumeRow[], snapshots: SnapshotRow[], why: string): Promise<void> {
  const { volumes: self, scheduler } = m.rpc;
  const reverting = new Set<string>();
  for (const v of volumes.filter((x) => !migrationBusy(x))) {
    m.log.info({ volumeId: v.id, status: v.status }, `${why} volume operation`);
    if (v.status === "creating") self.createVolume(m.backend, v.id);
    else if (v.status === "deleting") self.deleteVolume(m.backend, v.id);
    else if (v.status === "unmanaging") self.unmanageVolume(m.backend, v.id);
    else if (v.status === "extending") {
      // An extend the scheduler has not placed yet is its to decide (it may refuse it).
      if (parseTask(v)?.placed) self.extendVolume(m.backend, v.id);
      else scheduler.extendVolume(v.id);
    }
    // Whether the backend still fits the new type is the scheduler's to decide again.
    else if (v.status === "retyping") scheduler.retypeVolume(v.id);
    else if (v.status === "managing") self.manageExisting(m.backend, v.id);
    else if (v.status === "uploading") self.copyVolumeToImage(m.backend, v.id);
    else if (v.status === "reverting") {
      const snapshotId = parseTask(v)?.snapshot_id ?? "";
      reverting.add(snapshotId);
      self.revertToSnapshot(m.backend, v.id, snapshotId);
    }
  }
  for (const s of snapshots) {
    m.log.info({ snapshotId: s.id, status: s.status }, `${why} snapshot operation`);
    // A snapshot being managed adopts its object again; it never takes a new snapshot.
    if (s.status === "creating" && s.task) self.manageExistingSnapshot(m.backend, s.id);
    else if (s.status === "creating") self.createSnapshot(m.backend, s.id);
    else if (s.status === "deleting") self.deleteSnapshot(m.backend, s.id);
    else if (s.status === "unmanaging") self.unmanageSnapshot(m.backend, s.id);
    else if (s.status === "restoring" && !reverting.has(s.id)) {
      await casSnapshot(m.db.kysely, s.id, ["restoring"], { status: "available" });
    }
  }
}

/**
 * Backend data without a row is never deleted here: the database may be an old backup or the
 * wrong one (see ./orphans.ts). It stays in place, is logged at warn, and is listed as manageable.
 * A volume the driver marked as an unfinished copy holds no complete data and is removed.
 */
async function quarantineOrphans(m: VolumeManager): Promise<void> {
  const found = await findOrphans(m.db.kysely, m.driver);
  for (const id of found.incomplete) {
    m.log.warn({ volumeId: id }, "removing an unfinished copy (marked incomplete by the driver) of a volume the database does not know");
    await m.driver.deleteVolume({ id, size: 0 });
  }
  const incomplete = new Set(found.incomplete);
  const kept = [
    ...found.volumes.filter((id) => !incomplete.has(id)).map((id) => ({ volumeId: id })),
    ...found.snapshots.map((id) => ({ snapshotId: id })),
  ];
  if (kept.length === 0) return;
  for (const o of kept.slice(0, ORPHANS_LOGGED)) {
    m.log.warn(o, "keeping backend data the database does not know (orphan): adopt it with manage or remove it with `cinderblock admin orphans purge`");
  }
  m.log.warn(
    { orphans: kept.length, unnamed: Math.max(0, kept.length - ORPHANS_LOGGED) },
    "backend data without database rows was kept, not deleted; is this the right database? `cinderblock admin orphans list` shows it all",
  );
}
