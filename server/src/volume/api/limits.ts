/**
 * Absolute limits and what a project uses of them (cinder/api/v3/limits.py, cinder/api/views/limits.py,
 * cinder/api/contrib/used_limits.py), from the quota engine. `gigabytes` counts volumes and
 * snapshots, as Cinder's quota does unless no_snapshot_gb_quota is set.
 */
import type { RequestContext } from "../../contract/context";
import { MV } from "../../contract/microversion";
import { allowed } from "../../policy/policy";
import { hardLimits, usage } from "../../quota/quota";
import type { ConfigDeps } from "./deps";
import type { AbsoluteLimits } from "../../contract/api";

export async function absoluteLimits(svc: ConfigDeps, ctx: RequestContext, requestedProject?: string): Promise<AbsoluteLimits> {
  const projectId =
    requestedProject !== undefined && ctx.isAdmin && ctx.version >= MV.LIMITS_ADMIN_FILTER ? requestedProject : ctx.projectId;
  const db = svc.db.kysely;
  const q = await hardLimits(db, svc.config.quotas, projectId, []);
  const out: AbsoluteLimits = {
    maxTotalVolumes: q.volumes,
    maxTotalSnapshots: q.snapshots,
    maxTotalVolumeGigabytes: q.gigabytes,
    maxTotalBackups: q.backups,
    maxTotalBackupGigabytes: q.backup_gigabytes,
  };
  if (!allowed(ctx, "limits_extension:used_limits", projectId)) return out;
  const used = await usage(db, projectId);
  const n = (r: string) => used[r]?.in_use ?? 0;
  return {
    ...out,
    totalVolumesUsed: n("volumes"),
    totalGigabytesUsed: n("gigabytes"),
    totalSnapshotsUsed: n("snapshots"),
    totalBackupsUsed: n("backups"),
    totalBackupGigabytesUsed: n("backup_gigabytes"),
  };
}
