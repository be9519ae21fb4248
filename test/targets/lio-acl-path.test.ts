/**
 * The LIO target never builds a configfs path from an initiator that is not an iSCSI name, even
 * when called directly (no API in front) or when a state file written earlier holds one: each ACL
 * folder is a child of its own TPG's `acls` folder. The configfs root is a temporary folder laid
 * out as LIO's tree would be (the kernel's automatic `auth` folders are made by hand), so a write
 * outside an ACL shows as a changed file.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Executor } from "../../server/src/exec/executor";
import { type ExportVolume, InvalidConnectorError } from "../../server/src/targets/interface";
import { targetIqn } from "../../server/src/targets/iscsi";
import { LioAdm } from "../../server/src/targets/lio/lio";

const ATTACKER = "aaaaaaaa-1111-4111-8111-111111111111";
const VICTIM = "bbbbbbbb-2222-4222-8222-222222222222";
const VICTIM_INITIATOR = "iqn.1993-08.org.debian:01:victim0001";
const GOOD_INITIATOR = "iqn.1993-08.org.debian:01:attacker01";

const noExec: Executor = {
  run: async (cmd) => {
    throw new Error(`no command expected here (${cmd})`);
  },
};

/** Every file, folder and link under `root` with its content (files), target (links) or "dir". */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(dir: string): Promise<void> {
    for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const rel = path.relative(root, p);
      if (e.isSymbolicLink()) out.set(rel, `-> ${await fsp.readlink(p)}`);
      else if (e.isDirectory()) {
        out.set(rel, "dir");
        await walk(p);
      } else out.set(rel, await fsp.readFile(p, "utf8"));
    }
  }
  await walk(root);
  return out;
}

/** What changed between two snapshots, outside `allowed` (a path prefix relative to the root). */
function changesOutside(before: Map<string, string>, after: Map<string, string>, allowed: string): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k) && !(k + path.sep).startsWith(allowed + path.sep)).sort();
}

describe("LIO target: ACL folders stay inside their TPG's acls folder", () => {
  let work: string;
  let root: string;
  let lio: LioAdm;
  let attacker: ExportVolume;
  const warnings: string[] = [];
  const tpgOf = (id: string) => path.join("iscsi", targetIqn(id), "tpgt_1");

  beforeEach(async () => {
    work = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-lio-acl-"));
    root = path.join(work, "configfs");
    const backing = path.join(work, "attacker.img");
    await fsp.writeFile(backing, Buffer.alloc(4096));
    // Both volumes exported, as createExport leaves them; the victim's host has an ACL with its CHAP.
    for (const id of [ATTACKER, VICTIM]) {
      const tpg = path.join(root, tpgOf(id));
      const bs = path.join(root, "core", "fileio_0", `volume-${id}`);
      await fsp.mkdir(path.join(bs, "wwn"), { recursive: true });
      await fsp.writeFile(path.join(bs, "enable"), "1");
      await fsp.mkdir(path.join(tpg, "lun", "lun_0"), { recursive: true });
      await fsp.symlink(bs, path.join(tpg, "lun", "lun_0", "volume"));
      await fsp.mkdir(path.join(tpg, "np", "127.0.0.1:3260"), { recursive: true });
      await fsp.mkdir(path.join(tpg, "attrib"), { recursive: true });
      for (const a of ["authentication", "generate_node_acls"]) await fsp.writeFile(path.join(tpg, "attrib", a), a === "authentication" ? "1" : "0");
      await fsp.writeFile(path.join(tpg, "enable"), "1");
      await fsp.mkdir(path.join(tpg, "acls"), { recursive: true });
    }
    const victimAcl = path.join(root, tpgOf(VICTIM), "acls", VICTIM_INITIATOR);
    await fsp.mkdir(path.join(victimAcl, "auth"), { recursive: true });
    await fsp.writeFile(path.join(victimAcl, "auth", "userid"), "victimUser");
    await fsp.writeFile(path.join(victimAcl, "auth", "password"), "victimPassword");
    warnings.length = 0;
    lio = new LioAdm({
      executor: noExec,
      targetIp: "127.0.0.1",
      targetPort: 3260,
      configfsRoot: root,
      stateDir: path.join(work, "state"),
      log: { info: () => undefined, warn: (o, msg) => warnings.push(`${msg} ${JSON.stringify(o)}`) },
    });
    await fsp.mkdir(path.join(work, "state"));
    const iqn = targetIqn(ATTACKER);
    attacker = {
      id: ATTACKER,
      path: backing,
      providerAuth: "CHAP attackerUser attackerPassword",
      providerLocation: `127.0.0.1:3260,${iqn} ${iqn} 0`,
    };
  });
  afterEach(async () => fsp.rm(work, { recursive: true, force: true }));

  const escapes = () => [
    `../../../${targetIqn(VICTIM)}/tpgt_1/acls/${VICTIM_INITIATOR}`,
    `iqn.2004-01.x/../../../../${targetIqn(VICTIM)}/tpgt_1/acls/${VICTIM_INITIATOR}`,
    "iqn.2004-01.x/../../y",
    "../../x",
    "-x",
    "iqn.2004-01.org.example:a\nb",
    `iqn.2004-01.org.example:${"a".repeat(200)}`,
  ];

  it("initializeConnection with a hostile initiator throws InvalidConnectorError and writes nothing", async () => {
    for (const initiator of escapes()) {
      const before = await snapshot(root);
      await assert.rejects(lio.initializeConnection(attacker, { initiator }), InvalidConnectorError, JSON.stringify(initiator));
      assert.deepEqual(changesOutside(before, await snapshot(root), path.join(tpgOf(ATTACKER), "acls")), [], JSON.stringify(initiator));
      assert.deepEqual(await snapshot(root), before, `nothing changed at all for ${JSON.stringify(initiator)}`);
    }
    const victimAuth = path.join(root, tpgOf(VICTIM), "acls", VICTIM_INITIATOR, "auth");
    assert.equal(await fsp.readFile(path.join(victimAuth, "userid"), "utf8"), "victimUser");
    assert.equal(await fsp.readFile(path.join(victimAuth, "password"), "utf8"), "victimPassword");
    assert.equal(await fsp.readFile(path.join(work, "state", `volume-${ATTACKER}.json`), "utf8").catch(() => "none"), "none", "no state recorded");
  });

  it("validateConnector refuses the same initiators", () => {
    for (const initiator of escapes()) assert.throws(() => lio.validateConnector({ initiator }), InvalidConnectorError, JSON.stringify(initiator));
    assert.doesNotThrow(() => lio.validateConnector({ initiator: GOOD_INITIATOR }));
  });

  it("a valid initiator gets an ACL with the volume's CHAP inside the attacker's own acls folder", async () => {
    // configfs makes `auth` in a new ACL folder; a plain folder needs it made beforehand.
    await fsp.mkdir(path.join(root, tpgOf(ATTACKER), "acls", GOOD_INITIATOR, "auth"), { recursive: true });
    const before = await snapshot(root);
    const info = await lio.initializeConnection(attacker, { initiator: GOOD_INITIATOR });
    assert.equal(info.driver_volume_type, "iscsi");
    const after = await snapshot(root);
    assert.deepEqual(changesOutside(before, after, path.join(tpgOf(ATTACKER), "acls")), []);
    const acl = path.join(tpgOf(ATTACKER), "acls", GOOD_INITIATOR);
    assert.equal(after.get(path.join(acl, "auth", "userid")), "attackerUser");
    assert.equal(after.get(path.join(acl, "lun_0", "lun")), `-> ${path.join(root, tpgOf(ATTACKER), "lun", "lun_0")}`);
  });

  it("a hostile initiator in a state file written earlier is skipped when the export is rebuilt", async () => {
    await fsp.mkdir(path.join(root, tpgOf(ATTACKER), "acls", GOOD_INITIATOR, "auth"), { recursive: true });
    const state = { iqn: targetIqn(ATTACKER), path: attacker.path, initiators: [...escapes(), GOOD_INITIATOR] };
    await fsp.writeFile(path.join(work, "state", `volume-${ATTACKER}.json`), JSON.stringify(state));
    const before = await snapshot(root);
    await lio.ensureExport(attacker);
    const after = await snapshot(root);
    assert.deepEqual(changesOutside(before, after, path.join(tpgOf(ATTACKER), "acls")), []);
    assert.equal(after.get(path.join(tpgOf(ATTACKER), "acls", GOOD_INITIATOR, "auth", "userid")), "attackerUser");
    assert.equal(after.get(path.join(tpgOf(VICTIM), "acls", VICTIM_INITIATOR, "auth", "userid")), "victimUser");
    assert.equal(warnings.length, escapes().length, warnings.join("\n"));
  });

  it("terminateConnection with a hostile initiator removes nothing outside its own acls folder", async () => {
    const before = await snapshot(root);
    for (const initiator of escapes()) await lio.terminateConnection(attacker, { initiator }).catch(() => undefined);
    assert.deepEqual(await snapshot(root), before);
  });
});
