/** Every policy rule Cinderblock checks, with Cinder's default persona (cinder/policies/*.py). */
export type Persona = "admin" | "member" | "reader" | "none";

export const RULE_TABLE: Record<string, Persona> = {
  default: "admin",
  none: "none",
  // volumes (cinder/policies/volumes.py, volume_metadata.py, volume_actions.py, volume_access.py)
  "volume:create": "member",
  "volume:get": "reader",
  "volume:get_all": "reader",
  "volume:update": "member",
  "volume:delete": "member",
  "volume:force_delete": "admin",
  "volume:extend": "member",
  "volume:extend_attached_volume": "member",
  "volume:revert_to_snapshot": "member",
  "volume:update_readonly_flag": "member",
  "volume:get_volume_metadata": "reader",
  "volume:create_volume_metadata": "member",
  "volume:update_volume_metadata": "member",
  "volume:delete_volume_metadata": "member",
  "volume_extension:volume_admin_actions:reset_status": "admin",
  "volume_extension:volume_admin_actions:force_delete": "admin",
  "volume_extension:volume_host_attribute": "admin",
  "volume_extension:volume_mig_status_attribute": "admin",
  "volume_extension:volume_tenant_attribute": "reader",
  // snapshots (cinder/policies/snapshots.py, snapshot_metadata.py, snapshot_actions.py)
  "volume:create_snapshot": "member",
  "volume:get_snapshot": "reader",
  "volume:get_all_snapshots": "reader",
  "volume:update_snapshot": "member",
  "volume:delete_snapshot": "member",
  "volume:get_snapshot_metadata": "reader",
  "volume:update_snapshot_metadata": "member",
  "volume:delete_snapshot_metadata": "member",
  "volume_extension:extended_snapshot_attributes": "reader",
  "volume_extension:snapshot_admin_actions:reset_status": "admin",
  "volume_extension:snapshot_admin_actions:force_delete": "admin",
  // quotas (cinder/policies/quotas.py, quota_class.py): readers see their project's quotas
  "volume_extension:quotas:show": "reader",
  "volume_extension:quotas:update": "admin",
  "volume_extension:quotas:delete": "admin",
  "volume_extension:quota_classes:get": "admin",
  "volume_extension:quota_classes:update": "admin",
  // services and pools (cinder/policies/services.py, scheduler_stats.py)
  "volume_extension:services:index": "admin",
  "volume_extension:services:update": "admin",
  "scheduler_extension:scheduler_stats:get_pools": "admin",
  // limits (cinder/policies/limits.py)
  "limits_extension:used_limits": "reader",
};
