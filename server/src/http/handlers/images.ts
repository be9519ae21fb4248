/**
 * The built-in Image API at /image/v2 (glance/api/v2/images.py, image_data.py, image_tags.py,
 * image_members.py, image_actions.py, schemas.py). Thin: each handler calls the built-in image
 * service and renders its answer.
 */
import type { Readable } from "node:stream";
import type { Handlers, HandlerRequest } from "../handler";
import type { BuiltinImages } from "../../image/builtin";
import { addImageMember, imageMembers, removeImageMember, showImageMember, updateImageMember } from "../../image/members";
import { memberView } from "../../image/view";
import { imageVersions } from "./identity";
import { imageSchema, imagesSchema, memberSchema, membersSchema } from "../../image/schemas";
import { notFound } from "../../contract/errors";

type ImageOperation =
  | "listImages"
  | "createImage"
  | "showImage"
  | "updateImage"
  | "deleteImage"
  | "uploadImageData"
  | "downloadImageData"
  | "addImageTag"
  | "deleteImageTag"
  | "listImageMembers"
  | "createImageMember"
  | "showImageMember"
  | "updateImageMember"
  | "deleteImageMember"
  | "deactivateImage"
  | "reactivateImage"
  | "showImageSchema"
  | "showImagesSchema"
  | "showImageMemberSchema"
  | "showImageMembersSchema"
  | "showImageVersions";

function images(req: HandlerRequest<unknown>): BuiltinImages {
  const b = req.svc.builtinImages;
  if (!b) throw notFound("The image API is served only with the built-in image service.");
  return b;
}

/** `next`: the request's own query with the last image as the marker (glance images.py `index`). */
function nextLink(query: Record<string, string>, marker: string): string {
  const q = new URLSearchParams({ ...query, marker });
  return `/v2/images?${q.toString()}`;
}

export const imageHandlers: Pick<Handlers, ImageOperation> = {
  listImages: async (req) => {
    const page = await images(req).list(req.ctx, req.query);
    return {
      body: {
        images: page.images,
        first: "/v2/images",
        schema: "/v2/schemas/images",
        ...(page.nextMarker ? { next: nextLink(req.query, page.nextMarker) } : {}),
      },
    };
  },
  createImage: async (req) => ({ body: await images(req).create(req.ctx, req.body as Record<string, unknown>) }),
  showImage: async (req) => ({ body: await images(req).show(req.ctx, req.params.image_id) }),
  updateImage: async (req) => ({ body: await images(req).update(req.ctx, req.params.image_id, req.body) }),
  deleteImage: async (req) => {
    await images(req).remove(req.ctx, req.params.image_id);
    return {};
  },
  uploadImageData: async (req) => {
    await images(req).upload(req.ctx, req.params.image_id, req.body as unknown as Readable);
    return {};
  },
  downloadImageData: async (req) => {
    const svc = images(req);
    const img = await svc.show(req.ctx, req.params.image_id);
    const data = await svc.openData(req.ctx, req.params.image_id);
    if (!data) return { status: 204 };
    return {
      headers: { "Content-MD5": String(img.checksum), "Content-Length": String(img.size) },
      stream: { data, contentType: "application/octet-stream" },
    };
  },
  addImageTag: async (req) => {
    await images(req).addTag(req.ctx, req.params.image_id, req.params.tag);
    return {};
  },
  deleteImageTag: async (req) => {
    await images(req).deleteTag(req.ctx, req.params.image_id, req.params.tag);
    return {};
  },
  listImageMembers: async (req) => {
    const rows = await imageMembers(images(req), req.ctx, req.params.image_id);
    return { body: { members: rows.map(memberView), schema: "/v2/schemas/members" } };
  },
  createImageMember: async (req) => ({ body: memberView(await addImageMember(images(req), req.ctx, req.params.image_id, req.body)) }),
  showImageMember: async (req) => ({ body: memberView(await showImageMember(images(req), req.ctx, req.params.image_id, req.params.member_id)) }),
  updateImageMember: async (req) => ({
    body: memberView(await updateImageMember(images(req), req.ctx, req.params.image_id, req.params.member_id, req.body)),
  }),
  deleteImageMember: async (req) => {
    await removeImageMember(images(req), req.ctx, req.params.image_id, req.params.member_id);
    return {};
  },
  deactivateImage: async (req) => {
    await images(req).setActive(req.ctx, req.params.image_id, false);
    return {};
  },
  reactivateImage: async (req) => {
    await images(req).setActive(req.ctx, req.params.image_id, true);
    return {};
  },
  showImageVersions: async (req) => ({ body: { versions: imageVersions(req.link.origin) } }),
  showImageSchema: async () => ({ body: imageSchema() }),
  showImagesSchema: async () => ({ body: imagesSchema() }),
  showImageMemberSchema: async () => ({ body: memberSchema() }),
  showImageMembersSchema: async () => ({ body: membersSchema() }),
};
