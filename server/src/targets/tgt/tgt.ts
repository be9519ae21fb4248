/**
 * The `tgt` target (cf. cinder/volume/targets/tgt.py `TgtAdm`): userspace tgtd, driven with
 * `tgtadm` through the executor. Cinder writes a target file and runs `tgt-admin --update`, which
 * silently does nothing on a target that has sessions, leaving it as it was; this helper instead
 * reads `tgtadm --op show`, applies only the missing pieces (target, LUN 1, CHAP account, binding,
 * ACL) and verifies the result, so create, ensure and remove are idempotent and a half-made target
 * is completed rather than skipped. The target file is still written, in Cinder's format, so that
 * `tgt-admin -e` can restore exports without Cinderblock.
 *
 * LUN 0 is tgt's controller; the data is LUN 1. Access control is CHAP (`incominguser`) with the
 * ALL initiator ACL, as Cinder configures it.
 */
import { promises as fsp } from "node:fs";
import { ExecError, type Executor } from "../../exec/executor";
import { KeyedLocks } from "../../lib/locks";
import type { Log } from "../../log";
import type { ExportVolume } from "../interface";
import { type Chap, IscsiTarget, type IscsiTargetOptions, type TargetSpec, volumeName } from "../iscsi";
import { renderTargetFile } from "./config";
import { removePrivateFile, writePrivateFile } from "../../lib/private-file";
import { nextTid, parseAccounts, parseTargets, type TgtTarget } from "./parse";

export interface TgtOptions extends IscsiTargetOptions {
  executor: Executor;
  /** Cinder's `volumes_dir`: one target file per exported volume. */
  volumesDir: string;
  /** tgtd's control port (`tgtd -C N`, `tgtadm -C N`); default tgtd's own (0). */
  controlPort?: number;
  /** Cinder's `iscsi_write_cache`; default on. */
  writeCache?: boolean;
  log?: Pick<Log, "info" | "warn">;
}

const DATA_LUN = 1;
const TIMEOUT_MS = 30_000;

/**
 * tgt picks no tid itself: the caller chooses max+1, which races between two creators. One lock
 * per tgtd (control port) orders every change this process makes, so that two of its creators
 * never pick the same tid.
 */
const daemonLocks = new KeyedLocks();

/** tgtadm's answer when a target, LUN, account or ACL being added is already there (rc 22). */
const ALREADY_EXISTS = /already exists/;
const NOT_FOUND = /can't find the (target|account|logical unit)/;

export class TgtAdm extends IscsiTarget {
  readonly name = "tgt";
  protected readonly lun = DATA_LUN;
  private readonly lockKey: string;

  constructor(private readonly opts: TgtOptions) {
    super(opts);
    this.lockKey = `tgtd:${opts.controlPort ?? 0}`;
  }

  async setup(): Promise<void> {
    await fsp.mkdir(this.opts.volumesDir, { recursive: true, mode: 0o700 });
    try {
      await this.show();
    } catch (err) {
      throw new Error(
        `the tgt target helper needs a running tgtd (Debian package tgt)${this.opts.controlPort ? ` on control port ${this.opts.controlPort}` : ""}: ${(err as Error).message}`,
      );
    }
  }

  private async tgtadm(args: string[], secrets: string[] = []): Promise<string> {
    const cp = this.opts.controlPort ? ["-C", String(this.opts.controlPort)] : [];
    const res = await this.opts.executor.run("tgtadm", [...cp, "--lld", "iscsi", ...args], { root: true, timeoutMs: TIMEOUT_MS, secrets });
    return res.stdout;
  }

  /** Run a change that may already have been made: "already exists" is success. */
  private async ensure(args: string[], secrets: string[] = []): Promise<void> {
    try {
      await this.tgtadm(args, secrets);
    } catch (err) {
      if (!(err instanceof ExecError && ALREADY_EXISTS.test(err.stderr))) throw err;
    }
  }

  /** Run a removal that may already have been made: "can't find" is success. */
  private async forget(args: string[]): Promise<void> {
    try {
      await this.tgtadm(args);
    } catch (err) {
      if (!(err instanceof ExecError && NOT_FOUND.test(err.stderr))) throw err;
    }
  }

  private async show(): Promise<TgtTarget[]> {
    return parseTargets(await this.tgtadm(["--op", "show", "--mode", "target"]));
  }

  private async find(iqn: string): Promise<TgtTarget | undefined> {
    return (await this.show()).find((t) => t.iqn === iqn);
  }

  protected async createIscsiTarget(spec: TargetSpec): Promise<string> {
    const name = volumeName(spec.volumeId);
    const file = renderTargetFile({ iqn: spec.iqn, volumeId: spec.volumeId, path: spec.path, user: spec.chap.user, password: spec.chap.password, writeCache: this.opts.writeCache ?? true });
    await writePrivateFile(this.opts.volumesDir, name, file);
    return daemonLocks.with([this.lockKey], async () => {
      let t = await this.find(spec.iqn);
      const fresh = !t;
      if (!t) {
        const tid = nextTid(await this.show());
        await this.tgtadm(["--op", "new", "--mode", "target", "--tid", String(tid), "-T", spec.iqn]);
        t = await this.find(spec.iqn);
        if (!t) throw new Error(`tgtadm created target ${tid} for ${spec.iqn}, but it is not listed`);
      }
      await this.ensureLun(t, spec.volumeId, spec.path);
      await this.ensureAccount(t, spec.chap, fresh);
      if (!t.acls.includes("ALL")) {
        await this.ensure(["--op", "bind", "--mode", "target", "--tid", String(t.tid), "-I", "ALL"]);
      }
      await this.verify(spec.iqn, spec.path, spec.chap.user);
      this.opts.log?.info({ volumeId: spec.volumeId, iqn: spec.iqn, tid: t.tid }, "tgt target exported");
      return String(t.tid);
    });
  }

  /** LUN 1 backed by `path`; a LUN backed by anything else (a renamed file) is replaced. */
  private async ensureLun(t: TgtTarget, volumeId: string, path: string): Promise<void> {
    const lun = t.luns.find((l) => l.lun === DATA_LUN);
    if (lun && lun.backingStorePath === path) return;
    const tid = String(t.tid);
    if (lun) await this.forget(["--op", "delete", "--mode", "logicalunit", "--tid", tid, "--lun", String(DATA_LUN)]);
    await this.ensure(["--op", "new", "--mode", "logicalunit", "--tid", tid, "--lun", String(DATA_LUN), "-b", path]);
    // Cinder's `params thin_provisioning=1`: the initiator may UNMAP, and a sparse backing file stays sparse.
    // scsi_id/scsi_sn: the LUN's identity (VPD 0x80/0x83, the initiator's WWID) is the volume's. tgt's
    // default derives it from the tid, which a restart may give to another volume.
    const params = `thin_provisioning=1,scsi_id=${volumeId},scsi_sn=${volumeId}`;
    await this.tgtadm(["--op", "update", "--mode", "logicalunit", "--tid", tid, "--lun", String(DATA_LUN), "--params", params]);
  }

  /**
   * tgt cannot show an account's password. An account left over without its target (a crash
   * between the two removals) may hold an old one, so it is recreated whenever the target is new.
   */
  private async ensureAccount(t: TgtTarget, chap: Chap, freshTarget: boolean): Promise<void> {
    const exists = parseAccounts(await this.tgtadm(["--op", "show", "--mode", "account"])).includes(chap.user);
    if (exists && freshTarget) {
      await this.forget(["--op", "delete", "--mode", "account", "--user", chap.user]);
    }
    if (!exists || freshTarget) {
      await this.ensure(["--op", "new", "--mode", "account", "--user", chap.user, "--password", chap.password], [chap.password]);
    }
    if (!t.accounts.includes(chap.user)) {
      await this.ensure(["--op", "bind", "--mode", "account", "--tid", String(t.tid), "--user", chap.user]);
    }
  }

  private async verify(iqn: string, path: string, user: string): Promise<void> {
    const t = await this.find(iqn);
    const lun = t?.luns.find((l) => l.lun === DATA_LUN);
    if (!t || lun?.backingStorePath !== path || !t.accounts.includes(user) || !t.acls.includes("ALL")) {
      throw new Error(`tgt target ${iqn} is incomplete after export: ${JSON.stringify(t ?? null)}`);
    }
  }

  protected async removeIscsiTarget(volumeId: string, iqn: string, chap: Chap | null): Promise<void> {
    await daemonLocks.with([this.lockKey], async () => {
      const t = await this.find(iqn);
      if (t) {
        // --force drops sessions: without it tgtd answers "this target is still active" (Cinder: LP#1159948).
        await this.forget(["--op", "delete", "--force", "--mode", "target", "--tid", String(t.tid)]);
        if (await this.find(iqn)) throw new Error(`tgt target ${iqn} is still present after delete`);
      }
      if (chap) await this.forget(["--op", "delete", "--mode", "account", "--user", chap.user]);
    });
    await removePrivateFile(this.opts.volumesDir, volumeName(volumeId));
    this.opts.log?.info({ volumeId, iqn }, "tgt target removed");
  }

  /**
   * tgtd reads the backing file's size when the LUN is added; after an extend (or a revert that
   * replaced the file) LUN 1 is added again. Sessions stay up; initiators see the new capacity
   * on their next READ CAPACITY (Cinder instead re-creates the whole target with `tgt-admin --update -f`).
   */
  async refreshExport(volume: ExportVolume): Promise<void> {
    const iqn = this.iqnOf(volume.id);
    const present = await daemonLocks.with([this.lockKey], async () => {
      const t = await this.find(iqn);
      if (!t) return false;
      const tid = String(t.tid);
      await this.forget(["--op", "delete", "--mode", "logicalunit", "--tid", tid, "--lun", String(DATA_LUN)]);
      await this.ensureLun({ ...t, luns: [] }, volume.id, volume.path);
      return true;
    });
    if (!present) await this.ensureExport(volume);
  }
}
