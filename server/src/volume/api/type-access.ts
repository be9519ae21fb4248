/**
 * Sharing private volume types with projects (cinder/api/contrib/volume_type_access.py,
 * cinder/volume/volume_types.py add/remove_volume_type_access). A project a private type is shared
 * with sees and uses it; every other non-admin project gets a 404 for it.
 */
import { deleteTypeAccess, insertTypeAccess, typeAccessOf } from "../../db/repos/types";
import type { VolumeTypeRow } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { invalidVolumeType, notFound, typeAccessExists, typeAccessNotFound } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { DbDeps } from "./deps";
import { findType } from "./types";

export interface TypeAccess {
  volume_type_id: string;
  project_id: string;
}

export async function listTypeAccess(svc: DbDeps, ctx: RequestContext, typeId: string): Promise<TypeAccess[]> {
  authorize(ctx, "volume_extension:volume_type_access:get_all_for_type");
  const t = await findType(svc, ctx, typeId);
  if (t.is_public) throw notFound("Access list not available for public volume types.");
  return typeAccessOf(svc.db.kysely, t.id);
}

function refusePublic(t: VolumeTypeRow): void {
  if (t.is_public) throw invalidVolumeType("Type access modification is not applicable to public volume type.");
}

export async function addTypeAccess(svc: DbDeps, ctx: RequestContext, typeId: string, project: string): Promise<void> {
  authorize(ctx, "volume_extension:volume_type_access:addProjectAccess");
  const t = await findType(svc, ctx, typeId);
  refusePublic(t);
  if (!(await insertTypeAccess(svc.db.kysely, t.id, project))) throw typeAccessExists(typeId, project);
}

export async function removeTypeAccess(svc: DbDeps, ctx: RequestContext, typeId: string, project: string): Promise<void> {
  authorize(ctx, "volume_extension:volume_type_access:removeProjectAccess");
  const t = await findType(svc, ctx, typeId);
  refusePublic(t);
  if (!(await deleteTypeAccess(svc.db.kysely, t.id, project))) throw typeAccessNotFound(typeId, project);
}
