/**
 * User messages of the operations a volume manager carries out (cinder/volume/manager.py and its
 * create flow): written when the driver fails, about the volume or snapshot, in its project, with
 * the id of the API request the operation came from (a fresh one when a restart resumed it).
 */
import { recordMessage } from "../../db/repos/messages";
import { MESSAGE_TTL_SECONDS, newRequestId, type MessageInput } from "../../contract/messages";
import type { VolumeManager } from "./manager";

export type Failure = Omit<MessageInput, "requestId"> & { requestId?: string };

export function recordFailure(m: VolumeManager, f: Failure): Promise<void> {
  return recordMessage(m.db.kysely, { ...f, requestId: f.requestId ?? newRequestId() }, m.opts.messageTtlSeconds ?? MESSAGE_TTL_SECONDS, m.log);
}
