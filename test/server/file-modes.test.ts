/**
 * Tenant data and secrets are the server user's only: the data directory and backend folders are
 * 0700, volume and snapshot files (made, copied, cloned, adopted) and secret files (database,
 * admin password, target files) 0600, whatever the umask. A data directory left looser by an older
 * version is tightened on start, and the start says so in its log.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { buildApp, type App } from "../../server/src/app";
import { defaults } from "../../server/src/config";
import { createLogger } from "../../server/src/log";
import { Client } from "../helpers/client";
import { createSnapshot, createVolume } from "../helpers/lifecycle";
import { backendDir, snapshotFile, volumeFile } from "../helpers/state";

const mode = async (p: string): Promise<string> => ((await fsp.stat(p)).mode & 0o777).toString(8);

describe("file modes of the data directory", function () {
  this.timeout(60_000);
  let dataDir: string;
  let app: App | undefined;
  let c: Client;
  let umask: number;
  const logs: Array<{ msg: string; path?: string }> = [];
  const orphan = `volume-${randomUUID()}`;

  before(async () => {
    umask = process.umask(0o022);
    dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-modes-"));
    // What an older version left: everything readable by every user of the host.
    await fsp.chmod(dataDir, 0o755);
    await fsp.mkdir(backendDir(dataDir), { recursive: true, mode: 0o755 });
    await fsp.chmod(path.join(dataDir, "volumes"), 0o755);
    await fsp.writeFile(path.join(backendDir(dataDir), orphan), "", { mode: 0o644 });
    await fsp.writeFile(path.join(dataDir, "admin-password"), "old\n", { mode: 0o644 });
    await fsp.mkdir(path.join(dataDir, "targets", "tgt", "file"), { recursive: true, mode: 0o755 });
    await fsp.writeFile(path.join(dataDir, "targets", "tgt", "file", "volume-x.conf"), "incominguser u p\n", { mode: 0o644 });

    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    const config = { ...defaults(dataDir), db: `sqlite:${path.join(dataDir, "cinderblock.sqlite")}`, host: "testhost", auth: "noauth" as const, statsIntervalMs: 1000 };
    app = await buildApp(config, createLogger("warn", sink));
    await app.http.listen({ port: 0, host: "127.0.0.1" });
    c = new Client(`http://127.0.0.1:${(app.http.server.address() as { port: number }).port}`);
  });
  after(async () => {
    process.umask(umask);
    await app?.close();
    if (dataDir) await fsp.rm(dataDir, { recursive: true, force: true });
  });

  it("tightens a looser data directory, backend folder and secret files on start, and logs it", async () => {
    assert.equal(await mode(dataDir), "700");
    assert.equal(await mode(path.join(dataDir, "volumes")), "700");
    assert.equal(await mode(backendDir(dataDir)), "700");
    assert.equal(await mode(path.join(backendDir(dataDir), orphan)), "600");
    assert.equal(await mode(path.join(dataDir, "admin-password")), "600");
    assert.equal(await mode(path.join(dataDir, "targets")), "700");
    assert.equal(await mode(path.join(dataDir, "targets", "tgt", "file")), "700");
    assert.equal(await mode(path.join(dataDir, "targets", "tgt", "file", "volume-x.conf")), "600");
    const tightened = logs.filter((l) => /^tightened/.test(l.msg)).map((l) => l.path);
    assert.ok(tightened.includes(dataDir), JSON.stringify(logs));
    assert.ok(tightened.includes(path.join(backendDir(dataDir), orphan)));
  });

  it("the SQLite database is 0600", async () => {
    assert.equal(await mode(path.join(dataDir, "cinderblock.sqlite")), "600");
  });

  it("volume and snapshot files are 0600: new, snapshotted, cloned and made from a snapshot", async () => {
    const v = await createVolume(c, "p1", { size: 1 });
    const s = await createSnapshot(c, "p1", v.id);
    const clone = await createVolume(c, "p1", { source_volid: v.id });
    const fromSnap = await createVolume(c, "p1", { snapshot_id: s.id });
    for (const f of [volumeFile(dataDir, v.id), snapshotFile(dataDir, s.id), volumeFile(dataDir, clone.id), volumeFile(dataDir, fromSnap.id)]) {
      assert.equal(await mode(f), "600", path.basename(f));
    }
    assert.equal(await mode(backendDir(dataDir)), "700");
  });
});
