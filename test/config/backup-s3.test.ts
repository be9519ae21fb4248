/** The s3 backup driver's settings: flags, the secret from the environment, and clear refusals. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
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

describe("s3 backup driver TLS and retries", () => {
  const base = { "backup-driver": "s3", "backup-s3-endpoint": "https://rgw.example:7480", "backup-s3-access-key": "AK", "backup-s3-secret-key": "SK" };

  it("verifies TLS by default, with 4 tries, and takes the flags, the environment and the config file", async () => {
    const def = s3StoreFromConfig(loadConfig(base, {}));
    assert.deepEqual([def.options.verifySsl, def.options.caCertFile, def.options.maxAttempts], [true, undefined, 4]);
    def.close();
    const dir = await mkdtemp(path.join(os.tmpdir(), "cb-s3cfg-"));
    try {
      const ca = path.join(dir, "ca.pem");
      await writeFile(ca, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
      const flags = loadConfig({ ...base, "backup-s3-verify-ssl": "false", "backup-s3-retry-max-attempts": "2" }, {});
      assert.deepEqual([flags.backupS3VerifySsl, flags.backupS3RetryMaxAttempts], [false, 2]);
      const st = s3StoreFromConfig(flags);
      assert.deepEqual([st.options.verifySsl, st.options.maxAttempts], [false, 2]);
      st.close();
      const env = loadConfig(base, { CINDERBLOCK_BACKUP_S3_VERIFY_SSL: "yes", CINDERBLOCK_BACKUP_S3_CA_CERT_FILE: ca });
      assert.deepEqual([env.backupS3VerifySsl, env.backupS3CaCertFile], [true, ca]);
      const file = path.join(dir, "c.yaml");
      await writeFile(file, `backupS3VerifySsl: false\nbackupS3RetryMaxAttempts: 7\nbackupS3CaCertFile: ${ca}\n`);
      const fromFile = loadConfig({ ...base, config: file }, {});
      assert.deepEqual([fromFile.backupS3VerifySsl, fromFile.backupS3RetryMaxAttempts, fromFile.backupS3CaCertFile], [false, 7, ca]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a verify flag that is no boolean, a missing CA bundle and fewer than one try", () => {
    assert.throws(() => loadConfig({ ...base, "backup-s3-verify-ssl": "maybe" }, {}), (e: Error) => e instanceof ConfigError && /backup-s3-verify-ssl.*true or false/.test(e.message));
    assert.throws(() => loadConfig({ ...base, "backup-s3-ca-cert-file": "/nonexistent/ca.pem" }, {}), (e: Error) => e instanceof ConfigError && /\/nonexistent\/ca\.pem does not exist/.test(e.message));
    assert.throws(() => loadConfig({ ...base, "backup-s3-retry-max-attempts": "0" }, {}), (e: Error) => e instanceof ConfigError && /at least 1/.test(e.message));
  });
});
