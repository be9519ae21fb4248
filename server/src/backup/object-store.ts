/**
 * Where backups keep their objects: a flat namespace of containers (one per backup's `container`
 * field) holding named objects (chunks, the metadata object, the sha file). The chunked backup
 * driver writes through this interface only, so a posix directory and an S3 bucket are
 * interchangeable.
 */

export interface BackupObjectStore {
  /** `posix` or `s3`: the name the backup service reports as its driver. */
  readonly kind: string;
  /** Makes the container exist (a directory, a bucket); a no-op when it does. */
  ensureContainer(container: string): Promise<void>;
  /** Stores an object whole: a reader never sees a partly written object under `name`. */
  put(container: string, name: string, data: Buffer): Promise<void>;
  /** Reads an object; throws BackupObjectMissing when there is none. */
  get(container: string, name: string): Promise<Buffer>;
  /** Removes an object; a missing object is not an error. */
  delete(container: string, name: string): Promise<void>;
  /** Names of the objects in `container` that start with `prefix`, sorted. */
  list(container: string, prefix: string): Promise<string[]>;
}

export class BackupObjectMissing extends Error {
  constructor(
    readonly container: string,
    readonly objectName: string,
  ) {
    super(`backup object ${container}/${objectName} does not exist`);
    this.name = "BackupObjectMissing";
  }
}
