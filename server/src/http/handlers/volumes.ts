/** Volume handlers (cinder/api/v3/volumes.py): thin — read the request, call the volume API, render a view. */
import { createVolume } from "../../volume/api/create";
import { deleteVolume } from "../../volume/api/delete";
import { listVolumes, volumesSummary } from "../../volume/api/list";
import { findVolume } from "../../volume/api/lookup";
import { updateVolume } from "../../volume/api/update";
import { authorize } from "../../policy/policy";
import type { Handlers } from "../handler";
import { invalidInput } from "../../contract/errors";
import { MV } from "../../contract/microversion";
import { parseListQuery, VOLUME_LISTING } from "../query";
import { volumeSummary } from "../views/volumes";
import { bodyFlag, collectionLinks, pick, queryFlag, volumeView, volumeViews } from "./common";

/** Cinder strips names and descriptions and then checks their length (format *_remove_white_spaces). */
export function cleanText(field: string, v: string | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  const s = v.trim();
  if (s.length > 255) throw invalidInput(`${field} has ${s.length} characters, more than 255.`);
  return s;
}

function toSize(v: number | string | null | undefined): number | null | undefined {
  if (v === undefined || v === null) return v;
  return typeof v === "number" ? v : Number(v);
}

type VolumeHandlers = Pick<
  Handlers,
  "createVolume" | "listVolumes" | "listVolumesDetail" | "getVolumesSummary" | "showVolume" | "updateVolume" | "deleteVolume"
>;

export const volumeHandlers: VolumeHandlers = {
  createVolume: async (req) => {
    const b = req.body.volume;
    const row = await createVolume(req.svc, req.ctx, {
      size: toSize(b.size),
      name: cleanText("name", pick(b.name, b.display_name)),
      description: cleanText("description", pick(b.description, b.display_description)),
      volumeType: b.volume_type || undefined,
      availabilityZone: b.availability_zone,
      metadata: b.metadata ?? undefined,
      snapshotId: b.snapshot_id,
      sourceVolid: b.source_volid,
      imageRef: pick(b.imageRef, b.image_id),
      backupId: req.ctx.version >= 3047 ? b.backup_id : undefined,
      groupId: pick(req.ctx.version >= MV.GROUP_VOLUME ? b.group_id : undefined, b.consistencygroup_id),
      multiattach: bodyFlag(b.multiattach),
    });
    return { body: { volume: await volumeView(req, row, false) } };
  },

  listVolumes: async (req) => {
    const q = parseListQuery(req.ctx, req.query, VOLUME_LISTING, req.svc.config.maxLimit);
    const res = await listVolumes(req.svc, req.ctx, q);
    return {
      body: {
        volumes: res.rows.map((r) => volumeSummary(req.link, r)),
        ...collectionLinks(req, "volumes_links", "volumes", res.more, res.rows.at(-1)?.id),
        ...(res.count !== undefined ? { count: res.count } : {}),
      },
    };
  },

  listVolumesDetail: async (req) => {
    const q = parseListQuery(req.ctx, req.query, VOLUME_LISTING, req.svc.config.maxLimit);
    const res = await listVolumes(req.svc, req.ctx, q);
    return {
      body: {
        volumes: await volumeViews(req, res.rows),
        ...collectionLinks(req, "volumes_links", "volumes/detail", res.more, res.rows.at(-1)?.id),
        ...(res.count !== undefined ? { count: res.count } : {}),
      },
    };
  },

  getVolumesSummary: async (req) => {
    const s = await volumesSummary(req.svc, req.ctx, queryFlag(req, "all_tenants"));
    const summary: Record<string, unknown> = { total_count: s.total_count, total_size: s.total_size };
    if (req.ctx.version >= MV.VOLUME_SUMMARY_METADATA) summary.metadata = s.metadata;
    return { body: { "volume-summary": summary } };
  },

  showVolume: async (req) => {
    const v = await findVolume(req.svc, req.ctx, req.params.volume_id);
    authorize(req.ctx, "volume:get", v.project_id);
    return { body: { volume: await volumeView(req, v) } };
  },

  updateVolume: async (req) => {
    const b = req.body.volume as {
      name?: string | null;
      display_name?: string | null;
      description?: string | null;
      display_description?: string | null;
      metadata?: Record<string, string>;
    };
    const row = await updateVolume(req.svc, req.ctx, req.params.volume_id, {
      name: cleanText("name", pick(b.name, b.display_name)),
      description: cleanText("description", pick(b.description, b.display_description)),
      metadata: b.metadata ?? undefined,
    });
    return { body: { volume: await volumeView(req, row, false) } };
  },

  deleteVolume: async (req) => {
    const force = req.ctx.version >= MV.VOLUME_DELETE_FORCE ? queryFlag(req, "force") : false;
    await deleteVolume(req.svc, req.ctx, req.params.volume_id, { cascade: queryFlag(req, "cascade"), force });
    return {};
  },
};
