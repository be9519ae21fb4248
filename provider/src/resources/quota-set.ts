/**
 * cinder:index:QuotaSet — a project's quota limits (admin; os-quota-sets). Every quota field
 * updates in place; projectId replaces. Delete resets the project to the defaults (DELETE
 * os-quota-sets/<project>) rather than leaving the last values behind as the anchor does.
 * Id and import id: the project id.
 */
import { checkInputs, previewOuts } from "../lib/check";
import { diffInputs, type Rule } from "../lib/diff";
import { ignoreGone } from "../lib/sdk";
import type { Props } from "../lib/wire";
import type { PropSpec, ResourceDef } from "./types";

export const QUOTA_FIELDS = {
  volumes: "volumes",
  snapshots: "snapshots",
  gigabytes: "gigabytes",
  backups: "backups",
  backupGigabytes: "backup_gigabytes",
  perVolumeGigabytes: "per_volume_gigabytes",
  groups: "groups",
} as const;

const properties: Record<string, PropSpec> = {
  projectId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The project." },
  ...Object.fromEntries(
    Object.keys(QUOTA_FIELDS).map((k) => [k, { type: "integer", input: true, always: true, description: `Limit on ${k} (-1: unlimited; unset: left as is).` } as PropSpec]),
  ),
  volumeTypeQuotas: { type: "stringMap", input: true, description: "Per-type limits as `{\"volumes_gold\": \"5\"}` (values are integers as strings)." },
};

const RULES: Record<string, Rule> = { projectId: "replace", volumeTypeQuotas: "perKey", ...Object.fromEntries(Object.keys(QUOTA_FIELDS).map((k) => [k, "computed" as Rule])) };

function body(inputs: Props): Record<string, number> {
  const b: Record<string, number> = {};
  for (const [k, wire] of Object.entries(QUOTA_FIELDS)) if (typeof inputs[k] === "number") b[wire] = inputs[k] as number;
  for (const [k, v] of Object.entries((inputs.volumeTypeQuotas as Record<string, string>) ?? {})) b[k] = Number(v);
  return b;
}

function outputs(q: Record<string, unknown>, inputs: Props): Props {
  const outs: Props = { ...inputs };
  for (const [k, wire] of Object.entries(QUOTA_FIELDS)) outs[k] = q[wire];
  if (inputs.volumeTypeQuotas) outs.volumeTypeQuotas = Object.fromEntries(Object.keys(inputs.volumeTypeQuotas as Props).map((k) => [k, String(q[k])]));
  return outs;
}

export const quotaSet: ResourceDef = {
  token: "cinder:index:QuotaSet",
  description: "A project's Cinder quotas (admin). Deleting the resource resets the project to the default quotas.",
  properties,
  importId: "the project id",
  check(news) {
    const r = checkInputs(properties, news);
    for (const [k, v] of Object.entries((r.inputs.volumeTypeQuotas as Props) ?? {})) {
      if (!/^-?\d+$/.test(String(v))) r.failures.push({ property: "volumeTypeQuotas", reason: `volumeTypeQuotas.${k} must be an integer, got ${JSON.stringify(v)}` });
    }
    for (const k of Object.keys(QUOTA_FIELDS)) {
      const v = r.inputs[k];
      if (typeof v === "number" && v < -1) r.failures.push({ property: k, reason: `${k} must be -1 (unlimited) or ≥ 0, got ${v}` });
    }
    return r;
  },
  diff: (olds, news, oldInputs) => diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, RULES),
  preview: (inputs, olds) => previewOuts(properties, inputs, olds),
  async create(ctx, inputs) {
    const c = await ctx.client();
    const project = inputs.projectId as string;
    await c.quotas.update(project, body(inputs) as never);
    return { id: project, outs: outputs(await c.quotas.get(project), inputs) };
  },
  async read(ctx, id, state, oldInputs) {
    const c = await ctx.client();
    const q = (await c.quotas.get(id)) as unknown as Record<string, unknown>;
    const importing = Object.keys(oldInputs).length === 0;
    const inputs: Props = { projectId: id };
    for (const [k, wire] of Object.entries(QUOTA_FIELDS)) if (importing || oldInputs[k] !== undefined) inputs[k] = q[wire];
    if (oldInputs.volumeTypeQuotas) inputs.volumeTypeQuotas = Object.fromEntries(Object.keys(oldInputs.volumeTypeQuotas as Props).map((k) => [k, String(q[k])]));
    return { id, outs: outputs(q, { ...state, ...inputs }), inputs };
  },
  async update(ctx, id, _olds, news) {
    const c = await ctx.client();
    await c.quotas.update(id, body(news) as never);
    return outputs(await c.quotas.get(id), news);
  },
  async delete(ctx, id) {
    const c = await ctx.client();
    await ignoreGone(() => c.quotas.delete(id));
  },
};
