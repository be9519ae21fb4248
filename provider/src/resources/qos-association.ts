/**
 * cinder:index:QosAssociation — associates a QoS spec with a volume type (admin). Both inputs
 * replace. Id and import id: `<qosSpecId>/<volumeTypeId>`.
 */
import { checkInputs, previewOuts } from "../lib/check";
import { diffInputs } from "../lib/diff";
import { ignoreGone, orGone } from "../lib/sdk";
import type { PropSpec, ResourceDef } from "./types";

const properties: Record<string, PropSpec> = {
  qosSpecId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The QoS spec." },
  volumeTypeId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The volume type." },
};

const split = (id: string) => {
  const [qosSpecId, volumeTypeId, ...rest] = id.split("/");
  if (!qosSpecId || !volumeTypeId || rest.length) throw new Error(`a QosAssociation id is '<qosSpecId>/<volumeTypeId>', got '${id}'`);
  return { qosSpecId, volumeTypeId };
};

export const qosAssociation: ResourceDef = {
  token: "cinder:index:QosAssociation",
  description: "The association of a QoS spec with a volume type (admin).",
  properties,
  importId: "`<qosSpecId>/<volumeTypeId>`",
  check: (news) => checkInputs(properties, news),
  diff: (olds, news, oldInputs) => diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, { qosSpecId: "replace", volumeTypeId: "replace" }),
  preview: (inputs) => previewOuts(properties, inputs),
  async create(ctx, inputs) {
    const c = await ctx.client();
    await c.qosSpecs.associate(inputs.qosSpecId as string, inputs.volumeTypeId as string);
    return { id: `${inputs.qosSpecId}/${inputs.volumeTypeId}`, outs: { ...inputs } };
  },
  async read(ctx, id) {
    const c = await ctx.client();
    const key = split(id);
    const list = await orGone(() => c.qosSpecs.listAssociations(key.qosSpecId));
    if (!list?.some((a) => a.id === key.volumeTypeId)) return undefined;
    return { id, outs: { ...key }, inputs: { ...key } };
  },
  update: async (_ctx, _id, _olds, news) => ({ ...news }),
  async delete(ctx, id) {
    const c = await ctx.client();
    const key = split(id);
    await ignoreGone(() => c.qosSpecs.disassociate(key.qosSpecId, key.volumeTypeId));
  },
};
