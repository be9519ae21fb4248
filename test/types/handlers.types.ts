/**
 * Compile-time checks, run by `npm test` through `tsc` (typecheck): the handler map must cover
 * every operation in the spec, and nothing else.
 */
import type { Handlers } from "../../server/src/http/handler";
import { handlers } from "../../server/src/http/handlers";

const { showVolume: _dropped, ...withoutOne } = handlers;
// @ts-expect-error an operation in the spec without a handler does not compile
export const missing: Handlers = withoutOne;

// @ts-expect-error a handler for no operation does not compile
export const extra: Handlers = { ...handlers, notAnOperation: async () => ({}) };

export const complete: Handlers = handlers;

export const typedBody: Handlers["extendVolume"] = async (req) => {
  const size: number | string = req.body.new_size;
  // @ts-expect-error the action body has no such field
  void req.body.newSize;
  return { body: { size } };
};
