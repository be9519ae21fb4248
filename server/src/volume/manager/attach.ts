/**
 * The legacy attach bookkeeping (cf. cinder/volume/manager.py attach_volume / detach_volume and
 * cinder/objects/volume.py begin_attach / finish_attach / finish_detach).
 */
import { randomUUID } from "node:crypto";
import { attachmentsOf, deleteAttachment, getAttachment, insertAttachment, updateAttachment } from "../../db/repos/attachments";
import { casVolume, getVolume } from "../../db/repos/volumes";
import { deleteMetadataKey, mergeMetadata, metadataOf } from "../../db/repos/metadata";
import type { AttachmentRow } from "../../db/schema";
import { now } from "../../contract/time";
import { RemoteError } from "../../bus/errors";
import type { AttachStatus, VolumeStatus } from "../../contract/status";
import { removeExport } from "./exports";
import type { VolumeManager } from "./manager";
import { Action } from "../../contract/messages";
import { recordFailure } from "./messages";

export interface AttachRequest {
  volumeId: string;
  instanceUuid: string | null;
  hostName: string | null;
  mountpoint: string;
  mode: "rw" | "ro";
  /** The API request's id, for the user message of a failure. */
  requestId?: string;
}

/** oslo.utils `uuidutils.is_uuid_like`. */
function uuidLike(v: string): boolean {
  const hex = v.replace(/^urn:/, "").replace(/^uuid:/, "").replace(/[{}-]/g, "");
  return /^[0-9a-fA-F]{32}$/.test(hex);
}

/** cinder/volume/volume_utils.py `sanitize_hostname`: keep letters, digits, '.', '-' (spaces become '-'), trim '.'/'-'. */
export function sanitizeHostname(name: string): string {
  return name.replace(/[ _]/g, "-").replace(/[^\w.-]/g, "").replace(/_/g, "").toLowerCase().replace(/^[.-]+|[.-]+$/g, "");
}

export async function attachVolume(m: VolumeManager, r: AttachRequest): Promise<AttachmentRow> {
  return m.locks.with([r.volumeId], async () => {
    const db = m.db.kysely;
    const v = await getVolume(db, r.volumeId);
    if (!v) throw new RemoteError("VolumeNotFound", `Volume ${r.volumeId} could not be found.`);
    const admin = (await metadataOf(db, "volume_admin", [v.id])).get(v.id) ?? {};
    if (v.status === "attaching" && admin.attached_mode && admin.attached_mode !== r.mode) {
      throw new RemoteError("InvalidVolume", "Invalid volume: being attached by different mode");
    }
    const host = r.hostName ? sanitizeHostname(r.hostName) : null;
    const mine = (await attachmentsOf(db, [v.id])).find((a) => (r.instanceUuid ? a.instance_uuid === r.instanceUuid : a.attached_host === host));
    if (mine) {
      await casVolume(db, v.id, {}, { status: "in-use" });
      return mine;
    }
    if (v.status === "in-use" && !v.multiattach && !v.migration_status) {
      throw new RemoteError("InvalidVolume", "Invalid volume: volume is already attached and multiple attachments are not enabled");
    }
    // begin_attach: the attachment exists (attaching) before anything can fail.
    const id = randomUUID();
    const t = now();
    await db.transaction().execute(async (trx) => {
      await insertAttachment(trx, {
        id,
        volume_id: v.id,
        instance_uuid: null,
        attached_host: null,
        mountpoint: null,
        attach_time: null,
        detach_time: null,
        attach_mode: r.mode,
        attach_status: "attaching",
        connector: null,
        connection_info: null,
        created_at: t,
        updated_at: null,
      });
      await mergeMetadata(trx, "volume_admin", v.id, { attached_mode: r.mode });
      await casVolume(trx, v.id, {}, { attach_status: "attaching" });
    });
    if (r.instanceUuid && !uuidLike(r.instanceUuid)) {
      await updateAttachment(db, id, { attach_status: "error_attaching" });
      throw new RemoteError("InvalidUUID", `Expected a UUID but received ${r.instanceUuid}.`);
    }
    if (admin.readonly === "True" && r.mode !== "ro") {
      // cinder/volume/manager.py attach_volume: ATTACH_VOLUME, the detail mapped from the error
      // (InvalidVolumeAttachMode: VOLUME_ATTACH_MODE_INVALID).
      await recordFailure(m, { projectId: v.project_id, requestId: r.requestId, action: Action.ATTACH_VOLUME, resourceUuid: v.id, errorKind: "InvalidVolumeAttachMode" });
      await updateAttachment(db, id, { attach_status: "error_attaching" });
      throw new RemoteError("InvalidVolumeAttachMode", `Invalid attaching mode '${r.mode}' for volume ${v.id}.`);
    }
    // finish_attach (db.volume_attached)
    await db.transaction().execute(async (trx) => {
      await updateAttachment(trx, id, {
        instance_uuid: r.instanceUuid,
        attached_host: host,
        mountpoint: r.mountpoint,
        attach_time: now(),
        attach_mode: r.mode,
        attach_status: "attached",
      });
      await casVolume(trx, v.id, {}, { status: "in-use", attach_status: "attached" });
    });
    m.log.info({ volumeId: v.id, attachmentId: id, instance: r.instanceUuid, host }, "volume attached");
    return (await getAttachment(db, id)) as AttachmentRow;
  });
}

export async function detachVolume(m: VolumeManager, volumeId: string, attachmentId: string | null): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const db = m.db.kysely;
    const v = await getVolume(db, volumeId);
    if (!v) throw new RemoteError("VolumeNotFound", `Volume ${volumeId} could not be found.`);
    const all = await attachmentsOf(db, [volumeId]);
    let attachment: AttachmentRow | undefined;
    if (attachmentId) {
      attachment = all.find((a) => a.id === attachmentId);
      if (!attachment) {
        // "Volume detach called, but volume not attached": settle the status and stop.
        await finishDetach(m, volumeId, null);
        return;
      }
    } else if (all.length > 1) {
      throw new RemoteError("InvalidVolume", "Invalid volume: Detach volume failed: More than one attachment, but no attachment_id provided.");
    } else if (all.length === 1) {
      attachment = all[0];
    } else {
      await casVolume(db, volumeId, {}, { status: "available", attach_status: "detached" });
      return;
    }
    // The export goes with the last attachment (Cinder removes it on every detach; a multiattach
    // volume here keeps serving its other hosts).
    const others = all.filter((a) => a.id !== attachment!.id && a.attach_status === "attached");
    if (others.length === 0) {
      try {
        await removeExport(m, volumeId);
      } catch (err) {
        m.log.error({ err, volumeId }, "detach failed: the export could not be removed");
        await updateAttachment(db, attachment.id, { attach_status: "error_detaching" });
        throw new RemoteError("RemoveExportException", `Failed to remove export for volume ${volumeId}: ${(err as Error).message}`);
      }
    }
    await finishDetach(m, volumeId, attachment.id);
    m.log.info({ volumeId, attachmentId: attachment.id }, "volume detached");
  });
}

/** cinder/db/sqlalchemy/api.py `volume_detached` (+ Volume.finish_detach): drop the attachment, then the volume status by what remains. */
/** The volume status an attach status stands for (attached is in-use, detached is available). */
const VOLUME_STATUS_OF_ATTACH: Record<AttachStatus, VolumeStatus> = {
  attached: "in-use",
  attaching: "attaching",
  detached: "available",
  reserved: "reserved",
  error_attaching: "error",
  error_detaching: "error",
  deleted: "available",
};

async function finishDetach(m: VolumeManager, volumeId: string, attachmentId: string | null): Promise<void> {
  await m.db.kysely.transaction().execute(async (trx) => {
    if (attachmentId) await deleteAttachment(trx, attachmentId);
    // _get_statuses_from_attachments: the alphabetically first attach_status of the remaining
    // attachments (error_* ones aside) decides, attached → in-use, none → available/detached.
    const remaining = (await attachmentsOf(trx, [volumeId])).map((a) => a.attach_status).filter((st) => !st.startsWith("error_"));
    const attachStatus = remaining.sort()[0] ?? "detached";
    const status = VOLUME_STATUS_OF_ATTACH[attachStatus];
    await casVolume(trx, volumeId, {}, { status, attach_status: attachStatus });
    await deleteMetadataKey(trx, "volume_admin", volumeId, "attached_mode");
  });
}
