/**
 * The backup object store a deployment uses, chosen by `--backup-driver` (Cinder's
 * backup_driver): `posix` (default), a directory under the data directory, or `s3`, a bucket of an S3 service. Each store kind adds
 * its case here.
 */
import path from "node:path";
import type { Config } from "../../config";
import type { BackupObjectStore } from "../object-store";
import { PosixObjectStore } from "./posix";
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
