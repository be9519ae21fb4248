/**
 * Volume type extra specs (cinder/api/contrib/types_extra_specs.py). Readers see the user-visible
 * keys only unless `read_sensitive` allows all; writes are refused while any volume has the type,
 * since its volumes were placed and set up by the specs they had.
 */
import type { Kysely, Transaction } from "kysely";
import { deleteExtraSpec as deleteExtraSpecRow, type ExtraSpecs, extraSpecsOf, holdRow, mergeExtraSpecs, typeInUse } from "../../db/repos/types";
import type { Database } from "../../db/schema";
import type { RequestContext } from "../../contract/context";
import { badRequest, extraSpecNotFound, notFound, volumeTypeIdNotFound } from "../../contract/errors";
import { allowed, authorize } from "../../policy/policy";
import type { DbDeps } from "./deps";
import { findType } from "./types";

/** cinder/policies/type_extra_specs.py USER_VISIBLE_EXTRA_SPECS. */
export const USER_VISIBLE_EXTRA_SPECS: readonly string[] = ["RESKEY:availability_zones", "multiattach", "replication_enabled"];

export function mayReadSensitive(ctx: RequestContext): boolean {
  return allowed(ctx, "volume_extension:types_extra_specs:read_sensitive");
}

/** Every spec for callers allowed `read_sensitive`, the user-visible ones for everybody else. */
export function visibleExtraSpecs(ctx: RequestContext, specs: ExtraSpecs): ExtraSpecs {
  if (mayReadSensitive(ctx)) return { ...specs };
  const out: ExtraSpecs = {};
  for (const k of USER_VISIBLE_EXTRA_SPECS) if (k in specs) out[k] = specs[k];
  return out;
}

async function specsOf(svc: DbDeps, typeId: string): Promise<ExtraSpecs> {
  return (await extraSpecsOf(svc.db.kysely, [typeId])).get(typeId) ?? {};
}

export async function listExtraSpecs(svc: DbDeps, ctx: RequestContext, typeId: string): Promise<ExtraSpecs> {
  authorize(ctx, "volume_extension:types_extra_specs:index");
  await findType(svc, ctx, typeId);
  return visibleExtraSpecs(ctx, await specsOf(svc, typeId));
}

export async function showExtraSpec(svc: DbDeps, ctx: RequestContext, typeId: string, key: string): Promise<string | null> {
  authorize(ctx, "volume_extension:types_extra_specs:show");
  await findType(svc, ctx, typeId);
  const specs = visibleExtraSpecs(ctx, await specsOf(svc, typeId));
  if (!(key in specs)) throw extraSpecNotFound(typeId, key);
  return specs[key];
}

/** types_extra_specs.py _allow_update: any volume of the type, in any project. */
async function refuseInUse(db: Kysely<Database> | Transaction<Database>, typeId: string): Promise<void> {
  if (await typeInUse(db, typeId)) throw badRequest("Volume Type is currently in use.");
}

/** There is no image service, so no Glance store can be named (cinder/image/image_utils.py validate_stores_id). */
function refuseStore(specs: ExtraSpecs): void {
  const store = specs["image_service:store_id"];
  if (store !== undefined) throw notFound(`Store ${store} not enabled in glance.`);
}

/** types_extra_specs.py _check_cacheable: `cacheable` and `multiattach` cannot both be `<is> True`. */
function refuseCacheableMultiattach(incoming: ExtraSpecs, stored: ExtraSpecs): void {
  const yes = "<is> True";
  const multiattach = incoming.multiattach === yes || (!("multiattach" in incoming) && stored.multiattach === yes);
  const cacheable = incoming.cacheable === yes || (!("cacheable" in incoming) && stored.cacheable === yes);
  if (multiattach && cacheable) throw badRequest("cacheable cannot be set with multiattach.");
}

/** Merge `specs` into the type's, holding the type so that no volume takes it meanwhile. */
async function writeSpecs(svc: DbDeps, typeId: string, specs: ExtraSpecs): Promise<void> {
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", typeId, "update"))) throw volumeTypeIdNotFound(typeId);
    await refuseInUse(trx, typeId);
    const stored = (await extraSpecsOf(trx, [typeId])).get(typeId) ?? {};
    refuseCacheableMultiattach(specs, stored);
    await mergeExtraSpecs(trx, typeId, specs);
  });
}

/** POST extra_specs: merge; answers what was sent. */
export async function setExtraSpecs(svc: DbDeps, ctx: RequestContext, typeId: string, specs: ExtraSpecs): Promise<ExtraSpecs> {
  authorize(ctx, "volume_extension:types_extra_specs:create");
  await refuseInUse(svc.db.kysely, typeId);
  await findType(svc, ctx, typeId);
  refuseStore(specs);
  await writeSpecs(svc, typeId, specs);
  return specs;
}

/** PUT extra_specs/{key}: one key, which must be the URL's; answers what was sent. */
export async function updateExtraSpec(
  svc: DbDeps,
  ctx: RequestContext,
  typeId: string,
  key: string,
  item: ExtraSpecs,
): Promise<ExtraSpecs> {
  authorize(ctx, "volume_extension:types_extra_specs:update");
  await refuseInUse(svc.db.kysely, typeId);
  await findType(svc, ctx, typeId);
  if (!(key in item)) throw badRequest("Request body and URI mismatch");
  refuseStore(item);
  await writeSpecs(svc, typeId, item);
  return item;
}

export async function deleteExtraSpec(svc: DbDeps, ctx: RequestContext, typeId: string, key: string): Promise<void> {
  await findType(svc, ctx, typeId);
  authorize(ctx, "volume_extension:types_extra_specs:delete");
  await svc.db.kysely.transaction().execute(async (trx) => {
    if (!(await holdRow(trx, svc.db.dialect, "volume_types", typeId, "update"))) throw volumeTypeIdNotFound(typeId);
    await refuseInUse(trx, typeId);
    if (!(await deleteExtraSpecRow(trx, typeId, key))) throw extraSpecNotFound(typeId, key);
  });
}
