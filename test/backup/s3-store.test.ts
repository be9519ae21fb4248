/**
 * The S3 backup object store against a real radosgw: objects go up and come back whole, listings
 * page past S3's 1000 keys, a missing object is BackupObjectMissing, and wrong credentials or a
 * wrong endpoint fail with a message naming the endpoint and the bucket.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { BackupObjectMissing } from "../../server/src/backup/object-store";
import { S3BackupObjectStore } from "../../server/src/backup/stores/s3";
import { S3StoreError } from "../../server/src/backup/stores/s3-errors";
import { missingRgwTool, RGW_INSTALL, type Rgw, startRgw } from "./rgw";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("S3 backup object store (radosgw)", function () {
  this.timeout(180_000);
  let rgw: Rgw | undefined;
  let store: S3BackupObjectStore;
  let prefixStore: S3BackupObjectStore;

  before(async function () {
    const missing = await missingRgwTool();
    if (missing) {
      console.log(`    skipped: ${missing} is not installed (${RGW_INSTALL})`);
      this.skip();
    }
    rgw = await startRgw();
    store = new S3BackupObjectStore({ endpoint: rgw.endpoint, accessKey: rgw.accessKey, secretKey: rgw.secretKey, bucket: "volumebackups" });
    prefixStore = new S3BackupObjectStore({ endpoint: rgw.endpoint, accessKey: rgw.accessKey, secretKey: rgw.secretKey, bucket: "onebucket", containerMode: "prefix" });
  });

  after(async () => {
    store?.close();
    prefixStore?.close();
    await rgw?.stop();
  });

  it("puts, gets, lists and deletes objects, each container a bucket", async () => {
    await store.check();
    await store.ensureContainer("volumebackups");
    await store.ensureContainer("volumebackups");
    const data = randomBytes(100_000);
    await store.put("volumebackups", "volume_1/20261206/az_nova_backup_1-00001", data);
    await store.put("volumebackups", "volume_1/20261206/az_nova_backup_1_metadata", Buffer.from("{}"));
    assert.equal(sha(await store.get("volumebackups", "volume_1/20261206/az_nova_backup_1-00001")), sha(data));
    assert.deepEqual(await store.list("volumebackups", "volume_1/"), ["volume_1/20261206/az_nova_backup_1-00001", "volume_1/20261206/az_nova_backup_1_metadata"]);
    assert.deepEqual(await store.list("volumebackups", "volume_2/"), []);
    await store.delete("volumebackups", "volume_1/20261206/az_nova_backup_1-00001");
    await store.delete("volumebackups", "volume_1/20261206/az_nova_backup_1-00001");
    assert.deepEqual(await store.list("volumebackups", "volume_1/"), ["volume_1/20261206/az_nova_backup_1_metadata"]);
  });

  it("throws BackupObjectMissing for an object or container that is not there", async () => {
    await assert.rejects(store.get("volumebackups", "no-such-object"), BackupObjectMissing);
    await assert.rejects(store.get("nosuchbucket", "x"), BackupObjectMissing);
    assert.deepEqual(await store.list("nosuchbucket", ""), []);
  });

  it("refuses a container that cannot be a bucket, naming the fix", async () => {
    await assert.rejects(store.ensureContainer("My_Backups"), (e: Error) => e instanceof S3StoreError && /container-mode prefix/.test(e.message));
  });

  it("keeps containers as key prefixes of one bucket in prefix mode", async () => {
    await prefixStore.ensureContainer("My_Backups");
    await prefixStore.put("My_Backups", "a-1", Buffer.from("one"));
    await prefixStore.put("other", "a-1", Buffer.from("two"));
    assert.deepEqual(await prefixStore.list("My_Backups", "a"), ["a-1"]);
    assert.equal((await prefixStore.get("other", "a-1")).toString(), "two");
    assert.equal((await store.get("onebucket", "My_Backups/a-1")).toString(), "one");
  });

  it("pages through more than 1000 objects", async () => {
    await store.ensureContainer("many");
    const names = Array.from({ length: 1205 }, (_, i) => `vol/chunk-${String(i).padStart(5, "0")}`);
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => store.put("many", n, Buffer.from(n))));
    const listed = await store.list("many", "vol/");
    assert.equal(listed.length, 1205);
    assert.deepEqual(listed, names);
  });

  it("stores a 40 MiB object whole (multipart), and a reader sees the old or the new object, never a mix", async () => {
    await store.ensureContainer("big");
    const a = randomBytes(40 * 1024 * 1024);
    const b = randomBytes(40 * 1024 * 1024);
    await store.put("big", "chunk", a);
    assert.equal(sha(await store.get("big", "chunk")), sha(a));
    const writing = store.put("big", "chunk", b);
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) seen.add(sha(await store.get("big", "chunk")));
    await writing;
    for (const s of seen) assert.ok(s === sha(a) || s === sha(b), "a reader saw a mixed object");
    assert.equal(sha(await store.get("big", "chunk")), sha(b));
    assert.equal(await store.abortStaleUploads("big", new Date(Date.now() + 60_000)), 0);
  });

  it("names the endpoint and the bucket when the credentials are wrong", async () => {
    const bad = new S3BackupObjectStore({ endpoint: rgw!.endpoint, accessKey: rgw!.accessKey, secretKey: "wrong", bucket: "volumebackups", maxAttempts: 1 });
    try {
      await assert.rejects(bad.put("volumebackups", "x", Buffer.from("x")), (e: Error) => {
        assert.ok(e instanceof S3StoreError && e.kind === "credentials", e.message);
        assert.ok(e.message.includes(rgw!.endpoint) && e.message.includes("volumebackups"), e.message);
        return true;
      });
      await assert.rejects(bad.check(), S3StoreError);
    } finally {
      bad.close();
    }
    await assert.rejects(store.get("volumebackups", "x"), BackupObjectMissing);
  });

  it("names the endpoint when nothing listens there", async () => {
    const gone = new S3BackupObjectStore({ endpoint: "http://127.0.0.1:1", accessKey: "a", secretKey: "b", bucket: "volumebackups", maxAttempts: 2, timeoutSeconds: 5 });
    try {
      await assert.rejects(gone.check(), (e: Error) => e instanceof S3StoreError && e.kind === "unreachable" && e.message.includes("http://127.0.0.1:1") && e.message.includes("volumebackups"));
    } finally {
      gone.close();
    }
  });
});
