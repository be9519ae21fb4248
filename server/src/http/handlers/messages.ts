/** User messages (cinder/api/v3/messages.py): list, show, delete. */
import { deleteMessage, listMessages, showMessage } from "../../volume/api/messages";
import type { Handlers } from "../handler";
import { parseMessageListQuery } from "../query";
import { messageView } from "../views/messages";
import { collectionLinks } from "./common";

type H = Pick<Handlers, "listMessages" | "showMessage" | "deleteMessage">;

export const messageHandlers: H = {
  listMessages: async (req) => {
    const page = await listMessages(req.svc, req.ctx, parseMessageListQuery(req.ctx, req.query, req.svc.config.maxLimit));
    return {
      body: {
        messages: page.rows.map((m) => messageView(req.link, m)),
        ...collectionLinks(req, "messages_links", "messages", page.more, page.rows.at(-1)?.id),
      },
    };
  },

  showMessage: async (req) => ({ body: { message: messageView(req.link, await showMessage(req.svc, req.ctx, req.params.message_id)) } }),

  deleteMessage: async (req) => {
    await deleteMessage(req.svc, req.ctx, req.params.message_id);
    return {};
  },
};
