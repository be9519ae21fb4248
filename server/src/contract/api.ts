/**
 * The inputs and outputs of the volume API's use cases, as the transport hands them over and gets
 * them back: plain shapes with no HTTP in them, parsed by the handlers and taken by volume/api.
 */
import type { Connector } from "./connector";
import type { ListFilters } from "./filters";
import type { SortKey } from "./paging";

export interface ResetStatus {
  status?: string;
  attach_status?: string;
  migration_status?: string;
}

export interface AttachBody {
  instance_uuid?: string;
  host_name?: string;
  mountpoint: string;
  mode?: "rw" | "ro";
}

export interface ForceDetach {
  connector: Connector;
  attachmentId: string | null;
}

export interface CreateAttachment {
  volumeId: string;
  instanceUuid: string | null;
  connector: Connector | null;
  /** Only from 3.54; Cinder's default is the string 'null'. */
  mode?: string;
}

export interface CreateVolumeInput {
  size?: number | null;
  name?: string | null;
  description?: string | null;
  volumeType?: string | null;
  availabilityZone?: string | null;
  metadata?: Record<string, string> | null;
  snapshotId?: string | null;
  sourceVolid?: string | null;
  imageRef?: string | null;
  backupId?: string | null;
  groupId?: string | null;
  multiattach?: boolean | null;
}

export interface DeleteOptions {
  cascade: boolean;
  /** Ignore the status (admin: `os-force_delete`, `DELETE ?force=true` from 3.23). */
  force: boolean;
}

export interface ListQuery {
  filters: ListFilters;
  sort: SortKey[];
  limit: number;
  marker?: string;
  offset: number;
  withCount: boolean;
}

export interface VolumesSummary {
  total_count: number;
  total_size: number;
  /** Every metadata key with its distinct values (3.36). */
  metadata: Record<string, string[]>;
}

export interface ManageVolumeInput {
  host?: string | null;
  cluster?: string | null;
  ref: unknown;
  name?: string | null;
  description?: string | null;
  volumeType?: string | null;
  availabilityZone?: string | null;
  metadata?: Record<string, string> | null;
  bootable: boolean;
}

export interface ManageSnapshotInput {
  volumeId: string;
  ref: unknown;
  name?: string | null;
  description?: string | null;
  metadata?: Record<string, string> | null;
}

export interface ManageableQuery {
  host?: string;
  cluster?: string;
  marker?: string;
  limit: number;
  offset: number;
  sortKeys: string[];
  sortDirs: string[];
}

export interface CreateSnapshotInput {
  volumeId: string;
  name?: string | null;
  description?: string | null;
  /** undefined when the request did not send `force`. */
  force?: boolean;
  metadata?: Record<string, string> | null;
}

export interface SnapshotUpdate {
  name?: string | null;
  description?: string | null;
}

export interface VolumeUpdate {
  name?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
}

export interface Zone {
  name: string;
  available: boolean;
}

export type AbsoluteLimits = Record<string, number>;

export type MigrationPolicy = "never" | "on-demand";

export interface TypeUpdate {
  name?: string | null;
  description?: string | null;
  isPublic?: boolean | null;
}
