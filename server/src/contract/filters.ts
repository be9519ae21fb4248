/** Filters shared by the volume and snapshot lists: what the transport parses and the data layer applies. */
export interface TimeFilter {
  op: "gt" | "gte" | "eq" | "neq" | "lt" | "lte";
  value: string;
}

export interface ListFilters {
  /** Only this project's rows; undefined lists every project (admin with all_tenants). */
  projectId?: string;
  /** Exact column = value filters, already mapped to column names. */
  equals: Record<string, string | number>;
  /** Case-insensitive substring filters (3.34 `name~`), column -> text. */
  like: Record<string, string>;
  metadata: Record<string, string>;
  /** Volumes only: the image metadata (volume_glance_metadata) keys and values a volume must have. */
  imageMetadata?: Record<string, string>;
  times: Record<string, TimeFilter[]>;
  /** Snapshots only: the availability zone of the snapshot's volume. */
  volumeAz?: string;
}

export function emptyFilters(projectId?: string): ListFilters {
  return { projectId, equals: {}, like: {}, metadata: {}, times: {} };
}
