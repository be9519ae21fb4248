/**
 * Volume migration, admin only (cinder/api/contrib/admin_actions.py `_migrate_volume` and
 * `_migrate_volume_completion`; cinder/volume/api.py migrate_volume, migrate_volume_completion).
 * The API checks the destination service and takes the volume with a compare-and-set
 * (migration_status `starting`); the scheduler checks the destination against its filters, and the
 * source's volume manager copies the data and completes (../manager/migrate.ts).
 */
import { backendOf, queueOf } from "../../bus/rpc";
import { casVolume, getVolume, migrationTarget } from "../../db/repos/volumes";
import { servicesWithRulingFlags } from "../../db/repos/services";
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidInput, invalidVolume, volumeNotFound } from "../../contract/errors";
import { isServiceUp, VOLUME_BINARY } from "../../contract/services";
import { authorize } from "../../policy/policy";
import type { Services } from "../../services";
import { findVolume } from "./lookup";

export interface MigrateVolumeInput {
  /** `host@backend[#pool]`; or, from 3.16, `cluster` instead. */
  host?: string;
  cluster?: string;
  /** From 3.16 (VOLUME_MIGRATE_CLUSTER) a cluster may be named instead of a host. */
  clusterAllowed: boolean;
  forceHostCopy: boolean;
  lockVolume: boolean;
}

type MigrateDeps = Pick<Services, "db" | "config" | "scheduler">;

/** The volume service named (its backend; a pool is ignored), enabled and up, or undefined. */
async function destinationService(svc: MigrateDeps, where: { host?: string; cluster?: string }) {
  const services = await servicesWithRulingFlags(svc.db.kysely, VOLUME_BINARY);
  const now = Date.now();
  return services.find(
    (s) =>
      (where.host ? s.host === backendOf(where.host) : s.cluster_name !== null && s.cluster_name === backendOf(where.cluster ?? "")) &&
      !s.ruling_disabled &&
      isServiceUp(s, svc.config.serviceDownTimeSeconds, now),
  );
}

export async function migrateVolume(svc: MigrateDeps, ctx: RequestContext, id: string, input: MigrateVolumeInput): Promise<void> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_admin_actions:migrate_volume", v.project_id);
  // cinder/api/common.py get_cluster_host, after the policy: exactly one of the two.
  if (Boolean(input.host) === Boolean(input.cluster)) {
    throw invalidInput(input.clusterAllowed ? "One and only one of cluster and host must be set." : "Host field is missing.");
  }
  const dest = (input.cluster || input.host) as string;
  if (!(await destinationService(svc, input.cluster ? { cluster: input.cluster } : { host: input.host }))) throw badRequest(`Invalid host: No available service named '${dest}'`);
  // Cinder migrates an attached volume by asking Nova to swap it to the new volume (swap_volume),
  // then completes through os-migrate_volume_completion. There is no compute service here to do the
  // swap, so an in-use volume is refused rather than left to fail half way.
  if (v.status === "in-use") {
    throw invalidVolume(
      `Volume ${id} is in-use: an attached volume can only be migrated by the compute service that attaches it ` +
        `(swap volume), and there is none; detach it and migrate it while available.`,
    );
  }
  const sameDestination = input.cluster ? v.cluster_name === input.cluster : v.host === input.host;
  const won =
    !sameDestination &&
    (await casVolume(
      svc.db.kysely,
      id,
      { status: ["available"], migrationIdle: true, groupIs: null, noSnapshots: true },
      { migration_status: "starting", previous_status: v.status, ...(input.lockVolume ? { status: "maintenance" } : {}) },
    ));
  if (!won) {
    throw invalidVolume(
      `Volume ${id} status must be available or in-use, must not be migrating, have snapshots, be replicated, ` +
        `be part of a group and destination host/cluster must be different than the current one`,
    );
  }
  // force_host_copy chooses Cinder's generic copy over a driver's own migration; ours is always the copy.
  svc.scheduler.migrateVolume(id, dest, input.forceHostCopy, ctx.requestId);
}

/**
 * os-migrate_volume_completion: what Nova calls after swapping an attached volume. Both volumes
 * must be mid-migration, the new one the source's target; answers the id to keep.
 */
export async function migrateVolumeCompletion(
  svc: Pick<Services, "db" | "volumes">,
  ctx: RequestContext,
  id: string,
  newVolumeId: string,
  error: boolean,
): Promise<string> {
  const v = await findVolume(svc, ctx, id);
  authorize(ctx, "volume_extension:volume_admin_actions:migrate_volume_completion", v.project_id);
  const nv = await getVolume(svc.db.kysely, newVolumeId);
  if (!nv || (!ctx.isAdmin && nv.project_id !== ctx.projectId)) throw volumeNotFound(newVolumeId);
  // Neither migrating: Cinder moves the attachments over (Nova's swap of two ordinary volumes);
  // without a compute service there is nothing attached to move, and the new volume is kept.
  if (!v.migration_status && !nv.migration_status) return nv.id;
  if (!v.migration_status) throw invalidVolume("Source volume not mid-migration.");
  if (!nv.migration_status) throw invalidVolume("Destination volume not mid-migration.");
  const expected = migrationTarget(v.id);
  if (nv.migration_status !== expected) {
    throw invalidVolume(`Destination has migration_status ${nv.migration_status}, expected ${expected}.`);
  }
  return svc.volumes.migrateVolumeCompletion(queueOf(v), v.id, nv.id, error);
}
