/**
 * The target-helper compliance suite (cf. cinder/tests/compliance): one set of tests that every
 * iSCSI TargetHelper passes, run against a real target with a real initiator. A helper's test
 * file supplies a factory for the helper and a TargetProbe, a small adapter that looks at the
 * target from outside: which IQNs exist, what an initiator can log in to, read, size and identify,
 * how a reboot or daemon restart wipes the target, and whether terminateConnection revokes access
 * (per-initiator ACLs, as LIO's) or not (CHAP alone, as tgt's).
 *
 * What it holds every helper to: Cinder's provider_location/provider_auth and connection_info
 * formats; idempotent createExport, ensureExport, removeExport and terminateConnection; per-volume
 * credentials and LUN identities (the WWID a host's multipath keys on), kept across a restart and
 * a refresh; the bytes of the backing store reachable with nothing but the connection_info; wrong
 * credentials refused; exports removable while an initiator is still logged in.
 *
 * Every test exports volumes of its own (random ids, fresh backing files) and removes them
 * afterwards, so the tests are independent and can run in any order.
 */
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Connector, type ExportVolume, InvalidConnectorError, type TargetHelper } from "../../server/src/targets/interface";

const MIB = 1024 * 1024;
const SIZE = 32 * MIB;
const GROWN = 48 * MIB;
const PATTERN = MIB;
/** Cinder's 57 characters: no 0/O, 1/l/I. */
const SECRET_CHAR = "[2-9A-HJ-NP-Za-km-z]";
const PROVIDER_LOCATION = /^(\S+),(\S+) (\S+) (\d+)$/;

/** An initiator's view of one LUN while logged in. */
export interface LunSession {
  /** The first `length` bytes of the LUN, read over iSCSI. */
  read(length: number): Promise<Buffer>;
  /** The LUN's size in bytes as the initiator sees it now (rescanning where the initiator caches it). */
  capacity(): Promise<number>;
  /**
   * The LUN's SCSI identity as the initiator sees it now (its VPD device identification, which udev
   * and multipath turn into the WWID); "" when the LUN reports none.
   */
  identity(): Promise<string>;
  close(): Promise<void>;
}

export type LoginResult = { ok: true; session: LunSession } | { ok: false; detail: string };

export interface LoginOptions {
  /** Use this CHAP password instead of the connection_info's. */
  password?: string;
  /** Log in as this initiator instead of the probe's connector's. */
  initiator?: string;
}

/** Where the suite's volumes keep their bytes (default: sparse files in a temporary folder). */
export interface Backing {
  create(name: string, bytes: number): Promise<string>;
  grow(devPath: string, bytes: number): Promise<void>;
  remove(devPath: string): Promise<void>;
}

export interface TargetProbe {
  /** The connector the probe's initiator presents. */
  readonly connector: Connector;
  /** The portal (`ip:port`) the helper was configured with. */
  readonly portal: string;
  /** The LUN that carries the data. */
  readonly lun: number;
  /**
   * true when access is granted per initiator (initializeConnection adds an ACL, terminateConnection
   * removes it); false when CHAP alone guards the target and terminateConnection changes nothing.
   */
  readonly perInitiatorAcl: boolean;
  /** The IQNs of the targets that exist now, as the target itself lists them. */
  targets(): Promise<string[]>;
  /** Log in with a connection_info's `data`; a refusal (authentication, ACL, no such target) is `ok: false`. */
  login(data: Record<string, unknown>, opts?: LoginOptions): Promise<LoginResult>;
  /** Drop every target the way a reboot or a target daemon restart does, behind the helper's back. */
  wipe(): Promise<void>;
  backing?: Backing;
}

/** The number of tests describeTargetCompliance defines (runners check that all of them passed). */
export const COMPLIANCE_TESTS = 12;

function fileBacking(dir: () => string): Backing {
  return {
    async create(name, bytes) {
      const p = path.join(dir(), name);
      await fsp.writeFile(p, "");
      await fsp.truncate(p, bytes);
      return p;
    },
    grow: (p, bytes) => fsp.truncate(p, bytes),
    remove: (p) => fsp.rm(p, { force: true }),
  };
}

async function writeAt0(devPath: string, data: Buffer): Promise<void> {
  const fh = await fsp.open(devPath, "r+");
  try {
    await fh.write(data, 0, data.length, 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function secret(value: string, length: number, what: string): void {
  assert.match(value, new RegExp(`^${SECRET_CHAR}{${length}}$`), `${what} is ${length} characters of Cinder's alphabet`);
  for (const group of [/[2-9]/, /[A-Z]/, /[a-z]/]) assert.match(value, group, `${what} has a character of each group`);
}

/** Poll until check() holds; a check that throws (an initiator still reconnecting) counts as not yet. */
async function waitUntil(what: () => string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = `; last error: ${(err as Error).message}`;
    }
    if (Date.now() > end) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what()}${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Vol extends ExportVolume {
  pattern: Buffer;
}

/**
 * Define the suite for one helper. `makeTarget` returns a new helper over the same state (target
 * files, state folders), as a restarted server would build it; the suite calls setup() on it.
 */
export function describeTargetCompliance(name: string, makeTarget: () => TargetHelper, probe: TargetProbe): void {
  describe(`target helper compliance: ${name}`, function () {
    this.timeout(300_000);
    let target: TargetHelper;
    let work = "";
    let volumes: Vol[] = [];
    let sessions: LunSession[] = [];
    const backing = () => probe.backing ?? fileBacking(() => work);

    before(async () => {
      work = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-compliance-"));
      target = makeTarget();
      await target.setup();
    });

    afterEach(async () => {
      for (const s of sessions) await s.close().catch(() => undefined);
      for (const v of volumes) {
        await target.removeExport(v);
        await backing().remove(v.path);
      }
      [sessions, volumes] = [[], []];
    });

    after(async () => {
      if (work) await fsp.rm(work, { recursive: true, force: true });
    });

    async function newVolume(): Promise<Vol> {
      const id = randomUUID();
      const v: Vol = { id, path: await backing().create(`volume-${id}`, SIZE), providerAuth: null, providerLocation: null, pattern: randomBytes(PATTERN) };
      volumes.push(v);
      await writeAt0(v.path, v.pattern);
      return v;
    }

    async function exported(): Promise<Vol> {
      const v = await newVolume();
      Object.assign(v, await target.createExport(v));
      return v;
    }

    async function connect(v: Vol): Promise<Record<string, unknown>> {
      return (await target.initializeConnection(v, probe.connector)).data;
    }

    async function login(data: Record<string, unknown>, opts?: LoginOptions): Promise<LunSession> {
      const r = await probe.login(data, opts);
      if (!r.ok) assert.fail(`login to ${String(data.target_iqn)} was refused: ${r.detail}`);
      sessions.push(r.session);
      return r.session;
    }

    async function refused(data: Record<string, unknown>, why: string, opts?: LoginOptions): Promise<void> {
      const r = await probe.login(data, opts);
      if (r.ok) {
        await r.session.close();
        assert.fail(`${why}, but the login to ${String(data.target_iqn)} succeeded`);
      }
    }

    async function close(s: LunSession): Promise<void> {
      sessions = sessions.filter((x) => x !== s);
      await s.close();
    }

    /** Log in, check the bytes, and return the LUN's identity. */
    async function readsPattern(v: Vol, data: Record<string, unknown>): Promise<string> {
      const s = await login(data);
      assert.ok((await s.read(PATTERN)).equals(v.pattern), "the bytes read over iSCSI are those of the backing store");
      const id = await s.identity();
      await close(s);
      return id;
    }

    async function count(iqn: string): Promise<number> {
      return (await probe.targets()).filter((t) => t === iqn).length;
    }

    it("createExport returns Cinder's provider_location and provider_auth, with the target named after the volume", async () => {
      const v = await exported();
      const m = PROVIDER_LOCATION.exec(v.providerLocation ?? "");
      assert.ok(m, `provider_location ${JSON.stringify(v.providerLocation)} is "<ip>:<port>,<tid> <iqn> <lun>"`);
      const [, portal, tid, iqn, lun] = m;
      assert.equal(portal, probe.portal);
      assert.notEqual(tid, "");
      assert.equal(iqn, `iqn.2010-10.org.openstack:volume-${v.id}`);
      assert.equal(Number(lun), probe.lun);
      const auth = /^CHAP (\S+) (\S+)$/.exec(v.providerAuth ?? "");
      assert.ok(auth, `provider_auth ${JSON.stringify(v.providerAuth)} is "CHAP <user> <password>"`);
      secret(auth[1], 20, "the CHAP user");
      secret(auth[2], 16, "the CHAP password");
      assert.equal(await count(iqn), 1, "the target exists");
    });

    it("createExport is idempotent: the stored credentials are reused and there is still one target", async () => {
      const v = await exported();
      const first = { providerLocation: v.providerLocation, providerAuth: v.providerAuth };
      const again = await target.createExport(v);
      assert.deepEqual(again, first);
      const iqn = `iqn.2010-10.org.openstack:volume-${v.id}`;
      assert.equal(await count(iqn), 1);
      await readsPattern(v, await connect(v));
    });

    it("gives each volume its own target, credentials and LUN identity; the credentials open only their target", async () => {
      const [a, b] = [await exported(), await exported()];
      const [ca, cb] = [await connect(a), await connect(b)];
      assert.notEqual(ca.target_iqn, cb.target_iqn);
      assert.notEqual(ca.auth_username, cb.auth_username);
      assert.notEqual(ca.auth_password, cb.auth_password);
      const listed = await probe.targets();
      assert.ok(listed.includes(ca.target_iqn as string) && listed.includes(cb.target_iqn as string), JSON.stringify(listed));
      const [ia, ib] = [await readsPattern(a, ca), await readsPattern(b, cb)];
      assert.notEqual(ia, "", "the LUN reports a SCSI identity (a WWID for udev and multipath)");
      assert.notEqual(ia, ib, "two volumes' LUNs have different identities");
      await refused({ ...ca, auth_username: cb.auth_username, auth_password: cb.auth_password }, "B's credentials must not open A");
    });

    it("initializeConnection returns Cinder's iSCSI connection_info, with lists when the connector asks for multipath", async () => {
      const v = await exported();
      const [, portal, , iqn, lun] = PROVIDER_LOCATION.exec(v.providerLocation ?? "") ?? [];
      const [, user, password] = (v.providerAuth ?? "").split(" ");
      const data = {
        target_discovered: false,
        target_portal: portal,
        target_iqn: iqn,
        target_lun: Number(lun),
        volume_id: v.id,
        auth_method: "CHAP",
        auth_username: user,
        auth_password: password,
      };
      assert.deepEqual(await target.initializeConnection(v, probe.connector), { driver_volume_type: "iscsi", data });
      const multi = await target.initializeConnection(v, { ...probe.connector, multipath: true });
      assert.deepEqual(multi, {
        driver_volume_type: "iscsi",
        data: { ...data, target_portals: [portal], target_iqns: [iqn], target_luns: [Number(lun)] },
      });
    });

    it("refuses a connector without an initiator with InvalidConnectorError", async () => {
      const v = await exported();
      const { initiator: _, ...noInitiator } = probe.connector;
      for (const c of [{}, noInitiator, { ...noInitiator, initiator: "" }]) {
        assert.throws(() => target.validateConnector(c), InvalidConnectorError, JSON.stringify(c));
        await assert.rejects(target.initializeConnection(v, c), InvalidConnectorError, JSON.stringify(c));
      }
      assert.doesNotThrow(() => target.validateConnector(probe.connector));
    });

    it("serves the backing store's bytes to an initiator that has only the connection_info; a wrong CHAP password is refused", async () => {
      const v = await exported();
      const data = await connect(v);
      const s = await login(data);
      assert.ok((await s.read(PATTERN)).equals(v.pattern), "the bytes read over iSCSI are those of the backing store");
      assert.equal(await s.capacity(), SIZE);
      await close(s);
      await refused(data, "a wrong CHAP password must be refused", { password: "WrongPassword234" });
      await readsPattern(v, data);
    });

    it(
      probe.perInitiatorAcl
        ? "terminateConnection revokes the initiator's access (per-initiator ACL); an initiator never connected is refused"
        : "terminateConnection leaves access as it is (CHAP alone guards the target); any initiator with the credentials gets in",
      async () => {
        const v = await exported();
        const data = await connect(v);
        await readsPattern(v, data);
        const stranger = { initiator: "iqn.1994-05.com.example:never-connected" };
        if (probe.perInitiatorAcl) await refused(data, "an initiator without an ACL must be refused", stranger);
        else await close(await login(data, stranger));
        // Still logged in, as a host that died (force-detach) would be.
        const s = await login(data);
        await target.terminateConnection(v, probe.connector);
        await close(s);
        if (probe.perInitiatorAcl) await refused(data, "after terminateConnection the initiator must be refused");
        else await readsPattern(v, data);
        await target.terminateConnection(v, probe.connector);
        await readsPattern(v, await connect(v));
      },
    );

    it("ensureExport restores wiped targets with the same IQN, credentials and LUN identity, in any order; it refuses a volume never exported", async () => {
      const never = await newVolume();
      await assert.rejects(target.ensureExport(never), "ensureExport of a volume never exported throws");
      const vols = [await exported(), await exported()];
      const data = [await connect(vols[0]), await connect(vols[1])];
      const ids = [await readsPattern(vols[0], data[0]), await readsPattern(vols[1], data[1])];
      assert.ok(ids[0] !== "" && ids[1] !== "", "the LUNs report a SCSI identity");
      await target.ensureExport(vols[0]);
      assert.equal(await count(data[0].target_iqn as string), 1, "ensureExport of a present target leaves one target");
      assert.equal(await readsPattern(vols[0], data[0]), ids[0]);

      await probe.wipe();
      assert.deepEqual(await probe.targets(), [], "the wipe removed the targets");
      target = makeTarget();
      await target.setup();
      // A restart restores in its own order, not the order of the first exports.
      for (const v of [...vols].reverse()) await target.ensureExport(v);
      for (const [i, v] of vols.entries()) {
        assert.equal(await count(data[i].target_iqn as string), 1);
        assert.equal(await readsPattern(v, data[i]), ids[i], "the restored LUN has the identity it had");
        assert.deepEqual((await target.initializeConnection(v, probe.connector)).data, data[i]);
      }
    });

    it("removeExport removes the target, logged-in initiator or not; removing again, or a volume never exported, succeeds", async () => {
      const witness = await exported();
      const v = await exported();
      const data = await connect(v);
      const s = await login(data);
      await target.removeExport(v);
      assert.equal(await count(data.target_iqn as string), 0, "the target is gone");
      await close(s);
      await refused(data, "a removed export must refuse logins");
      await target.removeExport(v);
      await target.removeExport(await newVolume());
      assert.equal(await count(`iqn.2010-10.org.openstack:volume-${witness.id}`), 1, "other exports stay");
      await readsPattern(witness, await connect(witness));

      // As the manager does: provider_location cleared, provider_auth kept; the next export reuses it.
      const auth = v.providerAuth;
      Object.assign(v, await target.createExport({ ...v, providerLocation: null }));
      assert.equal(v.providerAuth, auth, "the credentials are reused");
      assert.equal(await count(data.target_iqn as string), 1, "the volume can be exported again");
      await readsPattern(v, await connect(v));
    });

    it("refreshExport serves a grown backing store: the logged-in initiator sees the new size, the same data and identity", async () => {
      const v = await exported();
      const data = await connect(v);
      const s = await login(data);
      assert.equal(await s.capacity(), SIZE);
      const id = await s.identity();
      assert.notEqual(id, "", "the LUN reports a SCSI identity");
      await backing().grow(v.path, GROWN);
      await target.refreshExport(v);
      let seen = 0;
      await waitUntil(() => `the initiator to see ${GROWN} bytes (last seen ${seen})`, 90_000, async () => (seen = await s.capacity()) === GROWN);
      assert.ok((await s.read(PATTERN)).equals(v.pattern), "the data survives the refresh");
      assert.equal(await s.identity(), id, "the LUN keeps its identity");
      await close(s);
      assert.equal(await count(data.target_iqn as string), 1);
      assert.equal(await readsPattern(v, data), id);
    });

    it("refreshExport of an export that is already current changes nothing the initiator sees", async () => {
      const v = await exported();
      const data = await connect(v);
      await target.refreshExport(v);
      const s = await login(data);
      assert.equal(await s.capacity(), SIZE);
      assert.ok((await s.read(PATTERN)).equals(v.pattern));
    });

    it("refreshExport of an export the target lost (restart, reboot) makes it again: same IQN, credentials and identity", async () => {
      const v = await exported();
      const data = await connect(v);
      const id = await readsPattern(v, data);
      await probe.wipe();
      target = makeTarget();
      await target.setup();
      await target.refreshExport(v);
      assert.equal(await count(data.target_iqn as string), 1, "the target is back");
      assert.equal(await readsPattern(v, data), id, "with its data and identity, reached with the same connection_info");
    });

    if (this.tests.length !== COMPLIANCE_TESTS) throw new Error(`COMPLIANCE_TESTS says ${COMPLIANCE_TESTS}, the suite defines ${this.tests.length}`);
  });
}
