/** Snapshot rows to wire JSON (cinder/api/views/snapshots.py, cinder/api/v3/views/snapshots.py). */
import type { SnapshotRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { allowed } from "../../policy/policy";
import { MV } from "../../contract/microversion";

export function snapshotSummary(s: SnapshotRow, metadata: Record<string, string>): Record<string, unknown> {
  return {
    id: s.id,
    created_at: s.created_at,
    updated_at: s.updated_at,
    name: s.display_name,
    description: s.display_description,
    volume_id: s.volume_id,
    status: s.status,
    size: s.volume_size,
    metadata,
  };
}

export function snapshotDetail(
  ctx: RequestContext,
  s: SnapshotRow,
  metadata: Record<string, string>,
  /** The extended attributes decorate show and detail only, not create/update. */
  extensions = true,
): Record<string, unknown> {
  const out = snapshotSummary(s, metadata);
  if (extensions && allowed(ctx, "volume_extension:extended_snapshot_attributes", s.project_id)) {
    out["os-extended-snapshot-attributes:project_id"] = s.project_id;
    out["os-extended-snapshot-attributes:progress"] = s.progress;
  }
  if (ctx.version >= MV.GROUP_SNAPSHOTS) out.group_snapshot_id = s.group_snapshot_id;
  if (ctx.version >= MV.SNAPSHOT_LIST_USER_ID) out.user_id = s.user_id;
  if (ctx.version >= MV.USE_QUOTA) out.consumes_quota = s.consumes_quota === 1;
  return out;
}
