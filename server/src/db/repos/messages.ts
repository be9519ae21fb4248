/**
 * User message rows (cinder/db/sqlalchemy/api.py message_create, message_get, message_get_all,
 * message_destroy, cleanup_expired_messages). A deleted message keeps its row (deleted = 1, as
 * Cinder's soft delete) until it expires; an expired one is never read, whether or not the reaper
 * has removed it yet.
 */
import { randomUUID } from "node:crypto";
import { type Kysely, type Transaction, sql } from "kysely";
import type { SortKey } from "../../contract/paging";
import { eventIdOf, detailIdOf, MessageResource, type MessageInput } from "../../contract/messages";
import { now, timestampAt } from "../../contract/time";
import { afterMarker, sortExpr, withIdTiebreak } from "../paginate";
import type { Database, MessageRow } from "../schema";
import { pageOf, type Page } from "./listing";
import type { Log } from "../../log";

type Q = Kysely<Database> | Transaction<Database>;

/** What a message list selects (cf. _process_messages_filters). */
export interface MessageFilters {
  /** Only this project's messages; undefined for every project (an admin). */
  projectId?: string;
  /** Column = value. */
  equals: Record<string, string>;
  /** Column contains the text, case-insensitively (`key~`, 3.34). */
  like: Record<string, string>;
  /** A filter on something messages do not have: nothing matches (is_valid_model_filters). */
  matchNothing: boolean;
}

/** cinder/message/api.py create: the row of a message, expiring `ttlSeconds` from now. */
export async function insertMessage(db: Q, m: MessageInput, ttlSeconds: number): Promise<MessageRow> {
  const resourceType = m.resourceType ?? MessageResource.VOLUME;
  const detailId = detailIdOf(m.errorKind, m.detail);
  const row: MessageRow = {
    id: randomUUID(),
    project_id: m.projectId,
    message_level: "ERROR",
    request_id: m.requestId,
    resource_type: resourceType,
    resource_uuid: m.resourceUuid ?? null,
    event_id: eventIdOf(resourceType, m.action[0], detailId),
    detail_id: detailId,
    action_id: m.action[0],
    expires_at: timestampAt(Date.now() + ttlSeconds * 1000),
    created_at: now(),
    updated_at: null,
    deleted_at: null,
    deleted: 0,
  };
  await db.insertInto("messages").values(row).execute();
  return row;
}

/** Messages that are neither deleted nor expired, of one project or of all. */
function visible(db: Q, projectId: string | undefined) {
  let q = db
    .selectFrom("messages")
    .selectAll()
    .where("deleted", "=", 0)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", timestampAt(Date.now()))]));
  if (projectId !== undefined) q = q.where("project_id", "=", projectId);
  return q;
}

/** message_get with project_only: a non-admin's lookup is scoped to its project. */
export async function getMessage(db: Q, id: string, projectId: string | undefined): Promise<MessageRow | undefined> {
  return visible(db, projectId).where("id", "=", id).executeTakeFirst();
}

/** One keyset page of messages (the same paging as the other lists, db/paginate.ts). */
export async function pageMessages(
  db: Q,
  f: MessageFilters,
  sort: readonly SortKey[],
  marker: MessageRow | undefined,
  limit: number,
  offset: number,
): Promise<Page<MessageRow>> {
  if (f.matchNothing) return { rows: [], more: false };
  let q = visible(db, f.projectId);
  for (const [col, v] of Object.entries(f.equals)) q = q.where(sql.ref(col), "=", v);
  for (const [col, text] of Object.entries(f.like)) {
    const pattern = "%" + text.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c) + "%";
    q = q.where(sql`lower(${sql.ref(col)})`, "like", sql<string>`${pattern} escape '\\'`);
  }
  const keys = withIdTiebreak(sort);
  if (marker) q = q.where((eb) => afterMarker(eb, keys, marker as unknown as Record<string, unknown>));
  for (const k of keys) q = q.orderBy(sortExpr(k), k.dir);
  if (offset > 0) q = q.offset(offset);
  return pageOf(await q.limit(limit).execute(), limit);
}

/** message_destroy: the message is gone for every reader. */
export async function deleteMessage(db: Q, id: string): Promise<boolean> {
  const t = now();
  const r = await db.updateTable("messages").set({ deleted: 1, deleted_at: t }).where("id", "=", id).where("deleted", "=", 0).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** cleanup_expired_messages: remove every message past its expiry (deleted ones too); how many. */
export async function reapExpiredMessages(db: Q): Promise<number> {
  const r = await db.deleteFrom("messages").where("expires_at", "<", timestampAt(Date.now())).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Write a message where an operation failed, never failing the operation itself: a message that
 * cannot be written is logged (cinder/message/api.py create catches and logs too).
 */
export async function recordMessage(db: Q, m: MessageInput, ttlSeconds: number, log: Log): Promise<void> {
  try {
    const row = await insertMessage(db, m, ttlSeconds);
    log.info({ messageId: row.id, eventId: row.event_id, requestId: m.requestId, resourceUuid: m.resourceUuid }, "user message recorded");
  } catch (err) {
    log.error({ err, requestId: m.requestId }, "failed to record a user message");
  }
}
