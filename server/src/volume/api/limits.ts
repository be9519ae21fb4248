/**
 * Absolute limits and what a project uses of them (cinder/api/v3/limits.py, cinder/api/views/limits.py,
 * cinder/api/contrib/used_limits.py). Until per-project quotas exist the limits are the defaults.
 * `gigabytes` counts volumes and snapshots, as Cinder's quota does unless no_snapshot_gb_quota is set.
 */
import { sql } from "kysely";
import type { RequestContext } from "../../identity/context";
import { MV } from "../../http/microversion";
import { allowed } from "../../policy/policy";
import type { Services } from "../../services";

export type AbsoluteLimits = Record<string, number>;

export async function absoluteLimits(svc: Services, ctx: RequestContext, requestedProject?: string): Promise<AbsoluteLimits> {
  const projectId =
    requestedProject !== undefined && ctx.isAdmin && ctx.version >= MV.LIMITS_ADMIN_FILTER ? requestedProject : ctx.projectId;
  const q = svc.config.quotas;
  const out: AbsoluteLimits = {
    maxTotalVolumes: q.volumes,
    maxTotalSnapshots: q.snapshots,
    maxTotalVolumeGigabytes: q.gigabytes,
    maxTotalBackups: q.backups,
    maxTotalBackupGigabytes: q.backup_gigabytes,
  };
  if (!allowed(ctx, "limits_extension:used_limits", projectId)) return out;
  const db = svc.db.kysely;
  const [vols, snaps] = await Promise.all([
    db
      .selectFrom("volumes")
      .select([sql<number>`count(*)`.as("n"), sql<number>`coalesce(sum(size), 0)`.as("gb")])
      .where("project_id", "=", projectId)
      .where("consumes_quota", "=", 1)
      .executeTakeFirst(),
    db
      .selectFrom("snapshots")
      .select([sql<number>`count(*)`.as("n"), sql<number>`coalesce(sum(volume_size), 0)`.as("gb")])
      .where("project_id", "=", projectId)
      .where("consumes_quota", "=", 1)
      .executeTakeFirst(),
  ]);
  return {
    ...out,
    totalVolumesUsed: Number(vols?.n ?? 0),
    totalGigabytesUsed: Number(vols?.gb ?? 0) + Number(snaps?.gb ?? 0),
    totalSnapshotsUsed: Number(snaps?.n ?? 0),
    totalBackupsUsed: 0,
    totalBackupGigabytesUsed: 0,
  };
}
