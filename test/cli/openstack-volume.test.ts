/**
 * The unmodified `openstack` CLI against a server with built-in identity: volumes, snapshots, types,
 * QoS, quotas, limits, zones and services as an operator and a project member use them, and the
 * encrypted types, the refusals a member meets (another project's volume, creating a type, going over quota), and
 * the user message of a volume no backend could hold.
 */
import assert from "node:assert/strict";
import { CLI_DIALECTS, fails, json, ok, openrc, requireCli, until } from "../helpers/openstack";
import { type IdentityServer, startIdentity } from "../identity/helpers";

describe("the openstack CLI: volumes, types, QoS and quotas", () => {
  before(requireCli);

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(300_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;
      let bob: NodeJS.ProcessEnv;
      const volumeStatus = async (env: NodeJS.ProcessEnv, name: string, status: string) =>
        until(async () => {
          const v = await json(env, ["volume", "show", name]);
          if (String(v.status).startsWith("error")) throw new Error(`${name} went to ${v.status}`);
          return v.status === status ? v : undefined;
        }, `${name} to be ${status}`);

      before(async () => {
        id = await startIdentity(dialect, { quotas: { volumes: 10, snapshots: 10, gigabytes: 1000, backups: 10, backup_gigabytes: 1000, groups: 10, per_volume_gigabytes: -1 } });
        admin = await openrc(id.s, "admin", "admin");
      });
      after(async () => id?.s.destroy());

      it("provisions a project, a user and a member role", async () => {
        assert.equal((await json(admin, ["project", "create", "demo2"])).name, "demo2");
        const user = await json(admin, ["user", "create", "--project", "demo2", "--password", "bob-secret", "bob"]);
        assert.equal(user.name, "bob");
        await ok(admin, ["role", "add", "--user", "bob", "--project", "demo2", "member"]);
        const roles = await json(admin, ["role", "assignment", "list", "--project", "demo2", "--names"]);
        assert.deepEqual(roles.map((r: any) => [r.Role, r.User]), [["member", "bob@Default"]]);
        bob = await openrc(id.s, "bob", "demo2", "bob-secret");
      });

      it("creates a private type with properties and shares it with the project", async () => {
        const t = await json(admin, ["volume", "type", "create", "--property", "volume_backend_name=file", "--private", "gold"]);
        assert.equal(t.name, "gold");
        assert.equal(t.is_public, false);
        await ok(admin, ["volume", "type", "set", "--project", "demo2", "gold"]);
        const long = await json(admin, ["volume", "type", "list", "--long"]);
        const gold = long.find((x: any) => x.Name === "gold");
        assert.ok(gold, JSON.stringify(long));
        assert.equal(gold["Is Public"], false);
        assert.match(JSON.stringify(gold.Properties), /volume_backend_name.*file/);
        const seen = await json(bob, ["volume", "type", "list"]);
        assert.ok(seen.some((x: any) => x.Name === "gold"), "the member sees the shared private type");
      });

      it("creates an encrypted type and shows its encryption", async () => {
        const args = ["--encryption-provider", "luks", "--encryption-cipher", "aes-xts-plain64", "--encryption-key-size", "256", "--encryption-control-location", "front-end"];
        const t = await json(admin, ["volume", "type", "create", ...args, "luks"]);
        assert.equal(t.name, "luks");
        const shown = await json(admin, ["volume", "type", "show", "--encryption-type", "luks"]);
        const enc = JSON.stringify(shown.encryption);
        for (const want of ["luks", "aes-xts-plain64", "256", "front-end"]) assert.ok(enc.includes(want), `${want} in ${enc}`);
        await ok(admin, ["volume", "type", "delete", "luks"]);
      });

      it("manages QoS specs: create, associate, set, unset, show, disassociate, delete", async () => {
        const q = await json(admin, ["volume", "qos", "create", "--consumer", "front-end", "--property", "total_iops_sec=500", "fastio"]);
        assert.equal(q.consumer, "front-end");
        assert.match(JSON.stringify(q.properties), /total_iops_sec.*500/);
        await ok(admin, ["volume", "qos", "associate", "fastio", "gold"]);
        await ok(admin, ["volume", "qos", "set", "--property", "read_iops_sec=100", "fastio"]);
        await ok(admin, ["volume", "qos", "unset", "--property", "total_iops_sec", "fastio"]);
        const shown = await json(admin, ["volume", "qos", "show", "fastio"]);
        assert.match(JSON.stringify(shown.associations), /gold/);
        assert.match(JSON.stringify(shown.properties), /read_iops_sec.*100/);
        assert.doesNotMatch(JSON.stringify(shown.properties), /total_iops_sec/);
        await ok(admin, ["volume", "qos", "disassociate", "--volume-type", "gold", "fastio"]);
        assert.doesNotMatch(JSON.stringify((await json(admin, ["volume", "qos", "show", "fastio"])).associations ?? ""), /gold/);
        await ok(admin, ["volume", "qos", "delete", "fastio"]);
        const list = await json(admin, ["volume", "qos", "list"]);
        assert.ok(!list.some((x: any) => x.Name === "fastio"));
      });

      it("sets and shows quotas, zones and services", async () => {
        await ok(admin, ["quota", "set", "--volumes", "3", "--gigabytes", "5", "demo2"]);
        const qs = await json(admin, ["quota", "show", "demo2"]);
        assert.equal(qs.volumes, 3);
        assert.equal(qs.gigabytes, 5);
        const zones = await json(admin, ["availability", "zone", "list", "--volume"]);
        assert.deepEqual(zones.map((z: any) => [z["Zone Name"], z["Zone Status"]]), [["nova", "available"]]);
        const services = await json(admin, ["volume", "service", "list"]);
        assert.deepEqual(services.map((x: any) => `${x.Binary} ${x.Status} ${x.State}`).sort(), [
          "cinder-backup enabled up",
          "cinder-scheduler enabled up",
          "cinder-volume enabled up",
        ]);
      });

      it("runs a member's volume and snapshot lifecycle", async () => {
        const v = await json(bob, ["volume", "create", "--size", "1", "--type", "gold", "--property", "k=v", "bv1"]);
        assert.equal(v.size, 1);
        await volumeStatus(bob, "bv1", "available");
        await ok(bob, ["volume", "set", "--name", "bv1r", "--property", "a=b", "--size", "2", "bv1"]);
        const grown = await until(async () => {
          const x = await json(bob, ["volume", "show", "bv1r"]);
          return x.size === 2 && x.status === "available" ? x : undefined;
        }, "bv1r to be extended");
        assert.equal(grown.type, "gold");
        assert.match(JSON.stringify(grown.properties), /a.*b/);
        assert.match(JSON.stringify(grown.properties), /k.*v/);
        const list = await json(bob, ["volume", "list"]);
        assert.deepEqual(list.map((x: any) => x.Name), ["bv1r"]);

        // Without --force: at the openrc's version python-cinderclient still takes the force=False the CLI sends.
        const snap = await json(bob, ["volume", "snapshot", "create", "--volume", "bv1r", "s1"]);
        assert.equal(snap.name, "s1");
        await until(async () => ((await json(bob, ["volume", "snapshot", "show", "s1"])).status === "available" ? true : undefined), "s1");
        const snaps = await json(bob, ["volume", "snapshot", "list"]);
        assert.deepEqual(snaps.map((x: any) => x.Name), ["s1"]);
        await ok(bob, ["volume", "snapshot", "delete", "s1"]);
        await until(async () => ((await json(bob, ["volume", "snapshot", "list"])).length === 0 ? true : undefined), "s1 to be deleted");

        const limits = await json(bob, ["limits", "show", "--absolute"]);
        const get = (name: string) => limits.find((l: any) => l.Name === name)?.Value;
        assert.equal(get("maxTotalVolumes"), 3);
        assert.equal(get("totalVolumesUsed"), 1);
        assert.equal(get("totalGigabytesUsed"), 2);
      });

      it("refuses a member another project's volume, a new type, and a volume over quota", async () => {
        const mine = await json(admin, ["volume", "create", "--size", "1", "adminvol"]);
        const other = await fails(bob, ["volume", "show", mine.id]);
        assert.match(other.stderr, /No volume with a name or ID of|could not be found/);
        const type = await fails(bob, ["volume", "type", "create", "silver"]);
        assert.match(type.stderr, /Policy doesn't allow volume_extension:type_create to be performed.*HTTP 403/s);
        await json(bob, ["volume", "create", "--size", "1", "bv2"]);
        await json(bob, ["volume", "create", "--size", "1", "bv3"]);
        const over = await fails(bob, ["volume", "create", "--size", "1", "bv4"]);
        assert.match(over.stderr, /VolumeLimitExceeded: Maximum number of volumes allowed \(3\) exceeded for quota 'volumes'.*HTTP 413/s);
        const names = (await json(bob, ["volume", "list"])).map((x: any) => x.Name).sort();
        assert.deepEqual(names, ["bv1r", "bv2", "bv3"], "the refused volume was not created");
      });

      it("deletes volumes", async () => {
        for (const name of ["bv2", "bv3"]) await volumeStatus(bob, name, "available");
        await ok(bob, ["volume", "delete", "bv1r", "bv2", "bv3"]);
        await until(async () => ((await json(bob, ["volume", "list"])).length === 0 ? true : undefined), "bob's volumes to go");
      });

      it("lists, shows and deletes the message of a volume no backend could hold (volume message)", async () => {
        await json(admin, ["volume", "type", "create", "--property", "volume_backend_name=nowhere", "nowhere"]);
        const v = await json(bob, ["volume", "create", "--size", "1", "--type", "nowhere", "bvx"]);
        await until(async () => ((await json(bob, ["volume", "show", "bvx"])).status === "error" ? true : undefined), "bvx to fail");
        const list = await json(bob, ["volume", "message", "list"]);
        assert.equal(list.length, 1, JSON.stringify(list));
        const row = list[0];
        assert.equal(row["Resource UUID"], v.id);
        assert.equal(row["Resource Type"], "VOLUME");
        assert.equal(row["Event ID"], "VOLUME_VOLUME_001_003");
        assert.equal(row["User Message"], "schedule allocate volume:Could not find any available weighted backend.");
        assert.equal(row["Message Level"], "ERROR");
        assert.match(row["Request ID"], /^req-[0-9a-f-]{36}$/);
        const shown = await json(bob, ["volume", "message", "show", row.ID]);
        assert.equal(shown.id, row.ID);
        assert.equal(shown.resource_uuid, v.id);
        assert.equal(shown.guaranteed_until, row["Guaranteed Until"]);
        const below = await fails(bob, ["--os-volume-api-version", "3.2", "volume", "message", "list"]);
        assert.match(below.stderr, /3\.3 or greater is required/);
        await ok(bob, ["volume", "message", "delete", row.ID]);
        assert.deepEqual(await json(bob, ["volume", "message", "list"]), []);
        await ok(bob, ["volume", "delete", "bvx"]);
        await until(async () => ((await json(bob, ["volume", "list"])).length === 0 ? true : undefined), "bvx to go");
      });
    });
  }
});
