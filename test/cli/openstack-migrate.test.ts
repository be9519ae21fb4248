/**
 * The unmodified `openstack` CLI moving a volume between two backends of one server:
 * `openstack volume migrate --host <host> <volume>` (os-migrate_volume), then the admin's
 * `volume show` with the new host and migration status.
 */
import assert from "node:assert/strict";
import { CLI_DIALECTS, fails, json, ok, openrc, requireCli, until } from "../helpers/openstack";
import { startIdentity, type IdentityServer } from "../identity/helpers";

describe("the openstack CLI: volume migrate", () => {
  before(requireCli);

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(300_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;

      before(async () => {
        id = await startIdentity(dialect, {
          backends: [
            { name: "a", driver: "file", options: {} },
            { name: "b", driver: "file", options: {} },
          ],
        });
        admin = await openrc(id.s, "admin", "admin");
      });
      after(async () => id?.s.destroy());

      it("migrates a volume to the other backend with --host", async () => {
        const created = await json(admin, ["volume", "create", "--size", "1", "moving"]);
        const vol = await until(async () => {
          const v = await json(admin, ["volume", "show", created.id]);
          return v.status === "available" ? v : undefined;
        }, "the volume to be available");
        const from = vol["os-vol-host-attr:host"] as string;
        const to = from.startsWith("testhost@a") ? "testhost@b#b" : "testhost@a#a";
        await ok(admin, ["volume", "migrate", "--host", to, "moving"]);
        const moved = await until(async () => {
          const v = await json(admin, ["volume", "show", created.id]);
          return v.migration_status === "success" ? v : undefined;
        }, "the migration to succeed");
        assert.equal(moved["os-vol-host-attr:host"], to);
        assert.equal(moved.status, "available");
        // Back where it came from is another migration; to where it is now, Cinder's refusal.
        const same = await fails(admin, ["volume", "migrate", "--host", to, "moving"]);
        assert.match(same.stderr, /destination host\/cluster must be different than the current one/);
      });
    });
  }
});
