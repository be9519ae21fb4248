/**
 * The tgt target without tgtd: the `tgtadm --op show` parsers against output recorded from a real
 * tgtd (test/fixtures/tgt/), the shared iSCSI formats, and the TgtAdm command sequence against a
 * fake executor that replays recorded output (idempotent create, remove, secrets redaction).
 */
import assert from "node:assert/strict";
import { readFileSync, promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ExecError, type ExecOptions, type ExecResult, type Executor } from "../../server/src/exec/executor";
import {
  formatProviderLocation,
  generateSecret,
  parseProviderAuth,
  parseProviderLocation,
  portal,
  targetIqn,
} from "../../server/src/targets/iscsi";
import { InvalidConnectorError } from "../../server/src/targets/interface";
import { renderTargetFile } from "../../server/src/targets/tgt/config";
import { nextTid, parseAccounts, parseTargets } from "../../server/src/targets/tgt/parse";
import { TgtAdm } from "../../server/src/targets/tgt/tgt";
import { createTarget } from "../../server/src/targets/registry";

const fixture = (name: string) => readFileSync(path.join(__dirname, "../fixtures/tgt", name), "utf8");
const V1 = "11111111-1111-4111-8111-111111111111";
const IQN1 = `iqn.2010-10.org.openstack:volume-${V1}`;

describe("tgt parsers (recorded tgtadm output)", () => {
  it("reads targets, LUNs, accounts and ACLs", () => {
    const ts = parseTargets(fixture("show-target-two.txt"));
    assert.equal(ts.length, 2);
    const [a, b] = ts;
    assert.equal(a.tid, 1);
    assert.equal(a.iqn, IQN1);
    assert.equal(a.state, "ready");
    assert.deepEqual(a.luns.map((l) => l.lun), [0, 1]);
    assert.equal(a.luns[0].type, "controller");
    assert.equal(a.luns[0].backingStorePath, null);
    assert.deepEqual(
      { path: a.luns[1].backingStorePath, type: a.luns[1].backingStoreType, thin: a.luns[1].thinProvisioning, mb: a.luns[1].sizeMb },
      { path: "/tmp/tgtrec/a.img", type: "rdwr", thin: true, mb: 67 },
    );
    assert.deepEqual(a.accounts, ["Kx7mQ2pZr9TvW4nB8cYd"]);
    assert.deepEqual(a.acls, ["ALL"]);
    assert.deepEqual(a.sessions, []);
    assert.equal(b.tid, 2);
    assert.deepEqual(b.accounts, []);
    assert.deepEqual(b.acls, []);
    assert.equal(b.luns[1].thinProvisioning, false);
    assert.equal(nextTid(ts), 3);
  });

  it("reads sessions (I_T nexus) of a target in use", () => {
    const [t] = parseTargets(fixture("show-target-session.txt"));
    assert.deepEqual(t.sessions, [{ nexus: 1, initiator: "iqn.2008-11.org.linux-kvm", addresses: ["127.0.0.1"] }]);
  });

  it("reads an empty daemon and the account list", () => {
    assert.deepEqual(parseTargets(fixture("show-target-empty.txt")), []);
    assert.equal(nextTid([]), 1);
    assert.deepEqual(parseAccounts(fixture("show-account.txt")), ["Kx7mQ2pZr9TvW4nB8cYd"]);
    assert.deepEqual(parseAccounts(""), []);
    assert.throws(() => parseAccounts("garbage\n"));
    assert.throws(() => parseTargets("    LUN: 1\n"));
  });
});

describe("iSCSI formats", () => {
  it("names targets and formats provider_location and provider_auth as Cinder does", () => {
    assert.equal(targetIqn(V1), IQN1);
    const loc = formatProviderLocation({ portals: [portal("127.0.0.1", 3260)], tid: "1", iqn: IQN1, lun: 1 });
    assert.equal(loc, `127.0.0.1:3260,1 ${IQN1} 1`);
    assert.deepEqual(parseProviderLocation(loc), { portals: ["127.0.0.1:3260"], tid: "1", iqn: IQN1, lun: 1 });
    assert.equal(portal("fd00::1", 3260), "[fd00::1]:3260");
    assert.deepEqual(parseProviderAuth("CHAP u p"), { user: "u", password: "p" });
    assert.equal(parseProviderAuth("CHAP u"), null);
    assert.equal(parseProviderAuth(null), null);
  });

  it("generates CHAP secrets from Cinder's alphabet with every group present", () => {
    for (let i = 0; i < 200; i++) {
      const s = generateSecret(16);
      assert.match(s, /^[2-9A-HJ-NP-Za-km-z]{16}$/);
      assert.match(s, /[2-9]/);
      assert.match(s, /[A-Z]/);
      assert.match(s, /[a-z]/);
    }
  });

  it("writes Cinder's target file and refuses values that would break it", () => {
    const text = renderTargetFile({ iqn: IQN1, volumeId: V1, path: "/v/volume-1", user: "U", password: "P", writeCache: true });
    assert.equal(
      text,
      `\n<target ${IQN1}>\n    backing-store /v/volume-1\n    driver iscsi\n    incominguser U P\n    write-cache on\n    params thin_provisioning=1\n` +
        `    scsi_id ${V1}\n    scsi_sn ${V1}\n</target>\n`,
    );
    assert.throws(() => renderTargetFile({ iqn: IQN1, volumeId: V1, path: "/v/a b", user: "U", password: "P", writeCache: true }));
  });
});

/** A tgtd in memory, answering tgtadm with the recorded output formats and error texts. */
class FakeTgt implements Executor {
  calls: { args: string[]; secrets: string[] }[] = [];
  targets = new Map<number, { iqn: string; lun1?: string; accounts: string[]; acl: boolean }>();
  accounts = new Set<string>();

  async run(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    assert.equal(cmd, "tgtadm");
    this.calls.push({ args: [...args], secrets: opts.secrets ?? [] });
    const a = [...args];
    const get = (flag: string) => a[a.indexOf(flag) + 1];
    const op = get("--op");
    const mode = get("--mode");
    const fail = (msg: string): never => {
      throw new ExecError(cmd, a, 22, "", `tgtadm: ${msg}\n`, false);
    };
    const ok = (stdout = ""): ExecResult => ({ stdout, stderr: "", code: 0 });
    const tid = Number(get("--tid"));
    if (mode === "target" && op === "show") return ok(this.render());
    if (mode === "account" && op === "show") return ok(this.accounts.size ? `Account list:\n${[...this.accounts].map((u) => `    ${u}\n`).join("")}` : "");
    if (mode === "target" && op === "new") {
      if (this.targets.has(tid)) fail("this target already exists");
      this.targets.set(tid, { iqn: get("-T"), accounts: [], acl: false });
      return ok();
    }
    const t = this.targets.get(tid);
    if (mode === "target" && op === "delete") {
      if (!t) fail("can't find the target");
      this.targets.delete(tid);
      return ok();
    }
    if (mode === "target" && op === "bind") {
      if (!t) return fail("can't find the target");
      if (t.acl) fail("this access control rule already exists");
      t.acl = true;
      return ok();
    }
    if (mode === "logicalunit") {
      if (!t) return fail("can't find the target");
      if (op === "new") {
        if (t.lun1) fail("this logical unit number already exists");
        t.lun1 = get("-b");
      } else if (op === "delete") t.lun1 = undefined;
      return ok();
    }
    if (mode === "account") {
      const user = get("--user");
      if (op === "new") {
        if (this.accounts.has(user)) fail("this account already exists");
        this.accounts.add(user);
      } else if (op === "delete") {
        if (!this.accounts.delete(user)) fail("can't find the account");
      } else if (op === "bind") {
        if (!t) return fail("can't find the target");
        if (t.accounts.includes(user)) fail("this account already exists");
        t.accounts.push(user);
      }
      return ok();
    }
    return fail("invalid request");
  }

  private render(): string {
    let out = "";
    for (const [tid, t] of [...this.targets].sort((x, y) => x[0] - y[0])) {
      out += `Target ${tid}: ${t.iqn}\n    System information:\n        Driver: iscsi\n        State: ready\n    I_T nexus information:\n    LUN information:\n`;
      out += `        LUN: 0\n            Type: controller\n            Backing store type: null\n            Backing store path: None\n`;
      if (t.lun1) out += `        LUN: 1\n            Type: disk\n            Backing store type: rdwr\n            Backing store path: ${t.lun1}\n`;
      out += `    Account information:\n${t.accounts.map((u) => `        ${u}\n`).join("")}    ACL information:\n${t.acl ? "        ALL\n" : ""}`;
    }
    return out;
  }
}

describe("TgtAdm against a fake tgtd", () => {
  let dir: string;
  let fake: FakeTgt;
  let tgt: TgtAdm;
  const vol = (extra: Partial<{ providerAuth: string | null; providerLocation: string | null; path: string }> = {}) => ({
    id: V1,
    path: "/data/volume-1",
    providerAuth: null,
    providerLocation: null,
    ...extra,
  });

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-tgt-unit-"));
    fake = new FakeTgt();
    tgt = new TgtAdm({ executor: fake, volumesDir: dir, targetIp: "127.0.0.1", targetPort: 3260, controlPort: 7 });
    await tgt.setup();
  });
  afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

  it("creates target, LUN 1, account, binding and ACL, passes the password as a secret, and persists the target file", async () => {
    const model = await tgt.createExport(vol());
    assert.equal(model.providerLocation, `127.0.0.1:3260,1 ${IQN1} 1`);
    const chap = parseProviderAuth(model.providerAuth)!;
    assert.ok(fake.calls.every((c) => c.args[0] === "-C" && c.args[1] === "7" && c.args[2] === "--lld"));
    const newAccount = fake.calls.find((c) => c.args.includes("account") && c.args.includes("new"))!;
    assert.deepEqual(newAccount.secrets, [chap.password]);
    assert.deepEqual(fake.targets.get(1), { iqn: IQN1, lun1: "/data/volume-1", accounts: [chap.user], acl: true });
    const file = await fsp.readFile(path.join(dir, `volume-${V1}`), "utf8");
    assert.match(file, new RegExp(`incominguser ${chap.user} ${chap.password}`));
    assert.equal((await fsp.stat(path.join(dir, `volume-${V1}`))).mode & 0o777, 0o600);
  });

  it("is idempotent: a second export changes nothing and reuses the credentials; a half-made target is completed", async () => {
    const model = await tgt.createExport(vol());
    const n = fake.calls.length;
    await tgt.ensureExport(vol(model));
    const mutating = fake.calls.slice(n).filter((c) => !c.args.includes("show"));
    assert.deepEqual(mutating, [], "an export that is complete needs no change");
    fake.targets.get(1)!.lun1 = undefined;
    fake.targets.get(1)!.acl = false;
    await tgt.ensureExport(vol(model));
    assert.equal(fake.targets.get(1)!.lun1, "/data/volume-1");
    assert.equal(fake.targets.get(1)!.acl, true);
    const again = await tgt.createExport(vol({ providerAuth: model.providerAuth }));
    assert.equal(again.providerAuth, model.providerAuth);
  });

  it("takes the next free tid and restores after a daemon restart with the same name and credentials", async () => {
    fake.targets.set(1, { iqn: "iqn.other", accounts: [], acl: false });
    const model = await tgt.createExport(vol());
    assert.equal(parseProviderLocation(model.providerLocation)!.tid, "2");
    fake.targets.clear();
    fake.accounts.clear();
    await tgt.ensureExport(vol(model));
    const [t] = [...fake.targets.values()];
    assert.equal(t.iqn, IQN1);
    assert.deepEqual(t.accounts, [parseProviderAuth(model.providerAuth)!.user]);
  });

  it("removes target, account and file, and removing again succeeds", async () => {
    const model = await tgt.createExport(vol());
    await tgt.removeExport(vol(model));
    assert.equal(fake.targets.size, 0);
    assert.equal(fake.accounts.size, 0);
    await assert.rejects(fsp.stat(path.join(dir, `volume-${V1}`)));
    await tgt.removeExport(vol(model));
    assert.ok(fake.calls.some((c) => c.args.includes("--force")), "sessions are dropped with --force");
  });

  it("re-adds LUN 1 on refresh (new size or new file)", async () => {
    const model = await tgt.createExport(vol());
    await tgt.refreshExport(vol({ ...model, path: "/data/other" }));
    assert.equal(fake.targets.get(1)!.lun1, "/data/other");
  });

  it("builds Cinder's connection_info and needs the initiator", async () => {
    const model = await tgt.createExport(vol());
    const chap = parseProviderAuth(model.providerAuth)!;
    const info = await tgt.initializeConnection(vol(model), { initiator: "iqn.2004-10.org.example:host1" });
    assert.deepEqual(info, {
      driver_volume_type: "iscsi",
      data: {
        target_discovered: false,
        target_portal: "127.0.0.1:3260",
        target_iqn: IQN1,
        target_lun: 1,
        volume_id: V1,
        auth_method: "CHAP",
        auth_username: chap.user,
        auth_password: chap.password,
      },
    });
    assert.throws(() => tgt.validateConnector({ ip: "1.2.3.4" }), InvalidConnectorError);
    for (const initiator of ["iqn.x", "../../x", "iqn.2004-01.x/../../y", "-x", "iqn.2004-01.org.example:a\nb"]) {
      assert.throws(() => tgt.validateConnector({ initiator }), /is not a valid iSCSI name/, JSON.stringify(initiator));
      await assert.rejects(tgt.initializeConnection(vol(model), { initiator }), InvalidConnectorError, JSON.stringify(initiator));
    }
  });

  it("is created through the registry, which refuses unknown names", () => {
    const opts = { backendName: "b", dataDir: dir, executor: fake, targetIp: "127.0.0.1", targetPort: 3260, options: {} };
    assert.equal(createTarget("tgt", opts).name, "tgt");
    assert.throws(() => createTarget("nope", opts), /Unknown target helper 'nope'/);
    assert.throws(() => createTarget("tgt", { ...opts, options: { tgtControlPort: "x" } }), /tgtControlPort/);
  });
});
