/**
 * cinder:index:GroupType — a generic volume group type (admin; api-ref "Group types
 * (group_types)", microversion 3.11). Everything is in place: name, description, isPublic, and
 * groupSpecs diffed per key (only changed keys are set, only removed keys unset). A replacement
 * (possible through `replaceOnChanges`) deletes first, since names are unique.
 */
import type { CinderClient, GroupType } from "@cinderblock/sdk";
import { autoname, checkInputs, previewOuts } from "../lib/check";
import { diffInputs, mapChanges, type Rule } from "../lib/diff";
import { ignoreGone, orGone } from "../lib/sdk";
import type { Props } from "../lib/wire";
import type { PropSpec, ResourceDef } from "./types";

export const groupTypeProperties: Record<string, PropSpec> = {
  name: { type: "string", always: true, input: true, description: "Name, unique in the cloud (default: the logical name plus a random suffix)." },
  description: { type: "string", input: true, description: "Description." },
  isPublic: { type: "boolean", always: true, input: true, description: "Visible to every project (default true)." },
  groupSpecs: { type: "stringMap", always: true, input: true, description: "Group specs; diffed and applied per key." },
};

const RULES: Record<string, Rule> = { name: "update", description: "update", isPublic: "computed", groupSpecs: "perKey" };

async function outputs(c: CinderClient, t: GroupType, inputs: Props): Promise<Props> {
  const specs = t.group_specs ?? (await c.groupTypes.getGroupSpecs(t.id));
  return {
    ...inputs,
    name: t.name,
    description: t.description ?? undefined,
    isPublic: t.is_public,
    groupSpecs: Object.fromEntries(Object.entries(specs ?? {}).filter(([, v]) => v !== null)),
  };
}

export const groupType: ResourceDef = {
  token: "cinder:index:GroupType",
  description: "A Cinder generic volume group type (admin, microversion 3.11).",
  properties: groupTypeProperties,
  importId: "the group type id",
  check(news, olds, input) {
    const r = checkInputs(groupTypeProperties, news);
    autoname(r.inputs, olds, input);
    return r;
  },
  diff(olds, news, oldInputs) {
    const d = diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, RULES);
    if (d.replaces.length && news.name === (oldInputs.name ?? olds.name)) d.deleteBeforeReplace = true;
    return d;
  },
  preview: (inputs, olds) => previewOuts(groupTypeProperties, inputs, olds),

  async create(ctx, inputs) {
    const c = await ctx.client();
    const t = await c.groupTypes.create({
      name: inputs.name as string,
      description: inputs.description as string | undefined,
      group_specs: inputs.groupSpecs as Record<string, string> | undefined,
      is_public: inputs.isPublic as boolean | undefined,
    });
    return { id: t.id, outs: await outputs(c, await c.groupTypes.get(t.id), inputs) };
  },

  async read(ctx, id, state, oldInputs) {
    const c = await ctx.client();
    const t = await orGone(() => c.groupTypes.get(id));
    if (!t) return undefined;
    const outs = await outputs(c, t, { ...state, ...oldInputs });
    const importing = Object.keys(oldInputs).length === 0;
    const inputs: Props = { ...oldInputs, name: outs.name, isPublic: outs.isPublic };
    if (importing || oldInputs.description !== undefined) inputs.description = outs.description;
    if (importing || oldInputs.groupSpecs !== undefined) inputs.groupSpecs = outs.groupSpecs;
    if (importing && !Object.keys(outs.groupSpecs as Props).length) delete inputs.groupSpecs;
    return { id, outs, inputs };
  },

  async update(ctx, id, olds, news, oldInputs) {
    const c = await ctx.client();
    const before = Object.keys(oldInputs).length ? oldInputs : olds;
    const change: Record<string, unknown> = {};
    if (news.name !== before.name) change.name = news.name;
    if (news.description !== before.description) change.description = news.description ?? "";
    if (news.isPublic !== undefined && news.isPublic !== before.isPublic) change.is_public = news.isPublic;
    if (Object.keys(change).length) await c.groupTypes.update(id, change);
    const specs = mapChanges(before.groupSpecs as Props | undefined, news.groupSpecs as Props | undefined);
    if (Object.keys(specs.set).length) await c.groupTypes.setGroupSpecs(id, specs.set as Record<string, string>);
    for (const k of specs.unset) await ignoreGone(() => c.groupTypes.deleteGroupSpec(id, k));
    return outputs(c, await c.groupTypes.get(id), news);
  },

  async delete(ctx, id) {
    const c = await ctx.client();
    await ignoreGone(() => c.groupTypes.delete(id));
  },
};
