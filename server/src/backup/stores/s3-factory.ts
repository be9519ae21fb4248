/** The S3 backup object store the configuration asks for (`--backup-driver s3`). */
import type { Config } from "../../config";
import { S3BackupObjectStore } from "./s3";
import { S3_STORE_DEFAULTS } from "./s3-options";

export function s3StoreFromConfig(config: Config): S3BackupObjectStore {
  const { backupS3Endpoint: endpoint, backupS3AccessKey: accessKey, backupS3SecretKey: secretKey } = config;
  if (!endpoint || !accessKey || !secretKey) {
    throw new Error("the s3 backup driver needs backupS3Endpoint, backupS3AccessKey and backupS3SecretKey");
  }
  return new S3BackupObjectStore({
    endpoint,
    accessKey,
    secretKey,
    bucket: config.backupS3Bucket ?? S3_STORE_DEFAULTS.bucket,
    region: config.backupS3Region ?? S3_STORE_DEFAULTS.region,
    verifySsl: config.backupS3VerifySsl ?? S3_STORE_DEFAULTS.verifySsl,
    caCertFile: config.backupS3CaCertFile,
    maxAttempts: config.backupS3RetryMaxAttempts ?? S3_STORE_DEFAULTS.maxAttempts,
  });
}
