/** Snapshot handlers (cinder/api/v3/snapshots.py, contrib/admin_actions.py); their metadata is in metadata.ts. */
import { listSnapshots } from "../../volume/api/list";
import { findSnapshot } from "../../volume/api/lookup";
import { metadataOfMany, SNAPSHOT_METADATA } from "../../volume/api/metadata";
import {
  createSnapshot,
  deleteSnapshot,
  forceDeleteSnapshot,
  resetSnapshotStatus,
  updateSnapshot,
  updateSnapshotStatus,
} from "../../volume/api/snapshots";
import type { SnapshotRow } from "../../db/schema";
import { authorize } from "../../policy/policy";
import type { Handlers, HandlerRequest } from "../handler";
import { badRequest, invalidInput } from "../../contract/errors";
import { parseListQuery, SNAPSHOT_LISTING } from "../query";
import { snapshotDetail, snapshotSummary } from "../views/snapshots";
import { bodyFlag, collectionLinks, pick } from "./common";
import { cleanText } from "./volumes";

type H = Pick<
  Handlers,
  | "createSnapshot"
  | "listSnapshots"
  | "listSnapshotsDetail"
  | "showSnapshot"
  | "updateSnapshot"
  | "deleteSnapshot"
  | "resetSnapshotStatus"
  | "forceDeleteSnapshot"
  | "updateSnapshotStatus"
>;

async function details(
  req: HandlerRequest<unknown>,
  rows: readonly SnapshotRow[],
  extensions = true,
): Promise<Record<string, unknown>[]> {
  const meta = await metadataOfMany(req.svc, SNAPSHOT_METADATA, rows.map((r) => r.id));
  return rows.map((r) => snapshotDetail(req.ctx, r, meta.get(r.id) ?? {}, extensions));
}

export const snapshotHandlers: H = {
  createSnapshot: async (req) => {
    const b = req.body.snapshot;
    let force: boolean | undefined;
    if (b.force !== undefined && b.force !== null) {
      force = bodyFlag(b.force);
      if (force === undefined) throw invalidInput(`Invalid value '${String(b.force)}' for force: use true or false.`);
    }
    const row = await createSnapshot(req.svc, req.ctx, {
      volumeId: String(b.volume_id),
      name: cleanText("name", pick(b.name, b.display_name)),
      description: cleanText("description", b.description),
      force,
      metadata: b.metadata ?? undefined,
    });
    return { body: { snapshot: (await details(req, [row], false))[0] } };
  },

  listSnapshots: async (req) => {
    const q = parseListQuery(req.ctx, req.query, SNAPSHOT_LISTING, req.svc.config.maxLimit);
    const res = await listSnapshots(req.svc, req.ctx, q);
    const meta = await metadataOfMany(req.svc, SNAPSHOT_METADATA, res.rows.map((r) => r.id));
    return {
      body: {
        snapshots: res.rows.map((r) => snapshotSummary(r, meta.get(r.id) ?? {})),
        ...collectionLinks(req, "snapshots_links", "snapshots", res.more, res.rows.at(-1)?.id),
        ...(res.count !== undefined ? { count: res.count } : {}),
      },
    };
  },

  listSnapshotsDetail: async (req) => {
    const q = parseListQuery(req.ctx, req.query, SNAPSHOT_LISTING, req.svc.config.maxLimit);
    const res = await listSnapshots(req.svc, req.ctx, q);
    return {
      body: {
        snapshots: await details(req, res.rows),
        ...collectionLinks(req, "snapshots_links", "snapshots/detail", res.more, res.rows.at(-1)?.id),
        ...(res.count !== undefined ? { count: res.count } : {}),
      },
    };
  },

  showSnapshot: async (req) => {
    const s = await findSnapshot(req.svc, req.ctx, req.params.snapshot_id);
    authorize(req.ctx, "volume:get_snapshot", s.project_id);
    return { body: { snapshot: (await details(req, [s]))[0] } };
  },

  updateSnapshot: async (req) => {
    // The schema's anyOf-of-required makes openapi-typescript widen the type; the shape is this.
    const b = req.body.snapshot as { name?: string | null; display_name?: string | null; description?: string | null; display_description?: string | null };
    const name = pick(b.name, b.display_name);
    const description = pick(b.description, b.display_description);
    if (name === undefined && description === undefined) {
      throw badRequest(`Invalid input for field/attribute snapshot. Value: {}. {} does not have enough properties`);
    }
    const row = await updateSnapshot(req.svc, req.ctx, req.params.snapshot_id, {
      name: cleanText("name", name),
      description: cleanText("description", description),
    });
    return { body: { snapshot: (await details(req, [row], false))[0] } };
  },

  deleteSnapshot: async (req) => {
    await deleteSnapshot(req.svc, req.ctx, req.params.snapshot_id);
    return {};
  },

  resetSnapshotStatus: async (req) => {
    await resetSnapshotStatus(req.svc, req.ctx, req.params.snapshot_id, req.body.status);
    return {};
  },
  forceDeleteSnapshot: async (req) => {
    await forceDeleteSnapshot(req.svc, req.ctx, req.params.snapshot_id);
    return {};
  },
  updateSnapshotStatus: async (req) => {
    await updateSnapshotStatus(req.svc, req.ctx, req.params.snapshot_id, req.body.status, req.body.progress);
    return {};
  },
};
