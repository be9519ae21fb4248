/**
 * Thin adapter over @cinderblock/sdk for what the provider needs and the SDK does not offer: 404 as
 * undefined (read) or as done (delete). Everything else is called on the client directly.
 */
import { isNotFound } from "@cinderblock/sdk";

/** Run `f`, mapping a 404 to undefined (read: gone). */
export async function orGone<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Run `f`, treating a 404 as done (delete: already gone). */
export async function ignoreGone(f: () => Promise<unknown>): Promise<void> {
  await orGone(f);
}
