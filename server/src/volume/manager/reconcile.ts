/**
 * Restart reconciliation (cf. cinder/volume/manager.py init_host and the workers cleanup of 3.24):
 * every operation a stop or a crash cut short is run again (driver methods are idempotent), and
 * what the backend holds without a database row is removed.
 */
import { volumeTopic } from "../../bus/rpc";
import { casSnapshot, snapshotsOnBackend } from "../../db/repos/snapshots";
import { parseTask, volumesOnBackend } from "../../db/repos/volumes";
import { SNAPSHOT_TRANSITIONAL, VOLUME_TRANSITIONAL } from "../status";
import type { VolumeManager } from "./manager";
import { ensureExports } from "./exports";

const CHUNK = 500;

export async function reconcile(m: VolumeManager): Promise<void> {
  await removeOrphans(m);
  await ensureExports(m);
  const topic = volumeTopic(m.backend);
  const volumes = await volumesOnBackend(m.db.kysely, m.backend, VOLUME_TRANSITIONAL);
  const reverting = new Set<string>();
  for (const v of volumes) {
    m.log.info({ volumeId: v.id, status: v.status }, "resuming an interrupted volume operation");
    if (v.status === "creating") m.bus.cast(topic, "createVolume", { volumeId: v.id });
    else if (v.status === "deleting") m.bus.cast(topic, "deleteVolume", { volumeId: v.id });
    else if (v.status === "extending") m.bus.cast(topic, "extendVolume", { volumeId: v.id });
    else if (v.status === "retyping") m.bus.cast(topic, "retypeVolume", { volumeId: v.id });
    else if (v.status === "managing") m.bus.cast(topic, "manageExisting", { volumeId: v.id });
    else if (v.status === "reverting") {
      const snapshotId = parseTask(v)?.snapshot_id ?? "";
      reverting.add(snapshotId);
      m.bus.cast(topic, "revertToSnapshot", { volumeId: v.id, snapshotId });
    }
  }
  for (const s of await snapshotsOnBackend(m.db.kysely, m.backend, SNAPSHOT_TRANSITIONAL)) {
    m.log.info({ snapshotId: s.id, status: s.status }, "resuming an interrupted snapshot operation");
    if (s.status === "creating") m.bus.cast(topic, "createSnapshot", { snapshotId: s.id });
    else if (s.status === "deleting") m.bus.cast(topic, "deleteSnapshot", { snapshotId: s.id });
    else if (s.status === "restoring" && !reverting.has(s.id)) {
      await casSnapshot(m.db.kysely, s.id, ["restoring"], { status: "available" });
    }
  }
}

/**
 * Rows are always written before the backend is touched and removed only after its data is gone,
 * so backend data without a row is garbage (a delete that died between the two steps); nothing
 * can refer to it.
 */
async function removeOrphans(m: VolumeManager): Promise<void> {
  const held = await m.driver.listResources();
  const knownVolumes = await existing(m, "volumes", held.volumes);
  const knownSnapshots = await existing(m, "snapshots", held.snapshots);
  for (const id of held.snapshots) {
    if (knownSnapshots.has(id)) continue;
    m.log.warn({ snapshotId: id }, "removing backend data of a snapshot the database does not know");
    await m.driver.deleteSnapshot({ id, volumeId: "", volumeSize: 0 });
  }
  for (const id of held.volumes) {
    if (knownVolumes.has(id)) continue;
    m.log.warn({ volumeId: id }, "removing backend data of a volume the database does not know");
    await m.driver.deleteVolume({ id, size: 0 });
  }
}

async function existing(m: VolumeManager, table: "volumes" | "snapshots", ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await m.db.kysely.selectFrom(table).select("id").where("id", "in", ids.slice(i, i + CHUNK)).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}
