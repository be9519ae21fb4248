/**
 * Image members (glance/api/v2/image_members.py): the owner shares a `shared` image with other
 * projects; each member accepts or rejects it (only accepted ones list it by default).
 */
import { CinderError } from "../contract/errors";
import { now } from "../contract/time";
import type { ImageMemberRow } from "../db/schema";
import { deleteMember, getMember, insertMember, listMembers, updateMember } from "../db/repos/images";
import type { BuiltinImages } from "./builtin";
import type { ImageCaller } from "./interface";
import { checkEnum, glanceBadRequest, glanceConflict, glanceForbidden, MEMBER_STATUSES, mustOwn } from "./rules";

const memberNotFound = (member: string, id: string) => new CinderError(404, `Member ${member} not found for image ${id}.`);

export async function imageMembers(svc: BuiltinImages, c: ImageCaller, id: string): Promise<ImageMemberRow[]> {
  const img = await svc.find(c, id);
  if (img.visibility !== "shared") throw new CinderError(403, "Only shared images have members.");
  const all = await listMembers(svc.db, id);
  // A member sees only itself (glance image_members.py index).
  return c.isAdmin || img.owner === c.projectId ? all : all.filter((m) => m.member === c.projectId);
}

export async function addImageMember(svc: BuiltinImages, c: ImageCaller, id: string, body: unknown): Promise<ImageMemberRow> {
  const member = (body as { member?: unknown } | null)?.member;
  if (typeof member !== "string" || member.length === 0 || member.length > 255) throw glanceBadRequest("Member to be added not specified");
  const img = await svc.find(c, id);
  mustOwn(c, img, "add_member");
  if (img.visibility !== "shared") throw new CinderError(403, `Only shared images have members.`);
  if (await getMember(svc.db, id, member)) throw glanceConflict(`Member ${member} already exists in image ${id}.`);
  const t = now();
  const row = { image_id: id, member, status: "pending", created_at: t, updated_at: t };
  await insertMember(svc.db, row);
  return row;
}

export async function showImageMember(svc: BuiltinImages, c: ImageCaller, id: string, member: string): Promise<ImageMemberRow> {
  const img = await svc.find(c, id);
  const m = await getMember(svc.db, id, member);
  if (!m || (!c.isAdmin && img.owner !== c.projectId && member !== c.projectId)) throw memberNotFound(member, id);
  return m;
}

/** Only the member itself decides its status (glance policy modify_member). */
export async function updateImageMember(svc: BuiltinImages, c: ImageCaller, id: string, member: string, body: unknown): Promise<ImageMemberRow> {
  const status = checkEnum("status", (body as { status?: unknown } | null)?.status, MEMBER_STATUSES);
  await svc.find(c, id);
  const m = await getMember(svc.db, id, member);
  if (!m) throw memberNotFound(member, id);
  if (member !== c.projectId && !c.isAdmin) throw glanceForbidden("modify_member");
  const t = now();
  await updateMember(svc.db, id, member, status, t);
  return { ...m, status, updated_at: t };
}

export async function removeImageMember(svc: BuiltinImages, c: ImageCaller, id: string, member: string): Promise<void> {
  const img = await svc.find(c, id);
  mustOwn(c, img, "delete_member");
  if (!(await deleteMember(svc.db, id, member))) throw memberNotFound(member, id);
}
