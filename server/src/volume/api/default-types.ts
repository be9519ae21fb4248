/**
 * Project default volume types, 3.62 (cinder/api/v3/default_types.py): the type a project's new
 * volumes get when they name none, before the deployment's __DEFAULT__.
 */
import { getProject } from "../../db/repos/identity";
import { allProjectDefaults, deleteProjectDefault, holdRow, projectDefaultOf, upsertProjectDefault } from "../../db/repos/types";
import type { RequestContext } from "../../contract/context";
import { badRequest, CinderError, forbidden, notFound, projectDefaultTypeNotFound } from "../../contract/errors";
import { allowed } from "../../policy/policy";
import type { DbDeps, IdentityDeps } from "./deps";
import { typeByNameOrId } from "./types";

export interface ProjectDefault {
  project_id: string;
  volume_type_id: string;
}

const NOT_AUTHORIZED = "You are not authorized to perform this operation.";

/**
 * cinder/api/api_utils.py validate_project_and_authorize: the project must exist (asked of the
 * identity service: the built-in one's projects; in noauth and external-Keystone modes Cinderblock
 * holds no project list and takes the id as given), then the rule, whose refusal is a plain 403.
 */
async function checkProject(svc: IdentityDeps, ctx: RequestContext, project: string, rule: string): Promise<void> {
  // No project id is longer than 255 characters (Keystone's are at most 64): such an id names no
  // project in any mode, and would not fit the column.
  if (project.length > 255) throw notFound(`Project with id ${project} not found.`);
  if (svc.identity.mode === "builtin") {
    if (!(await getProject(svc.db.kysely, project))) throw notFound(`Project with id ${project} not found.`);
  }
  if (!allowed(ctx, rule, project)) throw forbidden(NOT_AUTHORIZED);
}

export async function setProjectDefault(
  svc: IdentityDeps,
  ctx: RequestContext,
  project: string,
  typeRef: string,
): Promise<ProjectDefault> {
  await checkProject(svc, ctx, project, "volume_extension:default_set_or_update");
  let typeId: string;
  try {
    typeId = (await typeByNameOrId(svc, ctx, typeRef)).id;
  } catch (err) {
    // An unknown type is the request's fault here: 400 with the not-found message.
    if (err instanceof CinderError && err.status === 404) throw badRequest(err.message);
    throw err;
  }
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Held so that the type cannot be deleted between the lookup and the write.
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", typeId, "share"))) {
      throw badRequest(`Volume type ${typeId} could not be found.`);
    }
    await upsertProjectDefault(trx, project, typeId);
  });
  return { project_id: project, volume_type_id: typeId };
}

export async function getProjectDefault(svc: IdentityDeps, ctx: RequestContext, project: string): Promise<ProjectDefault> {
  await checkProject(svc, ctx, project, "volume_extension:default_get");
  const row = await projectDefaultOf(svc.db.kysely, project);
  if (!row) throw projectDefaultTypeNotFound(project);
  return row;
}

export async function listProjectDefaults(svc: DbDeps, ctx: RequestContext): Promise<ProjectDefault[]> {
  if (!allowed(ctx, "volume_extension:default_get_all")) throw forbidden(NOT_AUTHORIZED);
  return allProjectDefaults(svc.db.kysely);
}

export async function unsetProjectDefault(svc: IdentityDeps, ctx: RequestContext, project: string): Promise<void> {
  await checkProject(svc, ctx, project, "volume_extension:default_unset");
  await deleteProjectDefault(svc.db.kysely, project);
}
