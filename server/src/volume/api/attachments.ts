/**
 * The attachments API (3.27+; cinder/api/v3/attachments.py and cinder/volume/api.py
 * attachment_create, _attachment_reserve, attachment_update, attachment_delete; listing is in
 * ./attachments-list.ts; the manager side,
 * cinder/volume/manager.py attachment_update / attachment_delete, goes through the legacy
 * initializeConnection / terminateConnection / detachVolume calls of the volume's backend).
 */
import { queueOf } from "../../bus/rpc";
import { randomUUID } from "node:crypto";
import { attachmentsOf, deleteAttachment as deleteAttachmentRow, getAttachment, insertAttachment, updateAttachment } from "../../db/repos/attachments";
import { casVolume, getVolume } from "../../db/repos/volumes";
import { metadataOf } from "../../db/repos/metadata";
import type { AttachmentRow, VolumeRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { CinderError, invalidVolume, notFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { CastDeps, DbDeps } from "./deps";
import type { Connector } from "../../targets/interface";
import { RemoteError } from "../../bus/errors";
import type { VolumeStatus } from "../../contract/status";
import { checkAttachmentDeletion } from "./attachment-deletion";
import { checkConnector } from "./connector";
import { findVolume } from "./lookup";
import { unansweredCallFault } from "./unanswered";
import type { CreateAttachment } from "../../contract/api";

export const attachmentNotFound = (id: string) => notFound(`VolumeAttachment ${id} could not be found.`);

/** cinder/utils.py `build_or_str`. */
function orStr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** The attachment and its volume as the caller may see them (another project's is "not found"). */
export async function findAttachment(svc: DbDeps, ctx: RequestContext, id: string): Promise<{ a: AttachmentRow; v: VolumeRow }> {
  const a = await getAttachment(svc.db.kysely, id);
  const v = a ? await getVolume(svc.db.kysely, a.volume_id) : undefined;
  if (!a || !v || (!ctx.isAdmin && v.project_id !== ctx.projectId)) throw attachmentNotFound(id);
  return { a, v };
}

function hostOf(v: VolumeRow): string {
  if (!v.host) throw invalidVolume(`Volume ${v.id} has no host; its status is ${v.status}.`);
  return queueOf(v);
}

function remoteMessage(err: unknown): string {
  if (err instanceof RemoteError) return err.value;
  if (err instanceof CinderError) return err.message;
  return "";
}

/**
 * The manager's attachment_update: export the volume, build the connection for `connector`, store
 * both on the attachment (attach_status `attaching`) and return the flattened connection_info.
 */
async function connect(svc: CastDeps, v: VolumeRow, a: AttachmentRow, connector: Connector): Promise<Record<string, unknown>> {
  const info = await svc.volumes.initializeConnection(hostOf(v), v.id, connector);
  const flat: Record<string, unknown> = {
    ...info.data,
    driver_volume_type: info.driver_volume_type,
    attachment_id: a.id,
    enforce_multipath: connector.enforce_multipath === true,
  };
  let mode = typeof connector.mode === "string" ? connector.mode : "rw";
  if (a.attach_mode && a.attach_mode !== "null") mode = a.attach_mode;
  const values: Parameters<typeof updateAttachment>[2] = {
    attach_status: "attaching",
    attach_mode: mode,
    connector: JSON.stringify(connector),
    connection_info: JSON.stringify(flat),
  };
  if (typeof connector.host === "string" && connector.host) values.attached_host = connector.host;
  if (typeof connector.mountpoint === "string" && connector.mountpoint) values.mountpoint = connector.mountpoint;
  await updateAttachment(svc.db.kysely, a.id, values);
  return flat;
}

/**
 * The connection of a new attachment failed (its volume service did not answer, or the backend
 * refused): the attachment ends in `error_attaching`, as Cinder's attachment_update leaves one
 * whose connection failed, and the volume leaves `reserved` for the status it had (`in-use` if it
 * was attached elsewhere meanwhile), so a request answered with a fault leaves nothing half-done
 * (Cinder leaves the volume `reserved`). The attachment keeps no connector: deleting it later must
 * not end the connection of another attachment of the same host. `before` is undefined when this
 * request did not reserve the volume (the same instance's attachment already held it).
 */
async function connectionFailed(svc: DbDeps, v: VolumeRow, attachmentId: string, before: VolumeStatus | undefined): Promise<void> {
  await svc.db.kysely.transaction().execute(async (trx) => {
    await updateAttachment(trx, attachmentId, { attach_status: "error_attaching" });
    if (before === undefined) return;
    if (await casVolume(trx, v.id, { status: ["reserved"], hasAttachments: true }, { status: "in-use" })) return;
    await casVolume(trx, v.id, { status: ["reserved"], hasAttachments: false }, { status: before === "in-use" ? "available" : before });
  });
}

export async function createAttachment(svc: CastDeps, ctx: RequestContext, body: CreateAttachment): Promise<AttachmentRow> {
  checkConnector(body.connector);
  const db = svc.db.kysely;
  const v = await findVolume(svc, ctx, body.volumeId);
  authorize(ctx, "volume:attachment_create", v.project_id);
  if (v.status.includes("error")) {
    throw invalidVolume(
      "Volume attachments can not be created if the volume is in an error state. " +
        `The Volume ${v.id} currently has a status of: ${v.status} `,
    );
  }
  // _attachment_reserve
  if (v.multiattach && v.status === "in-use" && v.bootable) authorize(ctx, "volume:multiattach_bootable_volume", v.project_id);
  const expected: VolumeStatus[] = v.multiattach ? ["available", "in-use", "downloading"] : ["available", "downloading"];
  const reserved = await casVolume(db, v.id, { status: expected }, { status: "reserved" });
  if (!reserved) {
    const cur = (await getVolume(db, v.id)) ?? v;
    let override = false;
    if (body.instanceUuid && ["in-use", "reserved"].includes(cur.status)) {
      override = (await attachmentsOf(db, [v.id])).some((x) => x.instance_uuid === body.instanceUuid);
    }
    if (!override) {
      throw invalidVolume(`Volume ${v.id} status must be ${orStr(expected)} to reserve, but the current status is ${cur.status}.`);
    }
  }
  const id = randomUUID();
  await insertAttachment(db, {
    id,
    volume_id: v.id,
    instance_uuid: body.instanceUuid,
    attached_host: null,
    mountpoint: null,
    attach_time: null,
    detach_time: null,
    attach_mode: null,
    attach_status: "reserved",
    connector: null,
    connection_info: null,
    created_at: now(),
    updated_at: null,
  });
  let connectionInfo: Record<string, unknown> = {};
  if (body.connector && Object.keys(body.connector).length > 0) {
    try {
      connectionInfo = await connect(svc, v, (await getAttachment(db, id))!, body.connector);
    } catch (err) {
      await connectionFailed(svc, v, id, reserved ? v.status : undefined);
      const unanswered = unansweredCallFault(err);
      if (unanswered) throw unanswered;
      if (err instanceof CinderError) throw err;
      const m = remoteMessage(err);
      throw new CinderError(500, m ? `Unable to create attachment for volume (${m}).` : "Unable to create attachment for volume.");
    }
  }
  const readonly = (await metadataOf(db, "volume_admin", [v.id])).get(v.id)?.readonly;
  const mode = readonly === "True" ? "ro" : (body.mode ?? "null");
  await updateAttachment(db, id, { attach_mode: mode, connection_info: JSON.stringify(connectionInfo) });
  return (await getAttachment(db, id))!;
}

export async function updateAttachmentConnector(svc: CastDeps, ctx: RequestContext, id: string, connector: Connector): Promise<AttachmentRow> {
  checkConnector(connector);
  const db = svc.db.kysely;
  const { a } = await findAttachment(svc, ctx, id);
  authorize(ctx, "volume:attachment_update", (await getVolume(db, a.volume_id))?.project_id);
  try {
    const v = (await getVolume(db, a.volume_id))!;
    if (v.status.includes("error")) {
      throw invalidVolume(
        "Volume attachments can not be updated if the volume is in an error state. " +
          `The Volume ${v.id} currently has a status of: ${v.status} `,
      );
    }
    const all = await attachmentsOf(db, [v.id]);
    if (all.length > 1 && !v.multiattach) {
      const hosts = new Set(all.filter((x) => x.connection_info && x.connection_info !== "{}").map((x) => x.connector));
      if (hosts.size > 0) throw invalidVolume(`duplicate connectors detected on volume ${v.id}`);
    }
    await connect(svc, v, a, connector);
  } catch (err) {
    // The attachment is written only once the call has answered: it and its volume stay as they were.
    const unanswered = unansweredCallFault(err);
    if (unanswered) throw unanswered;
    const m = remoteMessage(err);
    throw new CinderError(500, m ? `Unable to update attachment.(${m}).` : "Unable to update the attachment.");
  }
  return (await getAttachment(db, id))!;
}

/** Returns the volume's remaining attachments. */
export async function deleteAttachment(svc: CastDeps, ctx: RequestContext, id: string): Promise<AttachmentRow[]> {
  const db = svc.db.kysely;
  const { a, v } = await findAttachment(svc, ctx, id);
  authorize(ctx, "volume:attachment_delete", v.project_id);
  await checkAttachmentDeletion(svc, ctx, a);
  if (a.connector && v.host) {
    try {
      await svc.volumes.terminateConnection(queueOf(v), v.id, JSON.parse(a.connector) as Connector);
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      throw new CinderError(500, `Unable to terminate volume connection from backend.`);
    }
  }
  if (v.host) {
    // detach: the export goes with the last attachment; the row is removed and the volume is
    // available (none left) or in-use (cf. Volume.finish_detach).
    await svc.volumes.detachVolume(queueOf(v), v.id, a.id);
  } else {
    await deleteAttachmentRow(db, a.id);
    if ((await attachmentsOf(db, [v.id])).length === 0) {
      await casVolume(db, v.id, {}, { status: "available", attach_status: "detached" });
    }
  }
  return attachmentsOf(db, [v.id]);
}

export async function completeAttachment(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  const db = svc.db.kysely;
  const { a, v } = await findAttachment(svc, ctx, id);
  authorize(ctx, "volume:attachment_complete", v.project_id);
  await db.transaction().execute(async (trx) => {
    await updateAttachment(trx, a.id, { attach_status: "attached", attach_time: a.attach_time ?? now() });
    await casVolume(trx, v.id, {}, { status: "in-use", attach_status: "attached" });
  });
}
