/**
 * Thin adapter over @cinderblock/sdk for what the provider needs and the SDK does not (yet) offer:
 * `os-retype` (not in the spec or the server yet), 404-as-undefined getters, and the error shape
 * checks. Everything else is called on the client directly.
 */
import { isNotFound, type CinderClient, type Schemas } from "@cinderblock/sdk";

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

/** `os-retype` (cinder/api/contrib/volume_actions.py `_retype`): change a volume's type in place. */
export async function retype(c: CinderClient, id: string, newType: string, policy: "never" | "on-demand"): Promise<void> {
  await c.volumes.retype(id, newType, policy);
}
