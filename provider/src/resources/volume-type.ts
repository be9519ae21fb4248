/**
 * cinder:index:VolumeType — a volume type (admin; api-ref "Volume types (types)"). Everything is
 * in place: name, description, isPublic, and extraSpecs diffed per key (only changed keys are set,
 * only removed keys unset — unlike the anchor's delete-all-then-set). A replacement (never forced by
 * a property, but possible through `replaceOnChanges`) deletes first, since names are unique.
 */
import type { CinderClient, VolumeType } from "@cinderblock/sdk";
import { autoname, checkInputs, previewOuts } from "../lib/check";
import { diffInputs, mapChanges, type Rule } from "../lib/diff";
import { ignoreGone, orGone } from "../lib/sdk";
import type { Props } from "../lib/wire";
import type { PropSpec, ResourceDef } from "./types";

export const volumeTypeProperties: Record<string, PropSpec> = {
  name: { type: "string", always: true, input: true, description: "Name, unique in the cloud (default: the logical name plus a random suffix)." },
  description: { type: "string", input: true, description: "Description." },
  isPublic: { type: "boolean", always: true, input: true, description: "Visible to every project (default true); private types are shared with VolumeTypeAccess." },
  extraSpecs: { type: "stringMap", always: true, input: true, description: "Extra specs, e.g. `volume_backend_name`; diffed and applied per key." },
  qosSpecsId: { type: "string", always: false, description: "The associated QoS spec, if any." },
};

const RULES: Record<string, Rule> = { name: "update", description: "update", isPublic: "computed", extraSpecs: "perKey" };

async function outputs(c: CinderClient, t: VolumeType, inputs: Props): Promise<Props> {
  const specs = t.extra_specs ?? (await c.volumeTypes.getExtraSpecs(t.id));
  return {
    ...inputs,
    name: t.name,
    description: t.description ?? undefined,
    isPublic: t.is_public ?? t["os-volume-type-access:is_public"],
    extraSpecs: Object.fromEntries(Object.entries(specs ?? {}).filter(([, v]) => v !== null)),
    qosSpecsId: t.qos_specs_id ?? undefined,
  };
}

export const volumeType: ResourceDef = {
  token: "cinder:index:VolumeType",
  description: "A Cinder volume type (admin).",
  properties: volumeTypeProperties,
  importId: "the volume type id",
  check(news, olds, input) {
    const r = checkInputs(volumeTypeProperties, news);
    autoname(r.inputs, olds, input);
    return r;
  },
  diff(olds, news, oldInputs) {
    const d = diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, RULES);
    // Names are unique: a replacement with the same name must delete the old type first.
    if (d.replaces.length && news.name === (oldInputs.name ?? olds.name)) d.deleteBeforeReplace = true;
    return d;
  },
  preview: (inputs, olds) => previewOuts(volumeTypeProperties, inputs, olds),

  async create(ctx, inputs) {
    const c = await ctx.client();
    const t = await c.volumeTypes.create({
      name: inputs.name as string,
      description: inputs.description as string | undefined,
      extra_specs: inputs.extraSpecs as Record<string, string> | undefined,
      "os-volume-type-access:is_public": inputs.isPublic as boolean | undefined,
    });
    return { id: t.id, outs: await outputs(c, await c.volumeTypes.get(t.id), inputs) };
  },

  async read(ctx, id, state, oldInputs) {
    const c = await ctx.client();
    const t = await orGone(() => c.volumeTypes.get(id));
    if (!t) return undefined;
    const outs = await outputs(c, t, { ...state, ...oldInputs });
    const importing = Object.keys(oldInputs).length === 0;
    const inputs: Props = { ...oldInputs, name: outs.name, isPublic: outs.isPublic };
    if (importing || oldInputs.description !== undefined) inputs.description = outs.description;
    if (importing || oldInputs.extraSpecs !== undefined) inputs.extraSpecs = outs.extraSpecs;
    if (importing && !Object.keys(outs.extraSpecs as Props).length) delete inputs.extraSpecs;
    return { id, outs, inputs };
  },

  async update(ctx, id, olds, news, oldInputs) {
    const c = await ctx.client();
    const before = Object.keys(oldInputs).length ? oldInputs : olds;
    const change: Record<string, unknown> = {};
    if (news.name !== before.name) change.name = news.name;
    if (news.description !== before.description) change.description = news.description ?? "";
    if (news.isPublic !== undefined && news.isPublic !== before.isPublic) change.is_public = news.isPublic;
    if (Object.keys(change).length) await c.volumeTypes.update(id, change);
    const specs = mapChanges(before.extraSpecs as Props | undefined, news.extraSpecs as Props | undefined);
    if (Object.keys(specs.set).length) await c.volumeTypes.setExtraSpecs(id, specs.set as Record<string, string>);
    for (const k of specs.unset) await ignoreGone(() => c.volumeTypes.deleteExtraSpec(id, k));
    return outputs(c, await c.volumeTypes.get(id), news);
  },

  async delete(ctx, id) {
    const c = await ctx.client();
    await ignoreGone(() => c.volumeTypes.delete(id));
  },
};
