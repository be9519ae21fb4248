/**
 * The unmodified `openstack` CLI with the openrc as `cinderblock admin openrc` prints it: setting
 * and unsetting the properties of volumes, snapshots and types (`volume unset`, `volume snapshot
 * set|unset|show`, `volume type show|unset|delete`), `quota list|show --default`, `versions show`
 * and `extension list --volume`.
 */
import assert from "node:assert/strict";
import { MAX_VERSION, MIN_VERSION } from "@cinderblock/openapi";
import { CLI_DIALECTS, json, ok, openrc, requireCli, until } from "../helpers/openstack";
import { type IdentityServer, startIdentity } from "../identity/helpers";

describe("the openstack CLI: properties, quotas, versions and extensions", () => {
  before(requireCli);

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(300_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;
      const statusOf = (kind: string[], name: string, want: string) =>
        until(async () => {
          const x = await json(admin, [...kind, "show", name]);
          if (String(x.status).startsWith("error")) throw new Error(`${name} went to ${x.status}`);
          return x.status === want ? x : undefined;
        }, `${name} to be ${want}`);

      before(async () => {
        id = await startIdentity(dialect, { quotas: { volumes: 10, snapshots: 10, gigabytes: 1000, backups: 10, backup_gigabytes: 1000, groups: 10, per_volume_gigabytes: -1 } });
        admin = await openrc(id.s, "admin", "admin");
      });
      after(async () => id?.s.destroy());

      it("unsets a volume's property, and sets, unsets and shows a snapshot's", async () => {
        await ok(admin, ["volume", "create", "--size", "1", "--property", "k=v", "--property", "j=w", "pv"]);
        await statusOf(["volume"], "pv", "available");
        await ok(admin, ["volume", "unset", "--property", "k", "pv"]);
        assert.deepEqual((await json(admin, ["volume", "show", "pv"])).properties, { j: "w" });

        await ok(admin, ["volume", "snapshot", "create", "--volume", "pv", "ps"]);
        await statusOf(["volume", "snapshot"], "ps", "available");
        await ok(admin, ["volume", "snapshot", "set", "--name", "ps2", "--description", "renamed", "--property", "a=b", "--property", "c=d", "ps"]);
        const set = await json(admin, ["volume", "snapshot", "show", "ps2"]);
        assert.equal(set.description, "renamed");
        assert.deepEqual(set.properties, { a: "b", c: "d" });
        await ok(admin, ["volume", "snapshot", "unset", "--property", "a", "ps2"]);
        assert.deepEqual((await json(admin, ["volume", "snapshot", "show", "ps2"])).properties, { c: "d" });
        await ok(admin, ["volume", "snapshot", "delete", "ps2"]);
        await until(async () => ((await json(admin, ["volume", "snapshot", "list"])).length === 0 ? true : undefined), "ps2 to go");
      });

      it("shows a type, unsets its property and deletes it", async () => {
        await ok(admin, ["volume", "type", "create", "--property", "k=v", "--property", "j=w", "--description", "two keys", "pt"]);
        const shown = await json(admin, ["volume", "type", "show", "pt"]);
        assert.equal(shown.description, "two keys");
        assert.deepEqual(shown.properties, { k: "v", j: "w" });
        await ok(admin, ["volume", "type", "unset", "--property", "k", "pt"]);
        assert.deepEqual((await json(admin, ["volume", "type", "show", "pt"])).properties, { j: "w" });
        await ok(admin, ["volume", "type", "delete", "pt"]);
        assert.ok(!(await json(admin, ["volume", "type", "list"])).some((t: any) => t.Name === "pt"), "pt is gone");
      });

      it("lists the projects whose quotas differ from the defaults, and shows the defaults", async () => {
        const defaults = await json(admin, ["quota", "show", "--default"]);
        assert.equal(defaults.volumes, 10);
        assert.equal(defaults.snapshots, 10);
        assert.deepEqual(await json(admin, ["quota", "list", "--volume"]), [], "no project has its own quotas yet");
        await ok(admin, ["quota", "set", "--volumes", "7", "--snapshots", "3", "admin"]);
        const list = await json(admin, ["quota", "list", "--volume"]);
        assert.equal(list.length, 1, JSON.stringify(list));
        assert.equal(list[0].Volumes, 7);
        assert.equal(list[0].Snapshots, 3);
        assert.equal((await json(admin, ["quota", "show", "--default"])).volumes, 10, "the defaults did not change");
      });

      it("shows the block-storage version and lists the volume extensions", async () => {
        const versions = await json(admin, ["versions", "show", "--service", "block-storage"]);
        assert.deepEqual(
          versions.map((v: any) => [v["Service Type"], v.Version, v.Status, v["Min Microversion"], v["Max Microversion"]]),
          [["block-storage", "3.0", "CURRENT", MIN_VERSION, MAX_VERSION]],
        );
        const ext = await json(admin, ["extension", "list", "--volume"]);
        assert.ok(ext.some((e: any) => e.Alias === "os-volume-type-access"), JSON.stringify(ext));
      });
    });
  }
});
