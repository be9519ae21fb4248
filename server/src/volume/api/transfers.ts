/**
 * Volume transfers (cinder/transfer/api.py; rows as cinder/db/sqlalchemy/api.py transfer_create,
 * transfer_destroy, transfer_accept): a project offers one of its volumes, `available`, which waits
 * in `awaiting-transfer` until another project accepts it with the auth key, or the offer is
 * withdrawn. Accepting moves the volume (and its snapshots unless `no_snapshots`) and their quota
 * usage to the accepting project and user, all in one transaction.
 */
import { createHmac, randomBytes, createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { parseVersion } from "../../contract/microversion";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidSnapshot, invalidVolume, notFound } from "../../contract/errors";
import { now } from "../../contract/time";
import { casVolume, getVolume } from "../../db/repos/volumes";
import { snapshotsOfVolume } from "../../db/repos/snapshots";
import * as repo from "../../db/repos/transfers";
import type { PendingTransfer } from "../../db/repos/transfers";
import { authorize } from "../../policy/policy";
import { moveBetweenProjects, snapshotDelta, volumeDelta, type Delta } from "../../quota/quota";
import type { ConfigDeps, DbDeps } from "./deps";
import { findVolume } from "./lookup";

/** cinder/transfer/api.py volume_transfer_salt_length and volume_transfer_key_length defaults. */
const SALT_LENGTH = 8;
const KEY_LENGTH = 16;

export const transferNotFound = (id: string) => notFound(`Transfer ${id} could not be found.`);

/** Random hex digits, as Cinder's _get_random_string makes them (sha224 of random bytes). */
function randomHex(length: number): string {
  let out = "";
  while (out.length < length) out += createHash("sha224").update(randomBytes(255)).digest("hex");
  return out.slice(0, length);
}

/** cinder/transfer/api.py _get_crypt_hash: HMAC-SHA1 keyed by the salt; a number key is its decimal text. */
export function cryptHash(salt: string, authKey: string | number): string {
  return createHmac("sha1", Buffer.from(salt, "utf8")).update(Buffer.from(String(authKey), "utf8")).digest("hex");
}

export interface CreateTransferInput {
  volumeId: string;
  name: string | null;
  noSnapshots: boolean;
}

/** What a create answers: the row and, this once, the auth key. */
export interface CreatedTransfer {
  row: PendingTransfer;
  authKey: string;
}

/** cinder/api/microversions.py TRANSFER_ENCRYPTED_VOLUME. */
const TRANSFER_ENCRYPTED_VOLUME = "3.70";

export async function createTransfer(svc: DbDeps, ctx: RequestContext, input: CreateTransferInput): Promise<CreatedTransfer> {
  const v = await findVolume(svc, ctx, input.volumeId);
  authorize(ctx, "volume:create_transfer", v.project_id);
  if (v.status !== "available") throw invalidVolume("status must be available");
  // cinder/transfer/api.py create: an encrypted volume goes only from 3.70, and with its snapshots
  // (they share its key).
  if (v.encryption_key_id !== null) {
    if (ctx.version < parseVersion(TRANSFER_ENCRYPTED_VOLUME)) throw invalidVolume("transferring encrypted volume is not supported");
    if (input.noSnapshots) throw invalidVolume("transferring an encrypted volume without its snapshots is not supported");
  }
  const salt = randomHex(SALT_LENGTH);
  const authKey = randomHex(KEY_LENGTH);
  const row = {
    id: randomUUID(),
    volume_id: v.id,
    display_name: input.name,
    salt,
    crypt_hash: cryptHash(salt, authKey),
    expires_at: null,
    no_snapshots: input.noSnapshots ? 1 : 0,
    source_project_id: v.project_id,
    destination_project_id: null,
    accepted: 0,
    deleted: 0,
    created_at: now(),
    updated_at: null,
    deleted_at: null,
  };
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Every snapshot must be available unless they stay behind, checked with the status change so
    // that a snapshot started meanwhile is seen (the volume's status then refuses new ones).
    const expect = { status: ["available"] as const, snapshotsIn: input.noSnapshots ? undefined : (["available"] as const) };
    if (!(await casVolume(trx, v.id, expect, { status: "awaiting-transfer" }))) {
      const cur = await getVolume(trx, v.id);
      if (cur?.status === "available" && !input.noSnapshots) {
        const busy = (await snapshotsOfVolume(trx, v.id)).find((s) => s.status !== "available");
        if (busy) throw invalidSnapshot(`Snapshot: ${busy.id}, status: ${busy.status} prevents transferring the volume.`);
      }
      throw invalidVolume(`Transfer ${row.id}: Volume id ${v.id} expected in available state.`);
    }
    await repo.insertTransfer(trx, row);
  });
  return { row: { ...row, volume_project_id: v.project_id }, authKey };
}

/** A pending transfer as the caller may see it: its volume's project's, or any for an admin. */
async function findTransfer(svc: DbDeps, ctx: RequestContext, id: string): Promise<PendingTransfer> {
  const t = await repo.getPendingTransfer(svc.db.kysely, id);
  if (!t || (!ctx.isAdmin && t.volume_project_id !== ctx.projectId)) throw transferNotFound(id);
  return t;
}

export async function showTransfer(svc: DbDeps, ctx: RequestContext, id: string): Promise<PendingTransfer> {
  authorize(ctx, "volume:get_transfer", ctx.projectId);
  return findTransfer(svc, ctx, id);
}

/** The caller's project's pending transfers, oldest first; every project's for an admin asking `all_tenants`. */
export async function listTransfers(svc: DbDeps, ctx: RequestContext, allTenants: boolean): Promise<PendingTransfer[]> {
  authorize(ctx, "volume:get_all_transfers", ctx.projectId);
  return repo.listPendingTransfers(svc.db.kysely, ctx.isAdmin && allTenants ? undefined : ctx.projectId);
}

/** Withdraw the offer: the volume goes back to `available` if it is still awaiting the transfer. */
export async function deleteTransfer(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  const t = await findTransfer(svc, ctx, id);
  authorize(ctx, "volume:delete_transfer", t.volume_project_id ?? ctx.projectId);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.deleteTransferRow(trx, id))) throw transferNotFound(id);
    // A volume in another status (reset by an admin) keeps it; the offer goes all the same.
    await casVolume(trx, t.volume_id, { status: ["awaiting-transfer"] }, { status: "available" });
  });
}

/** What the accept answers (cinder/transfer/api.py accept's dict). */
export interface AcceptedTransfer {
  id: string;
  volume_id: string;
  display_name: string | null;
}

export async function acceptTransfer(svc: ConfigDeps, ctx: RequestContext, id: string, authKey: string | number): Promise<AcceptedTransfer> {
  authorize(ctx, "volume:accept_transfer", ctx.projectId);
  // The donor's transfer is seen whatever the caller's project (Cinder's elevated context).
  const t = await repo.getPendingTransfer(svc.db.kysely, id);
  if (!t) throw transferNotFound(id);
  const given = Buffer.from(cryptHash(t.salt, authKey));
  const stored = Buffer.from(t.crypt_hash);
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
    throw badRequest(`Invalid auth key: Attempt to transfer ${id} with invalid auth key.`);
  }
  await svc.db.kysely.transaction().execute(async (trx) => {
    // The transfer first: of two accepts at once, one marks it and the other finds it gone.
    if (!(await repo.markAccepted(trx, id, ctx.projectId))) throw transferNotFound(id);
    const v = await getVolume(trx, t.volume_id);
    if (!v) throw transferNotFound(id);
    if (v.status === "maintenance") throw invalidVolume("The volume cannot accept transfer in maintenance mode.");
    const moved = await casVolume(
      trx,
      v.id,
      { status: ["awaiting-transfer"] },
      { status: "available", project_id: ctx.projectId, user_id: ctx.userId },
    );
    if (!moved) throw invalidVolume(`Transfer ${id}: Volume id ${v.id} expected in awaiting-transfer state.`);
    const deltas: Delta[] = v.consumes_quota ? [await volumeDelta(trx, v)] : [];
    if (!t.no_snapshots) {
      // The donor's snapshots of the volume (one left behind by an earlier transfer stays where it is).
      const snapshots = (await snapshotsOfVolume(trx, v.id)).filter((s) => s.project_id === v.project_id);
      for (const s of snapshots.filter((s) => s.consumes_quota)) deltas.push(await snapshotDelta(trx, s));
      await repo.moveSnapshotsOfVolume(trx, v.id, v.project_id, ctx.projectId, ctx.userId);
    }
    // Usage moves in the same transaction: a recipient short of quota gets Cinder's 413 and nothing moved.
    if (deltas.length) await moveBetweenProjects(trx, svc.config.quotas, v.project_id, ctx.projectId, deltas, v.size);
  });
  return { id, volume_id: t.volume_id, display_name: t.display_name };
}
