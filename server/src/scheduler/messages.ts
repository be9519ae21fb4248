/**
 * The scheduler's part in user messages (cinder/scheduler/manager.py): the message of a
 * placement no backend passed, and the periodic removal of expired messages
 * (`_clean_expired_messages`, every message_reap_interval, run at once on start).
 */
import type { Db } from "../db/database";
import { reapExpiredMessages, recordMessage } from "../db/repos/messages";
import type { VolumeRow } from "../db/schema";
import { newRequestId, type MessageField } from "../contract/messages";
import type { Log } from "../log";

/** NoValidBackend maps to NO_BACKEND_AVAILABLE (message_field.EXCEPTION_DETAIL_MAPPINGS). */
export function noValidBackendMessage(db: Db, v: VolumeRow, action: MessageField, requestId: string | undefined, ttlSeconds: number, log: Log): Promise<void> {
  const m = { projectId: v.project_id, requestId: requestId ?? newRequestId(), action, resourceUuid: v.id, errorKind: "NoValidBackend" };
  return recordMessage(db.kysely, m, ttlSeconds, log);
}

/** Remove expired messages now and then every `intervalMs` (0: never); the timer to clear on stop. */
export function startMessageReaper(db: Db, intervalMs: number, log: Log): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const reap = async () => {
    const n = await reapExpiredMessages(db.kysely);
    log.info({ count: n }, `Deleted ${n} expired messages.`);
  };
  const run = () => void reap().catch((err: unknown) => log.warn({ err }, "removing expired messages failed"));
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return timer;
}
