/**
 * User messages (cinder/api/v3/messages.py, cinder/message/api.py): list, show and delete. A
 * non-admin sees its own project's messages (model_query project_only), an admin every project's.
 */
import { deleteMessage as removeMessage, getMessage, type MessageFilters, pageMessages } from "../../db/repos/messages";
import type { Page } from "../../db/repos/listing";
import type { MessageRow } from "../../db/schema";
import type { Paging } from "../../contract/paging";
import type { RequestContext } from "../../contract/context";
import { notFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { DbDeps } from "./deps";

export interface MessageListQuery extends Paging {
  filters: MessageFilters;
}

/** exception.MessageNotFound. */
export const messageNotFound = (id: string) => notFound(`Message ${id} could not be found.`);

/** The project a caller's lookups are scoped to: none for an admin. */
const scopeOf = (ctx: RequestContext): string | undefined => (ctx.isAdmin ? undefined : ctx.projectId);

/** `message:get_all`, then a keyset page after the marker (a marker the caller cannot see: 404). */
export async function listMessages(svc: DbDeps, ctx: RequestContext, q: MessageListQuery): Promise<Page<MessageRow>> {
  authorize(ctx, "message:get_all");
  const db = svc.db.kysely;
  let marker: MessageRow | undefined;
  if (q.marker !== undefined) {
    marker = await getMessage(db, q.marker, scopeOf(ctx));
    if (!marker) throw messageNotFound(q.marker);
  }
  return pageMessages(db, q.filters, q.sort, marker, q.limit, q.offset);
}

/** The message as the caller may see it (404 otherwise), then `message:get` on its project. */
export async function showMessage(svc: DbDeps, ctx: RequestContext, id: string): Promise<MessageRow> {
  const m = await getMessage(svc.db.kysely, id, scopeOf(ctx));
  if (!m) throw messageNotFound(id);
  authorize(ctx, "message:get", m.project_id);
  return m;
}

/** Looked up as for a show, then `message:delete` on its project. */
export async function deleteMessage(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  const m = await getMessage(svc.db.kysely, id, scopeOf(ctx));
  if (!m) throw messageNotFound(id);
  authorize(ctx, "message:delete", m.project_id);
  if (!(await removeMessage(svc.db.kysely, id))) throw messageNotFound(id);
}
