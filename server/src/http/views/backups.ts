/** Backup rows to wire JSON (cinder/api/views/backups.py, cinder/api/v3/views/backups.py). */
import type { BackupRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { MV } from "../../contract/microversion";
import { allowed } from "../../policy/policy";
import { resourceLinks, type LinkBase } from "./links";

export const BACKUP_COLLECTION = "backups";

function metadataOf(b: Pick<BackupRow, "metadata">): Record<string, string> {
  try {
    return JSON.parse(b.metadata) as Record<string, string>;
  } catch {
    return {};
  }
}

export function backupSummary(link: LinkBase, b: Pick<BackupRow, "id" | "display_name">): Record<string, unknown> {
  return { id: b.id, name: b.display_name, links: resourceLinks(link, BACKUP_COLLECTION, b.id) };
}

/** The detail view; `progress` (Cinderblock's) is the running backup's or restore's percentage. */
export function backupDetail(ctx: RequestContext, link: LinkBase, b: BackupRow): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: b.id,
    status: b.status,
    size: b.size,
    object_count: b.object_count,
    availability_zone: b.availability_zone,
    container: b.container,
    created_at: b.created_at,
    updated_at: b.updated_at,
    name: b.display_name,
    description: b.display_description,
    fail_reason: b.fail_reason,
    volume_id: b.volume_id,
    links: resourceLinks(link, BACKUP_COLLECTION, b.id),
    is_incremental: b.parent_id !== null,
    has_dependent_backups: b.num_dependent_backups > 0,
    snapshot_id: b.snapshot_id,
    data_timestamp: b.data_timestamp,
    progress: b.status === "creating" || b.status === "restoring" ? b.progress : null,
  };
  if (ctx.version >= MV.BACKUP_METADATA) out.metadata = metadataOf(b);
  if (ctx.version >= MV.ENCRYPTION_KEY_ID_IN_DETAILS && b.encryption_key_id) out.encryption_key_id = b.encryption_key_id;
  // cinder/api/v3/backups.py show/detail: the owner, to callers the attribute policy allows.
  const owner = ctx.version >= MV.BACKUP_PROJECT && allowed(ctx, "backup:backup_project_attribute", b.project_id);
  if (owner) out["os-backup-project-attr:project_id"] = b.project_id;
  if (owner && ctx.version >= MV.BACKUP_PROJECT_USER_ID) out.user_id = b.user_id;
  return out;
}
