/**
 * The file driver adopts only regular files directly in its folder: a symbolic link planted there
 * (pointing at any file of the host), a folder, a path, a dot-name or an option-like name is
 * refused with Cinder's invalid-reference fault, and nothing changes: not the link, not its target,
 * not the folder. Through the API the volume ends in error (Cinder's error_managing) the same way.
 */
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { FileDriver } from "../../server/src/drivers/file/driver";
import { InvalidReferenceError } from "../../server/src/drivers/manage";
import { DIALECTS, startServer, type TestServer } from "../helpers/server";
import { backendDir } from "../helpers/state";
import { waitStatus } from "../helpers/wait";
import { listDir, makeDriver, makeTempDir, removeDir, vol } from "./helpers";

const LINK_REASON = "Specified file is a symbolic link; only regular files are managed.";
const NAME_REASON = "The source name must be the name of a file directly in the backend folder: no '/', '\\' or '..', and not starting with '.' or '-'.";

/** What an outside file looks like: content, size and mode. */
async function snapshotOf(file: string): Promise<{ data: string; size: number; mode: number }> {
  const st = await fsp.stat(file);
  return { data: await fsp.readFile(file, "utf8"), size: st.size, mode: st.mode };
}

describe("file driver: manage refuses symbolic links and anything but a plain file of its folder", () => {
  let root: string;
  let vols: string;
  let outside: string;
  let driver: FileDriver;

  beforeEach(async () => {
    root = await makeTempDir();
    driver = await makeDriver(root);
    vols = path.join(root, "vols");
    outside = path.join(root, "secret.txt");
    await fsp.writeFile(outside, "a file of the host that is no volume\n", { mode: 0o644 });
  });
  afterEach(async () => removeDir(root));

  async function assertRefused(sourceName: string, reason: string): Promise<void> {
    const check = (err: unknown): boolean => {
      assert.ok(err instanceof InvalidReferenceError, String(err));
      assert.equal((err as Error).message, `Manage existing volume failed due to invalid backend reference '${sourceName}': ${reason}`);
      return true;
    };
    await assert.rejects(driver.manageExistingGetSize({ sourceName }), check);
    await assert.rejects(driver.manageExisting(vol(1), { sourceName }), check);
  }

  it("a symbolic link to a file outside: refused, not listed, the link and its target unchanged", async () => {
    await fsp.symlink(outside, path.join(vols, "planted.img"));
    const before = await snapshotOf(outside);
    await assertRefused("planted.img", LINK_REASON);
    assert.deepEqual(await snapshotOf(outside), before, "the target was not grown, moved or chmod'ed");
    assert.deepEqual(await listDir(vols), ["planted.img"]);
    assert.ok((await fsp.lstat(path.join(vols, "planted.img"))).isSymbolicLink());
    assert.deepEqual(await driver.getManageableVolumes(new Set(), new Set()), []);
  });

  it("a symbolic link named like an orphaned volume is not offered or adopted either", async () => {
    const name = `volume-${vol().id}`;
    await fsp.symlink(outside, path.join(vols, name));
    await assertRefused(name, LINK_REASON);
    assert.deepEqual(await driver.getManageableVolumes(new Set(), new Set()), []);
  });

  it("a folder is not a volume", async () => {
    await fsp.mkdir(path.join(vols, "a-folder"));
    await assertRefused("a-folder", "Specified file is not a regular file.");
    assert.deepEqual(await driver.getManageableVolumes(new Set(), new Set()), []);
  });

  it("paths, '..', dot-names and option-like names are refused before the disk is looked at", async () => {
    await fsp.writeFile(path.join(vols, "-rf"), "x");
    await fsp.writeFile(path.join(vols, ".hidden"), "x");
    for (const name of ["../secret.txt", "a/b", "..", "-rf", ".hidden", "x\\y", ""]) await assertRefused(name, NAME_REASON);
    assert.deepEqual(await listDir(vols), ["-rf", ".hidden"]);
    assert.deepEqual(await driver.getManageableVolumes(new Set(), new Set()), [], "nor are they offered");
  });

  it("a regular file is adopted and made private (0600)", async () => {
    const file = path.join(vols, "legacy.img");
    await fsp.writeFile(file, "data", { mode: 0o644 });
    const v = vol(1);
    await driver.manageExisting(v, { sourceName: "legacy.img" });
    const st = await fsp.lstat(path.join(vols, `volume-${v.id}`));
    assert.equal(st.mode & 0o777, 0o600);
  });
});

const dialect = DIALECTS[0];
if (dialect) {
  describe(`manage through the API: a planted symbolic link (${dialect})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(dialect);
    });
    after(async () => s?.destroy());

    it("ends in error and changes neither the link nor its target", async () => {
      const outside = path.join(s.dataDir, "not-a-volume.txt");
      await fsp.writeFile(outside, "host file\n", { mode: 0o644 });
      const link = path.join(backendDir(s.dataDir), "planted.img");
      await fsp.symlink(outside, link);
      const admin = s.client.as("admin:p1");
      const listed = await admin.get("/v3/p1/manageable_volumes?host=testhost@file", { version: "3.8" });
      assert.deepEqual(listed.body["manageable-volumes"], [], "a link is not offered");
      const r = await admin.post("/v3/p1/os-volume-manage", { volume: { host: "testhost@file", ref: { "source-name": "planted.img" } } }, { version: "3.8" });
      assert.equal(r.status, 202);
      await waitStatus(admin, "volumes", "p1", r.body.volume.id, "error");
      assert.ok((await fsp.lstat(link)).isSymbolicLink(), "the link is where it was");
      const after = await snapshotOf(outside);
      assert.deepEqual([after.data, after.size, after.mode & 0o777], ["host file\n", 10, 0o644], "the target is untouched");
      assert.deepEqual(await fsp.readdir(backendDir(s.dataDir)), ["planted.img"]);
    });
  });
}
