/**
 * In-process per-resource locks for driver work: the volume manager never runs two operations on
 * the same volume or snapshot at once (cf. Cinder's @coordination.synchronized('{volume.id}-...')).
 * The status compare-and-set in the database is what arbitrates between API requests; these locks
 * only order the manager's own work.
 */
export class KeyedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run fn holding every lock in keys (taken in sorted order, so two callers never deadlock). */
  async with<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const key of sorted) releases.push(await this.acquire(key));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Whether work on this key holds its lock or waits for it. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
