/**
 * User messages (api-ref "Messages (messages)", cinder/api/v3/messages.py; 3.3+): why an
 * asynchronous operation failed (a volume in `error`, an extend put back, a snapshot in `error`),
 * in the caller's project. Paging, sorting and filters need 3.5.
 */
import type { CinderClient } from "../client";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, type Ref } from "../wait";

export type Message = Schemas["Message"];
export type MessageListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/messages", "get">>>;

export function messages(c: CinderClient) {
  const at = (ref: Ref) => ({ message_id: idOf(ref) });

  return {
    /**
     * Every message, page by page (the pager follows `messages_links`; `limit` sizes the pages);
     * filters `resource_uuid`, `resource_type`, `event_id`, `request_id`, `message_level`.
     */
    list: (query?: MessageListQuery, opts?: CallOptions): Pager<Message> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/messages", { query: q, ok: [200], ...opts });
        return { items: data.messages, links: data.messages_links };
      }, query),

    get: async (ref: Ref, opts?: CallOptions): Promise<Message> =>
      (await c.request("get", "/v3/{project_id}/messages/{message_id}", { path: at(ref), ok: [200], ...opts })).data.message,

    /** Remove a message (204). */
    delete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("delete", "/v3/{project_id}/messages/{message_id}", { path: at(ref), ok: [204], ...opts });
    },
  };
}
