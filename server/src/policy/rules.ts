/** Every policy rule Cinderblock checks, with Cinder's default persona (cinder/policies/*.py). */
export type Persona =
  | "admin"
  | "member"
  | "reader"
  | "none"
  /** Keystone: an admin, or a token scoped to the target project (identity:get_project). */
  | "project_owner"
  /** Keystone: an admin, or the target user itself (identity:get_user). */
  | "self"
  /** Keystone's `rule:service_admin_or_token_subject`: an admin, a service, or the token's own user. */
  | "token_subject"
  /** Keystone's `rule:owner`: the target user itself only, not even an admin (identity:create_application_credential). */
  | "owner";

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
  "volume:retype": "member",
  "volume:multiattach": "member",
  "volume:update_readonly_flag": "member",
  "volume_extension:volume_actions:reserve": "member",
  "volume_extension:volume_actions:unreserve": "member",
  "volume_extension:volume_actions:begin_detaching": "member",
  "volume_extension:volume_actions:roll_detaching": "member",
  "volume_extension:volume_actions:attach": "member",
  "volume_extension:volume_actions:detach": "member",
  "volume_extension:volume_actions:initialize_connection": "member",
  "volume_extension:volume_actions:terminate_connection": "member",
  "volume:get_volume_metadata": "reader",
  "volume:create_volume_metadata": "member",
  "volume:update_volume_metadata": "member",
  "volume:delete_volume_metadata": "member",
  "volume_extension:volume_admin_actions:reset_status": "admin",
  "volume_extension:volume_admin_actions:force_delete": "admin",
  "volume_extension:volume_admin_actions:force_detach": "admin",
  "volume_extension:volume_host_attribute": "admin",
  "volume_extension:volume_mig_status_attribute": "admin",
  // cinder/policies/manageable_volumes.py
  "volume_extension:volume_manage": "admin",
  "volume_extension:list_manageable": "admin",
  "volume_extension:volume_tenant_attribute": "reader",
  // snapshots (cinder/policies/snapshots.py, snapshot_metadata.py, snapshot_actions.py)
  "volume:create_snapshot": "member",
  "volume:get_snapshot": "reader",
  // attachments (cinder/policies/attachments.py)
  "volume:attachment_create": "member",
  "volume:attachment_update": "member",
  "volume:attachment_delete": "member",
  "volume:attachment_complete": "member",
  "volume:multiattach_bootable_volume": "member",
  "volume:get_all_snapshots": "reader",
  "volume:update_snapshot": "member",
  "volume:delete_snapshot": "member",
  "volume:get_snapshot_metadata": "reader",
  "volume:update_snapshot_metadata": "member",
  "volume:delete_snapshot_metadata": "member",
  "volume_extension:extended_snapshot_attributes": "reader",
  "volume_extension:snapshot_admin_actions:reset_status": "admin",
  "volume_extension:snapshot_admin_actions:force_delete": "admin",
  "snapshot_extension:snapshot_actions:update_snapshot_status": "member",
  // cinder/policies/manageable_snapshots.py
  "snapshot_extension:snapshot_manage": "admin",
  "snapshot_extension:snapshot_unmanage": "admin",
  "snapshot_extension:list_manageable": "admin",
  // quotas (cinder/policies/quotas.py, quota_class.py): readers see their project's quotas
  "volume_extension:quotas:show": "reader",
  "volume_extension:quotas:update": "admin",
  "volume_extension:quotas:delete": "admin",
  "volume_extension:quota_classes:get": "admin",
  "volume_extension:quota_classes:update": "admin",
  // services and pools (cinder/policies/services.py, scheduler_stats.py)
  "volume_extension:services:index": "admin",
  "volume_extension:services:update": "admin",
  "volume:freeze_host": "admin",
  "volume:thaw_host": "admin",
  "volume:failover_host": "admin",
  "clusters:get_all": "admin",
  "clusters:get": "admin",
  "clusters:update": "admin",
  "scheduler_extension:scheduler_stats:get_pools": "admin",
  // user messages (cinder/policies/messages.py)
  "message:get_all": "reader",
  "message:get": "reader",
  "message:delete": "member",
  // cinder/policies/hosts.py, capabilities.py
  "volume_extension:hosts": "admin",
  "volume_extension:capabilities": "admin",
  // limits (cinder/policies/limits.py)
  "limits_extension:used_limits": "reader",
  // volume types (cinder/policies/volume_type.py, type_extra_specs.py, volume_access.py, default_types.py)
  "volume_extension:type_create": "admin",
  "volume_extension:type_update": "admin",
  "volume_extension:type_delete": "admin",
  "volume_extension:type_get": "reader",
  "volume_extension:type_get_all": "reader",
  "volume_extension:access_types_extra_specs": "reader",
  "volume_extension:access_types_qos_specs_id": "admin",
  "volume_extension:types_extra_specs:index": "reader",
  "volume_extension:types_extra_specs:show": "reader",
  "volume_extension:types_extra_specs:create": "admin",
  "volume_extension:types_extra_specs:update": "admin",
  "volume_extension:types_extra_specs:delete": "admin",
  "volume_extension:types_extra_specs:read_sensitive": "admin",
  "volume_extension:volume_type_access": "member",
  // cinder/policies/volume_type.py (encryption specs) and volume_metadata.py (encryption metadata)
  "volume_extension:volume_type_encryption": "admin",
  "volume_extension:volume_type_encryption:create": "admin",
  "volume_extension:volume_type_encryption:get": "admin",
  "volume_extension:volume_type_encryption:update": "admin",
  "volume_extension:volume_type_encryption:delete": "admin",
  "volume_extension:volume_encryption_metadata": "reader",
  "volume_extension:volume_type_access:get_all_for_type": "admin",
  "volume_extension:volume_type_access:addProjectAccess": "admin",
  "volume_extension:volume_type_access:removeProjectAccess": "admin",
  "volume_extension:default_set_or_update": "admin",
  "volume_extension:default_get": "admin",
  "volume_extension:default_get_all": "admin",
  "volume_extension:default_unset": "admin",
  // QoS specs (cinder/policies/qos_specs.py)
  "volume_extension:qos_specs_manage:get_all": "admin",
  "volume_extension:qos_specs_manage:get": "admin",
  "volume_extension:qos_specs_manage:create": "admin",
  "volume_extension:qos_specs_manage:update": "admin",
  "volume_extension:qos_specs_manage:delete": "admin",
  // built-in identity (keystone/common/policies/*.py, for the one Default domain and no system scope)
  "identity:get_auth_catalog": "none",
  "identity:get_auth_projects": "none",
  "identity:validate_token": "token_subject",
  "identity:check_token": "token_subject",
  "identity:revoke_token": "token_subject",
  "identity:list_domains": "admin",
  /** Target: the caller's project when it belongs to the domain. */
  "identity:get_domain": "reader",
  "identity:list_projects": "admin",
  "identity:get_project": "project_owner",
  "identity:create_project": "admin",
  "identity:update_project": "admin",
  "identity:delete_project": "admin",
  "identity:list_users": "admin",
  "identity:get_user": "self",
  "identity:create_user": "admin",
  "identity:update_user": "admin",
  "identity:delete_user": "admin",
  "identity:list_roles": "reader",
  "identity:get_role": "reader",
  "identity:create_role": "admin",
  "identity:list_grants": "admin",
  "identity:check_grant": "admin",
  "identity:create_grant": "admin",
  "identity:revoke_grant": "admin",
  /** Target: the project of the `scope.project.id` filter (a project's readers may list its assignments). */
  "identity:list_role_assignments": "reader",
  // keystone/common/policies/service.py, endpoint.py (system reader → admin here), region.py (anyone)
  "identity:list_services": "admin",
  "identity:get_service": "admin",
  "identity:list_endpoints": "admin",
  "identity:get_endpoint": "admin",
  "identity:list_regions": "none",
  "identity:get_region": "none",
  // keystone/common/policies/application_credential.py (system reader/admin → admin here)
  "identity:get_application_credential": "self",
  "identity:list_application_credentials": "self",
  "identity:create_application_credential": "owner",
  "identity:delete_application_credential": "self",
};
