/**
 * Volume rows to wire JSON (cinder/api/v2/views/volumes.py, cinder/api/v3/views/volumes.py and the
 * contrib attribute extensions). Internal statuses are mapped to the public ones and fields appear
 * only at the microversion, and for the callers, that Cinder shows them to.
 */
import type { AttachmentRow, VolumeRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { allowed } from "../../policy/policy";
import { MV } from "../../contract/microversion";
import { type LinkBase, resourceLinks } from "./links";

import type { VolumeExtras } from "../../volume/extras";

/** cinder/api/v2/views/volumes.py `_get_attachments`: the attached host is shown to admins only. */
function attachmentView(ctx: RequestContext, a: AttachmentRow): Record<string, unknown> {
  return {
    id: a.volume_id,
    attachment_id: a.id,
    volume_id: a.volume_id,
    server_id: a.instance_uuid,
    host_name: ctx.isAdmin ? a.attached_host : null,
    device: a.mountpoint,
    attached_at: a.attach_time,
  };
}

const STATUS_MAP: Record<string, string> = {
  managing: "creating",
  error_managing: "error",
  error_managing_deleting: "deleting",
};

const VISIBLE_ADMIN_KEYS = ["readonly", "attached_mode"];

export function publicStatus(status: string): string {
  return STATUS_MAP[status] ?? status;
}

export function volumeSummary(base: LinkBase, v: VolumeRow): Record<string, unknown> {
  return { id: v.id, name: v.display_name, links: resourceLinks(base, "volumes", v.id) };
}

export function volumeDetail(
  ctx: RequestContext,
  base: LinkBase,
  v: VolumeRow,
  extras: VolumeExtras,
  /** The contrib attribute extensions (os-vol-*-attr) decorate show and detail only, not create/update. */
  extensions = true,
): Record<string, unknown> {
  const metadata = { ...extras.metadata };
  for (const k of VISIBLE_ADMIN_KEYS) if (extras.adminMetadata[k] !== undefined) metadata[k] = extras.adminMetadata[k];
  const out: Record<string, unknown> = {
    id: v.id,
    status: publicStatus(v.status),
    size: v.size,
    availability_zone: v.availability_zone,
    created_at: v.created_at,
    updated_at: v.updated_at,
    name: v.display_name,
    description: v.display_description,
    volume_type: v.volume_type_id ? (extras.volumeTypeName ?? v.volume_type_id) : null,
    snapshot_id: v.snapshot_id,
    source_volid: v.source_volid,
    metadata,
    links: resourceLinks(base, "volumes", v.id),
    user_id: v.user_id,
    bootable: v.bootable ? "true" : "false",
    encrypted: v.encryption_key_id !== null,
    replication_status: v.replication_status,
    consistencygroup_id: null,
    multiattach: v.multiattach === 1,
    attachments: (extras.attachments ?? []).map((a) => attachmentView(ctx, a)),
  };
  if (ctx.isAdmin) out.migration_status = v.migration_status;
  // cinder/api/contrib/volume_image_metadata.py: only on a volume that has image metadata.
  const imageMeta = extras.imageMetadata ?? {};
  if (extensions && Object.keys(imageMeta).length > 0 && allowed(ctx, "volume_extension:volume_image_metadata:show", v.project_id)) {
    out.volume_image_metadata = imageMeta;
  }
  if (extensions && allowed(ctx, "volume_extension:volume_host_attribute")) out["os-vol-host-attr:host"] = v.host;
  if (extensions && allowed(ctx, "volume_extension:volume_tenant_attribute", v.project_id)) {
    out["os-vol-tenant-attr:tenant_id"] = v.project_id;
  }
  if (extensions && allowed(ctx, "volume_extension:volume_mig_status_attribute")) {
    out["os-vol-mig-status-attr:migstat"] = v.migration_status;
    out["os-vol-mig-status-attr:name_id"] = v.name_id ?? null;
  }
  const mv = ctx.version;
  if (mv >= MV.GROUP_VOLUME) out.group_id = v.group_id;
  if (ctx.isAdmin && mv >= MV.VOLUME_DETAIL_PROVIDER_ID) out.provider_id = v.provider_id;
  if (mv >= MV.VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS) {
    // Before 3.69 an unknown (null) shared_targets is reported as true (cinder/api/v3/views/volumes.py).
    out.shared_targets = true; // Cinder's model default; a target helper that knows better sets it
    out.service_uuid = null;
  }
  if (ctx.isAdmin && mv >= MV.VOLUME_CLUSTER_NAME) out.cluster_name = v.cluster_name;
  if (mv >= MV.VOLUME_TYPE_ID_IN_VOLUME_DETAIL) out.volume_type_id = v.volume_type_id;
  // cinder/api/v3/views/volumes.py: shown when set (this key manager has no fixed all-zero key).
  if (mv >= MV.ENCRYPTION_KEY_ID_IN_DETAILS && v.encryption_key_id) out.encryption_key_id = v.encryption_key_id;
  if (mv >= MV.USE_QUOTA) out.consumes_quota = v.consumes_quota === 1;
  return out;
}
