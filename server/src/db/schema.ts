/**
 * Table shapes, shared by SQLite and PostgreSQL. Booleans are stored as 0/1 integers and times as
 * naive ISO-8601 UTC text with microseconds (Cinder's wire format), so both dialects sort and
 * compare them the same way and nothing needs converting on the way out.
 */
import type { Selectable } from "kysely";
import type { AttachStatus, SnapshotStatus, VolumeStatus } from "../contract/status";

export interface VolumesTable {
  id: string;
  project_id: string;
  user_id: string;
  /** `host@backend#pool`, set by the scheduler; null until scheduled. */
  host: string | null;
  /** `cluster@backend#pool` when the backend is clustered: its work goes to the cluster's queue. */
  cluster_name: string | null;
  availability_zone: string;
  display_name: string | null;
  display_description: string | null;
  size: number;
  status: VolumeStatus;
  attach_status: AttachStatus;
  migration_status: string | null;
  /** The id the volume's storage is named after, when not its own (a migrated volume; Cinder's `_name_id`). */
  name_id?: string | null;
  previous_status: VolumeStatus | null;
  bootable: number;
  multiattach: number;
  snapshot_id: string | null;
  source_volid: string | null;
  volume_type_id: string | null;
  /** The key manager's id of the volume's key (encrypted types only). */
  encryption_key_id: string | null;
  replication_status: string | null;
  consumes_quota: number;
  provider_location: string | null;
  provider_auth: string | null;
  provider_id: string | null;
  /** JSON of the operation in flight (e.g. `{"op":"extend","new_size":5}`), for restart reconciliation. */
  task: string | null;
  /** The generic volume group the volume belongs to (3.13). */
  group_id: string | null;
  created_at: string;
  updated_at: string | null;
  launched_at: string | null;
}

export interface MetadataTable {
  volume_id: string;
  key: string;
  value: string;
}

export interface SnapshotMetadataTable {
  snapshot_id: string;
  key: string;
  value: string;
}

export interface SnapshotsTable {
  id: string;
  project_id: string;
  user_id: string;
  volume_id: string;
  status: SnapshotStatus;
  progress: string;
  volume_size: number;
  display_name: string | null;
  display_description: string | null;
  volume_type_id: string | null;
  /** The volume's key id when the snapshot was taken (shared with the volume, cinder/volume/api.py _create_snapshot). */
  encryption_key_id: string | null;
  consumes_quota: number;
  group_snapshot_id: string | null;
  provider_location: string | null;
  created_at: string;
  updated_at: string | null;
  /** The unfinished manage operation (JSON `{"op":"manage","ref":…,"size"?:N}`), else null. */
  task: string | null;
}

export interface VolumeTypesTable {
  id: string;
  name: string;
  description: string | null;
  is_public: number;
  qos_specs_id: string | null;
  created_at: string;
  updated_at: string | null;
}

/** A group type (cinder/db/sqlalchemy/models.py GroupType). */
export interface GroupTypesTable {
  id: string;
  name: string;
  description: string | null;
  is_public: number;
  created_at: string;
  updated_at: string | null;
}

export interface GroupTypeSpecsTable {
  group_type_id: string;
  key: string;
  value: string | null;
}

/** A generic volume group (cinder/db/sqlalchemy/models.py Group). */
export interface GroupsTable {
  id: string;
  project_id: string;
  user_id: string;
  /** `host@backend#pool` the group's volumes live on, set by the scheduler. */
  host: string | null;
  cluster_name: string | null;
  availability_zone: string;
  name: string | null;
  description: string | null;
  group_type_id: string;
  status: string;
  group_snapshot_id: string | null;
  source_group_id: string | null;
  replication_status: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface GroupVolumeTypeMappingTable {
  group_id: string;
  volume_type_id: string;
}

/** A snapshot of every volume of a group (cinder/db/sqlalchemy/models.py GroupSnapshot). */
export interface GroupSnapshotsTable {
  id: string;
  project_id: string;
  user_id: string;
  group_id: string;
  group_type_id: string;
  name: string | null;
  description: string | null;
  status: string;
  created_at: string;
  updated_at: string | null;
}

export interface ServicesTable {
  id: string;
  host: string;
  binary: string;
  topic: string;
  availability_zone: string;
  disabled: number;
  disabled_reason: string | null;
  /** `cluster@backend` of a clustered volume service. */
  cluster_name: string | null;
  /** Cinder's freeze: no modification operations on the backend's volumes and snapshots. */
  frozen: number;
  created_at: string;
  updated_at: string | null;
}

export interface ClustersTable {
  id: string;
  /** `cluster@backend`. */
  name: string;
  binary: string;
  disabled: number;
  disabled_reason: string | null;
  frozen: number;
  created_at: string;
  updated_at: string | null;
}

export interface DomainsTable {
  id: string;
  name: string;
  description: string | null;
  enabled: number;
  created_at: string;
}

export interface ProjectsTable {
  id: string;
  name: string;
  domain_id: string;
  description: string | null;
  enabled: number;
  created_at: string;
}

export interface UsersTable {
  id: string;
  name: string;
  domain_id: string;
  password_hash: string | null;
  enabled: number;
  default_project_id: string | null;
  email: string | null;
  description: string | null;
  created_at: string;
}

export interface RolesTable {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
}

export interface RoleAssignmentsTable {
  user_id: string;
  project_id: string;
  role_id: string;
}

export interface TokensTable {
  /** sha256 of the token: the token itself is never stored. */
  id_hash: string;
  user_id: string;
  project_id: string | null;
  methods: string;
  audit_id: string;
  issued_at: string;
  expires_at: string;
  revoked: number;
  /** The application credential the token was issued with (its deletion revokes the token). */
  app_cred_id: string | null;
}

export interface ApplicationCredentialsTable {
  id: string;
  name: string;
  /** The secret's KDF hash (identity/password.ts): the secret itself is never stored. */
  secret_hash: string;
  description: string | null;
  user_id: string;
  project_id: string;
  /** Keystone's `%Y-%m-%dT%H:%M:%S.%f` (UTC, no zone); null = never. */
  expires_at: string | null;
  unrestricted: number;
  created_at: string;
}

export interface ApplicationCredentialRolesTable {
  application_credential_id: string;
  role_id: string;
}

export interface ExtraSpecsTable {
  volume_type_id: string;
  key: string;
  value: string | null;
}

/** A volume type's encryption specs (cinder/db/sqlalchemy/models.py Encryption). */
export interface TypeEncryptionTable {
  volume_type_id: string;
  encryption_id: string;
  provider: string;
  cipher: string | null;
  key_size: number | null;
  control_location: string;
  created_at: string;
  updated_at: string | null;
}

/** A key of the built-in key manager, sealed under the master key. */
export interface KeyManagerSecretsTable {
  id: string;
  project_id: string | null;
  algorithm: string;
  bit_length: number;
  sealed: string;
  created_at: string;
}

export interface TypeProjectsTable {
  volume_type_id: string;
  project_id: string;
}

export interface DefaultTypesTable {
  project_id: string;
  volume_type_id: string;
  created_at: string;
}

export interface QosSpecsTable {
  id: string;
  name: string;
  consumer: string;
  created_at: string;
}

export interface QosSpecKeysTable {
  qos_specs_id: string;
  key: string;
  value: string;
}

export interface QuotasTable {
  project_id: string;
  resource: string;
  hard_limit: number;
}

export interface QuotaClassesTable {
  class_name: string;
  resource: string;
  hard_limit: number;
}

export interface QuotaUsagesTable {
  project_id: string;
  resource: string;
  in_use: number;
  reserved: number;
}

export interface VolumeAttachmentTable {
  id: string;
  volume_id: string;
  instance_uuid: string | null;
  attached_host: string | null;
  mountpoint: string | null;
  attach_time: string | null;
  detach_time: string | null;
  /** `rw` or `ro`. */
  attach_mode: string | null;
  attach_status: AttachStatus;
  connector: string | null;
  connection_info: string | null;
  created_at: string;
  updated_at: string | null;
}

/** A volume transfer (cinder/db/sqlalchemy/models.py Transfer); booleans as 0/1. */
export interface TransfersTable {
  id: string;
  volume_id: string;
  display_name: string | null;
  salt: string;
  crypt_hash: string;
  expires_at: string | null;
  no_snapshots: number;
  source_project_id: string;
  destination_project_id: string | null;
  accepted: number;
  /** Set with `accepted`: an accepted transfer is history, listed and shown no more. */
  deleted: number;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
}

/** A user message (cinder/db/sqlalchemy/models.py Message); deleted ones stay until they expire. */
export interface MessagesTable {
  id: string;
  project_id: string;
  message_level: string;
  request_id: string | null;
  resource_type: string | null;
  resource_uuid: string | null;
  event_id: string;
  detail_id: string | null;
  action_id: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
  deleted: number;
}

/** An image (glance/db/sqlalchemy/models.py Image); properties and tags as JSON. */
export interface ImagesTable {
  id: string;
  name: string | null;
  owner: string;
  status: string;
  visibility: string;
  protected: number;
  /** Left out of image lists unless asked for (0016). */
  os_hidden: number;
  disk_format: string | null;
  container_format: string | null;
  size: number | string | null;
  virtual_size: number | string | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  min_disk: number;
  min_ram: number;
  properties: string;
  tags: string;
  created_at: string;
  updated_at: string;
}

/** A project an image is shared with (glance ImageMember). */
export interface ImageMembersTable {
  image_id: string;
  member: string;
  status: string;
  created_at: string;
  updated_at: string;
}

/** A volume's image metadata (cinder VolumeGlanceMetadata). */
export interface VolumeGlanceMetadataTable {
  volume_id: string;
  key: string;
  value: string;
}

/** A volume backup (cinder/db/sqlalchemy/models.py Backup); metadata as a JSON object. */
export interface BackupsTable {
  id: string;
  project_id: string;
  user_id: string;
  volume_id: string;
  snapshot_id: string | null;
  status: string;
  fail_reason: string | null;
  size: number;
  object_count: number;
  container: string | null;
  parent_id: string | null;
  num_dependent_backups: number;
  data_timestamp: string;
  availability_zone: string | null;
  host: string | null;
  service: string | null;
  display_name: string | null;
  display_description: string | null;
  metadata: string;
  encryption_key_id: string | null;
  /** Percent of the running backup or restore done; null when none runs. */
  progress: number | null;
  /** The source volume's (or snapshot's) status before it went `backing-up`. */
  previous_status: string | null;
  /** 1 while the row holds its project's backups and backup_gigabytes quota. */
  consumes_quota: number;
  /** The running restore, as JSON (BackupTask). */
  task: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface Database {
  domains: DomainsTable;
  projects: ProjectsTable;
  users: UsersTable;
  roles: RolesTable;
  role_assignments: RoleAssignmentsTable;
  tokens: TokensTable;
  application_credentials: ApplicationCredentialsTable;
  application_credential_roles: ApplicationCredentialRolesTable;
  volume_type_extra_specs: ExtraSpecsTable;
  volume_type_projects: TypeProjectsTable;
  volume_type_encryption: TypeEncryptionTable;
  key_manager_secrets: KeyManagerSecretsTable;
  default_volume_types: DefaultTypesTable;
  qos_specs: QosSpecsTable;
  qos_spec_keys: QosSpecKeysTable;
  quotas: QuotasTable;
  quota_classes: QuotaClassesTable;
  quota_usages: QuotaUsagesTable;
  volumes: VolumesTable;
  volume_metadata: MetadataTable;
  volume_admin_metadata: MetadataTable;
  snapshots: SnapshotsTable;
  snapshot_metadata: SnapshotMetadataTable;
  volume_types: VolumeTypesTable;
  group_types: GroupTypesTable;
  group_type_specs: GroupTypeSpecsTable;
  groups: GroupsTable;
  group_volume_type_mapping: GroupVolumeTypeMappingTable;
  group_snapshots: GroupSnapshotsTable;
  services: ServicesTable;
  clusters: ClustersTable;
  volume_attachment: VolumeAttachmentTable;
  transfers: TransfersTable;
  backups: BackupsTable;
  messages: MessagesTable;
  images: ImagesTable;
  image_members: ImageMembersTable;
  volume_glance_metadata: VolumeGlanceMetadataTable;
}

/** A volume row; `name_id` may be absent from a row built in memory before its insert. */
export type VolumeRow = Omit<Selectable<VolumesTable>, "name_id"> & { name_id?: string | null };
export type SnapshotRow = Selectable<SnapshotsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type ClusterRow = Selectable<ClustersTable>;
export type VolumeTypeRow = Selectable<VolumeTypesTable>;
export type GroupTypeRow = Selectable<GroupTypesTable>;
export type GroupRow = Selectable<GroupsTable>;
export type GroupSnapshotRow = Selectable<GroupSnapshotsTable>;
export type AttachmentRow = Selectable<VolumeAttachmentTable>;
export type TransferRow = Selectable<TransfersTable>;
export type MessageRow = Selectable<MessagesTable>;
export type BackupRow = Selectable<BackupsTable>;
export type ImageRow = Selectable<ImagesTable>;
export type ImageMemberRow = Selectable<ImageMembersTable>;
