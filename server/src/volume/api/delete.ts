/**
 * Volume delete (cinder/volume/api.py delete): one compare-and-set moves the volume to `deleting`
 * only if its status, attachments and snapshots allow it; `cascade` takes its snapshots along.
 * Unmanage (cinder/api/contrib/volume_unmanage.py) is the same delete with `unmanage_only`: the
 * volume goes `unmanaging` and its volume service keeps the data.
 */
import { queueOf } from "../../bus/rpc";
import { assertNotFrozen } from "./replication";
import { casVolume, creatingFrom, deleteUnplacedVolume, getVolume, lockQuotaColumns } from "../../db/repos/volumes";
import { setSnapshotsOfVolumeStatus, volumeHasSnapshots } from "../../db/repos/snapshots";
import type { RequestContext } from "../../contract/context";
import { CinderError, invalidVolume } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { CastDeps } from "./deps";
import type { Services } from "../../services";
import type { VolumeRow } from "../../db/schema";
import { recordMessage } from "../../db/repos/messages";
import { Action, Detail, MessageResource } from "../../contract/messages";
import { SNAPSHOT_CASCADE_DELETABLE, VOLUME_DELETABLE, VOLUME_TRANSITIONS } from "../../contract/status";
import { findVolume } from "./lookup";
import { heldByVolume, release, settle, volumeDelta, volumeHolding } from "../../quota/quota";
import type { DeleteOptions } from "../../contract/api";
import { forgetVolumeKey, type KeyDeps } from "./keys";

export async function deleteVolume(svc: CastDeps & KeyDeps, ctx: RequestContext, id: string, opts: DeleteOptions): Promise<void> {
  return removeVolume(svc, ctx, await findVolume(svc, ctx, id), opts);
}

/** What unmanaging reaches besides a delete's: where its refusal of an encrypted volume is recorded. */
export type UnmanageDeps = CastDeps & KeyDeps & Pick<Services, "config" | "log">;

export async function unmanageVolume(svc: UnmanageDeps, ctx: RequestContext, id: string): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_unmanage", v.project_id);
  return removeVolume(svc, ctx, v, { cascade: false, force: false, unmanage: true }, async () => {
    // cinder/volume/api.py delete raises Invalid(reason=...) here, whose fault reads "Unacceptable
    // parameters." (the exception ignores the reason): the message it means is answered instead.
    const refusal = new CinderError(400, "Unmanaging encrypted volumes is not supported.");
    await recordMessage(
      svc.db.kysely,
      {
        projectId: v.project_id,
        requestId: ctx.requestId,
        action: Action.UNMANAGE_VOLUME,
        resourceType: MessageResource.VOLUME,
        resourceUuid: v.id,
        detail: Detail.UNMANAGE_ENC_NOT_SUPPORTED,
      },
      svc.config.messageTtlSeconds,
      svc.log,
    );
    return refusal;
  });
}

async function removeVolume(
  svc: CastDeps & KeyDeps,
  ctx: RequestContext,
  v: VolumeRow,
  opts: DeleteOptions & { unmanage?: boolean },
  refuseEncrypted?: () => Promise<CinderError>,
): Promise<void> {
  const id = v.id;
  authorize(ctx, "volume:delete", v.project_id);
  if (opts.force) authorize(ctx, "volume:force_delete", v.project_id);
  const db = svc.db.kysely;

  // A volume the scheduler never placed has nothing on any backend: it goes at once. (A volume
  // read with its host is placed: a host, once set, is never taken away.)
  const gone =
    !v.host &&
    (await db.transaction().execute(async (trx) => {
      if (!(await deleteUnplacedVolume(trx, id))) return false;
      await release(trx, v.project_id, await volumeDelta(trx, v));
      return true;
    }));
  if (gone) return forgetVolumeKey(svc, ctx, v);
  if (opts.unmanage) {
    if (v.encryption_key_id !== null && refuseEncrypted) throw await refuseEncrypted();
  } else {
    await assertNotFrozen(svc, v);
  }

  const statuses = opts.force ? undefined : VOLUME_DELETABLE;
  const during = opts.unmanage ? VOLUME_TRANSITIONS.unmanage.during : VOLUME_TRANSITIONS.delete.during;
  const host = await db.transaction().execute(async (trx) => {
    // Locked and read first: a forced delete may cut short an extend, manage or retype that holds
    // more (or other) quota than the row's size and type say; the rest of its quota is settled here.
    const held = await lockQuotaColumns(trx, svc.db.dialect, id);
    const won = await casVolume(
      trx,
      id,
      {
        status: statuses,
        attachStatusNot: "attached",
        groupIs: null,
        migrationIdle: true,
        noSnapshots: !opts.cascade,
        snapshotsIn: opts.cascade && !opts.force ? SNAPSHOT_CASCADE_DELETABLE : undefined,
      },
      { status: during, previous_status: null, task: null },
    );
    // Checked again after the row is ours: on PostgreSQL a snapshot or clone committed while this
    // UPDATE waited for the row lock is invisible to its subquery, but not to a new statement.
    if (!won || (!opts.cascade && (await volumeHasSnapshots(trx, id))) || (await creatingFrom(trx, "volume", id))) {
      // As cinder/volume/api.py delete words it, down to the double space a force delete leaves.
      const status = statuses ? `status must be ${statuses.join(" or ")} and` : "";
      throw invalidVolume(
        `Volume ${status} must not be migrating, attached, belong to a group, have snapshots, ` +
          `awaiting a transfer, or be disassociated from snapshots after volume transfer.`,
      );
    }
    // Nothing in flight holds more or other than the row says: nothing to settle.
    if (held && !holdsAsRow(held)) await settle(trx, v.project_id, await heldByVolume(trx, held), await volumeDelta(trx, held));
    if (opts.cascade) await setSnapshotsOfVolumeStatus(trx, id, "deleting");
    // The row is this transaction's since the compare-and-set won.
    return queueOf((await getVolume(trx, id))!);
  });
  if (opts.unmanage) return svc.volumes.unmanageVolume(host, id);
  // The volume is bound to go: its key goes now, unless a snapshot or another volume holds it.
  await forgetVolumeKey(svc, ctx, v);
  svc.volumes.deleteVolume(host, id);
}

/** The row's operation in flight holds just what its size and type say. */
function holdsAsRow(held: Parameters<typeof volumeHolding>[0]): boolean {
  const h = volumeHolding(held);
  return h.gigabytes === held.size && h.typeId === held.volume_type_id;
}
