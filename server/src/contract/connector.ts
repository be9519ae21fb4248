/** The connector a host sends to attach, and what it gets back (os-brick's and Cinder's shapes). */

/**
 * The connecting host, as os-brick describes it (`initiator`, `ip`, `host`, `multipath`, ...).
 * Cinder accepts any object; a target checks only what it needs.
 */
export type Connector = Record<string, unknown>;

/** Cinder's connection_info: `{driver_volume_type, data}`. */
export interface ConnectionInfo {
  driver_volume_type: string;
  data: Record<string, unknown>;
}

/** The connector lacks what the target needs (Cinder's InvalidConnectorException → 400). */
export class InvalidConnectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidConnectorError";
  }
}
