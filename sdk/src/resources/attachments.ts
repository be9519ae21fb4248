/**
 * Attachments (api-ref "Attachments", cinder/api/v3/attachments.py; 3.27+): reserve a volume for a
 * server, connect it with the host's connector, complete (3.44), list, show and delete.
 */
import type { CinderClient } from "../client";
import { ACTION_REQUIREMENTS } from "../microversions";
import { paginate, type Pager } from "../paginate";
import type { CallOptions, Op, QueryInput, QueryParams, Schemas } from "../types";
import { idOf, type Ref } from "../wait";

export type Attachment = Schemas["Attachment"];
export type AttachmentSummary = Schemas["AttachmentSummary"];
export type AttachmentCreate = Schemas["AttachmentCreateRequest"]["attachment"];
export type AttachmentListQuery = QueryInput<QueryParams<Op<"/v3/{project_id}/attachments/detail", "get">>>;

export function attachments(c: CinderClient) {
  const at = (ref: Ref) => ({ attachment_id: idOf(ref) });

  return {
    /** Attachments in detail, every page (the pager follows `attachments_links`; `limit` sizes the pages). */
    list: (query?: AttachmentListQuery, opts?: CallOptions): Pager<Attachment> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/attachments/detail", { query: q, ok: [200], ...opts });
        return { items: data.attachments, links: data.attachments_links };
      }, query),

    /** Attachments with their summary fields (`GET /attachments`). */
    listBrief: (query?: AttachmentListQuery, opts?: CallOptions): Pager<AttachmentSummary> =>
      paginate(async (q) => {
        const { data } = await c.request("get", "/v3/{project_id}/attachments", { query: q, ok: [200], ...opts });
        return { items: data.attachments, links: data.attachments_links };
      }, query),

    get: async (ref: Ref, opts?: CallOptions): Promise<Attachment> =>
      (await c.request("get", "/v3/{project_id}/attachments/{attachment_id}", { path: at(ref), ok: [200], ...opts })).data.attachment,

    /**
     * Reserve the volume (no connector: volume and attachment `reserved`), or reserve and connect
     * (with a connector: `connection_info` filled in). `mode` needs 3.54.
     */
    create: async (attachment: AttachmentCreate, opts?: CallOptions): Promise<Attachment> =>
      (
        await c.request("post", "/v3/{project_id}/attachments", {
          body: { attachment },
          ok: [200],
          ...(attachment.mode !== undefined ? { minVersion: "3.54" } : {}),
          ...opts,
        })
      ).data.attachment,

    /** Connect a reserved attachment with the host's connector; returns it with its `connection_info`. */
    update: async (ref: Ref, connector: Record<string, unknown>, opts?: CallOptions): Promise<Attachment> =>
      (
        await c.request("put", "/v3/{project_id}/attachments/{attachment_id}", {
          path: at(ref),
          body: { attachment: { connector } },
          ok: [200],
          ...opts,
        })
      ).data.attachment,

    /** Disconnect and remove; returns the volume's remaining attachments. */
    delete: async (ref: Ref, opts?: CallOptions): Promise<AttachmentSummary[]> =>
      (await c.request("delete", "/v3/{project_id}/attachments/{attachment_id}", { path: at(ref), ok: [200], ...opts })).data.attachments,

    /** Mark the attachment attached and its volume in-use (3.44; 204). */
    complete: async (ref: Ref, opts?: CallOptions): Promise<void> => {
      await c.request("post", "/v3/{project_id}/attachments/{attachment_id}/action", {
        path: at(ref),
        body: { "os-complete": null },
        ok: [204],
        minVersion: ACTION_REQUIREMENTS.completeAttachment,
        operation: "attachment action os-complete",
        ...opts,
      });
    },
  };
}
