/**
 * The s3 backup store at the start of a volume service, against a real radosgw: wrong credentials
 * or an endpoint where nothing listens fail the start with a message naming the endpoint and the
 * bucket; a good store lets it start and takes backups; multipart uploads a stopped process left
 * behind are aborted at start, uploads younger than the stale age are kept.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { prepareBackupStore, STALE_UPLOAD_AGE_MS } from "../../server/src/backup/stores";
import { S3BackupObjectStore } from "../../server/src/backup/stores/s3";
import { S3StoreError } from "../../server/src/backup/stores/s3-errors";
import type { Config } from "../../server/src/config";
import { createLogger } from "../../server/src/log";
import { makeDb, startServer } from "../helpers/server";
import { backup, MIB, volume } from "./helpers";
import { missingRgwTool, RGW_INSTALL, type Rgw, startRgw } from "./rgw";

describe("the s3 backup store at service start (radosgw)", function () {
  this.timeout(240_000);
  let rgw: Rgw | undefined;

  before(async function () {
    const missing = await missingRgwTool();
    if (missing) {
      console.log(`    skipped: ${missing} is not installed (${RGW_INSTALL})`);
      this.skip();
    }
    rgw = await startRgw();
  });
  after(async () => rgw?.stop());

  const s3Config = (over: Partial<Config> = {}): Partial<Config> => ({
    backup: { driver: "s3", chunkSizeBytes: 4 * MIB, shaBlockSizeBytes: 64 * 1024 },
    backupS3Endpoint: rgw!.endpoint,
    backupS3AccessKey: rgw!.accessKey,
    backupS3SecretKey: rgw!.secretKey,
    backupS3Bucket: "startbucket",
    backupS3RetryMaxAttempts: 1,
    ...over,
  });

  async function refusedStart(over: Partial<Config>, kind: string, endpoint: string): Promise<void> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "cinderblock-s3start-"));
    const db = await makeDb("sqlite", dataDir);
    try {
      await assert.rejects(startServer("sqlite", s3Config(over), { dataDir, db }), (e: Error) => {
        assert.ok(e instanceof S3StoreError, `${e.name}: ${e.message}`);
        assert.equal(e.kind, kind, e.message);
        assert.ok(e.message.includes(endpoint) && e.message.includes("startbucket"), e.message);
        return true;
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  it("fails the start with wrong credentials or an endpoint where nothing listens, naming both", async () => {
    await refusedStart({ backupS3SecretKey: "wrong" }, "credentials", rgw!.endpoint);
    await refusedStart({ backupS3Endpoint: "http://127.0.0.1:1" }, "unreachable", "http://127.0.0.1:1");
  });

  it("starts with a good store and backs up into it", async () => {
    const s = await startServer("sqlite", s3Config());
    try {
      const c = s.client.as("u:s3p");
      const vid = await volume(c, "s3p");
      const bid = await backup(c, "s3p", { volume_id: vid });
      assert.equal((await c.get(`/v3/s3p/backups/${bid}`)).body.backup.container, "startbucket");
    } finally {
      await s.destroy();
    }
  });

  it("aborts the multipart uploads a stopped process left, keeping young ones", async () => {
    const store = new S3BackupObjectStore({ endpoint: rgw!.endpoint, accessKey: rgw!.accessKey, secretKey: rgw!.secretKey, bucket: "startbucket" });
    const client = new S3Client({ endpoint: rgw!.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: rgw!.accessKey, secretAccessKey: rgw!.secretKey } });
    const uploads = async (bucket: string) => (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];
    try {
      await store.ensureContainer("startbucket");
      await store.ensureContainer("othercontainer");
      await client.send(new CreateMultipartUploadCommand({ Bucket: "startbucket", Key: "backup_left-00001" }));
      await client.send(new CreateMultipartUploadCommand({ Bucket: "othercontainer", Key: "backup_left-00002" }));
      const log = createLogger("silent");
      await prepareBackupStore(store, ["othercontainer"], log);
      assert.equal((await uploads("startbucket")).length, 1, "a young upload is kept");
      // The same start, STALE_UPLOAD_AGE_MS later: both uploads are left over.
      await prepareBackupStore(store, ["othercontainer"], log, Date.now() + STALE_UPLOAD_AGE_MS + 60_000);
      assert.deepEqual(await uploads("startbucket"), []);
      assert.deepEqual(await uploads("othercontainer"), []);
    } finally {
      store.close();
      client.destroy();
    }
  });
});
