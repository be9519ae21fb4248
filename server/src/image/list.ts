/**
 * Image list filters, sorting and paging (glance/api/v2/images.py RequestDeserializer `index`,
 * glance/db/sqlalchemy/api.py `_paginate_query`): `limit` (default 25, at most 1000), `marker`,
 * `sort_key`/`sort_dir` (or `sort=key:dir,...`), filters on the core attributes, `tag`,
 * `size_min`/`size_max`, `os_hidden` (hidden images are listed only with `os_hidden=true`, and
 * then only they) and any other property by value. Done over the rows the caller may see,
 * which a project's image limit keeps few.
 */
import type { ImageRow } from "../db/schema";
import type { GlanceImage } from "./interface";
import { glanceBadRequest } from "./rules";
import { imageView } from "./view";

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;
const SORT_KEYS = ["name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at", "visibility", "owner", "min_disk", "min_ram", "virtual_size"];
const FILTERS = ["name", "status", "visibility", "owner", "disk_format", "container_format", "id", "checksum", "os_hash_value"];
/** Query keys that are not property filters. */
const NOT_FILTERS = new Set(["limit", "marker", "sort_key", "sort_dir", "sort", "member_status", "tag", "size_min", "size_max", "protected", "os_hidden"]);

export interface ImagePage {
  images: GlanceImage[];
  /** The marker of the next page, when this one is full. */
  nextMarker?: string;
  limit: number;
}

function sortSpec(q: Record<string, string>): Array<[string, "asc" | "desc"]> {
  if (q.sort !== undefined) {
    if (q.sort_key !== undefined || q.sort_dir !== undefined) throw glanceBadRequest("The 'sort' parameter is not allowed with 'sort_key' or 'sort_dir'.");
    return q.sort.split(",").map((part) => {
      const [key, dir = "desc"] = part.trim().split(":");
      return [checkKey(key), checkDir(dir)];
    });
  }
  return [[checkKey(q.sort_key ?? "created_at"), checkDir(q.sort_dir ?? "desc")]];
}

function checkKey(k: string): string {
  if (!SORT_KEYS.includes(k)) throw glanceBadRequest(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(", ")}.`);
  return k;
}

function checkDir(d: string): "asc" | "desc" {
  if (d !== "asc" && d !== "desc") throw glanceBadRequest(`Invalid sort direction: ${d}`);
  return d;
}

function matches(img: GlanceImage, row: ImageRow, q: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(q)) {
    if (NOT_FILTERS.has(k)) continue;
    const raw = FILTERS.includes(k) || k in img ? img[k] : undefined;
    // Glance's `in:a,b` operator on the core filters.
    const wanted = v.startsWith("in:") ? v.slice(3).split(",") : [v];
    if (raw === undefined || raw === null || !wanted.includes(String(raw))) return false;
  }
  if (q.tag !== undefined && !img.tags.includes(q.tag)) return false;
  if (q.protected !== undefined && String(Boolean(row.protected)) !== q.protected) return false;
  if (Boolean(row.os_hidden) !== (q.os_hidden?.toLowerCase() === "true")) return false;
  if (q.size_min !== undefined && (row.size === null || Number(row.size) < Number(q.size_min))) return false;
  if (q.size_max !== undefined && (row.size === null || Number(row.size) > Number(q.size_max))) return false;
  return true;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}

export function listPage(rows: ImageRow[], q: Record<string, string>): ImagePage {
  const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 0) throw glanceBadRequest("limit param must be positive");
  for (const k of ["os_hidden", "protected"] as const) {
    const v = k === "os_hidden" ? q[k]?.toLowerCase() : q[k];
    if (v !== undefined && v !== "true" && v !== "false") throw glanceBadRequest(`Invalid value '${q[k]}' for '${k}' filter. Valid values are 'true' or 'false'.`);
  }
  for (const k of ["size_min", "size_max"]) if (q[k] !== undefined && !/^\d+$/.test(q[k])) throw glanceBadRequest(`${k} must be a non-negative integer`);
  const sort = sortSpec(q);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const views = rows.map(imageView).filter((v) => matches(v, byId.get(v.id)!, q));
  views.sort((a, b) => {
    for (const [k, dir] of sort) {
      const c = compare(a[k], b[k]);
      if (c !== 0) return dir === "asc" ? c : -c;
    }
    const c = compare(a.id, b.id);
    return sort[sort.length - 1][1] === "asc" ? c : -c;
  });
  let start = 0;
  if (q.marker !== undefined) {
    const at = views.findIndex((v) => v.id === q.marker);
    if (at < 0) throw glanceBadRequest(`marker could not be found: ${q.marker}`);
    start = at + 1;
  }
  const take = Math.min(limit, MAX_LIMIT);
  const images = views.slice(start, start + take);
  const full = images.length === take && start + take < views.length;
  return { images, limit: take, ...(full && images.length > 0 ? { nextMarker: images[images.length - 1].id } : {}) };
}
