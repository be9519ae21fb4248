/** Attachment handlers (cinder/api/v3/attachments.py). */
import {
  completeAttachment,
  createAttachment,
  deleteAttachment,
  findAttachment,
  updateAttachmentConnector,
} from "../../volume/api/attachments";
import { listAttachments } from "../../volume/api/attachments-list";
import type { Connector } from "../../targets/interface";
import type { Handlers } from "../handler";
import { parseAttachmentListQuery } from "../query";
import { attachmentDetail, attachmentSummary } from "../views/attachments";
import { collectionLinks } from "./common";

type H = Pick<
  Handlers,
  "createAttachment" | "listAttachments" | "listAttachmentsDetail" | "showAttachment" | "updateAttachment" | "deleteAttachment" | "completeAttachment"
>;

export const attachmentHandlers: H = {
  createAttachment: async (req) => {
    const b = req.body.attachment;
    const mode = (b as { mode?: string }).mode;
    const row = await createAttachment(req.svc, req.ctx, {
      volumeId: b.volume_uuid,
      instanceUuid: b.instance_uuid ?? null,
      connector: (b.connector ?? null) as Connector | null,
      ...(mode !== undefined ? { mode } : {}),
    });
    return { body: { attachment: attachmentDetail(row) } };
  },

  listAttachments: async (req) => {
    const page = await listAttachments(req.svc, req.ctx, parseAttachmentListQuery(req.ctx, req.query, req.svc.config.maxLimit));
    return {
      body: {
        attachments: page.rows.map(attachmentSummary),
        ...collectionLinks(req, "attachments_links", "attachments", page.more, page.rows.at(-1)?.id),
      },
    };
  },

  listAttachmentsDetail: async (req) => {
    const page = await listAttachments(req.svc, req.ctx, parseAttachmentListQuery(req.ctx, req.query, req.svc.config.maxLimit));
    return {
      body: {
        attachments: page.rows.map(attachmentDetail),
        ...collectionLinks(req, "attachments_links", "attachments/detail", page.more, page.rows.at(-1)?.id),
      },
    };
  },

  showAttachment: async (req) => {
    const { a } = await findAttachment(req.svc, req.ctx, req.params.attachment_id);
    return { body: { attachment: attachmentDetail(a) } };
  },

  updateAttachment: async (req) => {
    const row = await updateAttachmentConnector(req.svc, req.ctx, req.params.attachment_id, req.body.attachment.connector as Connector);
    return { body: { attachment: attachmentDetail(row) } };
  },

  deleteAttachment: async (req) => {
    const rows = await deleteAttachment(req.svc, req.ctx, req.params.attachment_id);
    return { body: { attachments: rows.map(attachmentSummary) } };
  },

  completeAttachment: async (req) => {
    await completeAttachment(req.svc, req.ctx, req.params.attachment_id);
    return {};
  },
};
