/**
 * Listing attachments (cinder/api/v3/attachments.py `_items`; cinder/db/sqlalchemy/api.py
 * volume_attachment_get_all / volume_attachment_get_all_by_project): the caller's project, or
 * every project for an admin with `all_tenants`; a keyset page after the marker.
 */
import { type AttachmentFilters, attachmentMarker, pageAttachments } from "../../db/repos/attachments";
import type { Page } from "../../db/repos/listing";
import type { SortKey } from "../../contract/paging";
import type { AttachmentRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import type { DbDeps } from "./deps";
import { attachmentNotFound } from "./attachments";

export interface AttachmentListQuery {
  filters: AttachmentFilters;
  sort: SortKey[];
  limit: number;
  marker?: string;
  offset: number;
}

/** No policy beyond authentication (Cinder checks none for attachment lists). */
export async function listAttachments(svc: DbDeps, _ctx: RequestContext, q: AttachmentListQuery): Promise<Page<AttachmentRow>> {
  const db = svc.db.kysely;
  let marker: AttachmentRow | undefined;
  if (q.marker !== undefined) {
    marker = await attachmentMarker(db, q.marker, q.filters.projectId);
    if (!marker) throw attachmentNotFound(q.marker);
  }
  return pageAttachments(db, q.filters, q.sort, marker, q.limit, q.offset);
}
