/**
 * Encryption handlers: a volume type's encryption specs (cinder/api/contrib/
 * volume_type_encryption.py) and a volume's encryption metadata (cinder/api/contrib/
 * volume_encryption_metadata.py). Thin: read the request, call the volume API, answer.
 */
import type { Handlers } from "../handler";
import {
  createEncryption,
  deleteEncryptionSpecs,
  showEncryption,
  showEncryptionField,
  updateEncryptionSpecs,
} from "../../volume/api/type-encryption";
import { volumeEncryptionMetadata, volumeEncryptionMetadataItem } from "../../volume/api/volume-encryption";

type EncryptionHandlers = Pick<
  Handlers,
  | "showEncryptionType"
  | "createEncryptionType"
  | "showEncryptionSpec"
  | "updateEncryptionType"
  | "deleteEncryptionType"
  | "showVolumeEncryptionMetadata"
  | "showVolumeEncryptionMetadataItem"
>;

export const encryptionHandlers: EncryptionHandlers = {
  showEncryptionType: async (req) => ({ body: (await showEncryption(req.svc, req.ctx, req.params.type_id)) ?? {} }),

  createEncryptionType: async (req) => ({
    body: { encryption: await createEncryption(req.svc, req.ctx, req.params.type_id, req.body.encryption) },
  }),

  showEncryptionSpec: async (req) => ({
    body: { [req.params.key]: await showEncryptionField(req.svc, req.ctx, req.params.type_id, req.params.key) },
  }),

  updateEncryptionType: async (req) => ({
    body: { encryption: await updateEncryptionSpecs(req.svc, req.ctx, req.params.type_id, req.body.encryption) },
  }),

  deleteEncryptionType: async (req) => {
    await deleteEncryptionSpecs(req.svc, req.ctx, req.params.type_id);
    return {};
  },

  showVolumeEncryptionMetadata: async (req) => ({
    body: await volumeEncryptionMetadata(req.svc, req.ctx, req.params.volume_id),
  }),

  showVolumeEncryptionMetadataItem: async (req) => ({
    body: await volumeEncryptionMetadataItem(req.svc, req.ctx, req.params.volume_id, req.params.key),
  }),
};
