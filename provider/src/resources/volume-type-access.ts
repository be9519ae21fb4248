/**
 * cinder:index:VolumeTypeAccess — shares a private volume type with a project (admin;
 * os-volume-type-access addProjectAccess/removeProjectAccess). Both inputs replace. Id and import
 * id: `<volumeTypeId>/<projectId>`.
 */
import { checkInputs, previewOuts } from "../lib/check";
import { diffInputs } from "../lib/diff";
import { ignoreGone, orGone } from "../lib/sdk";
import type { PropSpec, ResourceDef } from "./types";

const properties: Record<string, PropSpec> = {
  volumeTypeId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The private volume type." },
  projectId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The project given access." },
};

const split = (id: string) => {
  const [volumeTypeId, projectId, ...rest] = id.split("/");
  if (!volumeTypeId || !projectId || rest.length) throw new Error(`a VolumeTypeAccess id is '<volumeTypeId>/<projectId>', got '${id}'`);
  return { volumeTypeId, projectId };
};

export const volumeTypeAccess: ResourceDef = {
  token: "cinder:index:VolumeTypeAccess",
  description: "Access of a project to a private volume type (admin).",
  properties,
  importId: "`<volumeTypeId>/<projectId>`",
  check: (news) => checkInputs(properties, news),
  diff: (olds, news, oldInputs) => diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, { volumeTypeId: "replace", projectId: "replace" }),
  preview: (inputs) => previewOuts(properties, inputs),
  async create(ctx, inputs) {
    const c = await ctx.client();
    await c.volumeTypes.addProjectAccess(inputs.volumeTypeId as string, inputs.projectId as string);
    return { id: `${inputs.volumeTypeId}/${inputs.projectId}`, outs: { ...inputs } };
  },
  async read(ctx, id) {
    const c = await ctx.client();
    const key = split(id);
    const list = await orGone(() => c.volumeTypes.listAccess(key.volumeTypeId));
    if (!list?.some((a) => a.project_id === key.projectId)) return undefined;
    return { id, outs: { ...key }, inputs: { ...key } };
  },
  update: async (_ctx, _id, _olds, news) => ({ ...news }),
  async delete(ctx, id) {
    const c = await ctx.client();
    const key = split(id);
    await ignoreGone(() => c.volumeTypes.removeProjectAccess(key.volumeTypeId, key.projectId));
  },
};
