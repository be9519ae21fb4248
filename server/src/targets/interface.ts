/**
 * The contract every export target implements (cf. cinder/volume/targets/driver.py `Target`).
 *
 * A driver decides where a volume's bytes live; a target decides how they are exported
 * (the two vary independently: any driver with any target). The volume manager composes the two: it asks the driver for the volume's local
 * path and hands that to the target. Targets are called under the manager's per-volume lock, and
 * every method is idempotent: exporting an exported volume or removing a missing export succeeds.
 */

/** What a target needs to know about a volume. */
export interface ExportVolume {
  id: string;
  /** The local path of the volume's data (a block device or a file). */
  path: string;
  /** What an earlier export stored (`"CHAP <user> <password>"`); reused so credentials survive re-exports. */
  providerAuth: string | null;
  /** What an earlier export stored (`"<ip>:<port>,<tid> <iqn> <lun>"`). */
  providerLocation: string | null;
}

/** What the manager stores on the volume after an export (Cinder's model update). */
export interface ExportModel {
  providerLocation: string;
  providerAuth: string;
}

import type { ConnectionInfo, Connector } from "../contract/connector";

export { type ConnectionInfo, type Connector, InvalidConnectorError } from "../contract/connector";

export interface TargetHelper {
  /** The registry name (`tgt`). */
  readonly name: string;
  /** The storage protocol this target serves, as the pool reports it (`iSCSI`). */
  readonly protocol: string;

  /** Check the tools and prepare state folders. Called once before any other method. */
  setup(): Promise<void>;

  /**
   * Export the volume (cf. `create_export`): reuse the credentials in `providerAuth` when set,
   * otherwise generate new ones.
   * @throws when the target could not be created or verified.
   */
  createExport(volume: ExportVolume): Promise<ExportModel>;

  /**
   * Make sure an earlier export exists again with the same name and credentials (after a target
   * daemon restart or a host reboot; cf. `ensure_export`).
   * @throws when the volume was never exported (`providerAuth`/`providerLocation` missing) or the
   * export could not be restored.
   */
  ensureExport(volume: ExportVolume): Promise<void>;

  /** Remove the export, dropping sessions (cf. `remove_export`). Removing a missing export succeeds. */
  removeExport(volume: ExportVolume): Promise<void>;

  /**
   * Check that the connector carries what this target needs (cf. `validate_connector`).
   * @throws InvalidConnectorError
   */
  validateConnector(connector: Connector): void;

  /**
   * The connection_info a host uses to reach the exported volume (cf. `initialize_connection`).
   * @throws InvalidConnectorError when the connector lacks what the target needs.
   */
  initializeConnection(volume: ExportVolume, connector: Connector): Promise<ConnectionInfo>;

  /** Forget the host (a no-op for targets whose access control is CHAP alone, such as tgt). */
  terminateConnection(volume: ExportVolume, connector: Connector): Promise<void>;

  /** The volume's data changed size or identity (extend, revert): make the export serve the new data. */
  refreshExport(volume: ExportVolume): Promise<void>;
}
