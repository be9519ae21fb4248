/**
 * Upload to image (cinder/volume/manager.py copy_volume_to_image, cinder/image/image_utils.py
 * upload_volume): the volume's data is converted from raw to the image's disk format in the
 * conversion folder and uploaded into the image the API made; the volume returns to the status it
 * had. On failure the image is deleted (Cinder's `_delete_image`, for an image still queued) and
 * the project gets a user message; the volume returns to its status either way.
 */
import { createReadStream, promises as fsp } from "node:fs";
import path from "node:path";
import { casVolume, getVolume, parseTask } from "../../db/repos/volumes";
import { Action, Detail } from "../../contract/messages";
import type { VolumeStatus } from "../../contract/status";
import { serviceCaller } from "../../image/interface";
import { convertFromRaw } from "../../image/qemu";
import { ensurePrivateDir } from "../../lib/private-file";
import type { VolumeManager } from "./manager";
import { recordFailure } from "./messages";
import { vref } from "./operations";

export async function copyVolumeToImage(m: VolumeManager, volumeId: string, requestId?: string): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    const task = v ? parseTask(v) : undefined;
    if (!v || v.status !== "uploading" || task?.op !== "upload" || !task.image_id) return;
    const back = (v.previous_status ?? "available") as VolumeStatus;
    const images = m.opts.images;
    const caller = serviceCaller(v.project_id);
    const tmp = images ? path.join(images.workDir, `upload-${v.id}.${task.disk_format ?? "raw"}`) : "";
    try {
      if (!images) throw new Error("this volume service has no image service configured");
      await ensurePrivateDir(images.workDir);
      await convertFromRaw(images.executor, m.driver.localPath(vref(v)), task.disk_format ?? "raw", tmp, { root: true });
      await images.service.upload(caller, task.image_id, createReadStream(tmp));
      m.log.info({ volumeId, imageId: task.image_id }, "volume uploaded to image");
    } catch (err) {
      m.log.error({ err, volumeId, imageId: task.image_id }, "upload to image failed");
      await images?.service.remove(caller, task.image_id).catch(() => undefined);
      await recordFailure(m, { projectId: v.project_id, requestId, action: Action.COPY_VOLUME_TO_IMAGE, resourceUuid: volumeId, detail: Detail.FAILED_TO_UPLOAD_VOLUME });
    } finally {
      if (tmp) await fsp.rm(tmp, { force: true });
      await casVolume(m.db.kysely, volumeId, { status: ["uploading"] }, { status: back, previous_status: null, task: null });
    }
  });
}
