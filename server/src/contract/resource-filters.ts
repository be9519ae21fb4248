/**
 * The user-visible list filters of each resource: Cinder's default etc/cinder/resource_filters.json
 * (read by cinder/api/common.py `get_enabled_resource_filters`), in its order.
 */
export const RESOURCE_FILTERS: ReadonlyArray<readonly [resource: string, filters: readonly string[]]> = [
  ["volume", ["name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id", "size", "created_at", "updated_at"]],
  ["backup", ["name", "status", "volume_id"]],
  ["snapshot", ["name", "status", "volume_id", "metadata", "availability_zone"]],
  ["group", ["name"]],
  ["group_snapshot", ["name", "status", "group_id"]],
  ["attachment", ["volume_id", "status", "instance_id", "attach_status"]],
  ["message", ["resource_uuid", "resource_type", "event_id", "request_id", "message_level"]],
  ["pool", ["name", "volume_type"]],
  ["volume_type", ["is_public", "extra_specs"]],
];

/** One resource's filters (an unknown one: none), or every resource's when none is named. */
export function resourceFilters(resource?: string): Array<{ resource: string; filters: string[] }> {
  return RESOURCE_FILTERS.filter(([r]) => !resource || r === resource).map(([r, f]) => ({ resource: r, filters: [...f] }));
}
