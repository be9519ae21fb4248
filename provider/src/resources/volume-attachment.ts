/**
 * cinder:index:VolumeAttachment — an attachment through the attachments API (api-ref "Attachments",
 * 3.27; `os-complete` 3.44; `mode` 3.54). With a `connector` (os-brick's description of the host)
 * the volume is exported and `connectionInfo` (target, CHAP credentials: a **secret** output) is
 * returned, and the attachment is completed (`attached`, volume `in-use`) unless `complete: false`.
 * Without one the volume is only reserved. Every input replaces. Delete ends the attachment
 * (disconnect and remove; the volume goes back to `available` when it was its last).
 */
import type { Attachment, CinderClient } from "@cinderblock/sdk";
import { MV } from "@cinderblock/sdk";
import { checkInputs, previewOuts } from "../lib/check";
import { diffInputs, type Rule } from "../lib/diff";
import { ignoreGone, orGone } from "../lib/sdk";
import type { Props } from "../lib/wire";
import type { PropSpec, ResourceDef } from "./types";

const properties: Record<string, PropSpec> = {
  volumeId: { type: "string", input: true, required: true, replaceOnChanges: true, description: "The volume to attach." },
  instanceId: { type: "string", input: true, replaceOnChanges: true, description: "The server (instance uuid) the volume is attached to, if any." },
  connector: {
    type: "object",
    input: true,
    replaceOnChanges: true,
    schema: { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } },
    description: "The host's connector as os-brick describes it (`initiator`, `ip`, `host`, `multipath`, `platform`, `os_type`, …). Without it the volume is only reserved.",
  },
  mode: { type: "string", input: true, enum: ["rw", "ro"], replaceOnChanges: true, description: "Attach mode (microversion 3.54; default `rw`)." },
  complete: { type: "boolean", input: true, replaceOnChanges: true, description: "Mark the attachment attached (os-complete, 3.44) once connected (default true when a connector is given)." },
  status: { type: "string", description: "The attachment's status (`reserved`, `attaching`, `attached`, …)." },
  attachMode: { type: "string", always: false, description: "The mode the server recorded." },
  attachedAt: { type: "string", always: false, description: "When it was attached (ISO 8601)." },
  connectionInfo: {
    type: "object",
    secret: true,
    schema: { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } },
    description: "How the host connects (driver_volume_type, target, CHAP credentials): a secret.",
  },
};

const RULES: Record<string, Rule> = { volumeId: "replace", instanceId: "replace", connector: "replace", mode: "replace", complete: "replace" };

function outputs(a: Attachment, inputs: Props): Props {
  return {
    ...inputs,
    volumeId: a.volume_id,
    instanceId: a.instance ?? inputs.instanceId,
    status: a.status,
    attachMode: a.attach_mode ?? undefined,
    attachedAt: a.attached_at ?? undefined,
    connectionInfo: a.connection_info ?? {},
  };
}

const needing = (c: CinderClient, mv: string) => (c.supports(mv) ? c : c.withMicroversion(mv));

export const volumeAttachment: ResourceDef = {
  token: "cinder:index:VolumeAttachment",
  description: "An attachment of a volume to a host or server through the attachments API (3.27+); connectionInfo is a secret output.",
  properties,
  importId: "the attachment id",
  defaultTimeoutSec: 300,
  check: (news) => checkInputs(properties, news),
  diff: (olds, news, oldInputs) => diffInputs(Object.keys(oldInputs).length ? oldInputs : olds, news, RULES),
  preview: (inputs) => previewOuts(properties, inputs),
  async create(ctx, inputs) {
    const c = needing(await ctx.client(), MV.NEW_ATTACH);
    const a = await c.attachments.create({
      volume_uuid: inputs.volumeId as string,
      ...(inputs.instanceId ? { instance_uuid: inputs.instanceId as string } : {}),
      ...(inputs.connector ? { connector: inputs.connector as never } : {}),
      ...(inputs.mode ? { mode: inputs.mode as "rw" | "ro" } : {}),
    } as never);
    if (inputs.connector && inputs.complete !== false) await needing(c, "3.44").attachments.complete(a.id);
    return { id: a.id, outs: outputs(await c.attachments.get(a.id), inputs) };
  },
  async read(ctx, id, state, oldInputs) {
    const c = needing(await ctx.client(), MV.NEW_ATTACH);
    const a = await orGone(() => c.attachments.get(id));
    if (!a) return undefined;
    const importing = Object.keys(oldInputs).length === 0;
    const inputs: Props = importing ? { volumeId: a.volume_id, ...(a.instance ? { instanceId: a.instance } : {}) } : { ...oldInputs };
    return { id, outs: outputs(a, { ...state, ...inputs }), inputs };
  },
  async update(ctx, id, _olds, news) {
    const c = needing(await ctx.client(), MV.NEW_ATTACH);
    return outputs(await c.attachments.get(id), news);
  },
  async delete(ctx, id) {
    const c = needing(await ctx.client(), MV.NEW_ATTACH);
    await ignoreGone(() => c.attachments.delete(id));
  },
};
