/**
 * User metadata of volumes and snapshots (cinder/api/v2/volume_metadata.py,
 * cinder/api/v3/snapshot_metadata.py): the same six operations over either owner. What differs is
 * held by an Owner: how the resource is found, its policy rules, its "not found" fault, and, for a
 * volume, the statuses in which its metadata may not change (`maintenance`; a delete also while
 * `uploading`), checked with a compare-and-set in the same transaction as the write.
 */
import type { Transaction } from "kysely";
import { casVolume } from "../../db/repos/volumes";
import { deleteMetadataKey, type MetaKind, mergeMetadata, metadataOf, metadataOfOne, replaceMetadata } from "../../db/repos/metadata";
import type { Database } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { badRequest, type CinderError, invalidVolume, snapshotMetadataNotFound, volumeMetadataNotFound } from "../../contract/errors";
import type { VolumeStatus } from "../../contract/status";
import { authorize } from "../../policy/policy";
import type { Services } from "../../services";
import { findSnapshot, findVolume } from "./lookup";

type Write = "merge" | "replace" | "delete";

export interface MetadataOwner {
  kind: MetaKind;
  find(svc: Services, ctx: RequestContext, id: string): Promise<{ project_id: string; status: string }>;
  rules: { get: string; merge: string; replace: string; delete: string };
  notFound(id: string, key: string): CinderError;
  /** Refuses the write, inside its transaction, when the owner's status forbids it. */
  hold?(trx: Transaction<Database>, id: string, write: Write, status: string): Promise<void>;
}

const VOLUME_FROZEN: Record<Write, VolumeStatus[]> = {
  merge: ["maintenance"],
  replace: ["maintenance"],
  delete: ["maintenance", "uploading"],
};

export const VOLUME_METADATA: MetadataOwner = {
  kind: "volume",
  find: findVolume,
  rules: {
    get: "volume:get_volume_metadata",
    merge: "volume:create_volume_metadata",
    replace: "volume:update_volume_metadata",
    delete: "volume:delete_volume_metadata",
  },
  notFound: volumeMetadataNotFound,
  async hold(trx, id, write, status) {
    if (await casVolume(trx, id, { statusNot: VOLUME_FROZEN[write] }, {})) return;
    throw invalidVolume(
      write === "delete"
        ? `Deleting volume metadata is not allowed for volumes in ${status} status.`
        : "Updating volume metadata is not allowed for volumes in maintenance status.",
    );
  },
};

/** Snapshot metadata has no status rule; POST and PUT share one policy rule, as in Cinder. */
export const SNAPSHOT_METADATA: MetadataOwner = {
  kind: "snapshot",
  find: findSnapshot,
  rules: {
    get: "volume:get_snapshot_metadata",
    merge: "volume:update_snapshot_metadata",
    replace: "volume:update_snapshot_metadata",
    delete: "volume:delete_snapshot_metadata",
  },
  notFound: snapshotMetadataNotFound,
};

/** The metadata of each resource listed, for the views (the rows were already read under policy). */
export function metadataOfMany(svc: Pick<Services, "db">, owner: MetadataOwner, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  return metadataOf(svc.db.kysely, owner.kind, ids);
}

export async function getMetadata(svc: Services, ctx: RequestContext, owner: MetadataOwner, id: string): Promise<Record<string, string>> {
  const r = await owner.find(svc, ctx, id);
  authorize(ctx, owner.rules.get, r.project_id);
  return metadataOfOne(svc.db.kysely, owner.kind, id);
}

export async function getMetadataItem(svc: Services, ctx: RequestContext, owner: MetadataOwner, id: string, key: string): Promise<string> {
  const meta = await getMetadata(svc, ctx, owner, id);
  if (!(key in meta)) throw owner.notFound(id, key);
  return meta[key];
}

/** Merge (POST) or replace (PUT) the metadata; answers the metadata as it now is. */
export async function writeMetadata(
  svc: Services,
  ctx: RequestContext,
  owner: MetadataOwner,
  id: string,
  meta: Record<string, string>,
  mode: "merge" | "replace",
): Promise<Record<string, string>> {
  const r = await owner.find(svc, ctx, id);
  authorize(ctx, owner.rules[mode], r.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    await owner.hold?.(trx, id, mode, r.status);
    if (mode === "merge") await mergeMetadata(trx, owner.kind, id, meta);
    else await replaceMetadata(trx, owner.kind, id, meta);
  });
  return metadataOfOne(svc.db.kysely, owner.kind, id);
}

/** PUT of one key: the body must hold exactly that key. */
export async function updateMetadataItem(
  svc: Services,
  ctx: RequestContext,
  owner: MetadataOwner,
  id: string,
  key: string,
  item: Record<string, string>,
): Promise<Record<string, string>> {
  if (!(key in item)) throw badRequest("Request body and URI mismatch");
  if (Object.keys(item).length > 1) throw badRequest("Request body contains too many items");
  const r = await owner.find(svc, ctx, id);
  authorize(ctx, owner.rules.replace, r.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    await owner.hold?.(trx, id, "merge", r.status);
    await mergeMetadata(trx, owner.kind, id, { [key]: item[key] });
  });
  return { [key]: item[key] };
}

export async function deleteMetadataItem(svc: Services, ctx: RequestContext, owner: MetadataOwner, id: string, key: string): Promise<void> {
  const r = await owner.find(svc, ctx, id);
  authorize(ctx, owner.rules.delete, r.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    await owner.hold?.(trx, id, "delete", r.status);
    if (!(await deleteMetadataKey(trx, owner.kind, id, key))) throw owner.notFound(id, key);
  });
}
