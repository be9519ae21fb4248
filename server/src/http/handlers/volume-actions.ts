/** Volume actions (cinder/api/contrib/volume_actions.py, admin_actions.py, cinder/api/v3/volumes.py revert). */
import {
  forceDeleteVolume,
  resetVolumeStatus,
  revertVolumeToSnapshot,
  setVolumeBootable,
  updateVolumeReadonlyFlag,
} from "../../volume/api/actions";
import { extendVolume } from "../../volume/api/extend";
import type { Handlers } from "../handler";
import { invalidInput } from "../errors";
import { bodyFlag } from "./common";

type H = Pick<
  Handlers,
  | "extendVolume"
  | "resetVolumeStatus"
  | "forceDeleteVolume"
  | "setVolumeBootable"
  | "updateVolumeReadonlyFlag"
  | "revertVolumeToSnapshot"
>;

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
  setVolumeBootable: async (req) => {
    await setVolumeBootable(req.svc, req.ctx, req.params.volume_id, flag("bootable", req.body.bootable));
    return {};
  },
  updateVolumeReadonlyFlag: async (req) => {
    await updateVolumeReadonlyFlag(req.svc, req.ctx, req.params.volume_id, flag("readonly", req.body.readonly));
    return {};
  },
  revertVolumeToSnapshot: async (req) => {
    await revertVolumeToSnapshot(req.svc, req.ctx, req.params.volume_id, req.body.snapshot_id ?? "None");
    return {};
  },
};
