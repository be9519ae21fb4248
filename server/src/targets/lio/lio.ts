/**
 * The `lio` target (cf. cinder/volume/targets/lio.py `LioAdm` and cinder-rtstool): the kernel's
 * LIO iSCSI target, driven by writing its configfs tree directly (no targetcli or rtslib):
 *
 *   core/iblock_0/volume-<id>             block backstore (udev_path = the LV)     [a block device]
 *   core/fileio_0/volume-<id>             file backstore (fd_dev_name, fd_dev_size) [a regular file]
 *   iscsi/<iqn>/tpgt_1/lun/lun_0/volume -> the backstore                           (data is LUN 0)
 *   iscsi/<iqn>/tpgt_1/np/<ip>:<port>     the portal
 *   iscsi/<iqn>/tpgt_1/attrib/{authentication=1, generate_node_acls=0}
 *   iscsi/<iqn>/tpgt_1/acls/<initiator>/{auth/userid, auth/password, lun_0/lun -> lun/lun_0}
 *
 * Access control is per initiator, as Cinder's: `initializeConnection` adds an ACL for the
 * connector's initiator with the volume's CHAP credentials, `terminateConnection` removes it. Each
 * object is checked and created separately, so a half-made export is completed, not skipped (the
 * trap of rtstool's `create`, which returns early when the storage object exists).
 *
 * configfs keeps nothing across a reboot. What is needed to rebuild an export besides the
 * database's provider_location/provider_auth (the backing path and the ACL'd initiators) is kept
 * in a state file per volume (`<stateDir>/volume-<id>.json`, no secrets), written atomically, and
 * `ensureExport` rebuilds from it. Every configfs change of this process runs under one lock
 * (configfs has no locking of its own; rtslib-fb#36).
 */
import { constants, promises as fsp } from "node:fs";
import path from "node:path";
import type { Executor } from "../../exec/executor";
import { KeyedLocks } from "../../lib/locks";
import type { Log } from "../../log";
import { type Connector, type ConnectionInfo, type ExportVolume, InvalidConnectorError } from "../interface";
import { type Chap, IscsiTarget, type IscsiTargetOptions, parseProviderAuth, type TargetSpec, volumeName } from "../iscsi";
import { checkedInitiator, initiatorProblem, isIscsiName } from "../../contract/iscsi-name";
import { removePrivateFile, writePrivateFile } from "../../lib/private-file";

export interface LioOptions extends IscsiTargetOptions {
  executor: Executor;
  /** Where the state files live. */
  stateDir: string;
  /** LIO's configfs root; default /sys/kernel/config/target. */
  configfsRoot?: string;
  log?: Pick<Log, "info" | "warn">;
}

/** What `ensureExport` needs that the database does not hold. */
interface ExportState {
  iqn: string;
  path: string;
  initiators: string[];
}

const DATA_LUN = 0;
const TPG = "tpgt_1";
const LUN_DIR = `lun_${DATA_LUN}`;
const configfsLock = new KeyedLocks();

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch (err) {
    if (errno(err) === "ENOENT") return false;
    throw err;
  }
}

async function mkdirIfMissing(p: string): Promise<boolean> {
  try {
    await fsp.mkdir(p);
    return true;
  } catch (err) {
    if (errno(err) === "EEXIST") return false;
    throw err;
  }
}

async function rmdirIfPresent(p: string): Promise<void> {
  try {
    await fsp.rmdir(p);
  } catch (err) {
    if (errno(err) !== "ENOENT") throw err;
  }
}

async function unlinkIfPresent(p: string): Promise<void> {
  try {
    await fsp.unlink(p);
  } catch (err) {
    if (errno(err) !== "ENOENT") throw err;
  }
}

async function readAttr(p: string): Promise<string> {
  return (await fsp.readFile(p, "utf8")).trim();
}

/** configfs attributes take one write each; rewriting an equal value is skipped (some refuse changes while enabled). */
async function writeAttr(p: string, value: string): Promise<void> {
  try {
    if ((await readAttr(p)) === value) return;
  } catch {
    // write-only attribute (control): just write it
  }
  await fsp.writeFile(p, value);
}

/** Initiator IQNs are case-insensitive (RFC 3720); LIO keeps ACL folders as written, so match ignoring case. */
function sameIqn(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export class LioAdm extends IscsiTarget {
  readonly name = "lio";
  protected readonly lun = DATA_LUN;
  private readonly root: string;

  constructor(private readonly opts: LioOptions) {
    super(opts);
    this.root = opts.configfsRoot ?? "/sys/kernel/config/target";
  }

  async setup(): Promise<void> {
    if (!(await exists(path.join(this.root, "core")))) {
      await this.opts.executor.run("modprobe", ["target_core_mod"], { root: true }).catch(() => undefined);
      if (!(await exists(path.join(this.root, "core")))) {
        throw new Error(
          `LIO is not available: ${this.root} does not exist (load target_core_mod and mount configfs on /sys/kernel/config)`,
        );
      }
    }
    if (!(await exists(path.join(this.root, "iscsi")))) {
      // mkdir registers the fabric; the kernel loads iscsi_target_mod for it when it can.
      await configfsLock.with(["lio"], () => mkdirIfMissing(path.join(this.root, "iscsi"))).catch((err: Error) => {
        throw new Error(`LIO's iSCSI fabric is not available (modprobe iscsi_target_mod): ${err.message}`);
      });
    }
    await fsp.mkdir(this.opts.stateDir, { recursive: true, mode: 0o700 });
  }

  private tpgDir(iqn: string): string {
    return path.join(this.root, "iscsi", iqn, TPG);
  }

  /** The backstore folder: iblock for block devices, fileio for regular files. */
  private async backstore(volumeId: string, devPath: string): Promise<{ dir: string; block: boolean; size: number }> {
    const st = await fsp.stat(devPath);
    const block = st.isBlockDevice();
    if (!block && !st.isFile()) throw new Error(`${devPath} is neither a block device nor a file; LIO cannot export it`);
    const hba = block ? "iblock_0" : "fileio_0";
    return { dir: path.join(this.root, "core", hba, volumeName(volumeId)), block, size: st.size };
  }

  private statePath(volumeId: string): string {
    return path.join(this.opts.stateDir, `${volumeName(volumeId)}.json`);
  }

  private async readState(volumeId: string): Promise<ExportState | null> {
    try {
      return JSON.parse(await fsp.readFile(this.statePath(volumeId), "utf8")) as ExportState;
    } catch (err) {
      if (errno(err) === "ENOENT") return null;
      throw err;
    }
  }

  private async writeState(volumeId: string, state: ExportState): Promise<void> {
    await writePrivateFile(this.opts.stateDir, `${volumeName(volumeId)}.json`, `${JSON.stringify(state, null, 2)}\n`);
  }

  protected async createIscsiTarget(spec: TargetSpec): Promise<string> {
    await configfsLock.with(["lio"], async () => {
      const state = (await this.readState(spec.volumeId)) ?? { iqn: spec.iqn, path: spec.path, initiators: [] };
      state.path = spec.path;
      await this.writeState(spec.volumeId, state);
      await this.build(spec.volumeId, spec.iqn, spec.path, spec.chap, state.initiators);
    });
    this.opts.log?.info({ volumeId: spec.volumeId, iqn: spec.iqn }, "LIO target ready");
    // LIO has no target ids; Cinder's LioAdm stores the IQN where tgt stores its tid.
    return spec.iqn;
  }

  /** Create whatever is missing of the export; leaves what is there. */
  private async build(volumeId: string, iqn: string, devPath: string, chap: Chap, initiators: string[]): Promise<void> {
    const bs = await this.backstore(volumeId, devPath);
    await fsp.mkdir(path.dirname(bs.dir), { recursive: true });
    if (await mkdirIfMissing(bs.dir)) {
      if (bs.block) {
        await writeAttr(path.join(bs.dir, "control"), `udev_path=${devPath}`);
        await writeAttr(path.join(bs.dir, "udev_path"), devPath);
      } else {
        await writeAttr(path.join(bs.dir, "control"), `fd_dev_name=${devPath},fd_dev_size=${bs.size}`);
        await writeAttr(path.join(bs.dir, "udev_path"), devPath);
      }
    }
    if ((await readAttr(path.join(bs.dir, "enable"))) !== "1") await fsp.writeFile(path.join(bs.dir, "enable"), "1");

    const tpg = this.tpgDir(iqn);
    await mkdirIfMissing(path.join(this.root, "iscsi", iqn));
    await mkdirIfMissing(tpg);
    const lunDir = path.join(tpg, "lun", LUN_DIR);
    await mkdirIfMissing(lunDir);
    const link = path.join(lunDir, "volume");
    if (!(await exists(link))) {
      // A unit serial, as rtslib gives every storage object: without one LIO reports no VPD 0x80/0x83
      // page, so initiators see no WWID (udev by-id links, multipath, os-brick's WWN lookups). The
      // volume id keeps it across refreshExport's rebuild and a reboot. LIO takes it only before the
      // backstore is in a LUN.
      await writeAttr(path.join(bs.dir, "wwn", "vpd_unit_serial"), volumeId);
      await fsp.symlink(bs.dir, link);
    }
    const np = path.join(tpg, "np", this.portalDir());
    await mkdirIfMissing(np);
    await writeAttr(path.join(tpg, "attrib", "authentication"), "1");
    await writeAttr(path.join(tpg, "attrib", "generate_node_acls"), "0");
    for (const initiator of initiators) {
      // A state file written before initiators were checked may name one that is no iSCSI name.
      if (isIscsiName(initiator)) await this.addAcl(tpg, initiator, chap);
      else this.opts.log?.warn({ volumeId, initiator }, `ACL skipped: ${initiatorProblem({ initiator })}`);
    }
    await writeAttr(path.join(tpg, "enable"), "1");
  }

  /** `<ip>:<port>`, IPv6 in brackets, as LIO names portal folders. */
  private portalDir(): string {
    const ip = this.opts.targetIp;
    return ip.includes(":") ? `[${ip}]:${this.opts.targetPort}` : `${ip}:${this.opts.targetPort}`;
  }

  private async findAcl(tpg: string, initiator: string): Promise<string | null> {
    let names: string[];
    try {
      names = await fsp.readdir(path.join(tpg, "acls"));
    } catch (err) {
      if (errno(err) === "ENOENT") return null;
      throw err;
    }
    const found = names.find((n) => sameIqn(n, initiator));
    return found ? path.join(tpg, "acls", found) : null;
  }

  /**
   * The folder of a new ACL: the initiator must be an iSCSI name (one path component, never `..`),
   * and the resolved folder must be a child of the TPG's `acls` folder.
   * @throws InvalidConnectorError
   */
  private newAclDir(tpg: string, initiator: string): string {
    const acls = path.resolve(tpg, "acls");
    const acl = path.resolve(acls, checkedInitiator({ initiator }));
    if (path.dirname(acl) !== acls) throw new InvalidConnectorError(`Connector initiator ${JSON.stringify(initiator)} does not name a folder in ${acls}.`);
    return acl;
  }

  private async addAcl(tpg: string, initiator: string, chap: Chap): Promise<void> {
    const acl = (await this.findAcl(tpg, initiator)) ?? this.newAclDir(tpg, initiator);
    await mkdirIfMissing(acl);
    await writeAttr(path.join(acl, "auth", "userid"), chap.user);
    await writeAttr(path.join(acl, "auth", "password"), chap.password);
    const mapped = path.join(acl, LUN_DIR);
    await mkdirIfMissing(mapped);
    const link = path.join(mapped, "lun");
    if (!(await exists(link))) await fsp.symlink(path.join(tpg, "lun", LUN_DIR), link);
  }

  private async removeAcl(acl: string): Promise<void> {
    for (const entry of await fsp.readdir(acl).catch(() => [] as string[])) {
      if (!/^lun_\d+$/.test(entry)) continue;
      const mapped = path.join(acl, entry);
      for (const l of await fsp.readdir(mapped).catch(() => [] as string[])) {
        const p = path.join(mapped, l);
        if ((await fsp.lstat(p)).isSymbolicLink()) await unlinkIfPresent(p);
      }
      await rmdirIfPresent(mapped);
    }
    await rmdirIfPresent(acl);
  }

  protected async removeIscsiTarget(volumeId: string, iqn: string, _chap: Chap | null): Promise<void> {
    await configfsLock.with(["lio"], async () => {
      await this.teardown(volumeId, iqn);
      await removePrivateFile(this.opts.stateDir, `${volumeName(volumeId)}.json`);
    });
    this.opts.log?.info({ volumeId, iqn }, "LIO target removed");
  }

  /** Remove the target and its backstore, children first (configfs refuses to drop a non-empty folder). */
  private async teardown(volumeId: string, iqn: string): Promise<void> {
    const target = path.join(this.root, "iscsi", iqn);
    const tpg = path.join(target, TPG);
    if (await exists(tpg)) {
      // Disabling the TPG ends its sessions first.
      await fsp.writeFile(path.join(tpg, "enable"), "0").catch(() => undefined);
      for (const ini of await fsp.readdir(path.join(tpg, "acls")).catch(() => [] as string[])) {
        await this.removeAcl(path.join(tpg, "acls", ini));
      }
      for (const lun of await fsp.readdir(path.join(tpg, "lun")).catch(() => [] as string[])) {
        const dir = path.join(tpg, "lun", lun);
        for (const l of await fsp.readdir(dir).catch(() => [] as string[])) {
          const p = path.join(dir, l);
          if ((await fsp.lstat(p)).isSymbolicLink()) await unlinkIfPresent(p);
        }
        await rmdirIfPresent(dir);
      }
      for (const np of await fsp.readdir(path.join(tpg, "np")).catch(() => [] as string[])) {
        await rmdirIfPresent(path.join(tpg, "np", np));
      }
      await rmdirIfPresent(tpg);
    }
    await rmdirIfPresent(target);
    for (const hba of ["iblock_0", "fileio_0"]) await rmdirIfPresent(path.join(this.root, "core", hba, volumeName(volumeId)));
  }

  override async initializeConnection(volume: ExportVolume, connector: Connector): Promise<ConnectionInfo> {
    const initiator = checkedInitiator(connector);
    const chap = parseProviderAuth(volume.providerAuth);
    if (!chap) throw new Error(`volume ${volume.id} is not exported`);
    const iqn = this.iqnOf(volume.id);
    await configfsLock.with(["lio"], async () => {
      const tpg = this.tpgDir(iqn);
      if (!(await exists(tpg))) throw new Error(`volume ${volume.id} has no LIO target ${iqn}`);
      await this.addAcl(tpg, initiator, chap);
      const state = (await this.readState(volume.id)) ?? { iqn, path: volume.path, initiators: [] };
      if (!state.initiators.some((i) => sameIqn(i, initiator))) state.initiators.push(initiator);
      await this.writeState(volume.id, state);
    });
    return super.initializeConnection(volume, connector);
  }

  /**
   * Cinder's LioAdm `terminate_connection`: drop the initiator's ACL (rtstool delete-initiator).
   * The ACL is found in the listing of the `acls` folder, never joined from the caller's string, so
   * a stored connector whose initiator is no iSCSI name (an attachment made before they were
   * checked) still cleans up the ACL it named, and nothing else.
   */
  override async terminateConnection(volume: ExportVolume, connector: Connector): Promise<void> {
    const initiator = connector.initiator;
    if (typeof initiator !== "string" || initiator === "") {
      throw new InvalidConnectorError("Connector doesn't have required information: initiator");
    }
    const iqn = this.iqnOf(volume.id);
    await configfsLock.with(["lio"], async () => {
      const acl = await this.findAcl(this.tpgDir(iqn), initiator);
      if (acl) await this.removeAcl(acl);
      const state = await this.readState(volume.id);
      if (state) {
        state.initiators = state.initiators.filter((i) => !sameIqn(i, initiator));
        await this.writeState(volume.id, state);
      }
    });
  }

  /**
   * A block backstore reads its device's size on every READ CAPACITY, so an extended LV is served
   * as it is (Cinder's LioAdm `extend_target` is a no-op). A file backstore holds an open file of a
   * fixed size, so a grown or replaced file (revert) needs the backstore rebuilt: sessions drop and
   * initiators log in again. A target that is gone is made again, as tgt's refresh does.
   */
  async refreshExport(volume: ExportVolume): Promise<void> {
    const chap = parseProviderAuth(volume.providerAuth);
    if (!chap) return;
    const iqn = this.iqnOf(volume.id);
    await configfsLock.with(["lio"], async () => {
      const state = (await this.readState(volume.id)) ?? { iqn, path: volume.path, initiators: [] };
      if (await exists(this.tpgDir(iqn))) {
        if ((await this.backstore(volume.id, volume.path)).block) return;
        await this.teardown(volume.id, iqn);
      }
      // Missing (the kernel lost it), or a file backstore to rebuild: make it as it should be.
      await this.build(volume.id, iqn, volume.path, chap, state.initiators);
    });
  }

  /** Exported volumes, by the configfs tree (for tests and diagnostics). */
  async targets(): Promise<string[]> {
    try {
      await fsp.access(path.join(this.root, "iscsi"), constants.R_OK);
      return (await fsp.readdir(path.join(this.root, "iscsi"))).filter((n) => n.startsWith("iqn."));
    } catch {
      return [];
    }
  }
}
