/**
 * The unmodified `glance` CLI (python3-glanceclient) against the built-in image service, through
 * the catalog's image endpoint: image-create with a file, image-list, image-show,
 * image-download, image-update, image-tag-update and image-delete. The CLI reads the image schema
 * (/v2/schemas/image) to build its options and its JSON-patch updates.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { CLI_DIALECTS, openrc, runTool, type Run } from "../helpers/openstack";
import { type IdentityServer, startIdentity } from "../identity/helpers";
import { haveQemuImg, QEMU_MISSING } from "../images/helpers";

const glance = (env: NodeJS.ProcessEnv, args: string[]): Promise<Run> => runTool("glance", env, args);

async function ok(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await glance(env, args);
  assert.equal(r.code, 0, `glance ${args.join(" ")} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The rows of the first table glance printed, as objects keyed by its header. */
function table(text: string): Array<Record<string, string>> {
  const lines = text.split("\n").filter((l) => l.startsWith("|"));
  const cells = (l: string) => l.slice(1, -1).split("|").map((c) => c.trim());
  const [head, ...rows] = lines.map(cells);
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/** A Property/Value table (image-create, image-show, image-update) as an object. */
function props(text: string): Record<string, string> {
  return Object.fromEntries(table(text).map((r) => [r.Property, r.Value]));
}

describe("the glance CLI: images", () => {
  before(async function () {
    const r = await glance(process.env, ["--version"]).catch(() => ({ code: -1 }));
    if (r.code !== 0) {
      console.log("      skipped: the glance CLI is not on PATH: apt-get install python3-glanceclient");
      this.skip();
    }
    if (!haveQemuImg()) {
      console.log(`    skipped: ${QEMU_MISSING}`);
      this.skip();
    }
  });

  for (const dialect of CLI_DIALECTS) {
    describe(dialect, function () {
      this.timeout(300_000);
      let id: IdentityServer;
      let admin: NodeJS.ProcessEnv;
      let work: string;

      before(async () => {
        id = await startIdentity(dialect);
        admin = await openrc(id.s, "admin", "admin");
        work = await fsp.mkdtemp(path.join(id.s.dataDir, "glance-"));
      });
      after(async () => id?.s.destroy());

      it("creates an image from a file, lists, shows, downloads, updates, tags and deletes it", async () => {
        const data = randomBytes(256 * 1024);
        const file = path.join(work, "disk.raw");
        await fsp.writeFile(file, data);
        const created = props(
          await ok(admin, ["image-create", "--name", "glance-img", "--disk-format", "raw", "--container-format", "bare", "--file", file, "--property", "os_distro=debian"]),
        );
        assert.equal(created.name, "glance-img");
        assert.equal(created.status, "active");
        assert.equal(created.size, String(data.length));
        assert.equal(created.checksum, createHash("md5").update(data).digest("hex"));
        assert.equal(created.os_distro, "debian");
        const imageId = created.id;

        const list = table(await ok(admin, ["image-list"]));
        assert.ok(list.some((r) => r.ID === imageId && r.Name === "glance-img"), JSON.stringify(list));

        const shown = props(await ok(admin, ["image-show", imageId]));
        assert.equal(shown.disk_format, "raw");
        assert.equal(shown.virtual_size, String(data.length));
        assert.equal(shown.os_hash_algo, "sha512");

        const out = path.join(work, "saved.raw");
        await ok(admin, ["image-download", "--file", out, imageId]);
        assert.ok((await fsp.readFile(out)).equals(data));

        const updated = props(await ok(admin, ["image-update", "--name", "glance-renamed", "--min-disk", "1", "--property", "os_version=12", "--remove-property", "os_distro", imageId]));
        assert.equal(updated.name, "glance-renamed");
        assert.equal(updated.min_disk, "1");
        assert.equal(updated.os_version, "12");
        assert.equal(updated.os_distro, undefined);

        await ok(admin, ["image-tag-update", imageId, "golden"]);
        const tagged = props(await ok(admin, ["image-show", imageId]));
        assert.match(tagged.tags, /golden/);
        const byTag = table(await ok(admin, ["image-list", "--tag", "golden"]));
        assert.deepEqual(
          byTag.map((r) => r.ID),
          [imageId],
        );

        await ok(admin, ["image-delete", imageId]);
        const gone = await glance(admin, ["image-show", imageId]);
        assert.notEqual(gone.code, 0);
        assert.match(gone.stderr + gone.stdout, /No image found|404/);
        assert.ok(!table(await ok(admin, ["image-list"])).some((r) => r.ID === imageId));
      });

      it("reports the server's fault for data that is not the image's disk format", async () => {
        const file = path.join(work, "not.qcow2");
        await fsp.writeFile(file, Buffer.alloc(4096, 7));
        const r = await glance(admin, ["image-create", "--name", "glance-bad", "--disk-format", "qcow2", "--container-format", "bare", "--file", file]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr + r.stdout, /does not match disk_format/);
        const row = table(await ok(admin, ["image-list"])).find((x) => x.Name === "glance-bad");
        assert.ok(row, "the record was made");
        assert.equal(props(await ok(admin, ["image-show", row.ID])).status, "killed");
      });
    });
  }
});
