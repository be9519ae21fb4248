/**
 * Manage existing volumes, the API side (cinder/volume/api.py manage_existing and
 * get_manageable_volumes, cinder/volume/flows/api/manage_existing.py): find the volume service
 * the request names, insert the row as `managing` with size 0 while taking one volume of quota,
 * and cast to that service; or ask it for its manageable objects and page them as
 * cinder/volume/volume_utils.py `paginate_entries_list` does.
 */
import { randomUUID } from "node:crypto";
import { backendOf } from "../../bus/rpc";
import { getService, servicesOfCluster } from "../../db/repos/services";
import { getCluster } from "../../db/repos/clusters";
import { getSnapshot } from "../../db/repos/snapshots";
import { getVolume, insertVolume } from "../../db/repos/volumes";
import type { ServiceRow, VolumesTable } from "../../db/schema";
import { now } from "../../contract/time";
import type { ManageableVolume } from "../../drivers/interface";
import { badRequest, CinderError, invalidInput, invalidVolume, invalidVolumeType, notFound, volumeTypeIdNotFound } from "../../contract/errors";
import type { RequestContext } from "../../contract/context";
import { authorize } from "../../policy/policy";
import { consume, typeNameOf } from "../../quota/quota";
import type { CastDeps, ConfigCastDeps, ConfigDeps, DbDeps } from "./deps";
import { isMultiattachType } from "./create";
import { isUp } from "./services";
import { defaultType, holdRow, typeByNameOrId } from "./types";
import { VOLUME_BINARY } from "../../contract/services";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";
import type { ManageVolumeInput, ManageableQuery } from "../../contract/api";

export const VOLUME_NAME_RE = /^volume-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** The drivers' names for snapshot data: `snapshot-<id>` (file), `_snapshot-<id>` (LVM). */
export const SNAPSHOT_NAME_RE = /^_?snapshot-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const serviceUnavailable = () => badRequest("Service is unavailable at this time.");

/** The volume service of `host` (its `host@backend` part), up and enabled; `missing` when there is none. */
export async function volumeService(svc: ConfigDeps, host: string | undefined, missing: () => CinderError): Promise<ServiceRow> {
  const row = host ? await getService(svc.db.kysely, backendOf(host), VOLUME_BINARY) : undefined;
  if (!row) throw missing();
  if (row.disabled || !isUp(svc, row)) throw serviceUnavailable();
  return row;
}

export async function manageVolume(svc: ConfigCastDeps, ctx: RequestContext, input: ManageVolumeInput): Promise<VolumesTable> {
  authorize(ctx, "volume_extension:volume_manage");
  const sourceName = typeof input.ref === "object" && input.ref !== null ? (input.ref as Record<string, unknown>)["source-name"] : undefined;
  const managedId = typeof sourceName === "string" ? VOLUME_NAME_RE.exec(sourceName)?.[1] : undefined;
  if (managedId && (await getVolume(svc.db.kysely, managedId))) {
    throw invalidVolume("Unable to manage existing volume. The volume is already managed");
  }
  // Snapshot data is adoptable only as an orphan (no row, e.g. after a start on an older database):
  // taking a live snapshot's data would break the snapshot.
  const snapshotId = typeof sourceName === "string" ? SNAPSHOT_NAME_RE.exec(sourceName)?.[1] : undefined;
  if (snapshotId && (await getSnapshot(svc.db.kysely, snapshotId))) {
    throw invalidVolume(`Unable to manage existing volume. '${sourceName}' holds the data of snapshot ${snapshotId}, which is managed`);
  }
  let type;
  if (input.volumeType) {
    try {
      type = await typeByNameOrId(svc, ctx, input.volumeType);
    } catch (err) {
      if (err instanceof CinderError && err.status === 404) {
        throw invalidVolumeType(`Cannot find requested '${input.volumeType}' volume type`);
      }
      throw err;
    }
  } else {
    type = await defaultType(svc, ctx);
  }
  const { service, host, cluster } = input.host
    ? await hostPlacement(svc, input.host)
    : await clusterPlacement(svc, input.cluster as string, () => badRequest(`Cluster '${input.cluster}' not found`));
  const row: VolumesTable = {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    host,
    cluster_name: cluster,
    availability_zone: input.availabilityZone ?? service.availability_zone,
    display_name: input.name ?? null,
    display_description: input.description ?? null,
    size: 0,
    status: T.manage.during,
    attach_status: "detached",
    migration_status: null,
    previous_status: null,
    bootable: input.bootable ? 1 : 0,
    multiattach: (await isMultiattachType(svc, type.id)) ? 1 : 0,
    snapshot_id: null,
    source_volid: null,
    volume_type_id: type.id,
    encryption_key_id: null,
    replication_status: null,
    consumes_quota: 1,
    provider_location: null,
    provider_auth: null,
    provider_id: null,
    task: JSON.stringify({ op: "manage", ref: input.ref }),
    group_id: null,
    created_at: now(),
    updated_at: null,
    launched_at: null,
  };
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", type.id, "share"))) throw volumeTypeIdNotFound(type.id);
    await consume(trx, svc.config.quotas, ctx.projectId, { volumes: 1, typeName: await typeNameOf(trx, type.id) });
    await insertVolume(trx, row, input.metadata ?? {});
  });
  svc.volumes.manageExisting(cluster ?? host, row.id);
  return row;
}

interface Placement {
  service: ServiceRow;
  host: string;
  cluster: string | null;
}

/** `#pool` of a `host@backend#pool`, or "" when none is named. */
function poolPart(name: string): string {
  const i = name.indexOf("#");
  return i >= 0 ? name.slice(i) : "";
}

/** The named host's service; a clustered one puts the volume in its cluster. */
async function hostPlacement(svc: ConfigDeps, host: string): Promise<Placement> {
  const service = await volumeService(svc, host, () => badRequest(`Host '${host}' not found`));
  const pool = poolPart(host);
  return { service, host: pool ? host : service.host, cluster: service.cluster_name ? service.cluster_name + pool : null };
}

/**
 * cinder/volume/api.py _get_service_by_host_cluster with a cluster: a service of the cluster that
 * is up, the cluster itself enabled.
 */
export async function clusterPlacement(svc: ConfigDeps, name: string, missing: () => CinderError): Promise<Placement> {
  const cluster = backendOf(name);
  const members = await servicesOfCluster(svc.db.kysely, cluster, VOLUME_BINARY);
  const row = await getCluster(svc.db.kysely, cluster, VOLUME_BINARY);
  if (!row || members.length === 0) throw missing();
  const service = members.find((m) => isUp(svc, m));
  if (row.disabled || !service) throw serviceUnavailable();
  const pool = poolPart(name);
  return { service, host: service.host + pool, cluster: cluster + pool };
}

export async function listManageableVolumes(svc: ConfigCastDeps, ctx: RequestContext, q: ManageableQuery): Promise<ManageableVolume[]> {
  authorize(ctx, "volume_extension:list_manageable");
  const missing = () =>
    notFound(q.host ? `Service ${VOLUME_BINARY} could not be found on host ${backendOf(q.host)}.` : `Service ${VOLUME_BINARY} could not be found.`);
  const service = q.cluster ? (await clusterPlacement(svc, q.cluster, missing)).service : await volumeService(svc, q.host, missing);
  return paginate(await svc.volumes.getManageableVolumes(service.cluster_name ?? service.host), q);
}

/** cinder/volume/volume_utils.py paginate_entries_list: sort, skip to after the marker, then offset and limit. */
export function paginate<T extends ManageableVolume>(entries: T[], q: ManageableQuery): T[] {
  const value = (e: T, key: string): string | number => (key === "size" ? e.sizeGb : e.sourceName);
  const sorted = [...entries].sort((a, b) => {
    for (let i = 0; i < q.sortKeys.length; i++) {
      const [l, r] = [value(a, q.sortKeys[i]), value(b, q.sortKeys[i])];
      if (l === r) continue;
      return (q.sortDirs[i] === "asc") === l < r ? -1 : 1;
    }
    return 0;
  });
  let start = 0;
  if (q.marker) {
    let marker: unknown;
    try {
      marker = JSON.parse(q.marker);
    } catch {
      throw invalidInput(`marker ${q.marker} can not be analysed, please use json like format`);
    }
    const name = typeof marker === "object" && marker !== null ? (marker as Record<string, unknown>)["source-name"] : undefined;
    start = sorted.findIndex((e) => e.sourceName === name) + 1;
    if (start === 0) throw invalidInput(`marker not found: ${q.marker}`);
  }
  return sorted.slice(start + q.offset, start + q.limit + q.offset);
}
