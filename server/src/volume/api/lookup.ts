/**
 * Finding a volume or snapshot as the caller may see it: another project's resource is "not found"
 * (404), as Cinder answers, unless the caller is an admin.
 */
import { volumesGlanceMetadata } from "../../db/repos/images";
import type { SnapshotRow, VolumeRow } from "../../db/schema";
import { getVolume } from "../../db/repos/volumes";
import { getSnapshot } from "../../db/repos/snapshots";
import type { RequestContext } from "../../contract/context";
import { snapshotNotFound, volumeNotFound } from "../../contract/errors";
import type { DbDeps } from "./deps";
import type { VolumeExtras } from "../extras";
import { volumeSideRows } from "../../db/repos/metadata";
import { attachmentsOf } from "../../db/repos/attachments";

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

/** Metadata, visible admin metadata, attachments and type names for a set of volumes: one query, two for attached volumes. */
export async function volumeExtras(svc: DbDeps, rows: readonly VolumeRow[]): Promise<Map<string, VolumeExtras>> {
  const db = svc.db.kysely;
  const typeIds = [...new Set(rows.map((r) => r.volume_type_id).filter((t): t is string => !!t))];
  // Only volumes that are or were attached can have attachment rows; the rest need no query.
  const attachedIds = rows.filter((r) => r.attach_status !== "detached").map((r) => r.id);
  const [side, attached, images] = await Promise.all([
    volumeSideRows(db, rows.map((r) => r.id), typeIds),
    attachedIds.length > 0 ? attachmentsOf(db, attachedIds, ["attached"]) : Promise.resolve([]),
    volumesGlanceMetadata(db, rows.map((r) => r.id)),
  ]);
  const out = new Map<string, VolumeExtras>();
  for (const r of rows) {
    out.set(r.id, {
      metadata: side.metadata.get(r.id) ?? {},
      adminMetadata: side.adminMetadata.get(r.id) ?? {},
      attachments: attached.filter((a) => a.volume_id === r.id),
      imageMetadata: images.get(r.id) ?? {},
      volumeTypeName: r.volume_type_id ? (side.typeNames.get(r.volume_type_id) ?? null) : null,
    });
  }
  return out;
}
