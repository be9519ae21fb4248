/** What the volume API hands the views about a volume beyond its row. */
import type { AttachmentRow } from "../db/schema";

/** Everything a volume view needs beyond its row. */
export interface VolumeExtras {
  metadata: Record<string, string>;
  /** Admin metadata; `readonly` and `attached_mode` are visible (cinder/api/api_utils.py). */
  adminMetadata: Record<string, string>;
  volumeTypeName: string | null;
  /** The volume's attachments in `attached` state. */
  attachments?: AttachmentRow[];
  /** The image metadata of a volume made from an image (volume_glance_metadata); empty otherwise. */
  imageMetadata?: Record<string, string>;
}
