/**
 * A generic migration, the source volume manager's half (cinder/volume/manager.py migrate_volume,
 * _migrate_volume_generic, migrate_volume_completion). The scheduler checked the destination; here
 * a hidden volume is made on it (migration_status `target:<source id>`, consumes_quota 0: it is
 * never listed or counted), the data is copied into it (./copy-data.ts), and the source row takes
 * the destination's host and the target's storage (name_id); the source's old storage is deleted
 * and the target row removed. Any failure removes the target's storage and row, and the source
 * keeps its data, with migration_status `error` and its status back. Cinder writes no user message
 * for a failed migration, and neither do we.
 *
 * Both backends' data must be reachable from this process (the destination's manager runs in it,
 * `peers`): the copy reads one driver's data and writes the other's directly, where Cinder attaches
 * both volumes to the source host over their export protocol.
 */
import { randomUUID } from "node:crypto";
import { backendOf } from "../../bus/rpc";
import type { MigrateToMsg } from "../../bus/protocol";
import { casVolume, deleteVolumeRow, getVolume, insertVolume, migratingOnBackend, migrationTarget, migrationTargetsOnBackend, parseTask } from "../../db/repos/volumes";
import type { VolumeRow, VolumesTable } from "../../db/schema";
import { endOf, type VolumeStatus } from "../../contract/status";
import { now } from "../../contract/time";
import { invalidVolume } from "../../contract/errors";
import { refuseRetype } from "../../quota/retype-refusal";
import { copyVolumeData } from "./copy-data";
import { removeExport } from "./exports";
import type { VolumeManager } from "./manager";
import { vref } from "./operations";

const IN_PROGRESS = ["starting", "migrating", "completing"];

/** The status a migrated (or failed) volume returns to: the one it had before its migration or retype. */
function restoredStatus(v: VolumeRow): VolumeStatus {
  if (v.status === "retyping") return endOf("retype", "done", v.previous_status);
  if (v.status === "maintenance") return v.previous_status ?? "available";
  return v.status;
}

/** The destination's volume manager, which must run in this process. */
function peerOf(m: VolumeManager, host: string): VolumeManager {
  const peer = m.peers?.get(backendOf(host));
  if (!peer) throw new Error(`the destination backend ${backendOf(host)} is not served by this process; its data cannot be reached for the copy`);
  return peer;
}

export async function migrateVolume(m: VolumeManager, msg: MigrateToMsg): Promise<void> {
  await m.locks.with([msg.volumeId], async () => {
    const v = await getVolume(m.db.kysely, msg.volumeId);
    if (!v || v.migration_status !== "starting") return;
    if (!(await casVolume(m.db.kysely, v.id, { migrationStatus: ["starting"] }, { migration_status: "migrating" }))) return;
    let target: VolumeRow | undefined;
    try {
      const dest = peerOf(m, msg.host);
      target = targetRow(v, msg);
      await insertVolume(m.db.kysely, target, {});
      const t = target;
      await dest.locks.with([t.id], async () => {
        await dest.driver.createVolume(vref(t));
        const bytes = await copyVolumeData(m.driver, vref(v), dest.driver, vref(t));
        m.log.info({ volumeId: v.id, target: t.id, host: msg.host, bytes }, "volume data copied to the migration's destination");
      });
    } catch (err) {
      m.log.error({ err, volumeId: v.id, host: msg.host }, "volume migration failed");
      if (target) await removeTarget(m, target);
      await failMigration(m, v);
      return;
    }
    await completeMigration(m, v, target);
  });
}

/** The hidden destination volume: the source's properties on the destination, counted nowhere. */
function targetRow(v: VolumeRow, msg: MigrateToMsg): VolumeRow {
  const row: VolumesTable = {
    ...v,
    id: randomUUID(),
    host: msg.host,
    cluster_name: msg.cluster ?? null,
    status: "creating",
    attach_status: "detached",
    migration_status: migrationTarget(v.id),
    name_id: null,
    previous_status: null,
    volume_type_id: msg.newTypeId ?? v.volume_type_id,
    consumes_quota: 0,
    provider_location: null,
    provider_auth: null,
    provider_id: null,
    task: null,
    group_id: null,
    snapshot_id: null,
    source_volid: null,
    created_at: now(),
    updated_at: null,
    launched_at: null,
  };
  return row;
}

/**
 * migrate_volume_completion, success: the source takes the target's host and storage (and, for a
 * retype, its type) in one transaction with the removal of the target row; then the source's old
 * storage is deleted. A crash between the two leaves that old storage as an orphan of its backend,
 * kept and reported as any other (./orphans.ts), never the volume's data.
 */
async function completeMigration(m: VolumeManager, v: VolumeRow, target: VolumeRow): Promise<void> {
  await casVolume(m.db.kysely, v.id, { migrationStatus: ["migrating"] }, { migration_status: "completing" });
  await removeExport(m, v.id).catch((err: unknown) => m.log.warn({ err, volumeId: v.id }, "removing the migrated volume's old export failed"));
  const swapped = await m.db.kysely.transaction().execute(async (trx) => {
    const won = await casVolume(trx, v.id, { migrationStatus: ["completing"] }, {
      host: target.host,
      cluster_name: target.cluster_name,
      name_id: target.name_id ?? target.id,
      volume_type_id: target.volume_type_id,
      provider_location: null,
      provider_auth: null,
      provider_id: target.provider_id,
      migration_status: "success",
      status: restoredStatus(v),
      previous_status: v.status,
      task: null,
    });
    if (won) await deleteVolumeRow(trx, target.id);
    return won;
  });
  if (!swapped) {
    // A reset (os-reset_status) took the volume meanwhile: it keeps its own storage.
    await removeTarget(m, target);
    return;
  }
  await m.driver.deleteVolume(vref(v)).catch((err: unknown) => m.log.warn({ err, volumeId: v.id }, "deleting the migrated volume's old storage failed; it is left as an orphan"));
  m.log.info({ volumeId: v.id, host: target.host, nameId: target.name_id ?? target.id }, "volume migrated");
}

/** The target's storage (on its backend, through its manager here) and its row go. */
async function removeTarget(m: VolumeManager, target: VolumeRow): Promise<void> {
  try {
    const dest = peerOf(m, target.host ?? "");
    await dest.locks.with([target.id], () => dest.driver.deleteVolume(vref(target)));
  } catch (err) {
    m.log.warn({ err, target: target.id }, "removing a migration's destination storage failed");
  }
  await deleteVolumeRow(m.db.kysely, target.id);
}

/** The source keeps its data: migration_status error, its status (and, for a retype, its type and quota) back. */
async function failMigration(m: VolumeManager, v: VolumeRow): Promise<void> {
  if (v.status === "retyping") {
    await refuseRetype(m.db.kysely, v, parseTask(v)?.new_type_id, { migration_status: "error" });
    return;
  }
  const status = restoredStatus(v);
  const back = status !== v.status ? { status, previous_status: null } : {};
  await casVolume(m.db.kysely, v.id, { migrationStatus: IN_PROGRESS }, { migration_status: "error", ...back });
}

/**
 * os-migrate_volume_completion (cinder/volume/manager.py migrate_volume_completion), called by the
 * API once it checked that `newVolumeId` is the source's target: with `error`, the target goes and
 * the migration fails; without, the source takes the target's storage as it is. Answers the id kept.
 */
export async function migrateVolumeCompletion(m: VolumeManager, volumeId: string, newVolumeId: string, error: boolean): Promise<string> {
  return m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    const t = await getVolume(m.db.kysely, newVolumeId);
    if (!v || !t || t.migration_status !== migrationTarget(volumeId) || !v.migration_status || !IN_PROGRESS.includes(v.migration_status)) {
      throw invalidVolume("Source volume not mid-migration.");
    }
    if (error) {
      await removeTarget(m, t);
      await failMigration(m, v);
      return v.id;
    }
    if (v.migration_status === "starting") await casVolume(m.db.kysely, v.id, { migrationStatus: ["starting"] }, { migration_status: "migrating" });
    await completeMigration(m, { ...v, migration_status: "migrating" }, t);
    return v.id;
  });
}

/**
 * A restart (kill -9) in the middle of a migration: no copy runs any more. The targets made on this
 * backend go, storage and row; the volumes of this backend being migrated keep their own data,
 * with migration_status error and their status back. Run before anything is resumed.
 */
export async function reconcileMigrations(m: VolumeManager): Promise<void> {
  for (const t of await migrationTargetsOnBackend(m.db.kysely, m.backend)) {
    m.log.warn({ target: t.id, migration: t.migration_status }, "removing the destination of a migration a restart interrupted");
    await m.driver.deleteVolume(vref(t)).catch((err: unknown) => m.log.warn({ err, target: t.id }, "removing an interrupted migration's destination storage failed"));
    await deleteVolumeRow(m.db.kysely, t.id);
  }
  for (const v of await migratingOnBackend(m.db.kysely, m.backend)) {
    m.log.warn({ volumeId: v.id, migration: v.migration_status }, "a restart interrupted this volume's migration; it stays where it is");
    await failMigration(m, v);
  }
}
