/** Volume user metadata (cinder/api/v2/volume_metadata.py). */
import {
  deleteVolumeMetadataItem,
  getVolumeMetadata,
  getVolumeMetadataItem,
  updateVolumeMetadataItem,
  writeVolumeMetadata,
} from "../../volume/api/update";
import type { Handlers } from "../handler";

type H = Pick<
  Handlers,
  | "listVolumeMetadata"
  | "createVolumeMetadata"
  | "replaceVolumeMetadata"
  | "showVolumeMetadataItem"
  | "updateVolumeMetadataItem"
  | "deleteVolumeMetadataItem"
>;

export const volumeMetadataHandlers: H = {
  listVolumeMetadata: async (req) => ({
    body: { metadata: await getVolumeMetadata(req.svc, req.ctx, req.params.volume_id) },
  }),
  createVolumeMetadata: async (req) => ({
    body: { metadata: await writeVolumeMetadata(req.svc, req.ctx, req.params.volume_id, req.body.metadata, "merge") },
  }),
  replaceVolumeMetadata: async (req) => ({
    body: { metadata: await writeVolumeMetadata(req.svc, req.ctx, req.params.volume_id, req.body.metadata, "replace") },
  }),
  showVolumeMetadataItem: async (req) => {
    const value = await getVolumeMetadataItem(req.svc, req.ctx, req.params.volume_id, req.params.key);
    return { body: { meta: { [req.params.key]: value } } };
  },
  updateVolumeMetadataItem: async (req) => ({
    body: { meta: await updateVolumeMetadataItem(req.svc, req.ctx, req.params.volume_id, req.params.key, req.body.meta) },
  }),
  deleteVolumeMetadataItem: async (req) => {
    await deleteVolumeMetadataItem(req.svc, req.ctx, req.params.volume_id, req.params.key);
    return {};
  },
};
