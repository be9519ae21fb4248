/**
 * The unmodified `openstack` CLI with the openrc as `cinderblock admin openrc` prints it:
 * `volume attachment list|show|set|complete|delete` on an attachment made through the volume API
 * (`volume attachment create` looks the instance up in Nova, which Cinderblock does not serve),
 * `volume backup show|set|unset|record export|record import`, and the group commands
 * python3-openstackclient 6.0 fails on in the client (`volume group show`, `volume group type show`,
 * `volume group snapshot show`).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { BACKUP_TEST_CONFIG } from "../backup/helpers";
import { CLI_DIALECTS, clientBug, json, ok, openrc, requireCli, until } from "../helpers/openstack";
import { type IdentityServer, startIdentity } from "../identity/helpers";

describe("the openstack CLI: attachments, backup records and group details", () => {
  before(requireCli);

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(400_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;
      const statusOf = (kind: string[], name: string, want: string) =>
        until(async () => {
          const x = await json(admin, [...kind, "show", name]);
          if (String(x.status).startsWith("error")) throw new Error(`${name} went to ${x.status}`);
          return x.status === want ? x : undefined;
        }, `${name} to be ${want}`);

      before(async () => {
        id = await startIdentity(dialect, { backup: BACKUP_TEST_CONFIG });
        admin = await openrc(id.s, "admin", "admin");
      });
      after(async () => id?.s.destroy());

      it("lists, shows, connects, completes and deletes an attachment", async () => {
        const vol = await json(admin, ["volume", "create", "--size", "1", "av"]);
        await statusOf(["volume"], "av", "available");
        const api = id.c.as(id.adminToken);
        const project = (await api.get("/identity/v3/projects?name=admin")).body.projects[0].id;
        const instance = randomUUID();
        const made = await api.post(`/v3/${project}/attachments`, { attachment: { volume_uuid: vol.id, instance_uuid: instance } }, { version: "3.27" });
        assert.equal(made.status, 200, JSON.stringify(made.body));
        const att: string = made.body.attachment.id;

        const list = await json(admin, ["volume", "attachment", "list"]);
        assert.deepEqual(list.map((a: any) => [a.ID, a["Volume ID"], a.Status]), [[att, vol.id, "reserved"]]);
        const shown = await json(admin, ["volume", "attachment", "show", att]);
        assert.deepEqual([shown.ID, shown["Instance ID"], shown.Status], [att, instance, "reserved"]);

        const connector = ["--initiator", "iqn.1993-08.org.debian:01:cli", "--ip", "192.0.2.7", "--host", "cli-host", "--platform", "x86_64", "--os-type", "linux-generic", "--mountpoint", "/dev/vdb"];
        const set = await json(admin, ["volume", "attachment", "set", ...connector, att]);
        assert.equal(set.ID, att);
        assert.ok(set.Properties && Object.keys(set.Properties).length > 0, `connection info: ${JSON.stringify(set)}`);
        await ok(admin, ["volume", "attachment", "complete", att]);
        assert.equal((await json(admin, ["volume", "attachment", "show", att])).Status, "attached");
        await statusOf(["volume"], "av", "in-use");

        await ok(admin, ["volume", "attachment", "delete", att]);
        assert.deepEqual(await json(admin, ["volume", "attachment", "list"]), []);
        await statusOf(["volume"], "av", "available");
      });

      it("names, describes and tags a backup, exports its record, and imports it after the backup is gone", async () => {
        await ok(admin, ["volume", "backup", "create", "--name", "rb", "av"]);
        await statusOf(["volume", "backup"], "rb", "available");
        await ok(admin, ["volume", "backup", "set", "--name", "rb2", "--description", "renamed", "--property", "p=q", "--property", "r=s", "rb"]);
        const set = await json(admin, ["volume", "backup", "show", "rb2"]);
        assert.deepEqual([set.name, set.description, set.metadata], ["rb2", "renamed", { p: "q", r: "s" }]);
        await ok(admin, ["volume", "backup", "unset", "--property", "p", "rb2"]);
        assert.deepEqual((await json(admin, ["volume", "backup", "show", "rb2"])).metadata, { r: "s" });

        const record = await json(admin, ["volume", "backup", "record", "export", "rb2"]);
        assert.ok(record.backup_service && record.backup_url, JSON.stringify(record));
        await ok(admin, ["volume", "backup", "delete", "rb2"]);
        await until(async () => ((await json(admin, ["volume", "backup", "list"])).length === 0 ? true : undefined), "rb2 to go");
        const imported = await json(admin, ["volume", "backup", "record", "import", record.backup_service, record.backup_url]);
        assert.deepEqual([imported.id, imported.name], [set.id, "rb2"]);
        const back = await statusOf(["volume", "backup"], "rb2", "available");
        assert.equal(back.volume_id, set.volume_id);
      });

      it("makes a group type, a group and a group snapshot, whose details fail in the client", async () => {
        await ok(admin, ["volume", "group", "type", "create", "dgt"]);
        await clientBug(admin, ["volume", "group", "type", "show", "dgt"], /'Namespace' object has no attribute 'group'/);
        await ok(admin, ["volume", "type", "create", "dvt"]);
        await ok(admin, ["volume", "group", "create", "--name", "dg", "dgt", "dvt"]);
        await until(async () => ((await json(admin, ["volume", "group", "list"])).find((g: any) => g.Name === "dg")?.Status === "available" ? true : undefined), "dg");
        await clientBug(admin, ["volume", "group", "show", "dg"], /'GroupManager' object has no attribute 'show'/);
        await ok(admin, ["volume", "group", "snapshot", "create", "--name", "dgs", "dg"]);
        const gs = await until(async () => {
          const x = (await json(admin, ["volume", "group", "snapshot", "list"])).find((r: any) => r.Name === "dgs");
          return x?.Status === "available" ? x : undefined;
        }, "dgs");
        // It looks the group snapshot up through the groups' manager, as `volume group show` does.
        await clientBug(admin, ["volume", "group", "snapshot", "show", gs.ID], /'GroupManager' object has no attribute 'show'/);
      });
    });
  }
});
