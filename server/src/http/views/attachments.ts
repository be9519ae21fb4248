/** Attachment representations (cinder/api/v3/views/attachments.py). */
import type { AttachmentRow } from "../../db/schema";

export function attachmentSummary(a: AttachmentRow): Record<string, unknown> {
  return { id: a.id, status: a.attach_status, instance: a.instance_uuid, volume_id: a.volume_id };
}

function parseJson(s: string | null): Record<string, unknown> | null {
  if (s === null) return null;
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** `_normalize`: a timestamp, or '' when unset. */
export function attachmentDetail(a: AttachmentRow): Record<string, unknown> {
  return {
    ...attachmentSummary(a),
    attached_at: a.attach_time ?? "",
    detached_at: a.detach_time ?? "",
    attach_mode: a.attach_mode,
    connection_info: parseJson(a.connection_info),
  };
}
