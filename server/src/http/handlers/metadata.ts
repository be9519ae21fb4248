/** Volume and snapshot user metadata (cinder/api/v2/volume_metadata.py, cinder/api/v3/snapshot_metadata.py). */
import {
  deleteMetadataItem,
  getMetadata,
  getMetadataItem,
  SNAPSHOT_METADATA,
  updateMetadataItem,
  VOLUME_METADATA,
  writeMetadata,
} from "../../volume/api/metadata";
import type { Handlers } from "../handler";

type H = Pick<
  Handlers,
  | "listVolumeMetadata"
  | "createVolumeMetadata"
  | "replaceVolumeMetadata"
  | "showVolumeMetadataItem"
  | "updateVolumeMetadataItem"
  | "deleteVolumeMetadataItem"
  | "listSnapshotMetadata"
  | "createSnapshotMetadata"
  | "replaceSnapshotMetadata"
  | "showSnapshotMetadataItem"
  | "updateSnapshotMetadataItem"
  | "deleteSnapshotMetadataItem"
>;

const V = VOLUME_METADATA;
const S = SNAPSHOT_METADATA;

export const metadataHandlers: H = {
  listVolumeMetadata: async (req) => ({
    body: { metadata: await getMetadata(req.svc, req.ctx, V, req.params.volume_id) },
  }),
  createVolumeMetadata: async (req) => ({
    body: { metadata: await writeMetadata(req.svc, req.ctx, V, req.params.volume_id, req.body.metadata, "merge") },
  }),
  replaceVolumeMetadata: async (req) => ({
    body: { metadata: await writeMetadata(req.svc, req.ctx, V, req.params.volume_id, req.body.metadata, "replace") },
  }),
  showVolumeMetadataItem: async (req) => ({
    body: { meta: { [req.params.key]: await getMetadataItem(req.svc, req.ctx, V, req.params.volume_id, req.params.key) } },
  }),
  updateVolumeMetadataItem: async (req) => ({
    body: { meta: await updateMetadataItem(req.svc, req.ctx, V, req.params.volume_id, req.params.key, req.body.meta) },
  }),
  deleteVolumeMetadataItem: async (req) => {
    await deleteMetadataItem(req.svc, req.ctx, V, req.params.volume_id, req.params.key);
    return {};
  },

  listSnapshotMetadata: async (req) => ({
    body: { metadata: await getMetadata(req.svc, req.ctx, S, req.params.snapshot_id) },
  }),
  createSnapshotMetadata: async (req) => ({
    body: { metadata: await writeMetadata(req.svc, req.ctx, S, req.params.snapshot_id, req.body.metadata, "merge") },
  }),
  replaceSnapshotMetadata: async (req) => ({
    body: { metadata: await writeMetadata(req.svc, req.ctx, S, req.params.snapshot_id, req.body.metadata, "replace") },
  }),
  showSnapshotMetadataItem: async (req) => ({
    body: { meta: { [req.params.key]: await getMetadataItem(req.svc, req.ctx, S, req.params.snapshot_id, req.params.key) } },
  }),
  updateSnapshotMetadataItem: async (req) => ({
    body: { meta: await updateMetadataItem(req.svc, req.ctx, S, req.params.snapshot_id, req.params.key, req.body.meta) },
  }),
  deleteSnapshotMetadataItem: async (req) => {
    await deleteMetadataItem(req.svc, req.ctx, S, req.params.snapshot_id, req.params.key);
    return {};
  },
};
