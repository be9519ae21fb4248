/**
 * Manage existing volumes (cinder/api/contrib/volume_manage.py, cinder/api/v3/volume_manage.py,
 * cinder/api/v3/resource_common_manage.py): the 3.8 `manageable_volumes` paths and the legacy
 * `os-volume-manage` extension paths share these handlers.
 */
import type { ManageableVolume } from "../../drivers/interface";
import { listManageableVolumes, manageVolume } from "../../volume/api/manage";
import type { ManageableQuery } from "../../contract/api";
import type { Handler, HandlerRequest, Handlers } from "../handler";
import { badRequest } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { MV } from "../../contract/microversion";
import { bodyFlag, clusterHost, volumeView } from "./common";
import { cleanText } from "./volumes";

type ManageHandlers = Pick<
  Handlers,
  | "manageVolume"
  | "manageVolumeLegacy"
  | "listManageableVolumes"
  | "listManageableVolumesDetail"
  | "listManageableVolumesLegacy"
  | "listManageableVolumesDetailLegacy"
>;

const manage: Handler<Parameters<Handlers["manageVolume"]>[0]["body"]> = async (req) => {
  // The policy before the body's host and cluster (cinder/api/contrib/volume_manage.py create).
  authorize(req.ctx, "volume_extension:volume_manage");
  const b = req.body.volume;
  if (b.cluster !== undefined && req.ctx.version < MV.VOLUME_MIGRATE_CLUSTER) {
    throw badRequest(
      `Invalid input for field/attribute volume. Value: ${JSON.stringify(b)}. Additional properties are not allowed ('cluster' was unexpected)`,
    );
  }
  const where = clusterHost(req.ctx.version, MV.VOLUME_MIGRATE_CLUSTER, b.host, b.cluster);
  const row = await manageVolume(req.svc, req.ctx, {
    ...where,
    ref: b.ref,
    name: b.name ? cleanText("name", b.name) : undefined,
    description: b.description ? cleanText("description", b.description) : undefined,
    volumeType: b.volume_type || undefined,
    availabilityZone: b.availability_zone ?? undefined,
    metadata: b.metadata ?? undefined,
    bootable: bodyFlag(b.bootable) ?? false,
  });
  // Cinder answers with its v2 view builder: none of the microversioned fields.
  const v2 = { ...req, ctx: { ...req.ctx, version: MV.BASE } };
  return { body: { volume: await volumeView(v2, row, false) } };
};

/**
 * limit, offset (cinder/api/common.py get_pagination_params) and sort (get_sort_params, default
 * `reference`), after the policy `rule` (the volumes' or the snapshots' list_manageable).
 */
export function manageableQuery(req: HandlerRequest<unknown>, rule: string): ManageableQuery {
  // The policy before the query's host and cluster (cinder/api/v3/volume_manage.py index).
  authorize(req.ctx, rule);
  const q = req.query;
  const where = clusterHost(req.ctx.version, MV.MANAGE_EXISTING_CLUSTER, q.host, q.cluster);
  const max = req.svc.config.maxLimit;
  let limit = max;
  if (q.limit !== undefined) {
    if (!/^\s*[-+]?\d+\s*$/.test(q.limit)) throw badRequest("limit param must be an integer");
    limit = Number(q.limit);
    if (limit < 0) throw badRequest("limit param must be positive");
    limit = Math.min(limit, max);
  }
  let offset = 0;
  if (q.offset !== undefined) {
    if (!/^\s*[-+]?\d+\s*$/.test(q.offset)) throw badRequest("offset must be an integer");
    offset = Number(q.offset);
    if (offset < 0) throw badRequest("offset must be >= 0");
    if (offset > 2147483647) throw badRequest("offset must be <= 2147483647");
  }
  if (q.sort !== undefined && (q.sort_key !== undefined || q.sort_dir !== undefined)) {
    throw badRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  }
  const pairs =
    q.sort !== undefined
      ? q.sort.trim().split(",").map((s) => {
          const i = s.indexOf(":");
          return i < 0 ? [s.trim(), "desc"] : [s.slice(0, i).trim(), s.slice(i + 1).trim() || "desc"];
        })
      : [[(q.sort_key ?? "reference").trim(), (q.sort_dir ?? "desc").trim()]];
  const badKeys = pairs.map(([k]) => k).filter((k) => k !== "reference" && k !== "size");
  if (badKeys.length) throw badRequest(`Invalid sort keys passed: ${[...new Set(badKeys)].join(", ")}`);
  const badDirs = pairs.map(([, d]) => d).filter((d) => d !== "asc" && d !== "desc");
  if (badDirs.length) throw badRequest(`Invalid sort dirs passed: ${[...new Set(badDirs)].join(", ")}`);
  return { ...where, marker: q.marker, limit, offset, sortKeys: pairs.map(([k]) => k), sortDirs: pairs.map(([, d]) => d) };
}

const summary = (e: ManageableVolume) => ({ reference: { "source-name": e.sourceName }, size: e.sizeGb, safe_to_manage: e.safe });
const detail = (e: ManageableVolume) => ({
  ...summary(e),
  reason_not_safe: e.reasonNotSafe,
  cinder_id: e.cinderId,
  extra_info: e.extraInfo,
});

function list(view: (e: ManageableVolume) => Record<string, unknown>): Handler<unknown> {
  return async (req) => {
    const entries = await listManageableVolumes(req.svc, req.ctx, manageableQuery(req, "volume_extension:list_manageable"));
    return { body: { "manageable-volumes": entries.map(view) } };
  };
}

export const volumeManageHandlers: ManageHandlers = {
  manageVolume: manage,
  manageVolumeLegacy: manage,
  listManageableVolumes: list(summary),
  listManageableVolumesDetail: list(detail),
  listManageableVolumesLegacy: list(summary),
  listManageableVolumesDetailLegacy: list(detail),
};
