/**
 * Volume create (cinder/api/v3/volumes.py create, cinder/volume/flows/api/create_volume.py):
 * check the request against the sources it names, take `multiattach` from the volume type,
 * insert the row as `creating`, and hand it to the scheduler. The source's status is re-checked
 * in the same transaction as the insert, so a source that is being deleted cannot be used.
 */
import { randomUUID } from "node:crypto";
import type { VolumeRow, VolumesTable } from "../../db/schema";
import { casSnapshot } from "../../db/repos/snapshots";
import { casVolume, imageTask, insertVolume } from "../../db/repos/volumes";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidInput, invalidSnapshot, invalidVolume, invalidVolumeType, notFound, volumeTypeIdNotFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { ConfigDeps, DbDeps, ImageDeps, ScheduleDeps } from "./deps";
import { checkImageForVolume, imageForNewVolume, sizeForImage } from "./image-source";
import { findSnapshot, findVolume } from "./lookup";
import { findGroup } from "./groups";
import { groupVolumeTypes } from "../../db/repos/groups";
import { holdRow, typeSpecs } from "../../db/repos/types";
import { defaultType, typeByNameOrId } from "./types";
import { availabilityZones } from "./zones";
import { checkSizeForType } from "./type-size";
import { consume, typeNameOf } from "../../quota/quota";
import type { VolumeStatus } from "../../contract/status";
import { VOLUME_TRANSITIONS as T } from "../../contract/status";
import type { CreateVolumeInput } from "../../contract/api";
import { encryptionOf } from "../../db/repos/encryption";
import { forgetKey, type KeyDeps, keyForNewVolume } from "./keys";
import { backupForNewVolume, claimBackupForNewVolume, restoreTask } from "./backup-restore";

const SOURCE_STATUSES: readonly VolumeStatus[] = ["available", "in-use"];

export async function createVolume(svc: ScheduleDeps & KeyDeps & ImageDeps, ctx: RequestContext, input: CreateVolumeInput): Promise<VolumeRow> {
  authorize(ctx, "volume:create");
  if (input.multiattach) {
    throw badRequest(
      "multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. " +
        "Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes.",
    );
  }
  const given = (
    [
      ["snapshot", input.snapshotId],
      ["imageRef", input.imageRef],
      ["source_volume", input.sourceVolid],
      ["backup", input.backupId],
    ] as const
  ).filter(([, v]) => v !== undefined && v !== null && v !== "");
  if (given.length > 1) throw invalidInput(`May specify only one of ${given.map(([k]) => k).join(", ")}`);
  const image = input.imageRef ? await imageForNewVolume(svc, ctx, input.imageRef) : undefined;
  const backup = input.backupId ? await backupForNewVolume(svc, ctx, input.backupId) : undefined;
  if (backup && input.size !== undefined && input.size !== null && input.size < backup.size) {
    throw invalidInput(`Volume size ${input.size} cannot be lesser than the backup size ${backup.size}.`);
  }
  const group = input.groupId ? await findGroup(svc, ctx, input.groupId) : undefined;

  const snapshot = input.snapshotId ? await findSnapshot(svc, ctx, input.snapshotId) : undefined;
  if (snapshot && snapshot.status !== "available") {
    throw invalidSnapshot("Originating snapshot status must be one of 'available' values");
  }
  const snapVolume = snapshot ? await findVolume(svc, ctx, snapshot.volume_id) : undefined;
  const source = input.sourceVolid ? await findVolume(svc, ctx, input.sourceVolid) : undefined;
  if (source && !SOURCE_STATUSES.includes(source.status)) {
    throw invalidVolume(`Originating source volume status must be one of '${SOURCE_STATUSES.join(", ")}' values`);
  }
  const size = checkSize(
    input.size ?? snapshot?.volume_size ?? source?.size ?? backup?.size ?? (image ? sizeForImage(image) : null),
    snapshot?.volume_size,
    source?.size,
  );
  if (image) checkImageForVolume(image, size);
  const origin = snapVolume ?? source;

  // By name or id as the caller may see it (a private type only where shared); else the source's, else the default.
  const type = input.volumeType ? await typeByNameOrId(svc, ctx, input.volumeType) : undefined;
  const typeId = type?.id ?? origin?.volume_type_id ?? (await defaultType(svc, ctx)).id;
  if (type && origin?.volume_type_id && type.id !== origin.volume_type_id) {
    throw invalidInput(
      `Invalid volume_type provided: ${input.volumeType} (requested type is not compatible; ` +
        `either match source volume, or omit type argument).`,
    );
  }
  if (group) await checkGroupType(svc, group.id, type);
  await checkSizeForType(svc.db.kysely, typeId, size);
  const az = await chooseZone(svc, input.availabilityZone ?? undefined, origin, snapshot ? "snapshot" : "source volume");
  const multiattach = await isMultiattachType(svc, typeId);
  if (multiattach) authorize(ctx, "volume:multiattach");
  if (multiattach && (await encryptionOf(svc.db.kysely, typeId))) throw invalidVolume("Multiattach cannot be used with encrypted volumes.");
  // Made before the row (Cinder's API makes it too); forgotten again if the row is not made.
  const keyId = await keyForNewVolume(svc, ctx, typeId, snapshot ?? source);

  const t = now();
  const row: VolumesTable = {
    id: randomUUID(),
    project_id: ctx.projectId,
    user_id: ctx.userId,
    host: null,
    cluster_name: null,
    availability_zone: az,
    display_name: input.name ?? null,
    display_description: input.description ?? null,
    size,
    status: T.create.during,
    attach_status: "detached",
    migration_status: null,
    previous_status: null,
    bootable: 0,
    multiattach: multiattach ? 1 : 0,
    snapshot_id: snapshot?.id ?? null,
    source_volid: source?.id ?? null,
    volume_type_id: typeId,
    encryption_key_id: keyId,
    replication_status: null,
    consumes_quota: 1,
    provider_location: null,
    provider_auth: null,
    provider_id: null,
    task: backup ? restoreTask(backup.id) : image ? imageTask(image.id) : null,
    group_id: group?.id ?? null,
    created_at: t,
    updated_at: null,
    launched_at: null,
  };
  const rollBackKey = () => forgetKey(svc, ctx, keyId);
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Re-check the source inside the transaction (and, on PostgreSQL, lock its row until commit).
    if (snapshot && !(await casSnapshot(trx, snapshot.id, ["available"], {}))) {
      throw invalidSnapshot("Originating snapshot status must be one of 'available' values");
    }
    if (source && !(await casVolume(trx, source.id, { status: SOURCE_STATUSES }, {}))) {
      throw invalidVolume(`Originating source volume status must be one of '${SOURCE_STATUSES.join(", ")}' values`);
    }
    // Held until commit so that the type cannot be deleted from under the new volume.
    if (typeId && !(await holdRow(trx, svc.db.dialect, "volume_types", typeId, "share"))) throw volumeTypeIdNotFound(typeId);
    // The key was decided before the type was held: its encryption must still be what it was.
    if (Boolean(await encryptionOf(trx, typeId)) !== (keyId !== null)) throw invalidVolumeType("its encryption changed while the volume was being created.");
    await consume(trx, svc.config.quotas, ctx.projectId, { volumes: 1, gigabytes: size, typeName: await typeNameOf(trx, typeId) }, size);
    await insertVolume(trx, row, input.metadata ?? {});
    if (backup) await claimBackupForNewVolume(trx, backup.id, row.id);
  }).catch(async (err: unknown) => {
    await rollBackKey();
    throw err;
  });
  svc.scheduler.createVolume(row.id, ctx.requestId);
  return row;
}

/**
 * cinder/volume/api.py create: a volume made in a group names its type, one of the group's
 * (the type a volume would get by default does not count).
 */
async function checkGroupType(svc: DbDeps, groupId: string, type: { id: string } | undefined): Promise<void> {
  if (!type) throw invalidInput("volume_type must be provided when creating a volume in a group.");
  const types = (await groupVolumeTypes(svc.db.kysely, [groupId])).get(groupId) ?? [];
  if (!types.includes(type.id)) {
    throw invalidInput(`Invalid volume_type provided: ${type.id} (requested type must be supported by this group).`);
  }
}

/**
 * cinder/volume/api.py `_is_multiattach` (and create_volume.py ExtractVolumeRequestTask): a type
 * whose extra spec `multiattach` is exactly `<is> True` makes multiattach volumes.
 */
export async function isMultiattachType(svc: DbDeps, typeId: string | null): Promise<boolean> {
  if (!typeId) return false;
  return (await typeSpecs(svc.db.kysely, typeId)).multiattach === "<is> True";
}

function checkSize(size: number | null, snapSize?: number, sourceSize?: number): number {
  if (size === null || !Number.isInteger(size) || size <= 0) {
    throw invalidInput(`Volume size '${size === null ? "None" : size}' must be an integer and greater than 0`);
  }
  if (snapSize !== undefined && size < snapSize) {
    throw invalidInput(
      `Volume size '${size}'GB cannot be smaller than the snapshot size ${snapSize}GB. They must be >= original snapshot size.`,
    );
  }
  if (sourceSize !== undefined && size < sourceSize) {
    // Two spaces before the size, as in cinder/volume/flows/api/create_volume.py validate_source_size.
    throw invalidInput(
      `Volume size '${size}'GB cannot be smaller than original volume size  ${sourceSize}GB. They must be >= original volume size.`,
    );
  }
  return size;
}

async function chooseZone(
  svc: ConfigDeps,
  requested: string | undefined,
  origin: VolumeRow | undefined,
  originName: string,
): Promise<string> {
  if (requested !== undefined) {
    const zones = await availabilityZones(svc);
    if (!zones.some((z) => z.name === requested)) throw badRequest(`Availability zone '${requested}' is invalid.`);
    if (origin && origin.availability_zone !== requested) {
      throw invalidInput(`Volume must be in the same availability zone as the ${originName}`);
    }
    return requested;
  }
  return origin?.availability_zone ?? svc.config.defaultAvailabilityZone;
}
