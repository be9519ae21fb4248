/**
 * Listing volumes and snapshots: project scoping, the marker row, a keyset page and the count
 * (cinder/api/v3/volumes.py _get_volumes, cinder/db/sqlalchemy/api.py volume_get_all).
 */
import { emptyFilters } from "../../contract/filters";
import { count, filtered, listMarker, page, type Page, volumesSummary as summarize } from "../../db/repos/listing";
import type { SnapshotRow, VolumeRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { notFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { DbDeps } from "./deps";
import type { ListQuery, VolumesSummary } from "../../contract/api";

export interface Listed<Row> extends Page<Row> {
  count?: number;
}

async function list<Row>(
  svc: DbDeps,
  table: "volumes" | "snapshots",
  q: ListQuery,
): Promise<Listed<Row>> {
  const db = svc.db.kysely;
  let marker: Record<string, unknown> | undefined;
  if (q.marker !== undefined) {
    marker = await listMarker(db, table, q.marker, q.filters.projectId);
    // Cinder looks the marker up as the resource itself (cinder/db/sqlalchemy/api.py).
    if (!marker) throw notFound(`${table === "volumes" ? "Volume" : "Snapshot"} ${q.marker} could not be found.`);
  }
  const base = filtered(db, table, q.filters);
  const [p, n] = await Promise.all([
    page<Row>(base, table, q.sort, marker, q.limit, q.offset),
    q.withCount ? count(base) : Promise.resolve(undefined),
  ]);
  return n === undefined ? p : { ...p, count: n };
}

export async function listVolumes(svc: DbDeps, ctx: RequestContext, q: ListQuery): Promise<Listed<VolumeRow>> {
  authorize(ctx, "volume:get_all");
  return list<VolumeRow>(svc, "volumes", q);
}

export async function listSnapshots(svc: DbDeps, ctx: RequestContext, q: ListQuery): Promise<Listed<SnapshotRow>> {
  authorize(ctx, "volume:get_all_snapshots");
  return list<SnapshotRow>(svc, "snapshots", q);
}

/**
 * Only `all_tenants` (honoured for admins) scopes the summary: cinder/volume/api.py
 * get_volume_summary hands no other filter to the database, so they are accepted and ignored.
 */
export async function volumesSummary(svc: DbDeps, ctx: RequestContext, allTenants: boolean): Promise<VolumesSummary> {
  authorize(ctx, "volume:get_all");
  const filters = emptyFilters(allTenants && ctx.isAdmin ? undefined : ctx.projectId);
  const s = await summarize(svc.db.kysely, filters);
  return { total_count: s.count, total_size: s.size, metadata: s.metadata };
}
