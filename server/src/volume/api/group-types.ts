/**
 * Group types and group specs (cinder/api/v3/group_types.py, group_specs.py,
 * cinder/volume/group_types.py): lookup as the caller may see them, list, create, update, delete,
 * and the specs of one type.
 */
import { randomUUID } from "node:crypto";
import {
  deleteGroupSpec as deleteGroupSpecRow,
  deleteGroupTypeRows,
  type GroupSpecs,
  groupSpecsOf,
  groupTypeIdByName,
  groupTypeInUse,
  type GroupTypeFilters,
  holdGroupType,
  insertGroupType,
  mergeGroupSpecs,
  pageGroupTypes,
  updateGroupTypeRow,
  visibleGroupType,
} from "../../db/repos/group-types";
import { isUniqueViolation } from "../../db/repos/types";
import type { GroupTypeRow } from "../../db/schema";
import { now } from "../../contract/time";
import type { RequestContext } from "../../contract/context";
import {
  badRequest,
  groupSpecKeyNotFound,
  groupSpecNotFound,
  groupTypeExists,
  groupTypeNotFound,
  invalidInput,
  notFound,
} from "../../contract/errors";
import { authorize } from "../../policy/policy";
import type { ConfigDeps, DbDeps } from "./deps";

export type { GroupSpecs, GroupTypeFilters };

export interface GroupTypeWithSpecs extends GroupTypeRow {
  groupSpecs: GroupSpecs;
}

async function withSpecs(svc: DbDeps, rows: GroupTypeRow[]): Promise<GroupTypeWithSpecs[]> {
  const specs = await groupSpecsOf(svc.db.kysely, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, groupSpecs: specs.get(r.id) ?? {} }));
}

/** A group type by id as the caller may see it, else 404 "Group type <id> could not be found.". */
export async function findGroupType(svc: DbDeps, ctx: RequestContext, id: string): Promise<GroupTypeRow> {
  const t = await visibleGroupType(svc.db.kysely, ctx, "id", id);
  if (!t) throw groupTypeNotFound(id);
  return t;
}

/** By id, then by name (cinder/api/v3/groups.py create looks the type up by either). */
export async function groupTypeByNameOrId(svc: DbDeps, ctx: RequestContext, nameOrId: string): Promise<GroupTypeRow> {
  const t = (await visibleGroupType(svc.db.kysely, ctx, "id", nameOrId)) ?? (await visibleGroupType(svc.db.kysely, ctx, "name", nameOrId));
  if (!t) throw groupTypeNotFound(nameOrId);
  return t;
}

export async function showGroupType(svc: DbDeps, ctx: RequestContext, id: string): Promise<GroupTypeWithSpecs> {
  return (await withSpecs(svc, [await findGroupType(svc, ctx, id)]))[0];
}

/** The type named by `default_group_type`; none set or none of that name → 404. */
export async function showDefaultGroupType(svc: ConfigDeps): Promise<GroupTypeWithSpecs> {
  const name = svc.config.defaultGroupType;
  const t = name ? await visibleGroupType(svc.db.kysely, { isAdmin: true }, "name", name) : undefined;
  if (!t) throw notFound("Default group type can not be found.");
  return (await withSpecs(svc, [t]))[0];
}

export async function listGroupTypes(
  svc: DbDeps,
  ctx: RequestContext,
  q: GroupTypeFilters,
): Promise<{ types: GroupTypeWithSpecs[]; more: boolean }> {
  // A marker the caller cannot see, or that does not exist, is ignored (no marker row is found).
  const marker = q.marker ? await visibleGroupType(svc.db.kysely, ctx, "id", q.marker) : undefined;
  const { rows, more } = await pageGroupTypes(svc.db.kysely, ctx, q, marker);
  return { types: await withSpecs(svc, rows), more };
}

export interface GroupTypeCreate {
  name: string;
  description?: string | null;
  isPublic: boolean;
  groupSpecs: GroupSpecs;
}

export async function createGroupType(svc: DbDeps, ctx: RequestContext, input: GroupTypeCreate): Promise<GroupTypeWithSpecs> {
  authorize(ctx, "group:group_types_manage");
  const row: GroupTypeRow = {
    id: randomUUID(),
    name: input.name,
    description: input.description ?? null,
    is_public: input.isPublic ? 1 : 0,
    created_at: now(),
    updated_at: null,
  };
  try {
    await svc.db.kysely.transaction().execute(async (trx) => {
      if (await groupTypeIdByName(trx, input.name)) throw groupTypeExists(input.name);
      await insertGroupType(trx, row, input.groupSpecs);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw groupTypeExists(input.name);
    throw err;
  }
  return (await withSpecs(svc, [row]))[0];
}

export interface GroupTypeUpdate {
  name?: string | null;
  description?: string | null;
  isPublic?: boolean;
}

export async function updateGroupType(svc: DbDeps, ctx: RequestContext, id: string, u: GroupTypeUpdate): Promise<GroupTypeWithSpecs> {
  authorize(ctx, "group:group_types_manage");
  if (u.name != null && u.name.trim().length === 0) throw badRequest("Group type name can not be empty.");
  if (u.name == null && u.description == null && u.isPublic == null) {
    throw badRequest("Specify group type name, description or a combination thereof.");
  }
  await findGroupType(svc, ctx, id);
  const values: { updated_at: string; name?: string; description?: string; is_public?: number } = { updated_at: now() };
  if (u.name != null) values.name = u.name;
  if (u.description != null) values.description = u.description;
  if (u.isPublic != null) values.is_public = u.isPublic ? 1 : 0;
  const newName = u.name ?? undefined;
  try {
    await svc.db.kysely.transaction().execute(async (trx) => {
      if (newName !== undefined && (await groupTypeIdByName(trx, newName, id))) throw groupTypeExists(newName);
      if (!(await updateGroupTypeRow(trx, id, values))) throw groupTypeNotFound(id);
    });
  } catch (err) {
    if (isUniqueViolation(err) && newName !== undefined) throw groupTypeExists(newName);
    throw err;
  }
  return showGroupType(svc, ctx, id);
}

export async function deleteGroupType(svc: DbDeps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, "group:group_types_manage");
  await findGroupType(svc, ctx, id);
  await svc.db.kysely.transaction().execute(async (trx) => {
    // Held first, so that no group takes the type between the check and the delete.
    if (!(await holdGroupType(trx, svc.db.dialect === "postgres", id, "update"))) throw groupTypeNotFound(id);
    if (await groupTypeInUse(trx, id)) {
      throw badRequest(`Target group type is still in use. Group Type ${id} deletion is not allowed with groups present with the type.`);
    }
    await deleteGroupTypeRows(trx, id);
  });
}

// ---------------------------------------------------------------------------------------------
// Group specs (cinder/api/v3/group_specs.py)

/** cinder/api/common.py validate_key_names, then wsgi.Controller.validate_string_length of keys and values. */
function checkSpecs(specs: GroupSpecs): void {
  for (const key of Object.keys(specs)) {
    if (!/^[a-zA-Z0-9\-_:.]+$/.test(key)) {
      throw badRequest("Key names can only contain alphanumeric characters, underscores, periods, colons and hyphens.");
    }
  }
  for (const [key, value] of Object.entries(specs)) {
    if (key.length > 255) throw invalidInput(`Key "${key}" has more than 255 characters.`);
    if (value !== null && value.length > 255) throw invalidInput(`Value for key "${key}" has more than 255 characters.`);
  }
}

async function specsOf(svc: DbDeps, typeId: string): Promise<GroupSpecs> {
  return (await groupSpecsOf(svc.db.kysely, [typeId])).get(typeId) ?? {};
}

export async function listGroupSpecs(svc: DbDeps, ctx: RequestContext, typeId: string): Promise<GroupSpecs> {
  authorize(ctx, "group:group_types_specs");
  await findGroupType(svc, ctx, typeId);
  return specsOf(svc, typeId);
}

export async function showGroupSpec(svc: DbDeps, ctx: RequestContext, typeId: string, key: string): Promise<string | null> {
  authorize(ctx, "group:group_types_specs");
  await findGroupType(svc, ctx, typeId);
  const specs = await specsOf(svc, typeId);
  if (!(key in specs)) throw groupSpecNotFound(typeId, key);
  return specs[key];
}

async function writeSpecs(svc: DbDeps, typeId: string, specs: GroupSpecs): Promise<void> {
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdGroupType(trx, svc.db.dialect === "postgres", typeId, "update"))) throw groupTypeNotFound(typeId);
    await mergeGroupSpecs(trx, typeId, specs);
  });
}

/** POST group_specs: merge; answers what was sent. */
export async function setGroupSpecs(svc: DbDeps, ctx: RequestContext, typeId: string, specs: GroupSpecs): Promise<GroupSpecs> {
  authorize(ctx, "group:group_types_specs");
  await findGroupType(svc, ctx, typeId);
  checkSpecs(specs);
  await writeSpecs(svc, typeId, specs);
  return specs;
}

/** PUT group_specs/{key}: exactly the URL's key; answers what was sent. */
export async function updateGroupSpec(svc: DbDeps, ctx: RequestContext, typeId: string, key: string, item: GroupSpecs): Promise<GroupSpecs> {
  authorize(ctx, "group:group_types_specs");
  await findGroupType(svc, ctx, typeId);
  if (!(key in item)) throw badRequest("Request body and URI mismatch");
  if (Object.keys(item).length > 1) throw badRequest("Request body contains too many items");
  checkSpecs(item);
  await writeSpecs(svc, typeId, item);
  return item;
}

export async function deleteGroupSpec(svc: DbDeps, ctx: RequestContext, typeId: string, key: string): Promise<void> {
  authorize(ctx, "group:group_types_specs");
  await findGroupType(svc, ctx, typeId);
  if (!(await deleteGroupSpecRow(svc.db.kysely, typeId, key))) throw groupSpecKeyNotFound(typeId, key);
}
