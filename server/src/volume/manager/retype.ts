/**
 * The manager's half of a retype (cinder/volume/manager.py retype): the scheduler has found that
 * the volume's own backend satisfies the new type (./scheduler/scheduler.ts retypeVolume), so the
 * type changes in place (the drivers keep a volume where it is; a migration, `on-demand`, is not
 * offered yet) and the volume returns to its previous status.
 */
import { casVolume, getVolume, parseTask } from "../../db/repos/volumes";
import type { VolumeManager } from "./manager";
import { endOf, VOLUME_TRANSITIONS as T } from "../../contract/status";

export async function retypeVolume(m: VolumeManager, volumeId: string): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || v.status !== "retyping") return;
    const newTypeId = parseTask(v)?.new_type_id;
    if (!newTypeId) return;
    const back = endOf("retype", "done", v.previous_status);
    if (await casVolume(m.db.kysely, volumeId, { status: [T.retype.during] }, { status: back, volume_type_id: newTypeId, previous_status: null, task: null })) {
      m.log.info({ volumeId, newTypeId }, "volume retyped");
    }
  });
}
