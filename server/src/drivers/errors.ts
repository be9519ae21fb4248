/**
 * Errors a driver throws for the manager to tell apart from failures (cinder/exception.py).
 */

/**
 * The snapshot cannot go while volumes depend on it (Cinder's SnapshotIsBusy, e.g. an RBD snapshot
 * with clones): the manager gives the snapshot back as `available` rather than `error_deleting`.
 */
export class SnapshotBusyError extends Error {
  constructor(snapshotId: string, reason: string) {
    super(`Snapshot ${snapshotId} is still in use: ${reason}`);
    this.name = "SnapshotBusyError";
  }
}
