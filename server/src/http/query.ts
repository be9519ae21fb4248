/**
 * List query parameters as Cinder reads them (cinder/api/common.py get_pagination_params,
 * get_sort_params; cinder/api/v3/volumes.py _get_volumes; cinder/db/sqlalchemy/api.py
 * process_sort_params): limit, marker, offset, sort (or the older sort_key/sort_dir), with_count,
 * all_tenants, and the resource's filters.
 */
import type { Paging, SortKey } from "../contract/paging";
import type { AttachmentFilters } from "../db/repos/attachments";
import { emptyFilters, type ListFilters, type TimeFilter } from "../contract/filters";
import { isTimestamp } from "../contract/time";
import type { RequestContext } from "../contract/context";
import { boolFrom } from "../lib/bool";
import type { AttachmentListQuery } from "../volume/api/attachments-list";
import type { MessageListQuery } from "../volume/api/messages";
import type { MessageFilters } from "../db/repos/messages";
import { RESOURCE_FILTERS } from "../contract/resource-filters";
import type { ListQuery } from "../contract/api";
import { badRequest, invalidInput } from "../contract/errors";
import { MV } from "../contract/microversion";
import { parseFlatDict } from "./pylit";

export type Query = Record<string, string>;

export interface Column {
  column: string;
  nullable?: boolean;
}

export interface ResourceListing {
  /** API sort key -> column. */
  sortKeys: Record<string, Column>;
  /** Filters any caller may use (resource_filters.json), API name -> column; special ones handled below. */
  filters: Record<string, string>;
  /** Extra filters only admins may use. */
  adminFilters: Record<string, string>;
  /** Filters whose `~` form is a case-insensitive substring match (3.34). */
  likeFilters: Record<string, string>;
  /** Sort keys that need a microversion. */
  sortKeyVersions?: Record<string, number>;
  /** An admin's `project_id` lists another project only with all_tenants (else the admin's own). */
  projectNeedsAllTenants?: boolean;
}

const PAGING = new Set(["limit", "marker", "offset", "sort", "sort_key", "sort_dir", "with_count", "all_tenants"]);

export const VOLUME_LISTING: ResourceListing = {
  sortKeys: {
    id: { column: "id" },
    name: { column: "display_name", nullable: true },
    display_name: { column: "display_name", nullable: true },
    description: { column: "display_description", nullable: true },
    status: { column: "status" },
    size: { column: "size" },
    availability_zone: { column: "availability_zone" },
    bootable: { column: "bootable" },
    created_at: { column: "created_at" },
    updated_at: { column: "updated_at", nullable: true },
    user_id: { column: "user_id" },
    project_id: { column: "project_id" },
    host: { column: "host", nullable: true },
    volume_type_id: { column: "volume_type_id", nullable: true },
  },
  filters: {
    name: "display_name",
    status: "status",
    metadata: "metadata",
    glance_metadata: "glance_metadata",
    bootable: "bootable",
    migration_status: "migration_status",
    availability_zone: "availability_zone",
    group_id: "group_id",
    size: "size",
    created_at: "created_at",
    updated_at: "updated_at",
    consumes_quota: "consumes_quota",
  },
  adminFilters: { project_id: "project_id", host: "host", user_id: "user_id", display_name: "display_name", id: "id" },
  likeFilters: { name: "display_name", description: "display_description" },
};

export const SNAPSHOT_LISTING: ResourceListing = {
  sortKeys: {
    id: { column: "id" },
    name: { column: "display_name", nullable: true },
    display_name: { column: "display_name", nullable: true },
    status: { column: "status" },
    volume_id: { column: "volume_id" },
    size: { column: "volume_size" },
    created_at: { column: "created_at" },
    updated_at: { column: "updated_at", nullable: true },
    project_id: { column: "project_id" },
  },
  sortKeyVersions: { name: MV.SNAPSHOT_SORT_NAME, display_name: MV.SNAPSHOT_SORT_NAME },
  filters: {
    name: "display_name",
    status: "status",
    volume_id: "volume_id",
    metadata: "metadata",
    availability_zone: "availability_zone",
    consumes_quota: "consumes_quota",
  },
  adminFilters: { project_id: "project_id", user_id: "user_id", display_name: "display_name", id: "id" },
  likeFilters: { name: "display_name", description: "display_description" },
};

/** Backups (cinder/api/contrib/backups.py, resource_filters.json `backup`: name, status, volume_id). */
export const BACKUP_LISTING: ResourceListing = {
  sortKeys: {
    id: { column: "id" },
    name: { column: "display_name", nullable: true },
    display_name: { column: "display_name", nullable: true },
    status: { column: "status" },
    size: { column: "size" },
    volume_id: { column: "volume_id" },
    created_at: { column: "created_at" },
    updated_at: { column: "updated_at", nullable: true },
    project_id: { column: "project_id" },
  },
  // cinder/api/v3/backups.py _convert_sort_name: `name` is display_name from 3.37 only.
  sortKeyVersions: { name: MV.BACKUP_SORT_NAME },
  // cinder/backup/api.py get_all: without all_tenants, backup_get_all_by_project sets project_id.
  projectNeedsAllTenants: true,
  filters: { name: "display_name", status: "status", volume_id: "volume_id" },
  adminFilters: { project_id: "project_id", user_id: "user_id", display_name: "display_name", id: "id" },
  likeFilters: { name: "display_name", description: "display_description" },
};

/** Groups (cinder/api/v3/groups.py, resource_filters.json `group`: name); admins filter on any column. */
export const GROUP_LISTING: ResourceListing = {
  sortKeys: {
    id: { column: "id" },
    name: { column: "name", nullable: true },
    description: { column: "description", nullable: true },
    status: { column: "status" },
    availability_zone: { column: "availability_zone" },
    group_type_id: { column: "group_type_id" },
    created_at: { column: "created_at" },
    updated_at: { column: "updated_at", nullable: true },
    project_id: { column: "project_id" },
    user_id: { column: "user_id" },
    host: { column: "host", nullable: true },
  },
  filters: { name: "name" },
  adminFilters: {
    id: "id",
    status: "status",
    description: "description",
    availability_zone: "availability_zone",
    group_type_id: "group_type_id",
    project_id: "project_id",
    user_id: "user_id",
    host: "host",
    group_snapshot_id: "group_snapshot_id",
    source_group_id: "source_group_id",
  },
  likeFilters: { name: "name" },
};

/** Group snapshots (resource_filters.json `group_snapshot`: name, status, group_id). */
export const GROUP_SNAPSHOT_LISTING: ResourceListing = {
  sortKeys: {
    id: { column: "id" },
    name: { column: "name", nullable: true },
    description: { column: "description", nullable: true },
    status: { column: "status" },
    group_id: { column: "group_id" },
    group_type_id: { column: "group_type_id" },
    created_at: { column: "created_at" },
    updated_at: { column: "updated_at", nullable: true },
    project_id: { column: "project_id" },
    user_id: { column: "user_id" },
  },
  filters: { name: "name", status: "status", group_id: "group_id" },
  adminFilters: { id: "id", description: "description", group_type_id: "group_type_id", project_id: "project_id", user_id: "user_id" },
  likeFilters: { name: "name" },
};

function int(q: Query, name: string, max = 2 ** 31 - 1): number | undefined {
  const raw = q[name];
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest(`${name} param must be an integer`);
  const n = Number(raw);
  if (n < 0) throw badRequest(`${name} param must be positive`);
  if (n > max) throw badRequest(`${name} param is too large`);
  return n;
}

function parseSort(q: Query, listing: ResourceListing, version: number): SortKey[] {
  if (q.sort !== undefined && (q.sort_key !== undefined || q.sort_dir !== undefined)) {
    throw badRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  }
  const pairs: Array<[string, string | undefined]> =
    q.sort !== undefined
      ? q.sort.split(",").map((part) => {
          const [k, d] = part.split(":");
          return [k.trim(), d?.trim()];
        })
      : q.sort_key !== undefined
        ? q.sort_key.split(",").map((k, i) => [k.trim(), q.sort_dir?.split(",")[i]?.trim() ?? q.sort_dir?.trim()])
        : [["created_at", q.sort_dir?.trim()]];
  return pairs.map(([key, dir]) => {
    const col = listing.sortKeys[key];
    const need = listing.sortKeyVersions?.[key];
    if (!col || (need !== undefined && version < need)) throw invalidInput(`Invalid sort key ${key}`);
    const d = (dir ?? "desc").toLowerCase();
    if (d !== "asc" && d !== "desc") throw invalidInput("Unknown sort direction, must be 'desc' or 'asc'");
    return { column: col.column, dir: d, nullable: col.nullable };
  });
}

function parseTimes(name: string, raw: string): TimeFilter[] {
  return raw.split(",").map((part) => {
    const i = part.indexOf(":");
    const op = part.slice(0, i) as TimeFilter["op"];
    const value = part.slice(i + 1);
    if (i < 0 || !["gt", "gte", "eq", "neq", "lt", "lte"].includes(op) || !isTimestamp(value)) {
      throw invalidInput(`Invalid ${name} filter '${part}': use op:ISO-8601 with op one of gt, gte, eq, neq, lt, lte.`);
    }
    return { op, value: value.replace(/Z$/, "") };
  });
}

function applyFilter(f: ListFilters, name: string, column: string, raw: string, version: number): void {
  if (name === "metadata") {
    const m = parseFlatDict(raw);
    if (!m) throw invalidInput(`Invalid metadata filter '${raw}': write it as a dict, e.g. {'key': 'value'}.`);
    Object.assign(f.metadata, m);
  } else if (name === "glance_metadata") {
    const m = parseFlatDict(raw);
    if (!m) throw invalidInput(`Invalid glance_metadata filter '${raw}': write it as a dict, e.g. {'os_distro': 'debian'}.`);
    f.imageMetadata = { ...f.imageMetadata, ...m };
  } else if (name === "bootable" || name === "consumes_quota") {
    const b = boolFrom(raw);
    // Strict booleans from 3.2 (cinder/api/v3/volumes.py); before that anything not true is false.
    if (b === undefined && version >= 3002) throw invalidInput(`Invalid value '${raw}' for ${name}: use true or false.`);
    f.equals[column] = b ? 1 : 0;
  } else if (name === "size") {
    if (!/^\d+$/.test(raw)) throw invalidInput(`Invalid value '${raw}' for size: use a whole number of GiB.`);
    f.equals[column] = Number(raw);
  } else if (name === "created_at" || name === "updated_at") {
    f.times[column] = parseTimes(name, raw);
  } else {
    f.equals[column] = raw;
  }
}


/** Query keys that page or sort rather than filter (cinder/api/common.py pops these). */
export const PAGING_KEYS: ReadonlySet<string> = new Set(["limit", "marker", "offset", "sort", "sort_key", "sort_dir"]);

export function parsePaging(q: Query, sortKeys: Record<string, Column>, version: number, maxLimit: number): Paging {
  const listing: ResourceListing = { sortKeys, filters: {}, adminFilters: {}, likeFilters: {} };
  return {
    limit: Math.min(int(q, "limit") ?? maxLimit, maxLimit),
    offset: int(q, "offset") ?? 0,
    marker: q.marker,
    sort: parseSort(q, listing, version),
  };
}

/** Parse a list request; the caller's project scopes it unless an admin asked for all_tenants. */
export function parseListQuery(ctx: RequestContext, q: Query, listing: ResourceListing, maxLimit: number): ListQuery {
  const limit = Math.min(int(q, "limit") ?? maxLimit, maxLimit);
  const offset = int(q, "offset") ?? 0;
  const sort = parseSort(q, listing, ctx.version);
  let withCount = false;
  if (q.with_count !== undefined && ctx.version >= MV.SUPPORT_COUNT_INFO) {
    const b = boolFrom(q.with_count);
    if (b === undefined) throw badRequest(`Value '${q.with_count}' for 'with_count' is not a boolean.`);
    withCount = b;
  }
  const allTenants = ctx.isAdmin && q.all_tenants !== undefined && boolFrom(q.all_tenants) !== false;
  const byProject = ctx.isAdmin && q.project_id !== undefined && (allTenants || !listing.projectNeedsAllTenants);
  const filters = emptyFilters(allTenants || byProject ? undefined : ctx.projectId);
  const invalid: string[] = [];
  for (const [key, raw] of Object.entries(q)) {
    if (PAGING.has(key)) continue;
    if (key === "project_id" && ctx.isAdmin && listing.projectNeedsAllTenants && !allTenants) continue;
    if (key.endsWith("~")) {
      const col = listing.likeFilters[key.slice(0, -1)];
      if (col && ctx.version >= MV.LIKE_FILTER) filters.like[col] = raw;
      else invalid.push(key);
      continue;
    }
    const col = listing.filters[key] ?? (ctx.isAdmin ? listing.adminFilters[key] : undefined);
    if (col === undefined) {
      invalid.push(key);
      // An admin's filter on a field volumes do not have matches nothing, as in Cinder.
      if (ctx.isAdmin && ctx.version >= MV.RESOURCE_FILTER) filters.equals.id = "";
      continue;
    }
    if (key === "group_id" || key === "migration_status") {
      filters.equals[col] = raw;
      continue;
    }
    if (key === "availability_zone" && listing === SNAPSHOT_LISTING) {
      filters.volumeAz = raw;
      continue;
    }
    applyFilter(filters, key, col, raw, ctx.version);
  }
  // Unknown filters: dropped before 3.31, refused after (admins are not restricted).
  if (invalid.length > 0 && ctx.version >= MV.RESOURCE_FILTER && !ctx.isAdmin) {
    // cinder/api/common.py reject_invalid_filters: a plain HTTPBadRequest, no "Invalid input" prefix.
    throw badRequest(`Invalid filters ${invalid.join(",")} are found in query options.`);
  }
  return { filters, sort, limit, marker: q.marker, offset, withCount };
}

/** Attachment sort keys: the columns of Cinder's VolumeAttachment model (sqlalchemyutils.paginate_query takes any). */
export const ATTACHMENT_SORT_KEYS: Record<string, Column> = {
  id: { column: "id" },
  volume_id: { column: "volume_id" },
  instance_uuid: { column: "instance_uuid", nullable: true },
  attached_host: { column: "attached_host", nullable: true },
  mountpoint: { column: "mountpoint", nullable: true },
  attach_time: { column: "attach_time", nullable: true },
  detach_time: { column: "detach_time", nullable: true },
  attach_status: { column: "attach_status" },
  attach_mode: { column: "attach_mode", nullable: true },
  created_at: { column: "created_at" },
  updated_at: { column: "updated_at", nullable: true },
};

/** resource_filters.json `attachment`, API name -> column (`status` is read as attach_status). */
const ATTACHMENT_FILTERS: Record<string, string> = {
  volume_id: "volume_id",
  status: "attach_status",
  instance_id: "instance_uuid",
  attach_status: "attach_status",
};

/** What an admin may filter on besides: any column of the attachment (connector and connection_info too). */
const ATTACHMENT_COLUMNS = new Set([...Object.keys(ATTACHMENT_SORT_KEYS), "connector", "connection_info"]);

/**
 * Parse an attachment list request (cinder/api/v3/attachments.py `_items`): an admin's
 * `all_tenants` (present, whatever its value) lists every project, then `project_id` narrows it;
 * otherwise the caller's project. A non-admin's filters outside resource_filters.json are dropped
 * before 3.31 and refused from 3.31; an admin's filter on a column matches exactly (`key~`:
 * contains), on anything else matches nothing.
 */
export function parseAttachmentListQuery(ctx: RequestContext, q: Query, maxLimit: number): AttachmentListQuery {
  const paging = parsePaging(q, ATTACHMENT_SORT_KEYS, ctx.version, maxLimit);
  const allTenants = ctx.isAdmin && q.all_tenants !== undefined;
  const filters: AttachmentFilters = { projectId: allTenants ? q.project_id || undefined : ctx.projectId, equals: {}, like: {}, matchNothing: false };
  const invalid: string[] = [];
  for (const [key, raw] of Object.entries(q)) {
    if (PAGING_KEYS.has(key) || key === "all_tenants" || (ctx.isAdmin && key === "project_id")) continue;
    const col = ATTACHMENT_FILTERS[key];
    if (col !== undefined) filters.equals[col] = raw;
    else if (!ctx.isAdmin) invalid.push(key);
    else if (ATTACHMENT_COLUMNS.has(key)) filters.equals[key] = raw;
    else if (key.endsWith("~") && ATTACHMENT_COLUMNS.has(key.slice(0, -1))) filters.like[key.slice(0, -1)] = raw;
    else filters.matchNothing = true;
  }
  if (invalid.length > 0 && ctx.version >= MV.RESOURCE_FILTER) {
    // cinder/api/common.py reject_invalid_filters: a plain HTTPBadRequest, no "Invalid input" prefix.
    throw badRequest(`Invalid filters ${invalid.join(",")} are found in query options.`);
  }
  return { ...paging, filters };
}

/** Message sort keys: the columns of Cinder's Message model (sqlalchemyutils.paginate_query takes any). */
export const MESSAGE_SORT_KEYS: Record<string, Column> = {
  id: { column: "id" },
  project_id: { column: "project_id" },
  message_level: { column: "message_level" },
  request_id: { column: "request_id", nullable: true },
  resource_type: { column: "resource_type", nullable: true },
  resource_uuid: { column: "resource_uuid", nullable: true },
  event_id: { column: "event_id" },
  detail_id: { column: "detail_id", nullable: true },
  action_id: { column: "action_id", nullable: true },
  expires_at: { column: "expires_at", nullable: true },
  created_at: { column: "created_at" },
  updated_at: { column: "updated_at", nullable: true },
};

/** What a filter may name: a column of the message (is_valid_model_filters). */
const MESSAGE_COLUMNS = new Set([...Object.keys(MESSAGE_SORT_KEYS), "deleted_at"]);

/** resource_filters.json `message`. */
const MESSAGE_FILTERS = new Set(RESOURCE_FILTERS.find(([r]) => r === "message")?.[1] ?? []);

/**
 * Parse a message list request (cinder/api/v3/messages.py `index`): before 3.5 every parameter is
 * ignored; from 3.5 paging, sorting and filters. A non-admin's lookups are its project's. A filter
 * on a message column matches exactly (an admin's `key~`: contains), on anything else matches
 * nothing (is_valid_model_filters); from 3.31 a non-admin's filters outside resource_filters.json
 * are refused (reject_invalid_filters; `all_tenants` is let through and ignored, Cinder bug
 * #1917574).
 */
export function parseMessageListQuery(ctx: RequestContext, q: Query, maxLimit: number): MessageListQuery {
  const projectId = ctx.isAdmin ? undefined : ctx.projectId;
  const filters: MessageFilters = { projectId, equals: {}, like: {}, matchNothing: false };
  if (ctx.version < MV.MESSAGES_PAGINATION) {
    return { limit: maxLimit, offset: 0, sort: [{ column: "created_at", dir: "desc" }], filters };
  }
  const paging = parsePaging(q, MESSAGE_SORT_KEYS, ctx.version, maxLimit);
  const strict = !ctx.isAdmin && ctx.version >= MV.RESOURCE_FILTER;
  const invalid: string[] = [];
  for (const [key, raw] of Object.entries(q)) {
    if (PAGING_KEYS.has(key)) continue;
    if (strict && !MESSAGE_FILTERS.has(key)) {
      if (key !== "all_tenants") invalid.push(key);
      continue;
    }
    if (MESSAGE_COLUMNS.has(key)) filters.equals[key] = raw;
    else if (ctx.isAdmin && key.endsWith("~") && MESSAGE_COLUMNS.has(key.slice(0, -1))) filters.like[key.slice(0, -1)] = raw;
    else filters.matchNothing = true;
  }
  if (invalid.length > 0) {
    // cinder/api/common.py reject_invalid_filters: a plain HTTPBadRequest, no "Invalid input" prefix.
    throw badRequest(`Invalid filters ${invalid.join(",")} are found in query options.`);
  }
  return { ...paging, filters };
}
