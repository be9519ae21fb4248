/**
 * Cinder's policy rules, as data (cinder/policies/*.py, secure-RBAC defaults):
 * - admin: `role:admin` — any project, everything;
 * - member: `role:admin or (role:member and project_id:%(project_id)s)`;
 * - reader: `role:admin or (role:reader and project_id:%(project_id)s)`;
 * - none: authentication only.
 * The table is the one place rules live; the identity issue adds a policy-file override.
 */
import type { RequestContext } from "../identity/context";
import { hasRole } from "../identity/context";
import { policyNotAuthorized } from "../http/errors";

export type Check = "admin" | "member" | "reader" | "none";

export const RULES: Record<string, Check> = {
  // volumes (cinder/policies/volumes.py, volume_metadata.py, volume_actions.py)
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
  // limits, availability zones, versions
  "limits_extension:used_limits": "reader",
  none: "none",
};

export function allowed(ctx: RequestContext, rule: string, targetProjectId?: string): boolean {
  const check = RULES[rule];
  if (check === undefined) return ctx.isAdmin; // an unknown rule is admin-only, never open
  if (check === "none") return true;
  if (ctx.isAdmin) return true;
  if (check === "admin") return false;
  const project = targetProjectId ?? ctx.projectId;
  return hasRole(ctx, check) && project === ctx.projectId;
}

/** Raise Cinder's 403 when the rule does not allow the caller on the target's project. */
export function authorize(ctx: RequestContext, rule: string, targetProjectId?: string): void {
  if (!allowed(ctx, rule, targetProjectId)) throw policyNotAuthorized(rule);
}
