/**
 * The unmodified `cinder` CLI (python-cinderclient) unmanaging a volume and managing its data again,
 * run with the openrc `cinderblock admin openrc` prints: `cinder unmanage`, `cinder manageable-list`,
 * `cinder manage`.
 */
import assert from "node:assert/strict";
import { CLI_DIALECTS, json, openrc, runTool, until, type Run } from "../helpers/openstack";
import { startIdentity, type IdentityServer } from "../identity/helpers";

const cinder = (env: NodeJS.ProcessEnv, args: string[]): Promise<Run> => runTool("cinder", env, args);

async function cinderOk(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await cinder(env, args);
  assert.equal(r.code, 0, `cinder ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

describe("the cinder CLI: unmanage and manage", () => {
  before(async function () {
    const r = await cinder(process.env, ["--version"]).catch(() => ({ code: -1 }));
    if (r.code !== 0) {
      console.log("      skipped: the cinder CLI is not on PATH: apt-get install python3-cinderclient");
      this.skip();
    }
  });

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(300_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;

      before(async () => {
        id = await startIdentity(dialect);
        admin = await openrc(id.s, "admin", "admin");
      });
      after(async () => id?.s.destroy());

      it("unmanages a volume, lists its data as manageable and manages it back", async () => {
        const created = await json(admin, ["volume", "create", "--size", "1", "leaving"]);
        const vol = await until(async () => {
          const v = await json(admin, ["volume", "show", created.id]);
          return v.status === "available" ? v : undefined;
        }, "the volume to be available");
        const host = vol["os-vol-host-attr:host"] as string;

        await cinderOk(admin, ["unmanage", created.id]);
        await until(async () => ((await cinder(admin, ["show", created.id])).code !== 0 ? true : undefined), "the volume to be gone");

        const listed = await cinderOk(admin, ["manageable-list", host]);
        assert.match(listed, new RegExp(`unmanaged-volume-${created.id}`), listed);

        const out = await cinderOk(admin, ["manage", "--name", "back", host, `unmanaged-volume-${created.id}`]);
        const newId = /\|\s+id\s+\|\s+([0-9a-f-]{36})\s+\|/.exec(out)?.[1];
        assert.ok(newId, out);
        const back = await until(async () => {
          const v = await json(admin, ["volume", "show", newId]);
          return v.status === "available" ? v : undefined;
        }, "the managed volume to be available");
        assert.equal(back.name, "back");
        assert.equal(back.size, 1);
      });
    });
  }
});
