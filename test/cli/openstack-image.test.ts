/**
 * The unmodified `openstack` CLI against the built-in image service: `openstack image create
 * --file --disk-format qcow2`, `image list/show/set/save/delete`, `openstack volume create
 * --image` (a qcow2 converted onto the volume) and `openstack image create --volume` (upload to
 * image).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { CLI_DIALECTS, json, ok, openrc, requireCli, until } from "../helpers/openstack";
import { type IdentityServer, startIdentity } from "../identity/helpers";
import { haveQemuImg, makeQcow2, QEMU_MISSING } from "../images/helpers";

describe("the openstack CLI: images", () => {
  before(requireCli);
  before(function () {
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
  });

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(400_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;
      let work: string;

      before(async () => {
        id = await startIdentity(dialect);
        admin = await openrc(id.s, "admin", "admin");
        work = await fsp.mkdtemp(path.join(id.s.dataDir, "cli-"));
      });
      after(async () => id?.s.destroy());

      it("creates an image from a qcow2 file, lists, shows, sets, saves and deletes it", async () => {
        const data = randomBytes(1024 * 1024);
        const file = await makeQcow2(work, data, 64 * 1024 * 1024);
        const img = await json(admin, ["image", "create", "--file", file, "--disk-format", "qcow2", "--container-format", "bare", "cli-img"]);
        assert.equal(img.name, "cli-img");
        const shown = await until(async () => {
          const s = await json(admin, ["image", "show", "cli-img"]);
          return s.status === "active" ? s : undefined;
        }, "cli-img to be active");
        assert.equal(shown.disk_format, "qcow2");
        assert.equal(shown.virtual_size, 64 * 1024 * 1024);
        const list = await json(admin, ["image", "list"]);
        assert.ok(list.some((i: any) => i.Name === "cli-img"));
        await ok(admin, ["image", "set", "--property", "os_distro=debian", "--min-disk", "1", "cli-img"]);
        const set = await json(admin, ["image", "show", "cli-img"]);
        assert.equal(set.min_disk, 1);
        assert.match(JSON.stringify(set.properties), /debian/);
        const saved = path.join(work, "saved.qcow2");
        await ok(admin, ["image", "save", "--file", saved, "cli-img"]);
        assert.ok((await fsp.readFile(saved)).equals(await fsp.readFile(file)));

        // A volume from it holds the image's data.
        await ok(admin, ["volume", "create", "--image", "cli-img", "--size", "1", "cli-from-img"]);
        const vol = await until(async () => {
          const v = await json(admin, ["volume", "show", "cli-from-img"]);
          if (v.status === "error") throw new Error("cli-from-img went to error");
          return v.status === "available" ? v : undefined;
        }, "cli-from-img to be available");
        assert.equal(String(vol.bootable), "true");
        assert.match(JSON.stringify(vol.volume_image_metadata), /cli-img/);

        // And an image made from that volume holds the same data.
        await ok(admin, ["image", "create", "--volume", "cli-from-img", "--disk-format", "raw", "cli-from-vol"]);
        const up = await until(async () => {
          const s = await json(admin, ["image", "show", "cli-from-vol"]).catch(() => undefined);
          return s?.status === "active" ? s : undefined;
        }, "cli-from-vol to be active");
        assert.equal(up.size, 1024 ** 3);
        const raw = path.join(work, "from-vol.raw");
        await ok(admin, ["image", "save", "--file", raw, "cli-from-vol"]);
        const head = Buffer.alloc(data.length);
        const fh = await fsp.open(raw, "r");
        await fh.read(head, 0, head.length, 0);
        await fh.close();
        assert.ok(head.equals(data));
        execFileSync("rm", ["-f", raw]);

        await ok(admin, ["image", "delete", "cli-from-vol"]);
        await ok(admin, ["image", "delete", "cli-img"]);
        const after = await json(admin, ["image", "list"]);
        assert.equal(after.some((i: any) => i.Name === "cli-img" || i.Name === "cli-from-vol"), false);
      });
    });
  }
});
