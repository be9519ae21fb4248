/**
 * Holding a volume manager's per-resource locks from a test: the manager's work on those resources
 * waits, so a resource an API request moved to a transitional status (extending, deleting, ...)
 * stays there until the test lets go. That is what slow driver work looks like to the API, made
 * deterministic.
 */
import type { TestServer } from "./server";

export interface Held {
  release(): Promise<void>;
}

export async function holdManagerLocks(s: TestServer, keys: string[]): Promise<Held> {
  const manager = s.app.managers[0];
  let letGo!: () => void;
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  let acquired!: () => void;
  const holding = new Promise<void>((resolve) => (acquired = resolve));
  const done = manager.locks.with(keys, async () => {
    acquired();
    await gate;
  });
  await holding;
  return {
    release: async () => {
      letGo();
      await done;
    },
  };
}
