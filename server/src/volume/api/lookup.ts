/**
 * Finding a volume or snapshot as the caller may see it: another project's resource is "not found"
 * (404), as Cinder answers, unless the caller is an admin.
 */
import type { SnapshotRow, VolumeRow } from "../../db/schema";
import { getVolume } from "../../db/repos/volumes";
import { getSnapshot } from "../../db/repos/snapshots";
import type { RequestContext } from "../../contract/context";
import { snapshotNotFound, volumeNotFound } from "../../contract/errors";
import type { DbDeps } from "./deps";
import type { VolumeExtras } from "../extras";
import { metadataOf } from "../../db/repos/metadata";
import { attachmentsOf } from "../../db/repos/attachments";
import { typeNamesById } from "../../db/repos/quotas";

export async function findVolume(svc: DbDeps, ctx: RequestContext, id: string): Promise<VolumeRow> {
  const v = await getVolume(svc.db.kysely, id);
  if (!v || (!ctx.isAdmin && v.project_id !== ctx.projectId)) throw volumeNotFound(id);
  return v;
}

export async function findSnapshot(svc: DbDeps, ctx: RequestContext, id: string): Promise<SnapshotRow> {
  const s = await getSnapshot(svc.db.kysely, id);
  if (!s || (!ctx.isAdmin && s.project_id !== ctx.projectId)) throw snapshotNotFound(id);
  return s;
}

/** Metadata, visible admin metadata, attachments and type names for a set of volumes, in four queries. */
export async function volumeExtras(svc: DbDeps, rows: readonly VolumeRow[]): Promise<Map<string, VolumeExtras>> {
  const ids = rows.map((r) => r.id);
  const db = svc.db.kysely;
  const [meta, admin, attached] = await Promise.all([
    metadataOf(db, "volume", ids),
    metadataOf(db, "volume_admin", ids),
    // Only volumes that are or were attached can have rows; skip the query for the rest.
    attachmentsOf(db, rows.filter((r) => r.attach_status !== "detached").map((r) => r.id), ["attached"]),
  ]);
  const typeIds = [...new Set(rows.map((r) => r.volume_type_id).filter((t): t is string => !!t))];
  const typeName = await typeNamesById(db, typeIds);
  const out = new Map<string, VolumeExtras>();
  for (const r of rows) {
    out.set(r.id, {
      metadata: meta.get(r.id) ?? {},
      adminMetadata: admin.get(r.id) ?? {},
      attachments: attached.filter((a) => a.volume_id === r.id),
      volumeTypeName: r.volume_type_id ? (typeName.get(r.volume_type_id) ?? null) : null,
    });
  }
  return out;
}
