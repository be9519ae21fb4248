/**
 * The unmodified `openstack` CLI against a server with built-in identity: an operator makes a
 * volume group type, a group of it and a group snapshot, then deletes them (`openstack volume
 * group ...`, at the openrc's volume API version).
 */
import assert from "node:assert/strict";
import { CLI_DIALECTS, json, ok, openrc, requireCli, until } from "../helpers/openstack";
import { type IdentityServer, startIdentity } from "../identity/helpers";

describe("the openstack CLI: volume groups, group types and group snapshots", () => {
  before(requireCli);

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(300_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;
      // From the lists: `volume group show` and `volume group type show` of python3-openstackclient
      // 6.0 (Debian 12) fail in the client before any request.
      const status = async (kind: string[], name: string, want: string) =>
        until(async () => {
          const x = (await json(admin, [...kind, "list"])).find((r: any) => r.Name === name);
          if (String(x?.Status).startsWith("error")) throw new Error(`${name} went to ${x.Status}`);
          return x?.Status === want ? { id: x.ID } : undefined;
        }, `${name} to be ${want}`);

      before(async () => {
        id = await startIdentity(dialect);
        admin = await openrc(id.s, "admin", "admin");
      });
      after(async () => id?.s.destroy());

      it("makes a group type, a group and a group snapshot, then deletes them", async () => {
        const gt = await json(admin, ["volume", "group", "type", "create", "cli-gt"]);
        assert.equal(gt.name ?? gt.Name, "cli-gt", JSON.stringify(gt));
        await ok(admin, ["volume", "group", "type", "set", "--property", "k=v", "cli-gt"]);
        const listed = (await json(admin, ["volume", "group", "type", "list"])).find((t: any) => t.Name === "cli-gt");
        assert.ok(listed, "the group type is listed");
        await ok(admin, ["volume", "type", "create", "cli-vt"]);
        await ok(admin, ["volume", "group", "create", "--name", "cli-group", "cli-gt", "cli-vt"]);
        const group = await status(["volume", "group"], "cli-group", "available");
        await ok(admin, ["volume", "group", "set", "--description", "made by the CLI", "cli-group"]);
        await status(["volume", "group"], "cli-group", "available");
        await ok(admin, ["volume", "group", "snapshot", "create", "--name", "cli-gsnap", "cli-group"]);
        await status(["volume", "group", "snapshot"], "cli-gsnap", "available");
        await ok(admin, ["volume", "group", "snapshot", "delete", "cli-gsnap"]);
        await until(async () => {
          const list = await json(admin, ["volume", "group", "snapshot", "list"]);
          return list.some((s: any) => s.Name === "cli-gsnap") ? undefined : true;
        }, "cli-gsnap to be deleted");
        await ok(admin, ["volume", "group", "delete", "--force", "cli-group"]);
        await until(async () => {
          const list = await json(admin, ["volume", "group", "list"]);
          return list.some((g: any) => g.ID === group.id) ? undefined : true;
        }, "cli-group to be deleted");
        await ok(admin, ["volume", "group", "type", "delete", "cli-gt"]);
      });
    });
  }
});
