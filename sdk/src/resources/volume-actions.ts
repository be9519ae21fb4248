/**
 * Volume actions (`POST /volumes/{id}/action`, one body key per action; cinder/api/contrib/
 * volume_actions.py, admin_actions.py, cinder/api/v3/volumes.py `revert`). One function per action,
 * each body typed by its spec schema (`VolumeActionExtend`, …) and each with its spec status.
 */
import type { CinderClient } from "../client";
import { ACTION_REQUIREMENTS, MV } from "../microversions";
import type { CallOptions, Schemas } from "../types";
import { idOf, type Ref } from "../wait";

type Action = Schemas["VolumeAction"];

/**
 * The connecting host as os-brick describes it (`initiator`, `ip`, `host`, `multipath`,
 * `platform`, `os_type`, `wwpns`, …). The spec leaves the object open, so it is typed here.
 */
export type Connector = Record<string, unknown>;

export function volumeActions(c: CinderClient) {
  /** `operationId`: the action's operation, for its minimum microversion. */
  const act = async (ref: Ref, body: Action, ok: readonly (200 | 202)[], opts?: CallOptions, operationId?: string): Promise<void> => {
    const key = Object.keys(body)[0];
    const minVersion = operationId ? ACTION_REQUIREMENTS[operationId] : undefined;
    const operation = `volume action ${key}`;
    await c.request("post", "/v3/{project_id}/volumes/{volume_id}/action", { path: { volume_id: idOf(ref) }, body, ok, minVersion, operation, ...opts });
  };

  return {
    /** Grow the volume to `newSize` GiB (202; status `extending`, then back). In-use volumes need 3.42 and driver support. */
    extend: (ref: Ref, newSize: Schemas["VolumeActionExtend"]["os-extend"]["new_size"], opts?: CallOptions) =>
      act(ref, { "os-extend": { new_size: newSize } }, [202], opts),

    /** Admin: force the status, attach status and/or migration status in the database. */
    resetStatus: (ref: Ref, state: Schemas["VolumeActionResetStatus"]["os-reset_status"], opts?: CallOptions) =>
      act(ref, { "os-reset_status": state }, [202], opts),

    /**
     * Admin: end an attachment whatever state it is in (terminate the host's connection, detach);
     * without `attachment_id` the volume's only attachment.
     */
    forceDetach: (ref: Ref, body: Schemas["VolumeActionForceDetach"]["os-force_detach"] = {}, opts?: CallOptions) =>
      act(ref, { "os-force_detach": body }, [202], opts),

    /** Admin: delete regardless of status. */
    forceDelete: (ref: Ref, opts?: CallOptions) => act(ref, { "os-force_delete": {} }, [202], opts),

    /**
     * Admin: stop managing the volume (202; status `unmanaging`, then gone). Its data stays on the
     * backend, where `manageableVolumes.manage` can adopt it again.
     */
    unmanage: (ref: Ref, opts?: CallOptions) => act(ref, { "os-unmanage": {} }, [202], opts),

    /** Mark the volume bootable or not (200). */
    setBootable: (ref: Ref, bootable: Schemas["VolumeActionSetBootable"]["os-set_bootable"]["bootable"], opts?: CallOptions) =>
      act(ref, { "os-set_bootable": { bootable } }, [200], opts),

    /** Set the read-only flag (the `readonly` admin metadata). */
    setReadonly: (ref: Ref, readonly: Schemas["VolumeActionUpdateReadonlyFlag"]["os-update_readonly_flag"]["readonly"], opts?: CallOptions) =>
      act(ref, { "os-update_readonly_flag": { readonly } }, [202], opts),

    /** Revert the volume to its latest snapshot (3.40; 202, status `reverting`). */
    revert: (ref: Ref, snapshot: Ref, opts?: CallOptions) => act(ref, { revert: { snapshot_id: idOf(snapshot) } }, [202], opts, "revertVolumeToSnapshot"),

    /** Change the volume's type, by name or id (202; status `retyping`, then back; the old type stays if the backend cannot take the new one). */
    retype: (
      ref: Ref,
      newType: Schemas["VolumeActionRetype"]["os-retype"]["new_type"],
      migrationPolicy?: Schemas["VolumeActionRetype"]["os-retype"]["migration_policy"],
      opts?: CallOptions,
    ) => act(ref, { "os-retype": { new_type: newType, ...(migrationPolicy !== undefined ? { migration_policy: migrationPolicy } : {}) } }, [202], opts),

    // The legacy attach flow (Nova before the attachments API): reserve → initializeConnection →
    // attach; beginDetaching → terminateConnection → detach. New code should prefer `attachments`.

    /** `available` (or, multiattach, `in-use`) → `attaching` (202). */
    reserve: (ref: Ref, opts?: CallOptions) => act(ref, { "os-reserve": {} } as Action, [202], opts),

    /** `attaching` → `in-use` when the volume has attachments, else `available` (202). */
    unreserve: (ref: Ref, opts?: CallOptions) => act(ref, { "os-unreserve": {} } as Action, [202], opts),

    /** `in-use` and `attached` → `detaching` (202). */
    beginDetaching: (ref: Ref, opts?: CallOptions) => act(ref, { "os-begin_detaching": {} } as Action, [202], opts),

    /** `detaching` → `in-use` (202). */
    rollDetaching: (ref: Ref, opts?: CallOptions) => act(ref, { "os-roll_detaching": {} } as Action, [202], opts),

    /** Record an attachment to `instance_uuid` or `host_name` at `mountpoint` (202; the volume becomes `in-use`). */
    attach: (ref: Ref, body: Schemas["VolumeActionAttach"]["os-attach"], opts?: CallOptions) => act(ref, { "os-attach": body }, [202], opts),

    /** End `attachment_id` (or the only attachment) and remove the export (202). */
    detach: (ref: Ref, attachmentId?: string, opts?: CallOptions) =>
      act(ref, { "os-detach": attachmentId === undefined ? {} : { attachment_id: attachmentId } }, [202], opts),

    /** Export the volume for `connector` (os-brick's description of the host); answers the connection info (200). */
    initializeConnection: async (
      ref: Ref,
      connector: Connector | string,
      opts?: CallOptions,
    ): Promise<Schemas["ConnectionInfoResponse"]["connection_info"]> => {
      const path = { volume_id: idOf(ref) };
      const body = { "os-initialize_connection": { connector } } as Action;
      const operation = "volume action os-initialize_connection";
      const r = await c.request("post", "/v3/{project_id}/volumes/{volume_id}/action", { path, body, ok: [200], operation, ...opts });
      return (r.data as Schemas["ConnectionInfoResponse"]).connection_info;
    },

    /** Remove the host's connection (202). */
    terminateConnection: (ref: Ref, connector: Connector | string | null, opts?: CallOptions) =>
      act(ref, { "os-terminate_connection": { connector } } as Action, [202], opts),

    /**
     * Admin: move the volume to another backend (`host: "host@backend[#pool]"`, or from 3.16
     * `cluster`); 202, then migration_status `starting`, `migrating`, `completing`, `success` (or
     * `error`, the volume left where it was).
     */
    migrate: async (ref: Ref, body: Schemas["VolumeActionMigrate"]["os-migrate_volume"], opts?: CallOptions): Promise<void> => {
      const minVersion = body.cluster !== undefined && body.cluster !== null ? MV.VOLUME_MIGRATE_CLUSTER : undefined;
      const path = { volume_id: idOf(ref) };
      const operation = "volume action os-migrate_volume";
      await c.request("post", "/v3/{project_id}/volumes/{volume_id}/action", { path, body: { "os-migrate_volume": body }, ok: [202], minVersion, operation, ...opts });
    },

    /** Admin: complete (or, with `error`, undo) a migration into `newVolume`; answers the id of the volume to keep (200). */
    migrateCompletion: async (ref: Ref, newVolume: Ref, error?: boolean, opts?: CallOptions): Promise<string> => {
      const body = { "os-migrate_volume_completion": { new_volume: idOf(newVolume), ...(error !== undefined ? { error } : {}) } };
      const path = { volume_id: idOf(ref) };
      const operation = "volume action os-migrate_volume_completion";
      const r = await c.request("post", "/v3/{project_id}/volumes/{volume_id}/action", { path, body, ok: [200], operation, ...opts });
      return (r.data as { save_volume_id: string }).save_volume_id;
    },
  };
}
