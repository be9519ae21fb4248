/**
 * Operations of the spec whose handlers are being written: each answers 501 notImplemented until
 * its module takes it over (remove the name here when it does). The list empties as they land.
 */
import type { Handlers } from "../handler";
import { notImplemented } from "../errors";

export const PENDING = [] as const;

export const pendingHandlers = Object.fromEntries(
  PENDING.map((name) => [name, async () => Promise.reject(notImplemented(name))]),
) as unknown as Pick<Handlers, (typeof PENDING)[number]>;
