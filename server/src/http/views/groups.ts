/** Groups to wire JSON (cinder/api/v3/views/groups.py): summary `{id, name}`, detail by microversion. */
import type { RequestContext } from "../../contract/context";
import { MV } from "../../contract/microversion";
import { allowed } from "../../policy/policy";
import type { GroupWithTypes } from "../../volume/api/groups";

export function groupSummary(g: { id: string; name: string | null }): Record<string, unknown> {
  return { id: g.id, name: g.name };
}

export function groupDetail(ctx: RequestContext, g: GroupWithTypes): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: g.id,
    status: g.status,
    availability_zone: g.availability_zone,
    created_at: g.created_at,
    name: g.name,
    description: g.description,
    group_type: g.group_type_id,
    volume_types: g.volumeTypeIds,
  };
  if (ctx.version >= MV.GROUP_SNAPSHOTS) {
    out.group_snapshot_id = g.group_snapshot_id;
    out.source_group_id = g.source_group_id;
  }
  if (ctx.version >= MV.GROUP_VOLUME_LIST && g.volumeIds) out.volumes = g.volumeIds;
  if (ctx.version >= MV.GROUP_REPLICATION) out.replication_status = g.replication_status;
  if (ctx.version >= MV.GROUP_GROUPSNAPSHOT_PROJECT_ID && allowed(ctx, "group:group_project_attribute", g.project_id)) {
    out.project_id = g.project_id;
  }
  return out;
}
