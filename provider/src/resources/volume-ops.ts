/**
 * Volume lifecycle against Cinder (see ./volume.ts for the rules). Create records the id before
 * waiting, so a volume that ends in `error` (or does not become available in time) is reported as
 * partial state instead of being orphaned: Pulumi keeps the id and can delete or refresh the volume
 * later (terraform-provider-openstack PR #1936 fixed the same leak).
 */
import { MV, type CinderClient, type Volume } from "@cinderblock/sdk";
import { mapChanges } from "../lib/diff";
import { ResourceInitFailedError } from "../lib/errors";
import { ignoreGone, orGone } from "../lib/sdk";
import { StatusError, TimeoutError, waitForStatus } from "../lib/wait";
import type { Props } from "../lib/wire";
import type { Ctx, ReadResult } from "./types";

/** Metadata keys Cinder itself sets; never adopted as managed on import. */
const SERVER_KEYS = new Set(["readonly", "attached_mode"]);
const READY = ["available", "in-use"];

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const managed = (all: Record<string, string>, mine: unknown): Record<string, string> | undefined =>
  mine && typeof mine === "object" ? Object.fromEntries(Object.keys(mine).filter((k) => k in all).map((k) => [k, all[k]])) : undefined;

/** volume_image_metadata (Cinder 3.x views show it on volumes made from images). */
const imageMetadata = (v: Volume): Record<string, string> | undefined => {
  const m = (v as { volume_image_metadata?: Record<string, unknown> }).volume_image_metadata;
  return m && typeof m === "object" ? Object.fromEntries(Object.entries(m).map(([k, x]) => [k, String(x)])) : undefined;
};

export function volumeOutputs(v: Volume, inputs: Props): Props {
  const all = v.metadata ?? {};
  return {
    ...inputs,
    size: v.size,
    name: v.name ?? undefined,
    description: v.description ?? undefined,
    metadata: managed(all, inputs.metadata),
    allMetadata: all,
    volumeImageMetadata: imageMetadata(v),
    volumeType: inputs.volumeType ?? v.volume_type ?? undefined,
    availabilityZone: v.availability_zone,
    snapshotId: v.snapshot_id ?? undefined,
    sourceVolumeId: v.source_volid ?? undefined,
    bootable: v.bootable === "true",
    readonly: inputs.readonly ?? (all.readonly === undefined ? undefined : all.readonly === "True"),
    status: v.status,
    attachments: (v.attachments ?? []).map((a) => ({
      attachmentId: a.attachment_id,
      serverId: a.server_id ?? undefined,
      hostName: a.host_name ?? undefined,
      device: a.device ?? undefined,
      attachedAt: a.attached_at ?? undefined,
    })),
    encrypted: v.encrypted,
    multiattach: v.multiattach,
    userId: v.user_id,
    replicationStatus: v.replication_status ?? undefined,
    migrationStatus: v.migration_status ?? undefined,
    createdAt: v.created_at,
    updatedAt: v.updated_at ?? undefined,
  };
}

const getter = (c: CinderClient, id: string) => () => orGone(() => c.volumes.get(id));

async function waitReady(ctx: Ctx, c: CinderClient, id: string, targets = READY): Promise<Volume> {
  const v = await waitForStatus("volume", id, getter(c, id), targets, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, clock: ctx.clock });
  return v!;
}

async function setFlags(c: CinderClient, id: string, news: Props, olds: Props): Promise<void> {
  if (typeof news.bootable === "boolean" && news.bootable !== olds.bootable) await c.volumes.setBootable(id, news.bootable);
  if (typeof news.readonly === "boolean" && news.readonly !== olds.readonly) await c.volumes.setReadonly(id, news.readonly);
}

export async function createVolume(ctx: Ctx, inputs: Props): Promise<{ id: string; outs: Props }> {
  const c = await ctx.client();
  const created = await c.volumes.create(
    {
      size: inputs.size as number,
      name: str(inputs.name),
      description: str(inputs.description),
      metadata: inputs.metadata as Record<string, string> | undefined,
      volume_type: str(inputs.volumeType),
      availability_zone: str(inputs.availabilityZone),
      snapshot_id: str(inputs.snapshotId),
      source_volid: str(inputs.sourceVolumeId),
      backup_id: str(inputs.backupId),
      imageRef: str(inputs.imageId),
    },
    { schedulerHints: inputs.schedulerHints as Record<string, string> | undefined },
  );
  const id = created.id;
  try {
    await waitReady(ctx, c, id, ["available"]);
    await setFlags(c, id, inputs, {});
    const v = await c.volumes.get(id);
    return { id, outs: volumeOutputs(v, inputs) };
  } catch (e) {
    // The volume exists: hand its id and last state to the engine rather than orphan it.
    const last = e instanceof StatusError || e instanceof TimeoutError ? e.item : undefined;
    const v = (await orGone(() => c.volumes.get(id)).catch(() => undefined)) ?? (last as Volume | undefined);
    const outs = v ? volumeOutputs(v, inputs) : { ...inputs };
    throw new ResourceInitFailedError(`volume ${id} was created but is not usable: ${(e as Error).message}`, id, outs);
  }
}

export async function readVolume(ctx: Ctx, id: string, state: Props, oldInputs: Props): Promise<ReadResult | undefined> {
  const c = await ctx.client();
  const v = await orGone(() => c.volumes.get(id));
  if (!v) return undefined;
  const importing = Object.keys(oldInputs).length === 0;
  const all = v.metadata ?? {};
  const mine = importing ? Object.fromEntries(Object.entries(all).filter(([k]) => !SERVER_KEYS.has(k))) : oldInputs.metadata;
  const base: Props = importing ? { volumeType: v.volume_type ?? undefined, availabilityZone: v.availability_zone } : { ...oldInputs };
  const inputs: Props = {
    ...base,
    size: v.size,
    name: v.name ?? undefined,
    description: importing ? (v.description ?? undefined) : v.description ?? (oldInputs.description === undefined ? undefined : ""),
    metadata: managed(all, mine),
    snapshotId: v.snapshot_id ?? base.snapshotId,
    sourceVolumeId: v.source_volid ?? base.sourceVolumeId,
  };
  if (!importing && oldInputs.metadata === undefined) delete inputs.metadata;
  if (importing && v.bootable === "true") inputs.bootable = true;
  // As terraform-provider-openstack (PR #1860): a volume made from an image imports with its imageId, so the program's imageId is no change.
  const fromImage = imageMetadata(v)?.image_id;
  if (importing && fromImage && !v.snapshot_id && !v.source_volid) inputs.imageId = fromImage;
  return { id, outs: volumeOutputs(v, { ...state, ...inputs }), inputs };
}

export async function updateVolume(ctx: Ctx, id: string, olds: Props, news: Props, oldInputs: Props): Promise<Props> {
  const c = await ctx.client();
  const before = Object.keys(oldInputs).length ? oldInputs : olds;
  let current = await c.volumes.get(id);
  const size = news.size as number;
  if (size < current.size) throw new Error(`volume ${id} cannot shrink from ${current.size} to ${size} GiB`);
  if (size > current.size) {
    const inUse = current.status === "in-use";
    if (inUse && !c.supports(MV.VOLUME_EXTEND_INUSE)) {
      throw new Error(`volume ${id} is in-use: extending it online needs microversion ${MV.VOLUME_EXTEND_INUSE} (the client speaks ${c.microversion})`);
    }
    await (inUse ? c.withMicroversion(MV.VOLUME_EXTEND_INUSE) : c).volumes.extend(id, size);
    current = await waitReady(ctx, c, id);
  }
  if (news.volumeType !== undefined && news.volumeType !== before.volumeType) {
    const wanted = news.volumeType as string;
    await c.volumes.retype(id, wanted, (news.migrationPolicy as "never" | "on-demand" | undefined) ?? "never");
    current = await waitReady(ctx, c, id);
    // A retype the backend cannot take settles back on the old type (Cinder's scheduler refuses it).
    if (current.volume_type !== wanted && current.volume_type_id !== wanted) {
      throw new Error(
        `volume ${id} could not be retyped to ${wanted}: its backend does not satisfy the type and migration is not available; it keeps type ${current.volume_type}`,
      );
    }
  }
  if (news.name !== before.name || news.description !== before.description) {
    await c.volumes.update(id, { name: str(news.name) ?? null, description: str(news.description) ?? null } as never);
  }
  const meta = mapChanges(before.metadata as Props | undefined, news.metadata as Props | undefined);
  if (Object.keys(meta.set).length) await c.volumes.setMetadata(id, meta.set as Record<string, string>);
  for (const k of meta.unset) await ignoreGone(() => c.volumes.deleteMetadataItem(id, k));
  await setFlags(c, id, news, before);
  return volumeOutputs(await c.volumes.get(id), news);
}

export { deleteVolume } from "./volume-delete";
