/**
 * Attachment rows (cf. cinder/db/sqlalchemy/api.py volume_attach / volume_attached /
 * volume_detached, volume_attachment_get_all[_by_project]).
 */
import { type Kysely, type Transaction, type Updateable, sql } from "kysely";
import type { SortKey } from "../../contract/paging";
import { afterMarker, sortExpr, withIdTiebreak } from "../paginate";
import type { AttachmentRow, Database, VolumeAttachmentTable } from "../schema";
import { now } from "../../contract/time";
import type { AttachStatus } from "../../contract/status";
import { pageOf, type Page } from "./listing";

type Q = Kysely<Database> | Transaction<Database>;

export async function attachmentsOf(db: Q, volumeIds: readonly string[], statuses?: readonly AttachStatus[]): Promise<AttachmentRow[]> {
  if (volumeIds.length === 0) return [];
  let q = db.selectFrom("volume_attachment").selectAll().where("volume_id", "in", [...volumeIds]);
  if (statuses) q = q.where("attach_status", "in", [...statuses]);
  return q.orderBy("created_at").orderBy("id").execute();
}

export async function getAttachment(db: Q, id: string): Promise<AttachmentRow | undefined> {
  return db.selectFrom("volume_attachment").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertAttachment(db: Q, row: VolumeAttachmentTable): Promise<void> {
  await db.insertInto("volume_attachment").values(row).execute();
}

export async function updateAttachment(db: Q, id: string, values: Updateable<VolumeAttachmentTable>): Promise<void> {
  await db.updateTable("volume_attachment").set({ ...values, updated_at: now() }).where("id", "=", id).execute();
}

export async function deleteAttachment(db: Q, id: string): Promise<void> {
  await db.deleteFrom("volume_attachment").where("id", "=", id).execute();
}

/** What an attachment list selects (cf. cinder/db/sqlalchemy/api.py _process_attachment_filters). */
export interface AttachmentFilters {
  /** Only attachments of this project's volumes; undefined for every project. */
  projectId?: string;
  /** Column = value. */
  equals: Record<string, string>;
  /** Column contains the text, case-insensitively (an admin's `key~`). */
  like: Record<string, string>;
  /** A filter on something attachments do not have: nothing matches (is_valid_model_filters). */
  matchNothing: boolean;
}

/** The marker row of an attachment list, if the list may show it. */
export async function attachmentMarker(db: Q, id: string, projectId: string | undefined): Promise<AttachmentRow | undefined> {
  let q = db.selectFrom("volume_attachment").selectAll("volume_attachment").where("volume_attachment.id", "=", id);
  if (projectId !== undefined) {
    q = q.innerJoin("volumes", "volumes.id", "volume_attachment.volume_id").where("volumes.project_id", "=", projectId);
  }
  return q.executeTakeFirst();
}

/**
 * One keyset page of attachments (the same paging as volumes and snapshots, db/paginate.ts). The
 * project is a subquery rather than a join, so that sort keys and the marker comparison name the
 * attachment's own columns.
 */
export async function pageAttachments(
  db: Q,
  f: AttachmentFilters,
  sort: readonly SortKey[],
  marker: AttachmentRow | undefined,
  limit: number,
  offset: number,
): Promise<Page<AttachmentRow>> {
  if (f.matchNothing) return { rows: [], more: false };
  let q = db.selectFrom("volume_attachment").selectAll();
  if (f.projectId !== undefined) {
    const project = f.projectId;
    q = q.where("volume_id", "in", (eb) => eb.selectFrom("volumes").select("volumes.id").where("volumes.project_id", "=", project));
  }
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
