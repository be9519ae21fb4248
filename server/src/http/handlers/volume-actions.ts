/** Volume actions (cinder/api/contrib/volume_actions.py, admin_actions.py, cinder/api/v3/volumes.py revert). */
import {
  forceDeleteVolume,
  resetVolumeStatus,
  revertVolumeToSnapshot,
  setVolumeBootable,
  updateVolumeReadonlyFlag,
} from "../../volume/api/actions";
import { extendVolume } from "../../volume/api/extend";
import { unmanageVolume } from "../../volume/api/delete";
import { retypeVolume } from "../../volume/api/retype";
import { migrateVolume, migrateVolumeCompletion } from "../../volume/api/migrate";
import { MV } from "../../contract/microversion";
import {
  attachVolume,
  beginDetaching,
  detachVolume,
  forceDetachVolume,
  initializeConnection,
  reserveVolume,
  rollDetaching,
  terminateConnection,
  unreserveVolume,
} from "../../volume/api/attach";
import type { Connector } from "../../targets/interface";
import type { Handlers } from "../handler";
import { badRequest, invalidInput } from "../../contract/errors";
import { bodyFlag } from "./common";

type H = Pick<
  Handlers,
  | "extendVolume"
  | "resetVolumeStatus"
  | "forceDeleteVolume"
  | "unmanageVolume"
  | "forceDetachVolume"
  | "setVolumeBootable"
  | "updateVolumeReadonlyFlag"
  | "revertVolumeToSnapshot"
  | "retypeVolume"
  | "migrateVolume"
  | "migrateVolumeCompletion"
  | "reserveVolume"
  | "unreserveVolume"
  | "beginDetaching"
  | "rollDetaching"
  | "attachVolume"
  | "detachVolume"
  | "initializeConnection"
  | "terminateConnection"
>;

/** Cinder's schema lets a connector be a string (or null, to terminate); it then carries nothing a target can use. */
function connectorOf(v: unknown): Connector {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Connector) : {};
}

function flag(name: string, v: unknown): boolean {
  const b = bodyFlag(v);
  if (b === undefined) throw invalidInput(`Invalid value '${String(v)}' for ${name}: use true or false.`);
  return b;
}

export const volumeActionHandlers: H = {
  extendVolume: async (req) => {
    await extendVolume(req.svc, req.ctx, req.params.volume_id, Number(req.body.new_size));
    return {};
  },
  resetVolumeStatus: async (req) => {
    const b = req.body as { status?: string | null; attach_status?: string | null; migration_status?: string | null };
    await resetVolumeStatus(req.svc, req.ctx, req.params.volume_id, {
      status: b.status ?? undefined,
      attach_status: b.attach_status ?? undefined,
      migration_status: b.migration_status ?? undefined,
    });
    return {};
  },
  forceDeleteVolume: async (req) => {
    await forceDeleteVolume(req.svc, req.ctx, req.params.volume_id);
    return {};
  },
  unmanageVolume: async (req) => {
    await unmanageVolume(req.svc, req.ctx, req.params.volume_id);
    return {};
  },
  forceDetachVolume: async (req) => {
    const b = req.body ?? {};
    await forceDetachVolume(req.svc, req.ctx, req.params.volume_id, {
      connector: connectorOf(b.connector),
      attachmentId: b.attachment_id ?? null,
    });
    return {};
  },
  setVolumeBootable: async (req) => {
    await setVolumeBootable(req.svc, req.ctx, req.params.volume_id, flag("bootable", req.body.bootable));
    return {};
  },
  updateVolumeReadonlyFlag: async (req) => {
    await updateVolumeReadonlyFlag(req.svc, req.ctx, req.params.volume_id, flag("readonly", req.body.readonly));
    return {};
  },
  retypeVolume: async (req) => {
    await retypeVolume(req.svc, req.ctx, req.params.volume_id, req.body.new_type, req.body.migration_policy);
    return {};
  },
  migrateVolume: async (req) => {
    const b = req.body;
    // cinder/api/schemas/admin_actions.py migrate_volume: no `cluster` before 3.16.
    if (b.cluster !== undefined && req.ctx.version < MV.VOLUME_MIGRATE_CLUSTER) {
      throw badRequest(
        `Invalid input for field/attribute os-migrate_volume. Value: ${JSON.stringify(b)}. Additional properties are not allowed ('cluster' was unexpected)`,
      );
    }
    await migrateVolume(req.svc, req.ctx, req.params.volume_id, {
      host: b.host ?? undefined,
      cluster: req.ctx.version >= MV.VOLUME_MIGRATE_CLUSTER ? (b.cluster ?? undefined) : undefined,
      clusterAllowed: req.ctx.version >= MV.VOLUME_MIGRATE_CLUSTER,
      forceHostCopy: b.force_host_copy === undefined ? false : flag("force_host_copy", b.force_host_copy),
      lockVolume: b.lock_volume === undefined ? false : flag("lock_volume", b.lock_volume),
    });
    return {};
  },
  migrateVolumeCompletion: async (req) => {
    const b = req.body;
    const error = b.error === undefined ? false : flag("error", b.error);
    const saved = await migrateVolumeCompletion(req.svc, req.ctx, req.params.volume_id, b.new_volume, error);
    return { body: { save_volume_id: saved } };
  },
  revertVolumeToSnapshot: async (req) => {
    await revertVolumeToSnapshot(req.svc, req.ctx, req.params.volume_id, req.body.snapshot_id ?? "None");
    return {};
  },
  reserveVolume: async (req) => {
    await reserveVolume(req.svc, req.ctx, req.params.volume_id);
    return {};
  },
  unreserveVolume: async (req) => {
    await unreserveVolume(req.svc, req.ctx, req.params.volume_id);
    return {};
  },
  beginDetaching: async (req) => {
    await beginDetaching(req.svc, req.ctx, req.params.volume_id);
    return {};
  },
  rollDetaching: async (req) => {
    await rollDetaching(req.svc, req.ctx, req.params.volume_id);
    return {};
  },
  attachVolume: async (req) => {
    await attachVolume(req.svc, req.ctx, req.params.volume_id, req.body);
    return {};
  },
  detachVolume: async (req) => {
    await detachVolume(req.svc, req.ctx, req.params.volume_id, req.body?.attachment_id ?? null);
    return {};
  },
  initializeConnection: async (req) => {
    const info = await initializeConnection(req.svc, req.ctx, req.params.volume_id, connectorOf(req.body.connector));
    return { body: { connection_info: info } };
  },
  terminateConnection: async (req) => {
    await terminateConnection(req.svc, req.ctx, req.params.volume_id, connectorOf(req.body.connector));
    return {};
  },
};
