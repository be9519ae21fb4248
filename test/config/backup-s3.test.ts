/** The s3 backup driver's settings: flags, the secret from the environment, and clear refusals. */
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../server/src/config";
import { s3StoreFromConfig } from "../../server/src/backup/stores/s3-factory";

describe("s3 backup driver configuration", () => {
  it("takes the endpoint and keys from flags and the secret from the environment", () => {
    const cfg = loadConfig(
      { "backup-driver": "s3", "backup-s3-endpoint": "http://127.0.0.1:7480", "backup-s3-access-key": "AK", "backup-s3-bucket": "bk" },
      { CINDERBLOCK_BACKUP_S3_SECRET_KEY: "sekret" },
    );
    assert.equal(cfg.backupS3SecretKey, "sekret");
    const store = s3StoreFromConfig(cfg);
    assert.equal(store.kind, "s3");
    assert.equal(store.defaultContainer, "bk");
    assert.equal(store.options.region, "us-east-1");
    store.close();
  });

  it("refuses s3 without its endpoint or secret, naming what is missing", () => {
    assert.throws(() => loadConfig({ "backup-driver": "s3", "backup-s3-access-key": "AK" }, {}), (e: Error) => e instanceof ConfigError && /backupS3Endpoint/.test(e.message) && /SECRET_KEY/.test(e.message));
    assert.throws(() => loadConfig({ "backup-driver": "tape" }, {}), /posix or s3/);
    assert.throws(() => loadConfig({ "backup-driver": "s3", "backup-s3-endpoint": "rgw:7480", "backup-s3-access-key": "a", "backup-s3-secret-key": "b" }, {}), /http/);
  });
});
