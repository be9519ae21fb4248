/** The user message representation (cinder/api/v3/views/messages.py `detail`). */
import type { MessageRow } from "../../db/schema";
import { userMessageOf } from "../../contract/messages";
import { resourceLinks, type LinkBase } from "./links";

/** Its fields, `guaranteed_until` from its expiry; the resource only when set. */
export function messageView(link: LinkBase, m: MessageRow): Record<string, unknown> {
  return {
    id: m.id,
    event_id: m.event_id,
    user_message: userMessageOf(m.action_id, m.detail_id),
    message_level: m.message_level,
    created_at: m.created_at,
    guaranteed_until: m.expires_at,
    request_id: m.request_id,
    links: resourceLinks(link, "messages", m.id),
    ...(m.resource_type ? { resource_type: m.resource_type } : {}),
    ...(m.resource_uuid ? { resource_uuid: m.resource_uuid } : {}),
  };
}
