/**
 * Microversions (cinder/api/openstack/api_version_request.py; the list is cinder/api/microversions.py
 * and doc/source/contributor/api_microversion_history.rst). The client negotiates the highest version
 * both sides support, unless pinned, sends `OpenStack-API-Version: volume <v>` on every call, and
 * refuses, before sending, a call that needs a newer version than that.
 *
 * The names and the range come from the spec (`x-microversion-name` beside each `x-min-version`),
 * generated into @cinderblock/openapi and shared with the server. REQUIREMENTS below say which
 * operations and query parameters need which of them; test/sdk/microversions.test.ts fails when
 * they disagree with the spec.
 */
import { MAX_VERSION, MICROVERSIONS, MIN_VERSION } from "@cinderblock/openapi";
import { ConfigError } from "./errors";

export { MAX_VERSION, MIN_VERSION };

/** Named microversions the SDK branches on (cinder/api/microversions.py names). */
export const MV = MICROVERSIONS;

/** What an operation needs: its own minimum, and minimums of some of its query parameters. */
export interface Requirement {
  minVersion?: string;
  query?: Record<string, string>;
}

const LIST_VOLUMES: Requirement = {
  query: {
    with_count: MV.SUPPORT_COUNT_INFO,
    group_id: MV.GROUP_VOLUME_LIST_FILTER,
    consumes_quota: MV.USE_QUOTA,
    created_at: MV.VOLUME_TIME_COMPARISON_FILTER,
    updated_at: MV.VOLUME_TIME_COMPARISON_FILTER,
  },
};
const MESSAGE_PAGING = MV.MESSAGES_PAGINATION;
const LIST_MESSAGES: Requirement = {
  minVersion: MV.MESSAGES,
  query: Object.fromEntries(
    ["limit", "marker", "offset", "sort", "sort_key", "sort_dir", "resource_uuid", "resource_type", "event_id", "request_id", "message_level"].map((k) => [k, MESSAGE_PAGING]),
  ),
};
const LIST_SNAPSHOTS: Requirement = {
  query: { with_count: MV.SUPPORT_COUNT_INFO, metadata: MV.SNAPSHOT_LIST_METADATA_FILTER, consumes_quota: MV.USE_QUOTA },
};

const LIST_GROUPS: Requirement = { minVersion: MV.GROUP_VOLUME, query: { list_volume: MV.GROUP_VOLUME_LIST } };
const LIST_TRANSFERS: Requirement = {
  query: {
    marker: MV.SUPPORT_TRANSFER_PAGINATION,
    sort: MV.SUPPORT_TRANSFER_PAGINATION,
    sort_key: MV.SUPPORT_TRANSFER_PAGINATION,
    sort_dir: MV.SUPPORT_TRANSFER_PAGINATION,
  },
};

/** Requirements keyed by `"<method> <spec path>"`; operations not listed work from 3.0. */
export const REQUIREMENTS: Record<string, Requirement> = {
  "get /v3/{project_id}/volumes": LIST_VOLUMES,
  "get /v3/{project_id}/volumes/detail": LIST_VOLUMES,
  "get /v3/{project_id}/volumes/summary": { minVersion: MV.VOLUME_SUMMARY },
  "delete /v3/{project_id}/volumes/{volume_id}": { query: { force: MV.VOLUME_DELETE_FORCE } },
  "get /v3/{project_id}/snapshots": LIST_SNAPSHOTS,
  "get /v3/{project_id}/snapshots/detail": LIST_SNAPSHOTS,
  "get /v3/{project_id}/limits": { query: { project_id: MV.LIMITS_ADMIN_FILTER, tenant_id: MV.LIMITS_ADMIN_FILTER } },
  "get /v3/{project_id}/types": { query: { extra_specs: MV.SUPPORT_VOLUME_TYPE_FILTER } },
  "get /v3/{project_id}/default-types": { minVersion: MV.DEFAULT_TYPE_OVERRIDES },
  "get /v3/{project_id}/default-types/{target_project_id}": { minVersion: MV.DEFAULT_TYPE_OVERRIDES },
  "put /v3/{project_id}/default-types/{target_project_id}": { minVersion: MV.DEFAULT_TYPE_OVERRIDES },
  "delete /v3/{project_id}/default-types/{target_project_id}": { minVersion: MV.DEFAULT_TYPE_OVERRIDES },
  "get /v3/{project_id}/attachments": { minVersion: MV.NEW_ATTACH },
  "post /v3/{project_id}/attachments": { minVersion: MV.NEW_ATTACH },
  "get /v3/{project_id}/attachments/detail": { minVersion: MV.NEW_ATTACH },
  "get /v3/{project_id}/attachments/{attachment_id}": { minVersion: MV.NEW_ATTACH },
  "put /v3/{project_id}/attachments/{attachment_id}": { minVersion: MV.NEW_ATTACH },
  "delete /v3/{project_id}/attachments/{attachment_id}": { minVersion: MV.NEW_ATTACH },
  "post /v3/{project_id}/attachments/{attachment_id}/action": { minVersion: MV.NEW_ATTACH },
  "get /v3/{project_id}/volume-transfers": LIST_TRANSFERS,
  "get /v3/{project_id}/volume-transfers/detail": LIST_TRANSFERS,
  "get /v3/{project_id}/resource_filters": { minVersion: MV.RESOURCE_FILTER_CONFIG },
  "get /v3/{project_id}/groups": { minVersion: MV.GROUP_VOLUME },
  "post /v3/{project_id}/groups": { minVersion: MV.GROUP_VOLUME },
  "get /v3/{project_id}/groups/detail": LIST_GROUPS,
  "get /v3/{project_id}/groups/{group_id}": LIST_GROUPS,
  "put /v3/{project_id}/groups/{group_id}": { minVersion: MV.GROUP_VOLUME },
  "post /v3/{project_id}/groups/{group_id}/action": { minVersion: MV.GROUP_VOLUME },
  "post /v3/{project_id}/groups/action": { minVersion: MV.GROUP_SNAPSHOTS },
  "get /v3/{project_id}/group_snapshots": { minVersion: MV.GROUP_SNAPSHOTS },
  "post /v3/{project_id}/group_snapshots": { minVersion: MV.GROUP_SNAPSHOTS },
  "get /v3/{project_id}/group_snapshots/detail": { minVersion: MV.GROUP_SNAPSHOTS },
  "get /v3/{project_id}/group_snapshots/{group_snapshot_id}": { minVersion: MV.GROUP_SNAPSHOTS },
  "delete /v3/{project_id}/group_snapshots/{group_snapshot_id}": { minVersion: MV.GROUP_SNAPSHOTS },
  "post /v3/{project_id}/group_snapshots/{group_snapshot_id}/action": { minVersion: MV.GROUP_SNAPSHOTS },
  "get /v3/{project_id}/group_types": { minVersion: MV.GROUP_TYPE },
  "post /v3/{project_id}/group_types": { minVersion: MV.GROUP_TYPE },
  "get /v3/{project_id}/group_types/default": { minVersion: MV.GROUP_TYPE },
  "get /v3/{project_id}/group_types/{group_type_id}": { minVersion: MV.GROUP_TYPE },
  "put /v3/{project_id}/group_types/{group_type_id}": { minVersion: MV.GROUP_TYPE },
  "delete /v3/{project_id}/group_types/{group_type_id}": { minVersion: MV.GROUP_TYPE },
  "get /v3/{project_id}/group_types/{group_type_id}/group_specs": { minVersion: MV.GROUP_TYPE },
  "post /v3/{project_id}/group_types/{group_type_id}/group_specs": { minVersion: MV.GROUP_TYPE },
  "get /v3/{project_id}/group_types/{group_type_id}/group_specs/{key}": { minVersion: MV.GROUP_TYPE },
  "put /v3/{project_id}/group_types/{group_type_id}/group_specs/{key}": { minVersion: MV.GROUP_TYPE },
  "delete /v3/{project_id}/group_types/{group_type_id}/group_specs/{key}": { minVersion: MV.GROUP_TYPE },
  "get /v3/{project_id}/scheduler-stats/get_pools": { query: { name: MV.POOL_FILTER, volume_type: MV.POOL_TYPE_FILTER } },
  "get /v3/{project_id}/manageable_volumes": { minVersion: MV.MANAGE_EXISTING_LIST, query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "get /v3/{project_id}/manageable_volumes/detail": { minVersion: MV.MANAGE_EXISTING_LIST, query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "post /v3/{project_id}/manageable_volumes": { minVersion: MV.MANAGE_EXISTING_LIST },
  "get /v3/{project_id}/os-volume-manage": { query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "get /v3/{project_id}/os-volume-manage/detail": { query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "get /v3/{project_id}/manageable_snapshots": { minVersion: MV.MANAGE_EXISTING_LIST, query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "get /v3/{project_id}/manageable_snapshots/detail": { minVersion: MV.MANAGE_EXISTING_LIST, query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "post /v3/{project_id}/manageable_snapshots": { minVersion: MV.MANAGE_EXISTING_LIST },
  "get /v3/{project_id}/os-snapshot-manage": { query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "get /v3/{project_id}/os-snapshot-manage/detail": { query: { cluster: MV.MANAGE_EXISTING_CLUSTER } },
  "get /v3/{project_id}/clusters": { minVersion: MV.CLUSTER_SUPPORT },
  "get /v3/{project_id}/clusters/detail": { minVersion: MV.CLUSTER_SUPPORT },
  "get /v3/{project_id}/clusters/{cluster_name}": { minVersion: MV.CLUSTER_SUPPORT },
  "put /v3/{project_id}/clusters/enable": { minVersion: MV.CLUSTER_SUPPORT },
  "put /v3/{project_id}/clusters/disable": { minVersion: MV.CLUSTER_SUPPORT },
  "put /v3/{project_id}/os-services/failover": { minVersion: MV.REPLICATION_CLUSTER },
  "get /v3/{project_id}/messages": LIST_MESSAGES,
  "get /v3/{project_id}/backups": { query: { with_count: MV.SUPPORT_COUNT_INFO } },
  "get /v3/{project_id}/backups/detail": { query: { with_count: MV.SUPPORT_COUNT_INFO } },
  "put /v3/{project_id}/backups/{backup_id}": { minVersion: MV.BACKUP_UPDATE },
  "get /v3/{project_id}/messages/{message_id}": { minVersion: MV.MESSAGES },
  "delete /v3/{project_id}/messages/{message_id}": { minVersion: MV.MESSAGES },
};

/**
 * Minimums of the action bodies (the `x-min-version` of each action schema), by the action's
 * operation (its `x-operation`): action keys repeat across resources (`reset_status` of a group
 * from 3.20, of a group snapshot from 3.19).
 */
export const ACTION_REQUIREMENTS: Record<string, string> = {
  revertVolumeToSnapshot: MV.VOLUME_REVERT,
  completeAttachment: MV.NEW_ATTACH_COMPLETION,
  resetGroupStatus: MV.GROUP_VOLUME_RESET_STATUS,
  resetGroupSnapshotStatus: MV.GROUP_SNAPSHOT_RESET_STATUS,
  createGroupFromSrc: MV.GROUP_SNAPSHOTS,
};

/** `"3.42"` → 3042, so versions compare as integers. */
export function parseVersion(v: string): number {
  const m = /^(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new ConfigError(`'${v}' is not a microversion (expected MAJOR.MINOR, e.g. 3.60)`);
  return Number(m[1]) * 1000 + Number(m[2]);
}

export function formatVersion(n: number): string {
  return `${Math.floor(n / 1000)}.${n % 1000}`;
}

export function compareVersions(a: string, b: string): number {
  return parseVersion(a) - parseVersion(b);
}

/** The v3 entry of a version document (`GET /` answers 300 with `{"versions": [...]}`). */
export interface VersionInfo {
  id: string;
  version?: string;
  min_version?: string;
  status?: string;
}

/** The server's microversion range from its version document. */
export function serverRange(doc: unknown): { min: string; max: string } {
  const d = doc as { versions?: VersionInfo[]; version?: VersionInfo } | undefined;
  const list = d?.versions ?? (d?.version ? [d.version] : []);
  const v3 = list.find((v) => /^v3(\.|$)/.test(v.id ?? ""));
  if (!v3) throw new ConfigError("the endpoint's version document lists no v3 API");
  // A server without microversions reports "" (cinder/api/versions.py for v2-era deployments).
  const max = v3.version || MIN_VERSION;
  const min = v3.min_version || MIN_VERSION;
  return { min, max };
}

/** The highest version in both ranges; throws when they do not overlap. */
export function negotiate(server: { min: string; max: string }, clientMax = MAX_VERSION): string {
  const top = Math.min(parseVersion(server.max), parseVersion(clientMax));
  if (top < parseVersion(server.min)) {
    throw new ConfigError(
      `no common microversion: the server supports ${server.min}–${server.max}, this SDK up to ${clientMax}`,
    );
  }
  return formatVersion(top);
}

/** The minimum microversion of a call: the operation's, its query parameters' and the caller's. */
export function requiredVersion(key: string, query: Record<string, unknown> | undefined, extra?: string): string {
  const req = REQUIREMENTS[key];
  let need = parseVersion(extra ?? MIN_VERSION);
  if (req?.minVersion) need = Math.max(need, parseVersion(req.minVersion));
  if (req?.query && query) {
    for (const [name, v] of Object.entries(req.query)) {
      if (query[name] !== undefined) need = Math.max(need, parseVersion(v));
    }
  }
  return formatVersion(need);
}
