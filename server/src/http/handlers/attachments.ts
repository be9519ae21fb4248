/** Attachment handlers (cinder/api/v3/attachments.py). */
import {
  completeAttachment,
  createAttachment,
  deleteAttachment,
  findAttachment,
  listAttachments,
  updateAttachmentConnector,
  type AttachmentListQuery,
} from "../../volume/api/attachments";
import type { Connector } from "../../targets/interface";
import type { Handlers, HandlerRequest } from "../handler";
import { badRequest } from "../errors";
import { attachmentDetail, attachmentSummary } from "../views/attachments";
import { queryFlag } from "./common";

type H = Pick<
  Handlers,
  "createAttachment" | "listAttachments" | "listAttachmentsDetail" | "showAttachment" | "updateAttachment" | "deleteAttachment" | "completeAttachment"
>;

function int(req: HandlerRequest<unknown>, name: string): number | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} param must be an integer`);
  return Number(raw);
}

function listQuery(req: HandlerRequest<unknown>): AttachmentListQuery {
  const max = req.svc.config.maxLimit;
  const limit = int(req, "limit");
  const filters: Record<string, string> = {};
  for (const k of ["volume_id", "status", "attach_status", "instance_id", "project_id"]) {
    if (req.query[k] !== undefined) filters[k] = req.query[k];
  }
  const dir = (req.query.sort_dir ?? req.query.sort?.split(":")[1] ?? "desc").toLowerCase();
  return {
    allTenants: queryFlag(req, "all_tenants"),
    filters,
    limit: Math.min(limit ?? max, max),
    marker: req.query.marker,
    offset: int(req, "offset"),
    sortDesc: dir !== "asc",
  };
}

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
    const rows = await listAttachments(req.svc, req.ctx, listQuery(req));
    return { body: { attachments: rows.map(attachmentSummary) } };
  },

  listAttachmentsDetail: async (req) => {
    const rows = await listAttachments(req.svc, req.ctx, listQuery(req));
    return { body: { attachments: rows.map(attachmentDetail) } };
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
