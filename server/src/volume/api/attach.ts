/**
 * The legacy attach flow (cinder/volume/api.py reserve_volume, unreserve_volume, begin_detaching,
 * roll_detaching, attach, detach, initialize_connection, terminate_connection) and the admin's
 * force detach (cinder/api/contrib/admin_actions.py `_force_detach`): status changes
 * are compare-and-sets here; the manager of the volume's backend does the export and the
 * attachment bookkeeping.
 */
import { queueOf } from "../../bus/rpc";
import { casVolume } from "../../db/repos/volumes";
import { addMetadataKey, metadataOf } from "../../db/repos/metadata";
import type { VolumeRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { badRequest, CinderError, invalidInput, invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { CastDeps, DbDeps } from "./deps";
import type { ConnectionInfo, Connector } from "../../targets/interface";
import { RemoteError } from "../../bus/errors";
import type { VolumeStatus } from "../../contract/status";
import { checkAttachmentDeletion } from "./attachment-deletion";
import { checkConnector } from "./connector";
import { findVolume } from "./lookup";
import type { AttachBody, ForceDetach } from "../../contract/api";

/** The volume's backend; a volume the scheduler never placed has nothing to connect to. */
function hostOf(v: VolumeRow): string {
  if (!v.host) throw invalidVolume(`Volume ${v.id} has no host; its status is ${v.status}.`);
  return queueOf(v);
}

export async function reserveVolume(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_actions:reserve", v.project_id);
  const expected: VolumeStatus[] = v.multiattach ? ["available", "in-use"] : ["available"];
  if (!(await casVolume(svc.db.kysely, id, { status: expected }, { status: "attaching" }))) {
    throw invalidVolume(`Volume status must be ${expected.join(" or ")} to reserve, but the status is ${v.status}.`);
  }
}

export async function unreserveVolume(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_actions:unreserve", v.project_id);
  await unreserve(svc, id);
}

/** attaching → in-use when attached somewhere, else available; anything else is left alone. */
async function unreserve(svc: DbDeps, id: string): Promise<void> {
  const db = svc.db.kysely;
  if (await casVolume(db, id, { status: ["attaching"], hasAttachments: true }, { status: "in-use" })) return;
  await casVolume(db, id, { status: ["attaching"], hasAttachments: false }, { status: "available" });
}

export async function beginDetaching(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_actions:begin_detaching", v.project_id);
  const ok = await casVolume(svc.db.kysely, id, { status: ["in-use"], attachStatus: "attached" }, { status: "detaching" });
  if (!ok && !v.migration_status) {
    throw invalidVolume("Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.");
  }
}

export async function rollDetaching(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_actions:roll_detaching", v.project_id);
  await casVolume(svc.db.kysely, id, { status: ["detaching"] }, { status: "in-use" });
}

/** cinder/api/contrib/volume_actions.py: these manager errors are the caller's fault (400), the rest are 500s. */
function callerError(prefix: string, types: readonly string[], err: unknown): unknown {
  if (err instanceof RemoteError && types.includes(err.excType)) return badRequest(`${prefix} - ${err.excType}: ${err.value}`);
  return err;
}

export async function attachVolume(svc: CastDeps, ctx: RequestContext, id: string, body: AttachBody): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_actions:attach", v.project_id);
  if (v.status === "maintenance") throw invalidVolume("The volume cannot be attached in maintenance mode.");
  const mode = body.mode ?? "rw";
  // update_volume_admin_metadata(..., {'readonly': 'False'}, update=False): add the key only if absent.
  const db = svc.db.kysely;
  await addMetadataKey(db, "volume_admin", id, "readonly", "False");
  const readonly = (await metadataOf(db, "volume_admin", [id])).get(id)?.readonly;
  if (readonly === "True" && mode !== "ro") throw badRequest(`Invalid attaching mode '${mode}' for volume ${id}.`);
  try {
    await svc.volumes.attachVolume(hostOf(v), {
      volumeId: id,
      instanceUuid: body.instance_uuid ?? null,
      hostName: body.host_name ?? null,
      mountpoint: body.mountpoint,
      mode,
      requestId: ctx.requestId,
    });
  } catch (err) {
    throw callerError("Error attaching volume", ["InvalidVolume", "InvalidUUID", "InvalidVolumeAttachMode"], err);
  }
}

export async function detachVolume(svc: CastDeps, ctx: RequestContext, id: string, attachmentId: string | null): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  await detach(svc, ctx, v, attachmentId, "Error detaching volume");
}

/** cinder/volume/api.py detach; `prefix` starts the message of the manager errors that are the caller's fault. */
async function detach(svc: CastDeps, ctx: RequestContext, v: VolumeRow, attachmentId: string | null, prefix: string): Promise<void> {
  authorize(ctx, "volume_extension:volume_actions:detach", v.project_id);
  await checkAttachmentDeletion(svc, ctx, attachmentId, v);
  if (v.status === "maintenance") throw invalidVolume("The volume cannot be detached in maintenance mode.");
  try {
    await svc.volumes.detachVolume(hostOf(v), v.id, attachmentId);
  } catch (err) {
    throw callerError(prefix, ["VolumeAttachmentNotFound", "InvalidVolume"], err);
  }
}

export async function initializeConnection(svc: CastDeps, ctx: RequestContext, id: string, connector: Connector): Promise<ConnectionInfo> {
  checkConnector(connector);
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_actions:initialize_connection", v.project_id);
  if (v.status === "maintenance") throw invalidVolume("The volume connection cannot be initialized in maintenance mode.");
  try {
    return await svc.volumes.initializeConnection(hostOf(v), id, connector);
  } catch (err) {
    // The manager's InvalidInput arrives as a RemoteError and is wrapped once more, prefix and all.
    if (err instanceof RemoteError && err.excType === "InvalidInput") throw invalidInput(err.value);
    if (err instanceof RemoteError && err.excType === "VolumeBackendAPIException") {
      throw new CinderError(500, "Unable to fetch connection information from backend.");
    }
    throw err;
  }
}

export async function terminateConnection(svc: CastDeps, ctx: RequestContext, id: string, connector: Connector): Promise<void> {
  checkConnector(connector);
  await terminate(svc, ctx, await findVolume(svc, ctx, id), connector);
}

/** cinder/volume/api.py terminate_connection: the target forgets the connector, then unreserve. */
async function terminate(svc: CastDeps, ctx: RequestContext, v: VolumeRow, connector: Connector): Promise<void> {
  authorize(ctx, "volume_extension:volume_actions:terminate_connection", v.project_id);
  await checkAttachmentDeletion(svc, ctx, null, v);
  try {
    await svc.volumes.terminateConnection(hostOf(v), v.id, connector);
  } catch (err) {
    if (err instanceof RemoteError && err.excType === "VolumeBackendAPIException") {
      throw new CinderError(500, "Unable to terminate volume connection from backend.");
    }
    throw err;
  }
  authorize(ctx, "volume_extension:volume_actions:unreserve", v.project_id);
  await unreserve(svc, v.id);
}

/**
 * `os-force_detach` (admin; cinder/api/contrib/admin_actions.py `_force_detach`): roll back a bad
 * detach after the host was disconnected - terminate the connection as os-terminate_connection
 * does, then end the attachment as os-detach does (all of them being checked, as in Cinder).
 */
export async function forceDetachVolume(svc: CastDeps, ctx: RequestContext, id: string, body: ForceDetach): Promise<void> {
  checkConnector(body.connector);
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_admin_actions:force_detach", v.project_id);
  await terminate(svc, ctx, v, body.connector);
  await detach(svc, ctx, v, body.attachmentId, "Error force detaching volume");
}
