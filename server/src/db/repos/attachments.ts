/** Attachment rows (cf. cinder/db/sqlalchemy/api.py volume_attach / volume_attached / volume_detached). */
import type { Kysely, Transaction, Updateable } from "kysely";
import type { AttachmentRow, Database, VolumeAttachmentTable } from "../schema";
import { now } from "../time";

type Q = Kysely<Database> | Transaction<Database>;

export async function attachmentsOf(db: Q, volumeIds: readonly string[], statuses?: readonly string[]): Promise<AttachmentRow[]> {
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
