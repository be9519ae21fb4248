/**
 * Exports and connections (cf. cinder/volume/manager.py initialize_connection,
 * _parse_connection_options, terminate_connection, remove_export and init_host's ensure_export):
 * the driver says where a volume's bytes are, the target exports them.
 */
import { attachmentsOf } from "../../db/repos/attachments";
import { casVolume, exportedVolumesOnBackend, getVolume } from "../../db/repos/volumes";
import { typeSpecs } from "../../db/repos/types";
import { metadataOf } from "../../db/repos/metadata";
import type { VolumeRow } from "../../db/schema";
import type { ConnectionInfo, Connector, ExportVolume } from "../../targets/interface";
import { InvalidConnectorError } from "../../targets/interface";
import { frontEndQos } from "../qos";
import { RemoteError } from "../../bus/errors";
import { connectsItself } from "../../drivers/interface";
import type { VolumeManager } from "./manager";

export function exportOf(m: VolumeManager, v: VolumeRow): ExportVolume {
  return {
    id: v.id,
    path: m.driver.localPath({ id: v.name_id ?? v.id, size: v.size }),
    providerAuth: v.provider_auth,
    providerLocation: v.provider_location,
  };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function initializeConnection(m: VolumeManager, volumeId: string, connector: Connector): Promise<ConnectionInfo> {
  return m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v) throw new RemoteError("VolumeNotFound", `Volume ${volumeId} could not be found.`);
    if (connectsItself(m.driver)) {
      // The hosts reach the data from the storage itself (rbd): no export, no target.
      let info: ConnectionInfo;
      try {
        info = await m.driver.initializeConnection({ id: v.name_id ?? v.id, size: v.size }, v.id);
      } catch (err) {
        m.log.error({ err, volumeId }, "initialize connection failed");
        throw new RemoteError("VolumeBackendAPIException", `Driver initialize connection failed (error: ${message(err)}).`);
      }
      return parseConnectionOptions(m, v, info);
    }
    const target = m.target;
    if (!target) {
      // No target helper: the data is reachable on this host only, as os-brick's LOCAL connector expects.
      const local: ConnectionInfo = { driver_volume_type: "local", data: { device_path: exportOf(m, v).path, volume_id: v.id } };
      return parseConnectionOptions(m, v, local);
    }
    try {
      target.validateConnector(connector);
    } catch (err) {
      if (err instanceof InvalidConnectorError) throw new RemoteError("InvalidInput", `Invalid input received: ${err.message}`);
      throw new RemoteError("VolumeBackendAPIException", `Validate volume connection failed (error: ${message(err)}).`);
    }
    let ev = exportOf(m, v);
    try {
      const model = await target.createExport(ev);
      await casVolume(m.db.kysely, volumeId, {}, { provider_location: model.providerLocation, provider_auth: model.providerAuth });
      ev = { ...ev, providerLocation: model.providerLocation, providerAuth: model.providerAuth };
    } catch (err) {
      m.log.error({ err, volumeId }, "create export failed");
      throw new RemoteError("VolumeBackendAPIException", `Create export of volume failed (${message(err)})`);
    }
    let info: ConnectionInfo;
    try {
      info = await target.initializeConnection(ev, connector);
    } catch (err) {
      m.log.error({ err, volumeId }, "initialize connection failed");
      await removeExport(m, volumeId).catch((e: unknown) => m.log.error({ err: e, volumeId }, "remove export failed"));
      throw new RemoteError("VolumeBackendAPIException", `Driver initialize connection failed (error: ${message(err)}).`);
    }
    m.log.info({ volumeId, initiator: connector.initiator }, "connection initialized");
    return parseConnectionOptions(m, v, info);
  });
}

/** cinder/volume/manager.py `_parse_connection_options`. */
async function parseConnectionOptions(m: VolumeManager, v: VolumeRow, info: ConnectionInfo): Promise<ConnectionInfo> {
  const db = m.db.kysely;
  const data = { ...info.data };
  data.qos_specs = await frontEndQos(db, v);
  const admin = (await metadataOf(db, "volume_admin", [v.id])).get(v.id) ?? {};
  data.access_mode = admin.attached_mode ?? (admin.readonly === "True" ? "ro" : "rw");
  if (data.encrypted === undefined) data.encrypted = v.encryption_key_id !== null;
  if (v.volume_type_id) data.cacheable = (await typeSpecs(db, v.volume_type_id)).cacheable === "<is> True";
  // Cinder's `report_discard_supported`: tgt LUNs are thin (`thin_provisioning=1`), so UNMAP works.
  if (data.discard === undefined && m.target) data.discard = true;
  return { driver_volume_type: info.driver_volume_type, data };
}

export async function terminateConnection(m: VolumeManager, volumeId: string, connector: Connector): Promise<void> {
  await m.locks.with([volumeId], async () => {
    const v = await getVolume(m.db.kysely, volumeId);
    if (!v || !m.target) return;
    // cinder/volume/drivers/lvm.py terminate_connection: a multiattach volume attached more than
    // once from the same host keeps that host's access (LIO's per-initiator ACL) until the last of
    // those attachments goes.
    if (v.multiattach === 1 && (await sameHostAttachments(m, volumeId, connector)) > 1) {
      m.log.info({ volumeId, initiator: connector.initiator }, "other attachments of this host remain; access kept");
      return;
    }
    try {
      await m.target.terminateConnection(exportOf(m, v), connector);
    } catch (err) {
      m.log.error({ err, volumeId }, "terminate connection failed");
      throw new RemoteError("VolumeBackendAPIException", `Terminate volume connection failed: ${message(err)}`);
    }
  });
}

async function sameHostAttachments(m: VolumeManager, volumeId: string, connector: Connector): Promise<number> {
  let n = 0;
  for (const a of await attachmentsOf(m.db.kysely, [volumeId])) {
    if (!a.connector) continue;
    try {
      if ((JSON.parse(a.connector) as Connector).initiator === connector.initiator) n++;
    } catch {
      // a connector that is not JSON names no initiator
    }
  }
  return n;
}

/**
 * Remove the volume's export (the caller holds the volume's lock). `provider_location` is cleared
 * (nothing to restore on restart) and `provider_auth` kept, so a later export reuses the
 * credentials, as Cinder's create_export reads them back.
 */
export async function removeExport(m: VolumeManager, volumeId: string): Promise<void> {
  const v = await getVolume(m.db.kysely, volumeId);
  if (!v || !m.target) return;
  await m.target.removeExport(exportOf(m, v));
  if (v.provider_location !== null) await casVolume(m.db.kysely, volumeId, {}, { provider_location: null });
}

/** After an extend or a revert: an exported volume serves its new data (the caller holds the lock). */
export async function refreshExport(m: VolumeManager, v: VolumeRow): Promise<void> {
  if (!m.target || !v.provider_location) return;
  await m.target.refreshExport(exportOf(m, v));
}

/**
 * Restart: every exported volume of this backend is exported again with the same name and
 * credentials (cf. init_host → ensure_export). An in-use volume whose export cannot be restored
 * goes to `error`, as in Cinder; others keep their status and log the failure.
 */
export async function ensureExports(m: VolumeManager): Promise<void> {
  if (!m.target) return;
  const rows = await exportedVolumesOnBackend(m.db.kysely, m.backend, ["creating", "deleting", "error_deleting"]);
  for (const v of rows) {
    await m.locks.with([v.id], async () => {
      try {
        await m.target!.ensureExport(exportOf(m, v));
        m.log.info({ volumeId: v.id }, "export restored");
      } catch (err) {
        m.log.error({ err, volumeId: v.id }, "failed to re-export volume");
        if (v.status === "in-use") await casVolume(m.db.kysely, v.id, { status: ["in-use"] }, { status: "error" });
      }
    });
  }
}
