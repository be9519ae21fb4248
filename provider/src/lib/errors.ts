/** Errors the provider raises with meaning for the engine. */
import type { Props } from "./wire";

/**
 * The resource exists but did not become ready (e.g. a volume that went to `error`). The server
 * turns this into `pulumirpc.ErrorResourceInitFailed`, so the engine records the id and state as
 * partial state: nothing is orphaned, nothing is hidden, and the next `up` can replace it.
 */
export class ResourceInitFailedError extends Error {
  override name = "ResourceInitFailedError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}

/** Input the provider cannot act on, found outside Check (e.g. a missing resource for an invoke). */
export class ProviderInputError extends Error {
  override name = "ProviderInputError";
}
