/**
 * The unmodified `openstack` CLI giving a volume from one project to another:
 * `openstack volume transfer request create|list|show|accept|delete`, at the openrc's version (the
 * `volume-transfers` API) and at 3.0 (the legacy `os-volume-transfer`).
 */
import assert from "node:assert/strict";
import { CLI_DIALECTS, fails, json, ok, openrc, requireCli, until } from "../helpers/openstack";
import { login, provision, type IdentityServer, startIdentity } from "../identity/helpers";

describe("the openstack CLI: volume transfers", () => {
  before(requireCli);

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(300_000);
      let id: IdentityServer;
      let alice: NodeJS.ProcessEnv;
      let bob: NodeJS.ProcessEnv;
      const available = (env: NodeJS.ProcessEnv, name: string) =>
        until(async () => {
          const v = await json(env, ["volume", "show", name]);
          return v.status === "available" ? v : undefined;
        }, `${name} to be available`);

      before(async () => {
        id = await startIdentity(dialect);
        await provision(id.c, id.adminToken, { project: "donor", user: "alice", password: "alice-secret", role: "member" });
        await provision(id.c, id.adminToken, { project: "taker", user: "bob", password: "bob-secret", role: "member" });
        await login(id.c, { user: "bob", password: "bob-secret", project: "taker" });
        alice = await openrc(id.s, "alice", "donor", "alice-secret");
        bob = await openrc(id.s, "bob", "taker", "bob-secret");
      });
      after(async () => id?.s.destroy());

      // The openrc's version (the volume-transfers API) and 3.0 (the legacy os-volume-transfer).
      for (const version of [undefined, "3.0"]) {
        it(`offers, lists, shows, withdraws and accepts a transfer at ${version ?? "the openrc's version"}`, async () => {
          const a = version ? { ...alice, OS_VOLUME_API_VERSION: version } : alice;
          const b = version ? { ...bob, OS_VOLUME_API_VERSION: version } : bob;
          const name = `gift-${version ?? "openrc"}`;
          await json(a, ["volume", "create", "--size", "1", name]);
          const vol = await available(a, name);

          const t = await json(a, ["volume", "transfer", "request", "create", "--name", "first", name]);
          assert.match(t.auth_key, /^[0-9a-f]{16}$/);
          assert.equal((await json(a, ["volume", "show", name])).status, "awaiting-transfer");
          const list = await json(a, ["volume", "transfer", "request", "list"]);
          assert.deepEqual(list.map((x: any) => x.ID), [t.id]);
          assert.equal((await json(a, ["volume", "transfer", "request", "show", t.id])).name, "first");
          await ok(a, ["volume", "transfer", "request", "delete", t.id]);
          assert.equal((await json(a, ["volume", "show", name])).status, "available");

          const t2 = await json(a, ["volume", "transfer", "request", "create", name]);
          const wrong = await fails(b, ["volume", "transfer", "request", "accept", "--auth-key", "0000000000000000", t2.id]);
          assert.match(wrong.stderr, /Invalid auth key/);
          await ok(b, ["volume", "transfer", "request", "accept", "--auth-key", t2.auth_key, t2.id]);
          const mine = await json(b, ["volume", "show", vol.id]);
          assert.equal(mine.status, "available");
          assert.deepEqual(await json(a, ["volume", "transfer", "request", "list"]), []);
          await fails(a, ["volume", "show", vol.id]);
        });
      }
    });
  }
});
