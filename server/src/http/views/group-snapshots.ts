/** Group snapshots to wire JSON (cinder/api/v3/views/group_snapshots.py). */
import type { GroupSnapshotRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { MV } from "../../contract/microversion";
import { allowed } from "../../policy/policy";

export function groupSnapshotSummary(gs: GroupSnapshotRow): Record<string, unknown> {
  return { id: gs.id, name: gs.name };
}

/** The create response: the summary with the group type (added for migrated consistency groups). */
export function groupSnapshotCreated(gs: GroupSnapshotRow): Record<string, unknown> {
  return { id: gs.id, name: gs.name, group_type_id: gs.group_type_id };
}

export function groupSnapshotDetail(ctx: RequestContext, gs: GroupSnapshotRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: gs.id,
    group_id: gs.group_id,
    group_type_id: gs.group_type_id,
    status: gs.status,
    created_at: gs.created_at,
    name: gs.name,
    description: gs.description,
  };
  if (ctx.version >= MV.GROUP_GROUPSNAPSHOT_PROJECT_ID && allowed(ctx, "group:group_snapshot_project_attribute", gs.project_id)) {
    out.project_id = gs.project_id;
  }
  return out;
}
