/**
 * Transfer rows (cinder/db/sqlalchemy/api.py transfer_*). Pending transfers are those not deleted;
 * an accepted one is kept as history, deleted and accepted.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database, TransferRow, TransfersTable } from "../schema";
import { now } from "../../contract/time";

type Q = Kysely<Database> | Transaction<Database>;

/** A pending transfer, with the project that owns its volume now (null when the volume is gone). */
export type PendingTransfer = TransferRow & { volume_project_id: string | null };

function pending(db: Q) {
  return db
    .selectFrom("transfers")
    .leftJoin("volumes", "volumes.id", "transfers.volume_id")
    .selectAll("transfers")
    .select("volumes.project_id as volume_project_id")
    .where("transfers.deleted", "=", 0);
}

export async function getPendingTransfer(db: Q, id: string): Promise<PendingTransfer | undefined> {
  return pending(db).where("transfers.id", "=", id).executeTakeFirst();
}

/** Pending transfers of the volumes of one project (or of every project), oldest first. */
export async function listPendingTransfers(db: Q, projectId: string | undefined): Promise<PendingTransfer[]> {
  let q = pending(db);
  if (projectId !== undefined) q = q.where("volumes.project_id", "=", projectId);
  return q.orderBy("transfers.created_at", "asc").orderBy("transfers.id", "asc").execute();
}

export async function insertTransfer(db: Q, row: TransfersTable): Promise<void> {
  await db.insertInto("transfers").values(row).execute();
}

export async function deleteTransferRow(db: Q, id: string): Promise<boolean> {
  const res = await db.deleteFrom("transfers").where("id", "=", id).where("deleted", "=", 0).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/** Marks the transfer accepted by `projectId` if it is still pending: true for the one caller that wins. */
export async function markAccepted(db: Q, id: string, projectId: string): Promise<boolean> {
  const t = now();
  const res = await db
    .updateTable("transfers")
    .set({ accepted: 1, deleted: 1, deleted_at: t, updated_at: t, destination_project_id: projectId })
    .where("id", "=", id)
    .where("deleted", "=", 0)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Moves the volume's snapshots to another project and user (transfer_accept without no_snapshots). */
export async function moveSnapshotsOfVolume(db: Q, volumeId: string, fromProject: string, projectId: string, userId: string): Promise<void> {
  await db
    .updateTable("snapshots")
    .set({ project_id: projectId, user_id: userId, updated_at: now() })
    .where("volume_id", "=", volumeId)
    .where("project_id", "=", fromProject)
    .execute();
}
