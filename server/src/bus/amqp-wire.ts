/**
 * What the AMQP bus puts on the wire (message bodies, a remote failure) and the errors a call
 * rejects with when no reply comes, named after oslo.messaging's.
 */
import { RemoteError } from "./errors";

/** No reply to a call within its timeout (oslo.messaging MessagingTimeout). */
export class MessagingTimeout extends Error {
  constructor(readonly topic: string, readonly method: string, readonly timeoutMs: number) {
    super(`no reply from ${topic}.${method} within ${timeoutMs} ms`);
    this.name = "MessagingTimeout";
  }
}

/** A call that no queue is bound to receive (oslo.messaging MessageUndeliverable). */
export class MessageUndeliverable extends Error {
  constructor(readonly topic: string, readonly method: string) {
    super(`no queue is bound to topic ${topic} (call ${topic}.${method})`);
    this.name = "MessageUndeliverable";
  }
}

/** A cast, call or fanout body. */
export interface Envelope {
  method: string;
  payload: unknown;
  msgId: string;
}

/** The answer to a call. */
export interface Reply {
  msgId: string;
  result?: unknown;
  failure?: { excType: string; value: string };
}

/** A handler's error as a reply: a RemoteError keeps its Cinder exception name, any other error its class name. */
export function failureOf(err: unknown): { excType: string; value: string } {
  if (err instanceof RemoteError) return { excType: err.excType, value: err.value };
  if (err instanceof Error) return { excType: err.name || "Error", value: err.message };
  return { excType: "Error", value: String(err) };
}

/** Wait for a broker round trip, but never longer than `ms`; its failure is ignored. */
export async function bounded(p: Promise<unknown>, ms = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
