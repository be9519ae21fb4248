/**
 * Whether an attachment may be ended by this caller (cinder/volume/api.py
 * `attachment_deletion_allowed`, Cinder's fix for CVE-2023-2088 / bug #2004555): ending, on the
 * storage side only, an attachment that a compute host still has connected leaves a device on
 * that host that may later show another volume's data. Attachment delete, `os-detach`,
 * `os-terminate_connection` and `os-force_detach` check it.
 *
 * Cinder lets a service through (a request with a service token, `is_service_request`), then any
 * attachment without a server or without connection_info, and otherwise asks Nova: when Nova does
 * not know the server, or has another attachment for the volume, the delete goes ahead; when Nova
 * still uses it the answer is 409 ConflictNovaUsingAttachment. There is no compute service here to
 * ask, so an attachment with a server and a connection is taken to be in use, and an admin's
 * request stands for Nova's "not found" (an admin is trusted to have checked the host; without
 * this, nobody but a service could clean up after a server that is gone).
 */
import { attachmentsOf, getAttachment } from "../../db/repos/attachments";
import type { AttachmentRow, VolumeRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { conflict, invalidInput } from "../../contract/errors";
import { isServiceRequest } from "../../policy/service";
import type { DbDeps } from "./deps";

/** cinder/exception.py ConflictNovaUsingAttachment (409, safe). */
export const conflictNovaUsingAttachment = (instanceId: string) =>
  conflict(`Detach volume from instance ${instanceId} using the Compute API`);

/** An attachment's connection_info as Cinder's truthiness sees it: absent, `{}` and unreadable are "none". */
function connected(a: AttachmentRow): boolean {
  if (!a.connection_info) return false;
  try {
    const info: unknown = JSON.parse(a.connection_info);
    return info !== null && typeof info === "object" && Object.keys(info).length > 0;
  } catch {
    return false;
  }
}

/**
 * Raise 409 unless the caller may end `target`: an attachment, an attachment id, or null for "the
 * volume's attachment" (its only one; none at all is fine; several leave nothing to check, which
 * Cinder refuses).
 */
export async function checkAttachmentDeletion(
  svc: DbDeps,
  ctx: RequestContext,
  target: AttachmentRow | string | null,
  volume?: VolumeRow,
): Promise<void> {
  if (isServiceRequest(ctx) || ctx.isAdmin) return;
  const db = svc.db.kysely;
  let attachment: AttachmentRow | undefined;
  if (target === null) {
    if (!volume) return;
    const all = await attachmentsOf(db, [volume.id]);
    if (all.length === 0) return;
    if (all.length === 1) attachment = all[0];
  } else {
    attachment = typeof target === "string" ? await getAttachment(db, target) : target;
  }
  if (!attachment) throw conflictNovaUsingAttachment("");
  if (volume && volume.id !== attachment.volume_id) throw invalidInput("Mismatched volume and attachment");
  // Not connected to a server: nothing on a compute host to leave behind.
  if (!attachment.instance_uuid || !connected(attachment)) return;
  throw conflictNovaUsingAttachment(attachment.instance_uuid);
}
