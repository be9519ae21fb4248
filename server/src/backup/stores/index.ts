/**
 * The backup object store a deployment uses, chosen by `--backup-driver` (Cinder's
 * backup_driver): `posix` (default), a directory under the data directory. Each store kind adds
 * its case here.
 */
import path from "node:path";
import type { Config } from "../../config";
import type { BackupObjectStore } from "../object-store";
import { PosixObjectStore } from "./posix";

export const BACKUP_DRIVERS = ["posix", "s3"] as const;
export type BackupDriverName = (typeof BACKUP_DRIVERS)[number];

export function createBackupObjectStore(config: Pick<Config, "dataDir" | "backup">): BackupObjectStore {
  switch (config.backup.driver) {
    case "posix":
      return new PosixObjectStore(config.backup.posixPath ?? path.join(config.dataDir, "backups"));
    default:
      throw new Error(`backup driver ${config.backup.driver} is not available in this build`);
  }
}
