/** Snapshot user metadata (cinder/api/v3/snapshot_metadata.py). */
import {
  deleteSnapshotMetadataKey,
  mergeSnapshotMetadata,
  replaceSnapshotMetadata,
  snapshotMetadataOf,
} from "../../db/repos/snapshots";
import type { RequestContext } from "../../contract/context";
import { badRequest, snapshotMetadataNotFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { Services } from "../../services";
import { findSnapshot } from "./lookup";

async function metadataOf(svc: Services, id: string): Promise<Record<string, string>> {
  return (await snapshotMetadataOf(svc.db.kysely, [id])).get(id) ?? {};
}

/** The metadata of each snapshot listed, for the views (no policy check: the rows were already read under it). */
export function metadataOfSnapshots(svc: Services, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  return snapshotMetadataOf(svc.db.kysely, ids);
}

export async function getSnapshotMetadata(svc: Services, ctx: RequestContext, id: string): Promise<Record<string, string>> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume:get_snapshot_metadata", s.project_id);
  return metadataOf(svc, id);
}

export async function getSnapshotMetadataItem(svc: Services, ctx: RequestContext, id: string, key: string): Promise<string> {
  const meta = await getSnapshotMetadata(svc, ctx, id);
  if (!(key in meta)) throw snapshotMetadataNotFound(id, key);
  return meta[key];
}

export async function writeSnapshotMetadata(
  svc: Services,
  ctx: RequestContext,
  id: string,
  meta: Record<string, string>,
  mode: "merge" | "replace",
): Promise<Record<string, string>> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume:update_snapshot_metadata", s.project_id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (mode === "merge") await mergeSnapshotMetadata(trx, id, meta);
    else await replaceSnapshotMetadata(trx, id, meta);
  });
  return metadataOf(svc, id);
}

export async function updateSnapshotMetadataItem(
  svc: Services,
  ctx: RequestContext,
  id: string,
  key: string,
  item: Record<string, string>,
): Promise<Record<string, string>> {
  if (!(key in item)) throw badRequest("Request body and URI mismatch");
  if (Object.keys(item).length > 1) throw badRequest("Request body contains too many items");
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume:update_snapshot_metadata", s.project_id);
  await mergeSnapshotMetadata(svc.db.kysely, id, { [key]: item[key] });
  return { [key]: item[key] };
}

export async function deleteSnapshotMetadataItem(svc: Services, ctx: RequestContext, id: string, key: string): Promise<void> {
  const s = await findSnapshot(svc, ctx, id);
  authorize(ctx, "volume:delete_snapshot_metadata", s.project_id);
  if (!(await deleteSnapshotMetadataKey(svc.db.kysely, id, key))) throw snapshotMetadataNotFound(id, key);
}
