/**
 * The backup object store a deployment uses, chosen by `--backup-driver` (Cinder's
 * backup_driver): `posix` (default), a directory under the data directory, or `s3`, a bucket of an S3 service. Each store kind adds
 * its case here.
 */
import path from "node:path";
import type { Config } from "../../config";
import type { BackupObjectStore } from "../object-store";
import { PosixObjectStore } from "./posix";
import type { Logger } from "pino";
import { S3BackupObjectStore } from "./s3";
import { s3StoreFromConfig } from "./s3-factory";

export const BACKUP_DRIVERS = ["posix", "s3"] as const;
export type BackupDriverName = (typeof BACKUP_DRIVERS)[number];

export function createBackupObjectStore(config: Config): BackupObjectStore {
  switch (config.backup.driver) {
    case "posix":
      return new PosixObjectStore(config.backup.posixPath ?? path.join(config.dataDir, "backups"));
    case "s3":
      return s3StoreFromConfig(config);
    default:
      throw new Error(`backup driver ${config.backup.driver} is not available in this build`);
  }
}

/**
 * A multipart upload begun this long before a volume service starts is left over by a process
 * that stopped mid-upload (one chunk goes up in seconds), not one another live service is making.
 */
export const STALE_UPLOAD_AGE_MS = 60 * 60 * 1000;

/**
 * Before a volume service runs backup work: an S3 store must answer with the configured
 * credentials (its S3StoreError names the endpoint and the bucket, and the start fails with it),
 * and the multipart uploads a stopped process left in its buckets (the default one and those
 * backups name) are aborted, since S3 keeps and bills their parts until then.
 */
export async function prepareBackupStore(store: BackupObjectStore, containers: string[], log: Logger, now = Date.now()): Promise<void> {
  if (!(store instanceof S3BackupObjectStore)) return;
  await store.check();
  const olderThan = new Date(now - STALE_UPLOAD_AGE_MS);
  for (const container of new Set([store.defaultContainer, ...containers])) {
    try {
      const n = await store.abortStaleUploads(container, olderThan);
      if (n > 0) log.warn({ container, uploads: n }, "aborted multipart uploads a stopped process left in the s3 backup store");
    } catch (err) {
      log.warn({ err, container }, "could not abort stale multipart uploads in the s3 backup store");
    }
  }
}

/** Closes what the store keeps open (an S3 store's connections). */
export function closeBackupStore(store: BackupObjectStore): void {
  if (store instanceof S3BackupObjectStore) store.close();
}
