/**
 * Volume delete (cinder/volume/api.py delete): one compare-and-set moves the volume to `deleting`
 * only if its status, attachments and snapshots allow it; `cascade` takes its snapshots along.
 */
import { sql } from "kysely";
import { casVolume } from "../../db/repos/volumes";
import type { RequestContext } from "../../contract/context";
import { invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { Services } from "../../services";
import { SNAPSHOT_CASCADE_DELETABLE, VOLUME_DELETABLE, VOLUME_TRANSITIONS } from "../../contract/status";
import { findVolume } from "./lookup";
import { heldByVolume, release, settle, volumeDelta } from "../../quota/quota";

export interface DeleteOptions {
  cascade: boolean;
  /** Ignore the status (admin: `os-force_delete`, `DELETE ?force=true` from 3.23). */
  force: boolean;
}

export async function deleteVolume(svc: Services, ctx: RequestContext, id: string, opts: DeleteOptions): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume:delete", v.project_id);
  if (opts.force) authorize(ctx, "volume:force_delete", v.project_id);
  const db = svc.db.kysely;

  // A volume the scheduler never placed has nothing on any backend: it goes at once.
  const gone = await db.transaction().execute(async (trx) => {
    const unplaced = await trx.deleteFrom("volumes").where("id", "=", id).where("host", "is", null).executeTakeFirst();
    if (Number(unplaced.numDeletedRows) !== 1) return false;
    await trx.deleteFrom("volume_metadata").where("volume_id", "=", id).execute();
    await trx.deleteFrom("volume_admin_metadata").where("volume_id", "=", id).execute();
    await release(trx, v.project_id, await volumeDelta(trx, v));
    return true;
  });
  if (gone) return;

  const statuses = opts.force ? undefined : VOLUME_DELETABLE;
  const host = await db.transaction().execute(async (trx) => {
    // Locked and read first: a forced delete may cut short an extend, manage or retype that holds
    // more (or other) quota than the row's size and type say; the rest of its quota is settled here.
    let before = trx.selectFrom("volumes").select(["size", "status", "task", "volume_type_id"]).where("id", "=", id);
    if (svc.db.dialect === "postgres") before = before.forUpdate();
    const held = await before.executeTakeFirst();
    const won = await casVolume(
      trx,
      id,
      {
        status: statuses,
        attachStatusNot: "attached",
        noSnapshots: !opts.cascade,
        snapshotsIn: opts.cascade && !opts.force ? SNAPSHOT_CASCADE_DELETABLE : undefined,
      },
      { status: VOLUME_TRANSITIONS.delete.during, previous_status: null, task: null },
    );
    // Checked again after the row is ours: on PostgreSQL a snapshot or clone committed while this
    // UPDATE waited for the row lock is invisible to its subquery, but not to a new statement.
    if (!won || (!opts.cascade && (await hasSnapshots(trx, id))) || (await clonesInFlight(trx, id))) {
      // As cinder/volume/api.py delete words it, down to the double space a force delete leaves.
      const status = statuses ? `status must be ${statuses.join(" or ")} and` : "";
      throw invalidVolume(
        `Volume ${status} must not be migrating, attached, belong to a group, have snapshots, ` +
          `awaiting a transfer, or be disassociated from snapshots after volume transfer.`,
      );
    }
    if (held) await settle(trx, v.project_id, await heldByVolume(trx, held), await volumeDelta(trx, held));
    if (opts.cascade) {
      await trx.updateTable("snapshots").set({ status: "deleting" }).where("volume_id", "=", id).execute();
    }
    const row = await trx.selectFrom("volumes").select("host").where("id", "=", id).executeTakeFirstOrThrow();
    return row.host as string;
  });
  svc.volumes.deleteVolume(host, id);
}

async function hasSnapshots(trx: Parameters<typeof casVolume>[0], id: string): Promise<boolean> {
  const row = await trx.selectFrom("snapshots").select(sql.lit(1).as("one")).where("volume_id", "=", id).executeTakeFirst();
  return row !== undefined;
}

/** A clone still being copied from this volume would lose its source. */
async function clonesInFlight(trx: Parameters<typeof casVolume>[0], id: string): Promise<boolean> {
  const row = await trx
    .selectFrom("volumes")
    .select(sql.lit(1).as("one"))
    .where("source_volid", "=", id)
    .where("status", "=", "creating")
    .executeTakeFirst();
  return row !== undefined;
}
