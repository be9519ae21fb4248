/**
 * Settings of the S3 backup object store, after Cinder's `backup_s3_*` options
 * (cinder/backup/drivers/s3.py `s3backup_service_opts`).
 */

/**
 * How a backup's `container` maps onto S3:
 * - `bucket`: each container is a bucket of its own, as Cinder's s3 driver does (its
 *   `update_container_name` keeps the container as the bucket name, and a backup without a
 *   container goes to `backup_s3_store_bucket`);
 * - `prefix`: every container lives in the one configured bucket, as the key prefix `<container>/`,
 *   for stores where a user may not create buckets.
 */
export type S3ContainerMode = "bucket" | "prefix";

export interface S3StoreOptions {
  /** backup_s3_endpoint_url: where the S3 service listens, e.g. http://127.0.0.1:7480. */
  endpoint: string;
  /** The signing region (radosgw and most S3 services accept any; default us-east-1). */
  region: string;
  /** backup_s3_store_access_key. */
  accessKey: string;
  /** backup_s3_store_secret_key. */
  secretKey: string;
  /** backup_s3_store_bucket: the default container (bucket mode) or the one bucket (prefix mode). */
  bucket: string;
  containerMode: S3ContainerMode;
  /** Address buckets as http://endpoint/bucket rather than http://bucket.endpoint (needed without wildcard DNS). */
  forcePathStyle: boolean;
  /** backup_s3_verify_ssl: check the service's TLS certificate. */
  verifySsl: boolean;
  /** backup_s3_ca_cert_file: a PEM bundle of the CAs to trust instead of the system's. */
  caCertFile?: string;
  /** backup_s3_retry_max_attempts: tries of one request, the first included. */
  maxAttempts: number;
  /** backup_s3_timeout: seconds to connect, and seconds without progress on a request. */
  timeoutSeconds: number;
  /** backup_s3_max_pool_connections. */
  maxPoolConnections: number;
  /** Objects larger than this go up as a multipart upload (still whole-or-nothing). */
  multipartThresholdBytes: number;
  /** The size of each part of a multipart upload (S3's minimum is 5 MiB). */
  partSizeBytes: number;
}

export const S3_STORE_DEFAULTS = {
  region: "us-east-1",
  bucket: "volumebackups",
  containerMode: "bucket" as S3ContainerMode,
  forcePathStyle: true,
  verifySsl: true,
  maxAttempts: 4,
  timeoutSeconds: 60,
  maxPoolConnections: 10,
  multipartThresholdBytes: 32 * 1024 * 1024,
  partSizeBytes: 8 * 1024 * 1024,
} as const;

/** S3's minimum part size (every part but the last). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * Why `name` cannot be an S3 bucket name, or undefined when it can (S3's rules: 3 to 63
 * characters, lowercase letters, digits, '.' and '-', starting and ending with a letter or digit,
 * not shaped like an IP address).
 */
export function invalidBucketName(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "it must be 3 to 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return "it may only use lowercase letters, digits, '.' and '-', and must start and end with a letter or digit";
  }
  if (name.includes("..")) return "it must not hold two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "it must not look like an IP address";
  return undefined;
}
