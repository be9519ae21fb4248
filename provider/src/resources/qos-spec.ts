/**
 * cinder:index:QosSpec — a QoS spec (admin; api-ref "Quality of service (QoS) specifications").
 * specs are diffed per key (set changed keys, delete_keys removed ones); consumer changes in place
 * (Cinder's PUT takes it as a key); name replaces, deleting first when the name stays (names are unique). Delete disassociates from every type.
 */
import type { QosSpecs } from "@cinderblock/sdk";
import { autoname, checkInputs, previewOuts } from "../lib/check";
import { diffInputs, mapChanges } from "../lib/diff";
import { ignoreGone, orGone } from "../lib/sdk";
import type { Props } from "../lib/wire";
import type { PropSpec, ResourceDef } from "./types";

const properties: Record<string, PropSpec> = {
  name: { type: "string", always: true, input: true, replaceOnChanges: true, description: "Name, unique (default: the logical name plus a random suffix). Replaces on change." },
  consumer: { type: "string", always: true, input: true, enum: ["front-end", "back-end", "both"], description: "Where the limits apply (default `back-end`). Changes in place; leaving it out keeps the server's value." },
  specs: { type: "stringMap", always: true, input: true, description: "The QoS keys, e.g. `total_iops_sec`; diffed and applied per key." },
};

const outputs = (q: QosSpecs, inputs: Props): Props => ({ ...inputs, name: q.name, consumer: q.consumer, specs: { ...(q.specs ?? {}) } });

export const qosSpec: ResourceDef = {
  token: "cinder:index:QosSpec",
  description: "A Cinder QoS spec (admin).",
  properties,
  importId: "the QoS spec id",
  check(news, olds, input) {
    const r = checkInputs(properties, news);
    for (const k of ["name", "consumer"]) {
      if (r.inputs.specs && typeof r.inputs.specs === "object" && k in r.inputs.specs) {
        r.failures.push({ property: "specs", reason: `specs must not contain '${k}': set the QosSpec's own '${k}' input instead` });
      }
    }
    autoname(r.inputs, olds, input);
    return r;
  },
  diff(olds, news, oldInputs) {
    const before = Object.keys(oldInputs).length ? oldInputs : olds;
    const d = diffInputs(before, news, { name: "replace", consumer: "computed", specs: "perKey" });
    if (d.replaces.length && news.name === before.name) d.deleteBeforeReplace = true;
    return d;
  },
  preview: (inputs, olds) => previewOuts(properties, inputs, olds),
  async create(ctx, inputs) {
    const c = await ctx.client();
    const body = { ...((inputs.specs as Record<string, string>) ?? {}), name: inputs.name as string, ...(inputs.consumer ? { consumer: inputs.consumer } : {}) };
    const q = await c.qosSpecs.create(body as never);
    return { id: q.id, outs: outputs(await c.qosSpecs.get(q.id), inputs) };
  },
  async read(ctx, id, state, oldInputs) {
    const c = await ctx.client();
    const q = await orGone(() => c.qosSpecs.get(id));
    if (!q) return undefined;
    const inputs: Props = { ...oldInputs, name: q.name, consumer: q.consumer, specs: { ...(q.specs ?? {}) } };
    if (Object.keys(oldInputs).length && oldInputs.consumer === undefined) delete inputs.consumer;
    return { id, outs: outputs(q, { ...state, ...inputs }), inputs };
  },
  async update(ctx, id, olds, news, oldInputs) {
    const c = await ctx.client();
    const before = Object.keys(oldInputs).length ? oldInputs : olds;
    const specs = mapChanges(before.specs as Props | undefined, news.specs as Props | undefined);
    // Cinder takes `consumer` as one more key of the same PUT (cinder/volume/qos_specs.py update).
    if (news.consumer !== undefined && news.consumer !== before.consumer) specs.set.consumer = news.consumer;
    if (Object.keys(specs.set).length) await c.qosSpecs.setKeys(id, specs.set as never);
    if (specs.unset.length) await c.qosSpecs.unsetKeys(id, specs.unset);
    return outputs(await c.qosSpecs.get(id), news);
  },
  async delete(ctx, id) {
    const c = await ctx.client();
    await ignoreGone(() => c.qosSpecs.disassociateAll(id));
    await ignoreGone(() => c.qosSpecs.delete(id, { force: true }));
  },
};
