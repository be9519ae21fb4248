/**
 * Quota sets and quota classes (cinder/api/contrib/quotas.py, quota_classes.py): a project's limits
 * (its own, else the default class's, else the configured defaults), with usage on request;
 * updates checked against what the project already uses.
 */
import type { RequestContext } from "../../contract/context";
import { badRequest, invalidInput } from "../../contract/errors";
import { authorize } from "../../policy/policy";
import { classLimitRows, deleteProjectLimits, setClassLimit, setProjectLimit, typeNames as allTypeNames } from "../../db/repos/quotas";
import { DEFAULT_CLASS, hardLimits, isPerType, QUOTA_RESOURCES, usage } from "../../quota/quota";
import type { ConfigDeps, DbDeps } from "./deps";

async function typeNames(svc: DbDeps): Promise<string[]> {
  return allTypeNames(svc.db.kysely);
}

export async function projectLimits(svc: ConfigDeps, projectId: string): Promise<Record<string, number>> {
  return hardLimits(svc.db.kysely, svc.config.quotas, projectId, await typeNames(svc));
}

export async function showQuotas(
  svc: ConfigDeps,
  ctx: RequestContext,
  target: string,
  withUsage: boolean,
): Promise<Record<string, unknown>> {
  authorize(ctx, "volume_extension:quotas:show", target);
  const limits = await projectLimits(svc, target);
  if (!withUsage) return { id: target, ...limits };
  const used = await usage(svc.db.kysely, target);
  const out: Record<string, unknown> = { id: target };
  for (const [k, limit] of Object.entries(limits)) {
    out[k] = { limit, in_use: k === "per_volume_gigabytes" ? 0 : (used[k]?.in_use ?? 0), reserved: used[k]?.reserved ?? 0 };
  }
  return out;
}

export async function defaultQuotas(svc: ConfigDeps, ctx: RequestContext, target: string): Promise<Record<string, unknown>> {
  authorize(ctx, "volume_extension:quotas:show", target);
  // The defaults: the default class over the configured values, as if the project had none of its own.
  const limits = await hardLimits(svc.db.kysely, svc.config.quotas, null, await typeNames(svc));
  return { id: target, ...limits };
}

/** Which keys of a quota update are real quota keys (the resources, and per-type ones of existing types). */
async function checkKeys(svc: DbDeps, body: Record<string, unknown>): Promise<Record<string, number>> {
  const types = new Set(await typeNames(svc));
  const bad: string[] = [];
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === "id" || k === "tenant_id") continue;
    const known = (QUOTA_RESOURCES as readonly string[]).includes(k) || (isPerType(k) && types.has(k.slice(k.indexOf("_") + 1)));
    if (!known) bad.push(k);
    else out[k] = v as number;
  }
  if (bad.length) throw invalidInput(`Bad key(s) in quota set: ${bad.join(", ")}`);
  return out;
}

export async function updateQuotas(
  svc: ConfigDeps,
  ctx: RequestContext,
  target: string,
  body: Record<string, unknown>,
): Promise<Record<string, number>> {
  authorize(ctx, "volume_extension:quotas:update", target);
  if (target.length < 1 || target.length > 255) throw badRequest("The project id must be 1 to 255 characters.");
  const values = await checkKeys(svc, body);
  const db = svc.db.kysely;
  await db.transaction().execute(async (trx) => {
    const used = await usage(trx, target);
    for (const [k, limit] of Object.entries(values)) {
      const inUse = (used[k]?.in_use ?? 0) + (used[k]?.reserved ?? 0);
      // Cinder checks this only for keys the project already had a value for; the intent — never
      // set a limit below what is used — holds for every key.
      if (limit !== -1 && k !== "per_volume_gigabytes" && limit < inUse) {
        throw badRequest(
          `Quota ${k} limit must be equal or greater than existing resources. Current usage is ${inUse} and the requested limit is ${limit}.`,
        );
      }
      await setProjectLimit(trx, target, k, limit);
    }
  });
  return projectLimits(svc, target);
}

export async function deleteQuotas(svc: DbDeps, ctx: RequestContext, target: string): Promise<void> {
  authorize(ctx, "volume_extension:quotas:delete", target);
  await deleteProjectLimits(svc.db.kysely, target);
}

export async function showQuotaClass(svc: ConfigDeps, ctx: RequestContext, name: string): Promise<Record<string, unknown>> {
  authorize(ctx, "volume_extension:quota_classes:get");
  return { id: name, ...(await classLimits(svc, name)) };
}

async function classLimits(svc: ConfigDeps, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = { ...(await hardLimits(svc.db.kysely, svc.config.quotas, null, await typeNames(svc))) };
  if (name !== DEFAULT_CLASS) {
    for (const r of await classLimitRows(svc.db.kysely, name)) out[r.resource] = r.hard_limit;
  }
  return out;
}

export async function updateQuotaClass(
  svc: ConfigDeps,
  ctx: RequestContext,
  name: string,
  body: Record<string, unknown>,
): Promise<Record<string, number>> {
  authorize(ctx, "volume_extension:quota_classes:update");
  // cinder/api/contrib/quota_classes.py update: validate_string_length(id, 'quota_class_name', 1, 255).
  if (name.length > 255) throw invalidInput(`quota_class_name has ${name.length} characters, more than 255.`);
  const values = await checkKeys(svc, body);
  await svc.db.kysely.transaction().execute(async (trx) => {
    for (const [k, limit] of Object.entries(values)) {
      await setClassLimit(trx, name, k, limit);
    }
  });
  return classLimits(svc, name);
}
