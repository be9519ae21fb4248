/**
 * @cinderblock/sdk — a typed client for the OpenStack Cinder v3 API (Cinderblock or any OpenStack
 * cloud). Types come from the Cinderblock OpenAPI document; the transport is axios.
 *
 * ```ts
 * import { connect } from "@cinderblock/sdk";
 * const client = await connect(); // OS_CLOUD / OS_AUTH_URL … as the openstack CLI reads them
 * const v = await client.volumes.create({ size: 1, name: "data" });
 * await client.volumes.waitFor(v, "available");
 * for await (const vol of client.volumes.list({ status: "available" })) console.log(vol.id);
 * ```
 *
 * @packageDocumentation
 */
export { connect, CinderClient } from "./client";
export type {
  ApplicationCredentialAuth,
  AuthOptions,
  ConnectOptions,
  EndpointInterface,
  NoAuth,
  PasswordAuth,
  ProjectScope,
  TokenAuth,
  UserRef,
} from "./config/options";
export { resolveConfig, type ResolvedConfig } from "./config/resolve";
export {
  BadRequest,
  CinderApiError,
  CinderError,
  ConfigError,
  Conflict,
  ConnectionError,
  Forbidden,
  MicroversionError,
  NotFound,
  OverLimit,
  ResourceStatusError,
  ServerError,
  Unauthorized,
  UnexpectedStatus,
  WaitTimeoutError,
  isApiError,
  isBadRequest,
  isConflict,
  isForbidden,
  isNotFound,
  isOverLimit,
  isServerError,
  isUnauthorized,
} from "./errors";
export { MAX_VERSION, MIN_VERSION, MV, compareVersions } from "./microversions";
export { Pager, type Page } from "./paginate";
export type { RetryOptions } from "./retry";
export type { RequestLog, TlsOptions } from "./transport";
export { waitFor, type Check, type Ref, type WaitOptions } from "./wait";
export { ImagesClient, imagesClient, type Image, type ImageCreate, type ImageListQuery, type ImagePatchOp, type ImagesOptions } from "./images";
export type * from "./types";
export type { VolumeDeleteQuery, VolumeListQuery, VolumeSummaryQuery, SchedulerHints } from "./resources/volumes";
export type { Attachment, AttachmentCreate, AttachmentListQuery, AttachmentSummary } from "./resources/attachments";
export type { Connector } from "./resources/volume-actions";
export type { SnapshotListQuery } from "./resources/snapshots";
export type { VolumeTypeListQuery } from "./resources/volume-types";
export type { QosDeleteQuery, QosListQuery } from "./resources/qos-specs";
export type { GroupType, GroupTypeCreate, GroupTypeListQuery, GroupTypeUpdate } from "./resources/group-types";
export type { Group, GroupCreate, GroupListQuery, GroupSummary, GroupUpdate } from "./resources/groups";
export type { GroupSnapshot, GroupSnapshotCreate, GroupSnapshotListQuery, GroupSnapshotSummary } from "./resources/group-snapshots";
export type { LimitsQuery } from "./resources/limits";
export type { ServiceListQuery, ServiceTarget } from "./resources/services";
export type { Cluster, ClusterDetail, ClusterListQuery } from "./resources/clusters";
export type { PoolListQuery } from "./resources/pools";
export type { Backup, BackupCreate, BackupListQuery, BackupSummary } from "./resources/backups";
export type { CreatedTransfer, LegacyTransferCreate, LegacyTransferListQuery, Transfer, TransferCreate, TransferListQuery, TransferSummary } from "./resources/transfers";
