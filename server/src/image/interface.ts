/**
 * What the volume service needs of an image service (cf. cinder/image/glance.py
 * GlanceImageService): the built-in one (builtin.ts) and an external Glance (glance-client.ts)
 * both implement it, so the volume API and manager use one client whichever serves images.
 */
import type { Readable } from "node:stream";
import type { RequestContext } from "../contract/context";

/** An image as Glance v2 renders it: the core fields and its other properties at top level. */
export interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  protected: boolean;
  owner: string;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  min_disk: number;
  min_ram: number;
  tags: string[];
  created_at: string;
  updated_at: string;
  [property: string]: unknown;
}

/** Who asks: a request's context, or the owner of a volume for the manager's work. */
export type ImageCaller = Pick<RequestContext, "projectId" | "isAdmin" | "roles"> & { authToken?: string };

export interface ImageService {
  /** @throws CinderError 404 when the image does not exist or the caller may not see it. */
  show(caller: ImageCaller, id: string): Promise<GlanceImage>;
  /** The image's data. @throws CinderError 404, or 409/400 when it has no data (not active). */
  download(caller: ImageCaller, id: string): Promise<Readable>;
  /** Creates a queued image from Glance's create body (name, disk_format, container_format, visibility, protected, properties). */
  create(caller: ImageCaller, body: Record<string, unknown>): Promise<GlanceImage>;
  /** Uploads the image's data (queued -> saving -> active). */
  upload(caller: ImageCaller, id: string, data: Readable): Promise<GlanceImage>;
  /** Deletes the image and its data. */
  remove(caller: ImageCaller, id: string): Promise<void>;
}

/**
 * The caller the volume manager acts as: the volume's project, with the reach of the service (the
 * API already checked that the requesting user may use the image, as Cinder's API does).
 */
export function serviceCaller(projectId: string): ImageCaller {
  return { projectId, isAdmin: true, roles: ["admin"] };
}
