/**
 * A volume's image actions (cinder/api/contrib/volume_actions.py `_volume_upload_image`,
 * cinder/api/contrib/volume_image_metadata.py): thin, each calls volume/api/image-actions.
 */
import type { Handlers } from "../handler";
import { setImageMetadata, showImageMetadata, unsetImageMetadata, uploadToImage } from "../../volume/api/image-actions";

type ImageActionOperation = "uploadVolumeToImage" | "setVolumeImageMetadata" | "unsetVolumeImageMetadata" | "showVolumeImageMetadata";

export const volumeImageActionHandlers: Pick<Handlers, ImageActionOperation> = {
  uploadVolumeToImage: async (req) => ({ body: await uploadToImage(req.svc, req.ctx, req.params.volume_id, req.body) }),
  setVolumeImageMetadata: async (req) => ({
    body: { metadata: await setImageMetadata(req.svc, req.ctx, req.params.volume_id, req.body.metadata as Record<string, string>) },
  }),
  unsetVolumeImageMetadata: async (req) => {
    await unsetImageMetadata(req.svc, req.ctx, req.params.volume_id, req.body.key);
    return {};
  },
  showVolumeImageMetadata: async (req) => ({ body: { metadata: await showImageMetadata(req.svc, req.ctx, req.params.volume_id) } }),
};
