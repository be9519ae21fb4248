/** Paging and sorting of a list request (cinder/api/common.py), as the domain and the data layer take it. */

export interface SortKey {
  /** A column name (already mapped from the API's key). */
  column: string;
  dir: "asc" | "desc";
  /** Nullable columns sort as '' so that both dialects agree on where NULLs go. */
  nullable?: boolean;
}

/** The paging part of a list request (limit, offset, marker, sort), for lists with their own filters. */
export interface Paging {
  limit: number;
  offset: number;
  marker?: string;
  sort: SortKey[];
}
