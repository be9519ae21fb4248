/**
 * What every iSCSI target shares (cf. cinder/volume/targets/iscsi.py `ISCSITarget`): target
 * names, CHAP credentials, `provider_location`/`provider_auth` formats and the connection_info a
 * host connects with. A concrete target (tgt, lio) implements only its primitives.
 */
import { randomInt } from "node:crypto";
import type { ConnectionInfo, Connector, ExportModel, ExportVolume, TargetHelper } from "./interface";
import { checkedInitiator } from "../contract/iscsi-name";

/** Cinder's `target_prefix` default. */
export const IQN_PREFIX = "iqn.2010-10.org.openstack:";

/** Cinder's `volume_name_template` (`volume-%s`); the target is named after it. */
export function volumeName(id: string): string {
  return `volume-${id}`;
}

export function targetIqn(id: string, prefix = IQN_PREFIX): string {
  return prefix + volumeName(id);
}

/**
 * cinder/volume/volume_utils.py `generate_password`/`generate_username`: at least one character of
 * each group, drawn from 57 unambiguous characters (no 0/O, 1/l/I), then shuffled. Cinder uses
 * `os.urandom` modulo the alphabet (slightly biased); `randomInt` is not.
 */
const GROUPS = ["23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz"];
const ALPHABET = GROUPS.join("");

export function generateSecret(length: number): string {
  const chars = GROUPS.map((g) => g[randomInt(g.length)]);
  while (chars.length < length) chars.push(ALPHABET[randomInt(ALPHABET.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}

export interface Chap {
  user: string;
  password: string;
}

/** `"CHAP <user> <password>"` (Cinder's `provider_auth`), or null for anything else. */
export function parseProviderAuth(auth: string | null): Chap | null {
  if (!auth) return null;
  const parts = auth.split(" ");
  if (parts.length !== 3 || parts[0] !== "CHAP" || !parts[1] || !parts[2]) return null;
  return { user: parts[1], password: parts[2] };
}

export function formatProviderAuth(chap: Chap): string {
  return `CHAP ${chap.user} ${chap.password}`;
}

/** `ip:port`, with IPv6 addresses bracketed (cinder/volume/targets/iscsi.py `_get_portals_config`). */
export function portal(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export interface ProviderLocation {
  portals: string[];
  tid: string;
  iqn: string;
  lun: number;
}

/** `"<portal>[;<portal2>],<tid> <iqn> <lun>"`, as cinder/volume/targets/iscsi.py `create_export` writes it. */
export function formatProviderLocation(loc: ProviderLocation): string {
  return `${loc.portals.join(";")},${loc.tid} ${loc.iqn} ${loc.lun}`;
}

/** The inverse of formatProviderLocation, or null (cf. `_get_iscsi_properties`, which splits the same way). */
export function parseProviderLocation(location: string | null): ProviderLocation | null {
  if (!location) return null;
  const m = /^(\S+),(\S+) (\S+) (\d+)$/.exec(location.trim());
  if (!m) return null;
  return { portals: m[1].split(";"), tid: m[2], iqn: m[3], lun: Number(m[4]) };
}

export interface IscsiTargetOptions {
  /** Cinder's `target_ip_address`: the portal address hosts connect to. */
  targetIp: string;
  /** Cinder's `target_port` (3260). */
  targetPort: number;
  /** Cinder's `target_prefix`. */
  iqnPrefix?: string;
}

/** What a concrete target creates for one volume. */
export interface TargetSpec {
  volumeId: string;
  iqn: string;
  path: string;
  chap: Chap;
}

export abstract class IscsiTarget implements TargetHelper {
  abstract readonly name: string;
  readonly protocol = "iSCSI";
  /** The LUN that carries the data (tgt: 1, because LUN 0 is its controller; LIO: 0). */
  protected abstract readonly lun: number;

  constructor(protected readonly iscsi: IscsiTargetOptions) {}

  abstract setup(): Promise<void>;
  /** Create (or complete) the target and return its id. Idempotent. */
  protected abstract createIscsiTarget(spec: TargetSpec): Promise<string>;
  /** Remove the target if it exists. Idempotent. */
  protected abstract removeIscsiTarget(volumeId: string, iqn: string, chap: Chap | null): Promise<void>;
  /** Serve the volume's current data again (new size, new file). */
  abstract refreshExport(volume: ExportVolume): Promise<void>;

  protected iqnOf(volumeId: string): string {
    return targetIqn(volumeId, this.iscsi.iqnPrefix ?? IQN_PREFIX);
  }

  async createExport(volume: ExportVolume): Promise<ExportModel> {
    const chap = parseProviderAuth(volume.providerAuth) ?? { user: generateSecret(20), password: generateSecret(16) };
    const iqn = this.iqnOf(volume.id);
    const tid = await this.createIscsiTarget({ volumeId: volume.id, iqn, path: volume.path, chap });
    return {
      providerLocation: formatProviderLocation({ portals: [portal(this.iscsi.targetIp, this.iscsi.targetPort)], tid, iqn, lun: this.lun }),
      providerAuth: formatProviderAuth(chap),
    };
  }

  async ensureExport(volume: ExportVolume): Promise<void> {
    const chap = parseProviderAuth(volume.providerAuth);
    if (!chap || !parseProviderLocation(volume.providerLocation)) {
      throw new Error(`volume ${volume.id} has no export to restore`);
    }
    await this.createIscsiTarget({ volumeId: volume.id, iqn: this.iqnOf(volume.id), path: volume.path, chap });
  }

  async removeExport(volume: ExportVolume): Promise<void> {
    await this.removeIscsiTarget(volume.id, this.iqnOf(volume.id), parseProviderAuth(volume.providerAuth));
  }

  /**
   * cinder/volume/targets/iscsi.py `validate_connector` + `initialize_connection` + `_get_iscsi_properties`.
   * The initiator must also be an iSCSI name (./iscsi-name.ts), checked here as well as at the API:
   * a target may make a path of it (LIO's ACL folders).
   */
  validateConnector(connector: Connector): void {
    checkedInitiator(connector);
  }

  async initializeConnection(volume: ExportVolume, connector: Connector): Promise<ConnectionInfo> {
    this.validateConnector(connector);
    const loc = parseProviderLocation(volume.providerLocation);
    const chap = parseProviderAuth(volume.providerAuth);
    if (!loc || !chap) throw new Error(`volume ${volume.id} is not exported`);
    const data: Record<string, unknown> = {
      target_discovered: false,
      target_portal: loc.portals[0],
      target_iqn: loc.iqn,
      target_lun: loc.lun,
      volume_id: volume.id,
      auth_method: "CHAP",
      auth_username: chap.user,
      auth_password: chap.password,
    };
    if (loc.portals.length > 1 || connector.multipath === true) {
      data.target_portals = loc.portals;
      data.target_iqns = loc.portals.map(() => loc.iqn);
      data.target_luns = loc.portals.map(() => loc.lun);
    }
    return { driver_volume_type: "iscsi", data };
  }

  async terminateConnection(_volume: ExportVolume, _connector: Connector): Promise<void> {
    // Access is CHAP only (no per-initiator ACL), as with Cinder's tgt helper: nothing to undo.
  }
}
