/**
 * Command and path safety, end to end: hostile names, descriptions, metadata, manage references,
 * host strings, connector initiators and connector hosts (shell syntax, option-looking values,
 * `../` and absolute paths, newlines) go through the API into every operation that runs commands
 * (copies of the file backend, and with tgt on the host its target commands). Every command the
 * server runs is recorded: none receives a hostile value, every path it is given lies in the
 * server's data directory, and a file outside it (a canary that the references point at) is
 * neither moved, changed nor adopted.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ProcessExecutor, type ExecOptions, type ExecResult, type Executor } from "../../server/src/exec/executor";
import type { Config } from "../../server/src/config";
import { createSnapshot, createVolume, volumeAction } from "../helpers/lifecycle";
import { freePort, startServer, type TestServer } from "../helpers/server";
import { backendDir } from "../helpers/state";
import { waitFor } from "../helpers/wait";
import { missingTools, Tgtd } from "../targets/tgtd";

const P = "p1";

class RecordingExecutor implements Executor {
  readonly calls: Array<{ cmd: string; args: readonly string[] }> = [];
  private readonly inner = new ProcessExecutor();
  run(cmd: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ cmd, args: [...args] });
    return this.inner.run(cmd, args, opts);
  }
}

/** Values no command may receive: each carries a marker found nowhere else. */
function hostile(canary: string, pwned: string): string[] {
  return [
    `; touch ${pwned}`,
    `$(touch ${pwned})`,
    `\`touch ${pwned}\``,
    `| touch ${pwned}`,
    `x\ntouch ${pwned}`,
    "-rf",
    "--help",
    "../../../../../../../etc/passwd",
    "/etc/passwd",
    canary,
    `${canary}\u0000`,
  ];
}

/** What marks a recorded argument as carrying a hostile value. */
const MARKERS = ["pwned", "/etc/", "\n", "`", "$(", "| ", "; ", "canary", "\u0000"];

function describeHostile(withTgt: boolean): void {
  describe(`hostile inputs never reach a command or a path outside the data directory (file backend${withTgt ? ", tgt" : ""})`, function () {
    this.timeout(180_000);
    let s: TestServer;
    let rec: RecordingExecutor;
    let outside: string;
    let canary: string;
    let pwned: string;
    let tgtd: Tgtd | undefined;
    const controlPort = 150 + (process.pid % 50);

    before(async function () {
      if (withTgt) {
        const why = missingTools();
        if (why) {
          console.log(`      skipped: ${why}`);
          this.skip();
        }
        tgtd = new Tgtd(controlPort, await freePort());
        await tgtd.start();
      }
      outside = await fsp.mkdtemp(path.join(os.tmpdir(), "cinderblock-outside-"));
      canary = path.join(outside, "canary");
      pwned = path.join(outside, "pwned");
      await fsp.writeFile(canary, randomBytes(4096), { mode: 0o644 });
      rec = new RecordingExecutor();
      const config: Partial<Config> = withTgt
        ? { targetHelper: "tgt", targetIp: "127.0.0.1", targetPort: tgtd!.port, backends: [{ name: "file", driver: "file", options: { tgtControlPort: controlPort } }] }
        : {};
      s = await startServer("sqlite", config, undefined, { executor: rec });
    });
    after(async () => {
      await s?.destroy();
      await tgtd?.stop();
      if (outside) await fsp.rm(outside, { recursive: true, force: true });
    });

    it("runs every operation on hostile values with commands that hold none of them, on paths inside the data directory only", async () => {
      const c = s.client;
      const values = hostile(canary, pwned);
      const canaryBefore = await fsp.readFile(canary);
      const refs = [...values, path.relative(backendDir(s.dataDir), canary), `./${path.relative(backendDir(s.dataDir), canary)}`];
      const accepted = (r: { status: number; body: unknown }) => assert.ok(r.status < 500, `${r.status} ${JSON.stringify(r.body)}`);

      // Names, descriptions and metadata go with every copy the backend makes.
      for (const v of values) {
        const printable = v.replace(/[\u0000-\u001f]/g, "");
        const vol = await createVolume(c, P, { size: 1, name: printable, description: printable, metadata: { k: printable, "../../etc/passwd": printable } });
        const snap = await createSnapshot(c, P, vol.id, { name: printable, description: printable, metadata: { k: printable } });
        await createVolume(c, P, { size: 1, name: printable, snapshot_id: snap.id });
        await createVolume(c, P, { size: 1, name: printable, source_volid: vol.id });
        accepted(await c.post(`/v3/${P}/volumes/${vol.id}/action`, { "os-set_image_metadata": { metadata: { k: printable } } }));
        // Ids that look like paths or options are not found, whatever the operation.
        for (const id of [encodeURIComponent(v), encodeURIComponent(`../${v}`)]) {
          const r = await c.delete(`/v3/${P}/volumes/${id}`);
          assert.ok([400, 404].includes(r.status), `DELETE volume ${JSON.stringify(v)}: ${r.status}`);
        }
      }

      // Manage: references and hosts that point outside the backend are refused or end in error_managing.
      const admin = c.as("admin:p1");
      for (const ref of refs) {
        for (const host of ["testhost@file#file", ...values]) {
          const r = await admin.post(`/v3/${P}/manageable_volumes`, { volume: { host, ref: { "source-name": ref } } }, { version: "3.8" });
          accepted(r);
          if (r.status !== 202) continue;
          const id = r.body.volume.id;
          const status = await waitFor(async () => {
            const st = (await admin.get(`/v3/${P}/volumes/${id}`)).body.volume.status;
            // The API shows managing as creating and error_managing as error (Cinder's view).
            return st === "creating" ? undefined : st;
          }, `manage of ${JSON.stringify(ref)} to end`);
          assert.equal(status, "error", `managing ${JSON.stringify(ref)} must not succeed`);
        }
      }

      // Connectors: hostile initiators are refused before any target; a hostile connector host goes nowhere.
      const vol = await createVolume(c, P, { size: 1 });
      for (const v of values) {
        const r = await volumeAction(c, P, vol.id, "os-initialize_connection", { connector: { initiator: v, host: "h", ip: "127.0.0.1" } });
        assert.equal(r.status, 400, `initiator ${JSON.stringify(v)}: ${r.status} ${JSON.stringify(r.body)}`);
        const ok = await volumeAction(c, P, vol.id, "os-initialize_connection", { connector: { initiator: "iqn.1993-08.org.debian:01:hostile", host: v, ip: "127.0.0.1" } });
        accepted(ok);
        accepted(await volumeAction(c, P, vol.id, "os-terminate_connection", { connector: { initiator: "iqn.1993-08.org.debian:01:hostile", host: v, ip: "127.0.0.1" } }));
      }

      assert.ok(rec.calls.length > 0, "the operations ran commands");
      const dataDir = path.resolve(s.dataDir);
      for (const { cmd, args } of rec.calls) {
        for (const a of args) {
          for (const m of MARKERS) assert.ok(!a.includes(m), `${cmd} ${JSON.stringify(args)} received ${JSON.stringify(m)}`);
          // Paths given to commands: the data directory's, or a device or system file the target names itself.
          const paths = a.match(/(?:^|[=,])(\/[^,\s]*)/g)?.map((p) => p.replace(/^[=,]/, "")) ?? [];
          for (const p of paths) {
            assert.ok(path.resolve(p).startsWith(dataDir + path.sep) || /^\/(dev|sys|proc|usr|bin|sbin)\//.test(p), `${cmd} ${JSON.stringify(args)} names ${p}, outside ${dataDir}`);
          }
        }
      }
      assert.deepEqual(await fsp.readdir(outside), ["canary"], "nothing was made, moved or removed outside");
      assert.ok((await fsp.readFile(canary)).equals(canaryBefore), "the canary is unchanged");
      assert.equal((await fsp.stat(canary)).mode & 0o777, 0o644, "and keeps its mode");
      console.log(`      ${rec.calls.length} commands checked, ${values.length} hostile values through every operation, ${refs.length} manage references`);
    });
  });
}

describeHostile(false);
describeHostile(true);
